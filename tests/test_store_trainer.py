"""Layer 1: the history store's trainer columns (client, notes, clip identity) on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from formcheck.records.errors import StoreError
from formcheck.records.feedback import Cue, RepRecord, SetSummary
from formcheck.store.history import HistoryStore

#: The schema-1 table as formcheck 0.1 wrote it (before the trainer columns).
V1_SESSIONS = """CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('live', 'review', 'sample')), exercise TEXT NOT NULL,
    title TEXT NOT NULL, reps INTEGER NOT NULL, partial_reps INTEGER NOT NULL, reps_by_side TEXT NOT NULL,
    duration_s REAL NOT NULL, score INTEGER NOT NULL, hold_s REAL NOT NULL, cues TEXT NOT NULL,
    notes TEXT NOT NULL)"""
V1_REPS = """CREATE TABLE reps (session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, start REAL NOT NULL, peak REAL NOT NULL, "end" REAL NOT NULL,
    complete INTEGER NOT NULL, counted INTEGER NOT NULL, side TEXT, rom REAL NOT NULL,
    rom_fraction REAL NOT NULL, tempo_up REAL NOT NULL, tempo_hold REAL NOT NULL, tempo_down REAL NOT NULL,
    quality INTEGER NOT NULL, cues TEXT NOT NULL, PRIMARY KEY (session_id, idx))"""


def _summary(reps: int) -> SetSummary:
    rows = tuple(RepRecord(index=i, start=2.0 * i, peak=2.0 * i + 0.5, end=2.0 * i + 1.5, complete=True)
                 for i in range(1, reps + 1))
    return SetSummary(exercise="glute_bridge", title="Glute bridge", reps=reps, reps_by_side={}, partial_reps=0,
                      rep_rows=rows, holds=(), cues=(Cue("hips_low", "Push your hips higher", 2, 3.0, 4.0, 1),),
                      duration_s=12.0, frames=180, frames_with_person=180, score=90)


def test_a_schema_1_file_gains_the_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute(V1_SESSIONS)
        con.execute(V1_REPS)
        con.execute("INSERT INTO sessions (created_at, source, kind, exercise, title, reps, partial_reps,"
                    " reps_by_side, duration_s, score, hold_s, cues, notes) VALUES"
                    " ('2026-01-01T10:00:00+00:00', 'old.mp4', 'review', 'plank', 'Plank', 0, 0, '{}', 30, 80,"
                    " 25, '[]', '[]')")
        con.execute("PRAGMA user_version=1")
    store = HistoryStore(path)
    (old,) = store.list_sessions()
    assert (old.source, old.client, old.trainer_notes, old.clip_key) == ("old.mp4", "", "", None)
    store.set_client_notes(old.id, "Ada", "first visit")
    assert (store.get(old.id).client, store.get(old.id).trainer_notes) == ("Ada", "first visit")
    with sqlite3.connect(path) as con:
        columns = {r[1] for r in con.execute("PRAGMA table_info(sessions)")}
    assert {"client", "trainer_notes", "clip_key"} <= columns


def test_the_same_clip_analysed_again_replaces_its_session(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    first = store.save_set(_summary(3), source="sam.mp4", kind="review", clip_key="abc", client="Sam")
    store.set_client_notes(first, "Sam", "watch the hips")
    other = store.save_set(_summary(1), source="other.mp4", kind="review", clip_key="def")
    again = store.save_set(_summary(5), source="sam.mp4", kind="review", clip_key="abc")
    assert again == first
    sessions = {s.id: s for s in store.list_sessions()}
    assert sorted(sessions) == sorted([first, other])
    stored = store.get(first)
    assert stored.reps == 5 and len(stored.rep_rows or []) == 5
    assert (stored.client, stored.trainer_notes) == ("Sam", "watch the hips")  # kept through re-analysis


def test_without_a_clip_key_every_save_is_a_new_session(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    a = store.save_set(_summary(2), source="webcam", kind="live")
    b = store.save_set(_summary(2), source="webcam", kind="live")
    assert a != b and len(store.list_sessions()) == 2


def test_notes_for_a_missing_session_are_refused(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    with pytest.raises(StoreError, match="no session with id 42"):
        store.set_client_notes(42, "x", "y")


def test_csv_export_carries_client_and_notes(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(_summary(1), source="a.mp4", kind="review")
    store.set_client_notes(sid, "Bo", "tempo, please")
    store.export_csv(tmp_path / "out.csv")
    header, row = (tmp_path / "out.csv").read_text().splitlines()
    assert header.endswith("client,trainer_notes") and row.endswith('Bo,"tempo, please"')
