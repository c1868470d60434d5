"""Layer 1: report writers on hand-made records (no model, no tracker)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from formcheck.records.atomic import atomic_write_texts
from formcheck.records.errors import OutputError
from formcheck.records.result import AnalysisResult
from formcheck.sinks.report import (
    REP_COLUMNS,
    angles_csv,
    format_summary,
    prepare_out_dir,
    report_dict,
    reps_csv,
    write_outputs,
)
from tests import records


def _result(n_frames: int = 4, notes: tuple[str, ...] = ()) -> AnalysisResult:
    frames = tuple(records.person_frame(t=i / 30, index=i) for i in range(n_frames))
    fbs = tuple(records.feedback(t=i / 30, reps=i // 2, cue="Lift your hips" if i == 2 else None)
                for i in range(n_frames))
    return AnalysisResult(spec=records.spec(), frames=frames, feedback=fbs,
                          summary=records.summary(notes=notes), source="clip.mp4", fps=30.0)


def test_report_dict_carries_the_contract_fields_from_the_summary() -> None:
    rep = report_dict(_result())
    for key in ("exercise", "reps", "reps_by_side", "partial_reps", "holds", "rep_rows", "cues",
                "source", "duration_s", "frames", "frames_with_person", "score", "notes"):
        assert key in rep, key
    assert (rep["exercise"], rep["reps"], rep["partial_reps"], rep["score"]) == ("glute_bridge", 2, 1, 80)
    assert [r["index"] for r in rep["rep_rows"]] == [1, 2, 3]
    assert [r["complete"] for r in rep["rep_rows"]] == [True, True, False]
    row = rep["rep_rows"][1]
    assert set(row) >= {"index", "side", "start", "peak", "end", "complete", "rom", "tempo", "cues", "quality"}
    assert row["cues"] == ["hips_low"] and row["quality"] == 60
    assert row["tempo"] == {"up": 1.0, "hold": 0.5, "down": 1.0}
    assert rep["cues"] == [{"id": "hips_low", "message": "Lift your hips higher", "start": 4.2, "end": 5.0,
                            "rep": 2, "priority": 2}]
    assert rep["holds"][0]["good_s"] == 3.0 and rep["holds"][0]["target_met"] is False
    json.dumps(rep, allow_nan=False)  # strictly valid JSON


def test_nan_feature_is_blank_in_angles_csv_and_key_features_come_first() -> None:
    result = _result()
    text = angles_csv(result.feedback, ["pelvis_tilt", "hip_angle"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    header = text.splitlines()[0].split(",")
    assert header.index("pelvis_tilt") < header.index("hip_angle") < header.index("left_knee_angle")
    assert rows[0]["neck_angle"] == "" and float(rows[0]["hip_angle"]) == 150.0
    assert rows[2]["cues"] == "hips_low" and rows[1]["cues"] == ""


def test_reps_csv_has_one_row_per_rep_including_partial() -> None:
    rows = list(csv.DictReader(io.StringIO(reps_csv(records.summary(reps=3)))))
    assert [r["complete"] for r in rows] == ["True", "True", "True", "False"]
    assert tuple(rows[0]) == REP_COLUMNS
    assert float(rows[0]["duration"]) == 2.5


def test_write_outputs_writes_three_parseable_files(tmp_path: Path) -> None:
    paths = write_outputs(_result(), tmp_path / "out")
    assert set(paths) == {"report", "reps", "angles"}
    assert json.loads(paths["report"].read_text())["reps"] == 2
    assert len(paths["reps"].read_text().splitlines()) == 1 + 3
    assert len(paths["angles"].read_text().splitlines()) == 1 + 4
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_failed_write_keeps_old_files_and_leaves_no_temp(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    with pytest.raises(TypeError):
        atomic_write_texts(tmp_path, {"a.txt": "new", "b.txt": object()})  # type: ignore[dict-item]
    assert (tmp_path / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("make, message", [
    (lambda p: (p / "f.txt").write_text("x") and p / "f.txt", "is a file"),
    (lambda p: (p / "f.txt").write_text("x") and p / "f.txt" / "sub", "cannot create"),
])
def test_prepare_out_dir_rejects_bad_folders(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OutputError, match=message):
        prepare_out_dir(make(tmp_path))


def test_prepare_out_dir_creates_missing_parents(tmp_path: Path) -> None:
    assert prepare_out_dir(tmp_path / "new" / "deeper").is_dir()


def test_no_person_note_reaches_report_and_summary_text() -> None:
    result = _result(notes=("no person detected",))
    assert report_dict(result)["notes"] == ["no person detected"]
    text = format_summary(result.summary, "clip.mp4")
    assert "reps: 2 (+1 partial)" in text and "no person detected" in text and "hips_low" in text


def test_per_side_holds_name_their_side_in_the_summary_lines() -> None:
    from formcheck.records.feedback import Hold, SetSummary

    holds = (Hold(2.0, 8.0, 5.5, 0.5, 20.0, side="left"), Hold(9.0, 15.0, 6.0, 0.0, 20.0, side="right"))
    text = format_summary(SetSummary("neck_stretch", "Neck stretch", 0, {}, 0, (), holds, (), 16.0, 240, 240, 30))
    assert "hold (left side) 2.0-8.0 s: 5.5 s good" in text and "hold (right side) 9.0-15.0 s: 6.0 s good" in text
    plank = format_summary(SetSummary("plank", "Plank", 0, {}, 0, (), (Hold(1.0, 9.0, 8.0, 0.0),), (), 10.0, 150, 150, 80))
    assert "hold 1.0-9.0 s: 8.0 s good" in plank and "side" not in plank
