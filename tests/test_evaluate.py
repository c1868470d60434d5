"""Layer 1: harness metrics on hand-made numbers, label discovery and the table (no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.pipeline.evaluate import EvalRun, discover, format_table
from formcheck.pipeline.metrics import (
    ClipScore,
    Span,
    cue_precision_recall,
    exact_rate,
    false_cues_per_minute,
    mae,
    match_cues,
    obo,
    overlaps,
    total_false_cues_per_minute,
    totals,
)
from formcheck.records.errors import LabelError


def _clip(name: str, true: int, pred: int, **kw: object) -> ClipScore:
    return ClipScore(name=name, exercise=kw.pop("exercise", "glute_bridge"), true_reps=true,  # type: ignore[arg-type]
                     pred_reps=pred, **kw)  # type: ignore[arg-type]


COUNTS = [_clip("a", 4, 4), _clip("b", 10, 8), _clip("c", 5, 6), _clip("d", 0, 1, exercise=None),
          _clip("e", 3, 0, status="no spec")]


def test_count_metrics_by_hand() -> None:
    # scored: a (0), b (-2), c (+1), d (+1 on a 0-rep clip, divides by 1); e is not scored
    assert exact_rate(COUNTS) == pytest.approx(1 / 4)
    assert mae(COUNTS) == pytest.approx((0 + 2 / 10 + 1 / 5 + 1 / 1) / 4)
    assert obo(COUNTS) == pytest.approx(3 / 4)


def test_metrics_of_nothing_are_none() -> None:
    assert exact_rate([]) is None and mae([]) is None and obo([_clip("e", 1, 1, status="no spec")]) is None


@pytest.mark.parametrize("a, b, expected", [
    (Span("x", 1, 2), Span("x", 2, 3), True),  # touching ends overlap
    (Span("x", 1, 2), Span("x", 2.01, 3), False),
    (Span("x", 5, None), Span("x", 1, 6), True),  # open cue runs to the clip end
    (Span("x", 7, None), Span("x", 1, 6), False),
])
def test_overlaps(a: Span, b: Span, expected: bool) -> None:
    assert overlaps(a, b, clip_end=10.0) is expected


def test_cues_match_faults_by_id_and_time() -> None:
    faults = [Span("hips_low", 4, 6), Span("hips_low", 10, 12), Span("too_fast", 1, 2)]
    cues = [Span("hips_low", 5, 5.5), Span("hips_low", 5.8, 7), Span("too_fast", 8, 9), Span("hips_low", 20, 21)]
    assert match_cues(cues, faults) == (2, 1)  # two cues hit the first fault; 1 of 3 faults found


def test_cue_precision_recall_and_false_cues_by_hand() -> None:
    fault_clip = _clip("f", 5, 5, faults=(Span("hips_low", 4, 6),),
                       cues=(Span("hips_low", 4.5, 5), Span("too_fast", 9, 9.5)), duration_s=20)
    clean = _clip("c", 5, 5, cues=(Span("hips_low", 3, 3.5),), duration_s=30)
    clean2 = _clip("c2", 5, 5, duration_s=30)
    real = _clip("r", 5, 5, cues=(Span("x", 1, 2),), faults_known=False, duration_s=60)
    rows = [fault_clip, clean, clean2, real]
    precision, recall, n_cues, n_faults = cue_precision_recall(rows)
    # the real clip (faults in free text) is left out: 3 cues, 1 matching
    assert (precision, recall, n_cues, n_faults) == (pytest.approx(1 / 3), 1.0, 3, 1)
    assert false_cues_per_minute(clean) == pytest.approx(2.0)
    assert false_cues_per_minute(fault_clip) is None and false_cues_per_minute(real) is None
    per_min, minutes = total_false_cues_per_minute(rows)
    assert (per_min, minutes) == (pytest.approx(1.0), pytest.approx(1.0))
    t = totals(rows)
    assert t.clips == 4 and t.cue_recall == 1.0 and t.false_cues_per_min == pytest.approx(1.0)


def _label(clip: str, exercise: str | None, reps: int = 2) -> dict[str, object]:
    return {"schema_version": 1, "clip": clip, "exercise": exercise, "fps": 30.0, "duration_s": 10.0,
            "reps": [{"start": 1.0 + 3 * i, "top": 2.0 + 3 * i, "end": 3.0 + 3 * i} for i in range(reps)],
            "faults": [{"id": "hips_low", "start": 1.0, "end": 3.0}]}


def test_discover_reads_labels_and_skips_other_json(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(json.dumps(_label("b.mp4", "glute_bridge")))
    (tmp_path / "a.json").write_text(json.dumps(_label("a.mp4", None, reps=0)))
    (tmp_path / "manifest.json").write_text(json.dumps({"generated": "today"}))
    found = discover([tmp_path])
    assert [c.label.clip for c in found] == ["a.mp4", "b.mp4"]
    assert found[1].video == tmp_path / "b.mp4" and found[1].label.reps_complete == 2
    assert found[1].faults_known


def test_discover_reads_a_real_clips_list(tmp_path: Path) -> None:
    entry = {"file": "x.mp4", "exercise": "superman", "view": "side", "duration_s": 12.0, "fps": 30.0,
             "resolution": "640x352", "reps_complete": 6, "reps_partial": 0, "form_faults": "none"}
    (tmp_path / "labels.json").write_text(json.dumps([entry]))
    (found,) = discover([tmp_path])
    assert (found.label.exercise, found.label.reps_complete, found.faults_known) == ("superman", 6, False)


@pytest.mark.parametrize("setup, message", [
    (lambda p: p / "missing", "no such folder"),
    (lambda p: (p / "v.mp4").write_bytes(b"x") and p / "v.mp4", "not a label file"),
    (lambda p: (p / "bad.json").write_text('{"clip": "c.mp4", "fps": -1}') and p, "field"),
])
def test_discover_bad_input(tmp_path: Path, setup, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LabelError, match=message):
        discover([setup(tmp_path)])


def test_table_lists_clips_and_totals() -> None:
    rows = (_clip("good.mp4", 4, 4, duration_s=30), _clip("miss.mp4", 10, 8, duration_s=30),
            _clip("cat_cow.mp4", 2, 0, exercise="cat_cow", status="no spec"))
    text = format_table(EvalRun(clips=rows, totals=totals(rows)))
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["clip", "exercise", "true", "pred", "err"]
    assert any(line.startswith("miss.mp4") and " -2 " in line for line in lines)
    assert any(line.startswith("cat_cow.mp4") and "no spec" in line for line in lines)
    assert "exact count: 50 %" in text and "OBO (within 1): 50 %" in text and "MAE: 0.100" in text
    assert "not scored: 1" in text


def test_missing_clip_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    from formcheck.pipeline.evaluate import evaluate

    (tmp_path / "gone.json").write_text(json.dumps(_label("gone.mp4", "glute_bridge")))
    run = evaluate([tmp_path], cache_dir=tmp_path / "cache")
    (row,) = run.clips
    assert row.status == "error" and "not found" in row.note and run.totals.clips == 0
    assert "error: video not found" in format_table(run)


def test_a_clip_of_an_exercise_without_a_spec_is_listed_before_the_model_runs(tmp_path: Path) -> None:
    """The model named does not exist: the row can only come from the label, not from a pose pass."""
    from formcheck.pipeline.evaluate import evaluate
    from tests.helpers import write_video

    write_video(tmp_path / "handstand.mp4")
    (tmp_path / "handstand.json").write_text(json.dumps(_label("handstand.mp4", "handstand")))
    logged: list[str] = []
    run = evaluate([tmp_path], cache_dir=tmp_path / "cache", model_path=tmp_path / "no-such-model.task",
                   log=logged.append)
    (row,) = run.clips
    assert (row.name, row.exercise, row.status, row.true_reps) == ("handstand.mp4", "handstand", "no spec", 2)
    assert run.totals.clips == 0 and run.totals.not_scored == 1
    assert logged == ["[1/1] handstand.mp4"]


def test_a_broken_label_beside_its_clip_is_an_error_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps(_label("good.mp4", "glute_bridge")))
    (tmp_path / "bad.mp4").write_bytes(b"a clip")
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "exercise": "glute_bridge", ')  # cut off
    with pytest.raises(LabelError, match="bad.json"):
        discover([tmp_path])


def test_skipped_json_files_are_told(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps(_label("good.mp4", "glute_bridge")))
    (tmp_path / "notes.json").write_text("not even json")
    told: list[str] = []
    assert [c.label.clip for c in discover([tmp_path], log=told.append)] == ["good.mp4"]
    assert told == [f"skipped {tmp_path / 'notes.json'}: not a clip label"]


def test_eval_that_scores_no_clip_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    (tmp_path / "gone.json").write_text(json.dumps(_label("gone.mp4", "glute_bridge")))
    assert main(["eval", str(tmp_path), "--cache", str(tmp_path / "cache")]) == 1
    out, err = capsys.readouterr()
    assert "gone.mp4" in out and "clips scored: 0" in out  # the table still shows why
    assert err.strip().splitlines()[-1] == ("formcheck: error: none of the 1 labelled clips could be scored "
                                            "(error; see the table)")
