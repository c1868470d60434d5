"""Layer 1-2: routine sessions in the history database (a real SQLite file in tmp_path), and the migration."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from formcheck.records.errors import StoreError
from formcheck.records.routine_summary import RoutineSet, RoutineSummary
from formcheck.store.history import SCHEMA_VERSION, HistoryStore
from formcheck.store.routine_store import RoutineHistory
from tests.test_store import make_summary

#: The version-1 schema as released (before routines), to check that old files are migrated.
V1_SESSIONS = """CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('live', 'review', 'sample')), exercise TEXT NOT NULL, title TEXT NOT NULL,
    reps INTEGER NOT NULL, partial_reps INTEGER NOT NULL, reps_by_side TEXT NOT NULL, duration_s REAL NOT NULL,
    score INTEGER NOT NULL, hold_s REAL NOT NULL, cues TEXT NOT NULL, notes TEXT NOT NULL)"""


def _routine(sets: list[RoutineSet], status: str = "completed") -> RoutineSummary:
    return RoutineSummary(routine="lower_back", title="Lower-back care", status=status,  # type: ignore[arg-type]
                          duration_s=95.5, sets=tuple(sets), sets_planned=3, skipped=("childs_pose",))


def test_a_routine_is_saved_and_links_its_sets(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    first = store.save_set(make_summary(reps=2), source="webcam", kind="live")
    second = store.save_set(make_summary("plank", reps=0), source="webcam", kind="live")
    other = store.save_set(make_summary(), source="clip.mp4", kind="review")
    sets = [RoutineSet("glute_bridge", "Glute bridge", "Set 1 of 1", "2 reps", 2, 0.0, 100, True, first),
            RoutineSet("plank", "Plank", "Set 1 of 1", "10 s hold", 0, 10.2, 90, True, second)]
    history = RoutineHistory(store)
    rid = history.save(_routine(sets))
    got = history.get(rid)
    assert (got.routine, got.status, got.sets_planned, got.skipped, got.reps, got.hold_s) == (
        "lower_back", "completed", 3, ["childs_pose"], 2, pytest.approx(10.2))
    assert [s["label"] for s in got.sets] == ["Set 1 of 1", "Set 1 of 1"] and got.sets[1]["session_id"] == second
    linked = {s.id: s.routine_session_id for s in HistoryStore(store.path).list_sessions()}
    assert linked == {first: rid, second: rid, other: None}
    assert [r.id for r in history.list()] == [rid]


def test_deleting_a_routine_keeps_its_sets(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(make_summary(), source="webcam", kind="live")
    history = RoutineHistory(store)
    rid = history.save(_routine([RoutineSet("glute_bridge", "Glute bridge", "", "3 reps", 3, 0.0, 80, True, sid)]))
    history.delete(rid)
    assert history.list() == [] and store.get(sid).routine_session_id is None
    with pytest.raises(StoreError, match=f"no routine session with id {rid}"):
        history.delete(rid)


def test_a_failed_routine_write_leaves_nothing(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(make_summary(), source="webcam", kind="live")
    bad = RoutineSet("glute_bridge", "Glute bridge", "", "3 reps", 3, math.nan, 80, True, sid)  # NaN is not JSON
    with pytest.raises(ValueError):
        RoutineHistory(store).save(_routine([bad]))
    assert RoutineHistory(store).list() == [] and store.get(sid).routine_session_id is None


def test_a_version_1_file_is_migrated_in_place_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute(V1_SESSIONS)
        con.execute("INSERT INTO sessions (created_at, source, kind, exercise, title, reps, partial_reps,"
                    " reps_by_side, duration_s, score, hold_s, cues, notes) VALUES"
                    " ('2026-01-02T03:04:05+00:00', 'webcam', 'live', 'plank', 'Plank', 0, 0, '{}', 30.0, 95, 28.5,"
                    " '[]', '[]')")
        con.execute("PRAGMA user_version=1")
    store = HistoryStore(path)
    [old] = store.list_sessions()
    assert (old.exercise, old.hold_s, old.routine_session_id) == ("plank", 28.5, None)
    sid = store.save_set(make_summary(), source="webcam", kind="live")
    rid = RoutineHistory(store).save(_routine([RoutineSet("glute_bridge", "G", "", "3 reps", 3, 0.0, 80, True, sid)]))
    assert store.get(sid).routine_session_id == rid
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        con.execute("PRAGMA user_version=1")  # as if another build had numbered its steps differently
    again = HistoryStore(path)  # the migration runs again: it finds what is there and adds nothing
    assert [s.id for s in again.list_sessions()] == [sid, old.id]
