"""Layer 1-2: the exerciser's check-ins in the history database (a real SQLite file in tmp_path): saving,
the per-set query and its filters, answers checked, deletion with the set, the migration of older files,
and the History tables' check-in columns."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from formcheck.app.history_tables import routine_sets_table, sessions_table
from formcheck.records.errors import StoreError
from formcheck.records.routine_summary import RoutineSet, RoutineSummary
from formcheck.store.checkin_store import CheckIns
from formcheck.store.history import SCHEMA_VERSION, HistoryStore
from formcheck.store.routine_store import RoutineHistory
from tests.test_routine_store import V1_SESSIONS
from tests.test_store import make_summary


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 8, 0, tzinfo=timezone.utc)


def test_check_ins_are_returned_per_set_oldest_first_with_the_sets_exercise(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    checkins = CheckIns(store)
    late = store.save_set(make_summary("bird_dog"), source="webcam", kind="live", when=_at(9))
    early = store.save_set(make_summary("glute_bridge"), source="webcam", kind="live", when=_at(2))
    none = store.save_set(make_summary("glute_bridge"), source="webcam", kind="live", when=_at(5))
    checkins.save(late, pain=4, difficulty="hard")
    checkins.save(early, pain=2, difficulty=None)
    got = checkins.per_set()
    assert [(c.session_id, c.exercise, c.pain, c.difficulty) for c in got] == [
        (early, "glute_bridge", 2, None), (late, "bird_dog", 4, "hard")]
    assert got[0].set_created_at.startswith("2026-03-02") and got[0].title
    assert none not in {c.session_id for c in got}  # a set without a check-in has no row
    checkins.save(early, pain=1, difficulty="right")  # answered again: replaced
    assert [(c.pain, c.difficulty) for c in checkins.per_set(exercise="glute_bridge")] == [(1, "right")]


def test_the_per_set_query_filters_only_by_what_it_is_given(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    checkins = CheckIns(store)
    ids = [store.save_set(make_summary(), source="webcam", kind="live", when=_at(d)) for d in (1, 5, 9)]
    for pain, sid in enumerate(ids):
        checkins.save(sid, pain=pain, difficulty="right")
    assert [c.pain for c in checkins.per_set(since="2026-03-05")] == [1, 2]
    assert [c.pain for c in checkins.per_set(until="2026-03-05")] == [0]
    assert [c.pain for c in checkins.per_set(session_ids=[ids[0], ids[2]])] == [0, 2]
    assert checkins.per_set(session_ids=[]) == []
    assert checkins.per_set(exercise="plank") == []


@pytest.mark.parametrize(("pain", "difficulty", "words"), [
    (11, "right", "pain must be a whole number from 0 to 10"), (-1, None, "pain"), (2.5, None, "pain"),
    (True, None, "pain"), (None, "ok", "difficulty must be one of easy, right, hard")])
def test_a_bad_answer_is_refused_with_what_is_allowed(tmp_path: Path, pain: object, difficulty: object,
                                                       words: str) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(make_summary(), source="webcam", kind="live")
    with pytest.raises(StoreError, match=words):
        CheckIns(store).save(sid, pain, difficulty)  # type: ignore[arg-type]
    assert CheckIns(store).per_set() == []


def test_a_check_in_needs_its_set_and_goes_with_it(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    with pytest.raises(StoreError, match="no session with id 99"):
        CheckIns(store).save(99, 1, "easy")
    sid = store.save_set(make_summary(), source="webcam", kind="live")
    CheckIns(store).save(sid, 1, "easy")
    store.delete(sid)
    assert CheckIns(store).per_set() == []


def test_a_schema_3_file_gains_the_check_in_table_and_keeps_its_sets(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    sid = HistoryStore(path).save_set(make_summary(), source="webcam", kind="live")
    with sqlite3.connect(path) as con:  # as a schema-3 file was: no check-in table
        con.execute("DROP TABLE checkins")
        con.execute("PRAGMA user_version=3")
    store = HistoryStore(path)
    assert [s.id for s in store.list_sessions()] == [sid]
    CheckIns(store).save(sid, pain=0, difficulty="easy")
    assert [(c.session_id, c.pain) for c in CheckIns(store).per_set()] == [(sid, 0)]
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        con.execute("PRAGMA user_version=3")
    assert len(CheckIns(HistoryStore(path)).per_set()) == 1  # the step runs again: nothing lost, nothing added


def test_a_version_1_file_is_migrated_to_check_ins_too(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute(V1_SESSIONS)
        con.execute("PRAGMA user_version=1")
    store = HistoryStore(path)
    sid = store.save_set(make_summary(), source="webcam", kind="live")
    CheckIns(store).save(sid, pain=7, difficulty="hard")
    assert [c.pain for c in CheckIns(store).per_set()] == [7]


def test_history_tables_show_pain_and_difficulty_beside_the_sets(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    asked = store.save_set(make_summary(), source="webcam", kind="live")
    other = store.save_set(make_summary(), source="webcam", kind="live")
    CheckIns(store).save(asked, pain=6, difficulty="hard")
    by_set = {c.session_id: c for c in CheckIns(store).per_set()}
    table = sessions_table(store.list_sessions(), {}, None, by_set)
    assert dict(zip(table["id"], table["pain (0-10)"])) == {asked: "6", other: ""}
    assert dict(zip(table["id"], table["difficulty"])) == {asked: "Hard", other: ""}
    assert "pain (0-10)" not in sessions_table(store.list_sessions(), {}).columns  # clips: no check-in
    rid = RoutineHistory(store).save(RoutineSummary(
        "lower_back", "Lower-back care", "completed", 60.0,
        (RoutineSet("glute_bridge", "Glute bridge", "Set 1 of 1", "3 reps", 3, 0.0, 90, True, asked),), 1, ()))
    sets = routine_sets_table(RoutineHistory(store).get(rid), by_set)
    assert (list(sets["pain (0-10)"]), list(sets["difficulty"])) == (["6"], ["Hard"])
