"""Layer 1: spec loading and validation: every built-in spec loads; bad specs name file, line, field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.cli import main
from formcheck.records.errors import SpecError
from formcheck.spec import list_specs, load_spec, parse_spec_text, spec_json_schema

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
