"""Layer 1: what a set's score lost points for is kept with the set (history schema 5), so History can say it.

Real parts: a SQLite file in tmp_path, migrated from the schema-4 layout as released.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from formcheck.records.feedback import ScoreLoss
from formcheck.sinks.client_summary import losses_sentence
from formcheck.store.history import SCHEMA_VERSION, HistoryStore
from tests.test_store import make_summary

LOSSES = (ScoreLoss(12, "partial", reps=(3,)), ScoreLoss(8, "cue", cue="hips_low", reps=(1, 2)))


def test_a_sets_score_losses_survive_saving_and_reading_back(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(replace(make_summary(), score=80, score_losses=LOSSES), source="clip.mp4", kind="review")
    got = store.get(sid)
    assert [ScoreLoss.from_dict(x) for x in got.score_losses] == list(LOSSES)
    assert [ScoreLoss.from_dict(x) for x in store.list_sessions()[0].score_losses] == list(LOSSES)


def test_analysing_a_clip_again_replaces_its_losses_too(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(replace(make_summary(), score=80, score_losses=LOSSES), source="a.mp4", kind="review",
                         clip_key="abc")
    again = store.save_set(replace(make_summary(), score=100, score_losses=()), source="a.mp4", kind="review",
                           clip_key="abc")
    assert again == sid and store.get(sid).score_losses == []


def test_a_schema_4_file_gains_the_column_and_its_old_sets_read_with_no_reasons(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    sid = HistoryStore(path).save_set(replace(make_summary(), score_losses=LOSSES), source="webcam", kind="live")
    with sqlite3.connect(path) as con:  # as a schema-4 file was: no score_losses column
        con.execute("ALTER TABLE sessions DROP COLUMN score_losses")
        con.execute("PRAGMA user_version=4")
    store = HistoryStore(path)
    assert [(s.id, s.score_losses) for s in store.list_sessions()] == [(sid, [])]
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    newer = store.save_set(replace(make_summary(), score_losses=LOSSES[:1]), source="webcam", kind="live")
    assert store.get(newer).score_losses == [{"points": 12, "kind": "partial", "cue": None, "reps": [3]}]


def test_the_stored_losses_say_the_same_sentence_as_the_set_did() -> None:
    # Without a spec the tracker's own words and the cue id are used (a spec deleted since).
    said = losses_sentence(80, [ScoreLoss.from_dict(x.as_dict()) for x in LOSSES], None)
    assert said == ("Score 80/100: 12 points because rep 3 was partial (not through the full range); "
                    "8 points because on reps 1 and 2 hips low.")
    assert losses_sentence(100, list(LOSSES), None) is None and losses_sentence(90, [], None) is None
