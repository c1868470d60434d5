"""Layer 1: spec loading and validation: every built-in spec loads; bad specs name file, line, field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from formcheck.cli import main
from formcheck.records.errors import SpecError
from formcheck.spec import list_specs, load_spec, parse_spec_text, spec_json_schema
from tests.helpers import field_name, number_fields, with_value

REQUIRED = {"bird_dog", "glute_bridge", "superman", "superman_hold", "bent_over_row", "one_arm_row", "plank",
            "deadlift"}

GOOD = """\
name: demo
title: Demo
kind: reps
key_features: [hip_angle]
rep:
  signal: hip_angle
  start: 130
  peak: 160
rules:
  - id: hips_low
    when: "hip_angle < 165"
    phases: [peak]
    message: up
"""


def test_every_contract_id_has_a_valid_spec() -> None:
    assert REQUIRED <= set(list_specs())
    for name in list_specs():
        spec = load_spec(name)
        assert spec.name == name
        assert (spec.rep is not None) == (spec.kind == "reps")


def test_good_text_parses() -> None:
    spec = parse_spec_text(GOOD, "demo.yaml")
    assert spec.rep is not None and spec.rep.direction == 1
    assert spec.feature_names() == ["hip_angle"]


@pytest.mark.parametrize("old, new, expected", [
    ("  signal: hip_angle", "  signal: hip_angel", r"demo.yaml:6: rep.signal: unknown feature 'hip_angel'; did you mean 'hip_angle'"),
    ("    phases: [peak]", "    phase: [peak]", r"demo.yaml:12: rules\[0\].phase: unknown field; did you mean 'phases'"),
    ("  peak: 160", "  peak: high", r"demo.yaml:8: rep.peak: "),
    ("  peak: 160", "  peak: 130", r"demo.yaml:5: rep: .*start and peak must differ"),
    ("  peak: 160", "  peak: 160\n  min_excursion: -5", r"demo.yaml:9: rep.min_excursion: .*greater than 0"),
    ("  peak: 160", "  peak: 160\n  rest: top", r"demo.yaml:9: rep.rest: .*'start' or 'either'"),
    ("kind: reps", "kind: rep", r"demo.yaml:3: kind: "),
    ('    when: "hip_angle < 165"', '    when: "hip_angle << 165"', r"rules\[0\].when"),
    ("title: Demo\n", "", r"title: required field is missing"),
    ("kind: reps", "kind: reps\nplanted: [wrists]", r"demo.yaml:4: planted: .*unknown body part 'wrists'; did you mean 'wrist'"),
    ("kind: reps", "kind: reps\nplanted: [ankle]", r"demo.yaml:4: planted: .*two parts or more"),
])
def test_errors_name_line_field_and_suggest(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    with pytest.raises(SpecError, match=expected):
        parse_spec_text(GOOD.replace(old, new), "demo.yaml")


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(SpecError, match=r"x.yaml:2: not valid YAML"):
        parse_spec_text("name: a\n  title: [b\n", "x.yaml")


def test_unknown_exercise_lists_and_suggests() -> None:
    with pytest.raises(SpecError, match=r"unknown exercise 'glute_brige': did you mean 'glute_bridge'\? known: .*plank"):
        load_spec("glute_brige")


def test_spec_file_by_path(tmp_path: Path) -> None:
    p = tmp_path / "demo.yaml"
    p.write_text(GOOD)
    assert load_spec(p).name == "demo"
    with pytest.raises(SpecError, match="not found"):
        load_spec(tmp_path / "missing.yaml")


def test_schema_is_json_with_the_spec_fields() -> None:
    schema = spec_json_schema()
    assert {"name", "kind", "rep", "rules"} <= set(schema["properties"])
    json.dumps(schema)


#: The back-care catalogue and the everyday extras (issue 10): spec ids scripts and labels use.
CATALOGUE = {"back_extension", "prone_y_raise", "prone_t_raise", "prone_w_raise", "prone_scapular_squeeze",
             "shoulder_blade_squeeze", "band_pull_apart", "face_pull", "seated_row", "childs_pose", "neck_stretch",
             "upper_trap_stretch", "thoracic_extension", "hip_thrust", "good_morning", "single_leg_rdl",
             "biceps_curl", "lunge"}
FRONT = {"band_pull_apart", "face_pull", "shoulder_blade_squeeze", "neck_stretch", "upper_trap_stretch"}


def test_specs_list_names_every_catalogue_id_in_a_category(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["specs", "list"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert CATALOGUE <= listed
    categories = {name: load_spec(name).category for name in list_specs()}
    assert set(categories.values()) == {"lower_back", "upper_back", "stretches", "extras"}
    assert {n for n in CATALOGUE if categories[n] == "stretches"} == {"childs_pose", "neck_stretch",
                                                                       "upper_trap_stretch"}
    assert all(load_spec(n).view == "front" for n in FRONT)


def test_per_side_stretches_are_holds_on_each_side() -> None:
    for name in ("neck_stretch", "upper_trap_stretch"):
        spec = load_spec(name)
        assert spec.kind == "hold" and spec.sides == "each" and spec.hold is not None


class TestCommand:
    def test_list_show_validate(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["specs", "list"]) == 0
        assert "bird_dog" in capsys.readouterr().out
        assert main(["specs", "show", "plank"]) == 0
        assert json.loads(capsys.readouterr().out)["kind"] == "hold"
        assert main(["specs", "validate"]) == 0

    def test_validate_bad_file_fails_with_one_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = tmp_path / "bad.yaml"
        p.write_text(GOOD.replace("kind: reps", "kind: reps\ncolour: red"))
        assert main(["specs", "validate", str(p)]) == 1
        err = capsys.readouterr().err
        assert "bad.yaml:4: colour: unknown field" in err

    def test_features_lists_every_form(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["specs", "features"]) == 0
        out = capsys.readouterr().out
        assert "hip_angle, left_/right_hip_angle, hip_angle_asym" in out and "pelvis_tilt" in out

    def test_show_unknown_name_is_one_line_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["specs", "show", "plankk"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("formcheck: error: unknown exercise 'plankk': did you mean 'plank'?")
        assert "\n" not in err

    def test_schema_to_file(self, tmp_path: Path) -> None:
        out = tmp_path / "spec.schema.json"
        assert main(["specs", "schema", "-o", str(out)]) == 0
        assert json.loads(out.read_text())["title"] == "formcheck exercise spec"


class TestExtends:
    """``extends: <id>``: a spec starts from another and overrides fields."""

    def test_one_arm_row_inherits_the_rows_text_and_rules(self) -> None:
        base, variant = load_spec("bent_over_row"), load_spec("one_arm_row")
        assert variant.description == base.description and variant.placement == base.placement
        assert [r.id for r in variant.rules] == [r.id for r in base.rules]
        assert variant.sides == "each" and base.sides == "both"
        assert variant.setup == base.setup and variant.rep == base.rep  # not written again: inherited
        assert variant.rep.signal == base.rep.signal  # type: ignore[union-attr]  # merged key by key

    def test_hold_variant_removes_rep_and_overrides_a_rule_by_id(self) -> None:
        reps, hold = load_spec("superman"), load_spec("superman_hold")
        assert hold.kind == "hold" and hold.rep is None
        (base_rule,), (rule,) = reps.rules, hold.rules
        assert rule.id == base_rule.id and rule.when == base_rule.when and rule.message == base_rule.message
        assert rule.phases == ["hold"] and "hold" not in base_rule.phases
        assert hold.targets.reps is None and hold.targets.hold_s == 10

    def test_rule_can_be_removed_and_added(self, tmp_path: Path) -> None:
        f = tmp_path / "row_variant.yaml"
        f.write_text("extends: bent_over_row\nname: row_variant\ntitle: Row variant\nrules:\n"
                     "  - {id: rounded_back, remove: true}\n"
                     "  - {id: elbows_flared, when: 'elbow_angle < 20', message: Tuck the elbows}\n")
        spec = load_spec(f)
        assert [r.id for r in spec.rules] == ["torso_rising", "elbows_flared"]

    @pytest.mark.parametrize("text, match", [
        ("extends: bent_over_rwo\nname: x\ntitle: X\n", r"x\.yaml:1: extends: unknown spec 'bent_over_rwo'; did you mean 'bent_over_row'"),
        ("extends: [1]\nname: x\ntitle: X\n", r"x\.yaml:1: extends: must name another spec"),
        ("name: x\nextends: x\ntitle: X\n", r"x\.yaml:2: extends: a loop"),
        ("extends: plank\nname: x\ntitle: X\nhold:\n  target_s: -1\n", r"x\.yaml:5: hold\.target_s"),
    ])
    def test_errors_name_file_line_and_field(self, tmp_path: Path, text: str, match: str) -> None:
        f = tmp_path / "x.yaml"
        f.write_text(text)
        with pytest.raises(SpecError, match=match):
            load_spec(f)

    def test_error_in_an_inherited_field_names_the_base_file(self, tmp_path: Path) -> None:
        (tmp_path / "base.yaml").write_text("name: base\ntitle: B\nkind: hold\nsetup: ['hip_angle > 1']\n"
                                            "hold:\n  target_s: 5\n  bogus: 1\n")
        (tmp_path / "child.yaml").write_text("extends: base\nname: child\ntitle: C\n")
        with pytest.raises(SpecError, match=r"base\.yaml:7: hold\.bogus: unknown field.*inherited by .*child\.yaml"):
            load_spec(tmp_path / "child.yaml")

    def test_show_prints_the_merged_spec(self, capsys: pytest.CaptureFixture[str]) -> None:
        from formcheck.cli import main

        assert main(["specs", "show", "one_arm_row"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["description"] == load_spec("bent_over_row").description
        assert shown["sides"] == "each" and "extends" not in shown
        assert shown["rep"]["signal"] == load_spec("bent_over_row").rep.signal  # type: ignore[union-attr]

    def test_schema_knows_extends(self) -> None:
        from formcheck.spec import spec_json_schema

        assert "extends" in spec_json_schema()["properties"]


def _alias_bomb(levels: int = 8, width: int = 9) -> str:
    """A few hundred bytes of YAML whose aliases expand to ``width ** levels`` (43 million) nodes."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines + ["name: bomb", "title: Bomb", "kind: reps"]) + "\n"


@pytest.mark.parametrize("command", [["specs", "validate", "{spec}"],
                                     ["analyze", "{clip}", "-e", "{spec}", "--out", "{tmp}/o"]])
def test_an_alias_bomb_is_refused_quickly_in_bounded_memory(tmp_path: Path, command: list[str]) -> None:
    """Run in a child with 1.5 GB of address space: the old loader grew to 8.9 GB here."""
    from tests.helpers import run_cli

    spec = tmp_path / "bomb.yaml"
    spec.write_text(_alias_bomb())
    assert len(spec.read_bytes()) < 600
    clip = tmp_path / "c.npz"
    clip.write_bytes(b"")
    args = [a.format(spec=spec, clip=clip, tmp=tmp_path) for a in command]
    proc = run_cli(args, timeout=60, memory_limit=1_500_000_000)
    assert proc.returncode == 1, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert any(str(spec) in line and "aliases are expanded" in line for line in lines)
    assert len(lines) <= 2 and "Traceback" not in proc.stderr  # validate adds its "1 of 1 invalid" total
    assert not (tmp_path / "o").exists()


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(SpecError, match="aliases are expanded"):
        parse_spec_text("name: &a [*a]\n", "loop.yaml")


def test_a_spec_file_of_a_megabyte_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_text(GOOD + "#" * 1_100_000 + "\n")
    with pytest.raises(SpecError, match="too large for a spec"):
        load_spec(spec)


# -- numbers no spec can mean: NaN, infinities, 300-digit integers ---------------------------

#: GOOD with every section, so that every numeric field of the schema has a place in it.
EVERY_SECTION = {**yaml.safe_load(GOOD), "hold": {"target_s": 10}, "targets": {}, "smoothing": {}, "cues": {}}
UNUSABLE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "300 digits": int("1" * 300),
            "true": True}


@pytest.mark.parametrize("value", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_every_numeric_field_refuses_a_number_no_spec_can_mean(value: float) -> None:
    """Found from the JSON Schema: a numeric field added later without the check fails here."""
    fields = number_fields(spec_json_schema())
    assert ("rep", "start") in fields and ("rules", 0, "priority") in fields and len(fields) >= 20
    for path in fields:
        text = yaml.safe_dump(with_value(EVERY_SECTION, path, value), sort_keys=False)
        with pytest.raises(SpecError, match=rf"^every\.yaml:\d+: {re.escape(field_name(path))}: .*not a usable number"):
            parse_spec_text(text, "every.yaml")


@pytest.mark.parametrize("old, new, expected", [
    ("  start: 130", "  start: .nan", r"^demo.yaml:7: rep.start: nan is not a usable number"),
    ("  start: 130", "  start: 1e309", r"^demo.yaml:7: rep.start: inf is not a usable number"),
    ("  start: 130", "  start: " + "1" * 300, r"^demo.yaml:7: rep.start: 1.11111e\+299 is not a usable number"),
    ("  peak: 160", "  peak: .inf", r"^demo.yaml:8: rep.peak: inf is not a usable number"),
    ("  peak: 160", "  peak: 160\n  min_duration: .nan", r"^demo.yaml:9: rep.min_duration: nan is not a usable"),
    ("kind: reps", "kind: reps\ntargets: {reps: 1e25}", r"^demo.yaml:4: targets.reps: 1e\+25 is not a usable number"),
    ("kind: reps", "kind: reps\ntargets: {reps: 5000}", r"^demo.yaml:4: targets.reps: .*less than or equal to 200"),
    ('    when: "hip_angle < 165"', '    when: "hip_angle < ' + "9" * 400 + '"',
     r"^demo.yaml:11: rules\[0\].when: condition .*: inf is not a usable number"),
    ("  start: 130", "  start: yes", r"^demo.yaml:7: rep.start: true is not a usable number"),
], ids=["nan", "1e309", "300-digits", "peak-inf", "min-duration-nan", "reps-1e25", "reps-5000",
        "condition-400-digits", "yes"])
def test_an_unusable_number_names_line_and_field(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    with pytest.raises(SpecError, match=expected):
        parse_spec_text(GOOD.replace(old, new), "demo.yaml")


@pytest.mark.parametrize("value, reason", [("1" * 5000, "4300 digits"), ("2024-13-45", "month must be in 1..12")],
                         ids=["5000-digits", "13th-month"])
def test_a_value_python_cannot_build_is_a_yaml_error_at_its_line(value: str, reason: str) -> None:
    """Python refuses integers of over 4300 digits and impossible dates: one line, not a traceback."""
    with pytest.raises(SpecError, match=rf"^demo.yaml:7: not valid YAML: cannot read this value: .*{reason}"):
        parse_spec_text(GOOD.replace("  start: 130", "  start: " + value), "demo.yaml")


def test_validate_and_show_of_a_nan_spec_are_one_line_naming_the_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "nan.yaml"
    spec.write_text("extends: glute_bridge\nname: nan_bridge\nrep:\n  start: .nan\n")
    assert main(["specs", "validate", str(spec)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == f"FAIL {spec}:4: rep.start: nan is not a usable number: give a finite one of at most 1,000,000 in size"
    assert main(["specs", "show", str(spec)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and f"{spec}:4: rep.start: nan" in err


def test_show_and_schema_print_strict_json(capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    for command in (["specs", "show", "plank"], ["specs", "schema"]):
        assert main(command) == 0
        assert json.loads(capsys.readouterr().out, parse_constant=refuse)
