"""Layer 1: routines as data: the shipped routines load and validate; bad files name file, line, field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from formcheck.cli import main
from formcheck.records.errors import SpecError
from formcheck.spec import (
    ROUTINES_DIR,
    list_routines,
    load_routine,
    parse_routine_text,
    plan_routine,
)
from formcheck.spec.routine import Routine
from tests.helpers import field_name, number_fields, with_value

GOOD = """\
name: demo
title: Demo
rest_s: 15
exercises:
  - exercise: glute_bridge
    sets: 2
    reps: 5
  - exercise: plank
    hold_s: 20
    rest_s: 5
  - exercise: bird_dog
    per_side: true
  - exercise: not_a_spec_yet
"""


def test_shipped_routines_are_listed_and_cover_the_two_programmes() -> None:
    assert {"lower_back", "upper_back"} <= set(list_routines())
    lower = [e.exercise for e in load_routine("lower_back").exercises]
    assert {"cat_cow", "bird_dog", "glute_bridge", "superman_hold", "plank"} <= set(lower)
    upper = [e.exercise for e in load_routine("upper_back").exercises]
    assert {"prone_y_raise", "prone_t_raise", "prone_w_raise", "band_pull_apart", "shoulder_blade_squeeze",
            "seated_row", "neck_stretch", "upper_trap_stretch"} <= set(upper)


def test_plan_pairs_specs_takes_targets_and_skips_what_has_no_spec() -> None:
    plan = plan_routine(parse_routine_text(GOOD, "demo.yaml"))
    got = [(p.spec.name, p.reps, p.hold_s, p.rest_s, p.entry.sets) for p in plan.entries]
    # bird_dog has no target in the file: its spec's own (8 per side) is used
    assert got == [("glute_bridge", 5, None, 15.0, 2), ("plank", None, 20.0, 5.0, 1), ("bird_dog", 8, None, 15.0, 1)]
    assert plan.skipped == (("not_a_spec_yet", "not yet specified: skipped"),)
    # bird-dog counts each side in one set: per_side does not double its sets
    assert plan.sets == 2 + 1 + 1
    assert [p.target_text for p in plan.entries] == ["5 reps", "20 s hold", "8 reps each side"]


def test_a_misspelt_exercise_is_skipped_with_a_suggestion() -> None:
    plan = plan_routine(parse_routine_text(GOOD.replace("not_a_spec_yet", "glute_brige"), "demo.yaml"))
    assert plan.skipped == (("glute_brige", "not yet specified: skipped (did you mean 'glute_bridge'?)"),)


@pytest.mark.parametrize("old, new, expected", [
    ("    reps: 5", "    rep: 5", r"demo.yaml:7: exercises\[0\].rep: unknown field; did you mean 'reps'\?"),
    ("    sets: 2", "    sets: 0", r"demo.yaml:6: exercises\[0\].sets: "),
    ("    reps: 5", "    reps: 5\n    hold_s: 3", r"demo.yaml:5: exercises\[0\]: give reps or hold_s, not both"),
    ("    hold_s: 20", "    reps: 20", r"demo.yaml:9: exercises\[1\].reps: plank is a hold exercise: give hold_s"),
    ("    reps: 5", "    hold_s: 5", r"demo.yaml:7: exercises\[0\].hold_s: glute_bridge is a reps exercise: give reps"),
    ("rest_s: 15", "rest: 15", r"demo.yaml:3: rest: unknown field; did you mean 'rest_s'\?"),
    ("title: Demo\n", "", r"title: required field is missing"),
    ("  - exercise: plank", "  - exercise: Plank!", r"demo.yaml:8: exercises\[1\].exercise: "),
])
def test_errors_name_file_line_and_field(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    with pytest.raises(SpecError, match=expected):
        parse_routine_text(GOOD.replace(old, new, 1), "demo.yaml")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), int("1" * 300)], ids=["nan", "inf", "300-digits"])
def test_every_numeric_field_refuses_a_number_no_routine_can_mean(value: float) -> None:
    """The same check and words as a spec's numbers; fields found from the JSON Schema."""
    fields = number_fields(Routine.model_json_schema())
    assert ("rest_s",) in fields and ("exercises", 0, "reps") in fields
    for path in fields:
        text = yaml.safe_dump(with_value(yaml.safe_load(GOOD), path, value), sort_keys=False)
        with pytest.raises(SpecError, match=rf"^demo\.yaml:\d+: {re.escape(field_name(path))}: .*not a usable number"):
            parse_routine_text(text, "demo.yaml")


def test_not_yaml_and_not_a_mapping_name_the_file() -> None:
    with pytest.raises(SpecError, match=r"demo.yaml:2: not valid YAML"):
        parse_routine_text("name: x\n  - : [\n", "demo.yaml")
    with pytest.raises(SpecError, match=r"demo.yaml:1: a routine must be a YAML mapping"):
        parse_routine_text("- a\n- b\n", "demo.yaml")


def test_name_must_match_a_built_in_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import formcheck.spec.routine as routine

    (tmp_path / "mine.yaml").write_text(GOOD)
    monkeypatch.setattr(routine, "ROUTINES_DIR", tmp_path)
    with pytest.raises(SpecError, match=r"mine.yaml:1: name: 'demo' must match the file name 'mine'"):
        routine.load_routine("mine")


class TestRoutinesCommand:
    def test_list_names_every_shipped_routine(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["routines", "list"]) == 0
        listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
        assert listed == sorted(p.stem for p in ROUTINES_DIR.glob("*.yaml")) and "lower_back" in listed

    def test_every_shipped_routine_validates(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["routines", "validate"]) == 0
        out = capsys.readouterr().out
        for name in list_routines():
            assert f"{name}.yaml ({name}:" in out

    def test_show_marks_exercises_without_a_spec(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "demo.yaml"
        path.write_text(GOOD)
        assert main(["routines", "show", str(path)]) == 0
        out = capsys.readouterr().out
        assert "Glute bridge: 2 sets x 5 reps, rest 15 s" in out
        assert "4. not_a_spec_yet: not yet specified: skipped" in out

    def test_a_bad_file_fails_with_one_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text(GOOD.replace("    reps: 5", "    rep: 5"))
        assert main(["routines", "validate", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"{path}:7: exercises[0].rep: unknown field" in err
        assert err.strip().splitlines()[-1] == "formcheck: error: 1 of 1 routine(s) invalid"

    def test_unknown_routine_is_a_one_line_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["routines", "show", "lowr_back"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("formcheck: error: unknown routine 'lowr_back': did you mean 'lower_back'?")
        assert "\n" not in err
