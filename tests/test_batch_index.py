"""Layer 1: a batch's ``index.html`` reads as words (titles, reps or seconds, faults), its CSV keeps the ids.

Pure: hand-made rows of a batch; the expected words come from the spec files.
"""

from __future__ import annotations

import csv
import io
import re

from formcheck.sinks.batch_index import BatchRow, index_html, summary_csv
from formcheck.spec import load_spec
from tests.svg_layout import visible_words

ROWS = [BatchRow(clip="ada_bridge.mp4", exercise="glute_bridge", reps=5, partial_reps=1, score=86,
                 cues="hips_low×2 too_fast", report="ada_bridge"),
        BatchRow(clip="ada_plank.mp4", exercise="plank", score=90, hold_s=28.4, report="ada_plank"),
        BatchRow(clip="bad.mp4", status="error", error="cannot open bad.mp4")]


def _cells(html: str, clip: str) -> list[str]:
    row = re.search(rf"<tr><td>{re.escape(clip)}</td>(.*?)</tr>", html)
    assert row is not None, f"no row for {clip}"
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


def test_exercises_by_title_and_each_result_in_its_own_unit() -> None:
    html = index_html(ROWS)
    bridge, plank = _cells(html, "ada_bridge.mp4"), _cells(html, "ada_plank.mp4")
    assert bridge[:2] == [load_spec("glute_bridge").title, "5 reps, 1 partial"]
    assert plank[:2] == [load_spec("plank").title, "28.4 s held"]
    words = visible_words(html)
    assert "glute_bridge" not in words and "Hold" not in words and "0.0" not in words  # no "hold 0.0" on reps


def test_cues_are_the_faults_the_spec_names_with_their_counts() -> None:
    spec = load_spec("glute_bridge")
    short = spec.rep.short_id  # the spec's cue for a rep short of the range target
    assert short == "hips_low"
    cues = _cells(index_html(ROWS), "ada_bridge.mp4")[3]
    assert cues == "you stopped short of the full range ×2; you moved too fast"
    assert "_" not in cues


def test_summary_csv_keeps_the_ids_for_programs() -> None:
    read = list(csv.DictReader(io.StringIO(summary_csv(ROWS))))
    assert [(r["exercise"], r["cues"]) for r in read[:2]] == [("glute_bridge", "hips_low×2 too_fast"), ("plank", "")]


def test_a_guessed_exercise_shows_its_confidence_and_an_unsure_one_its_alternative() -> None:
    rows = [BatchRow(clip="sure.mp4", exercise="plank", hold_s=20.0, guessed="yes", confidence=0.934,
                     alternative="superman_hold"),
            BatchRow(clip="unsure.mp4", exercise="bent_over_row", reps=5, guessed="unsure", confidence=0.48,
                     alternative="one_arm_row"),
            BatchRow(clip="given.mp4", exercise="glute_bridge", reps=3)]
    table = list(csv.DictReader(io.StringIO(summary_csv(rows))))
    assert list(table[0])[:6] == ["clip", "exercise", "reps", "partial_reps", "score", "cues"]  # the contract first
    assert [(r["guessed"], r["confidence"], r["alternative"]) for r in table] == [
        ("yes", "0.93", "superman_hold"), ("unsure", "0.48", "one_arm_row"), ("", "", "")]
    html = index_html(rows)
    assert _cells(html, "sure.mp4")[0] == f"{load_spec('plank').title} (guessed, 93 % sure)"
    unsure = _cells(html, "unsure.mp4")[0]
    assert unsure.startswith(f"{load_spec('bent_over_row').title}? (guessed, 48 % sure")
    assert load_spec("one_arm_row").title in unsure
    assert _cells(html, "given.mp4")[0] == load_spec("glute_bridge").title
