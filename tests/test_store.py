"""Layer 1-2: the history store on a real SQLite file in tmp_path."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from formcheck.records.errors import StoreError
from formcheck.records.feedback import Cue, Hold, RepRecord, SetSummary
from formcheck.store.history import HistoryStore, default_db_path


def make_summary(exercise: str = "glute_bridge", reps: int = 3, cue_ids: tuple[str, ...] = ("hips_low",),
                 rep_cues: tuple[object, ...] = ()) -> SetSummary:
    rows = tuple(
        RepRecord(index=i + 1, start=2.0 * i, peak=2.0 * i + 0.8, end=2.0 * i + 1.6, complete=True,
                  rom=40.0 + i, rom_fraction=1.0, tempo_up=0.8, tempo_down=0.8,
                  cues=rep_cues if i == reps - 1 else (), quality=90 - i)  # type: ignore[arg-type]
        for i in range(reps)
    )
    cues = tuple(Cue(id=c, message=f"fix {c}", priority=2, start=1.0, end=1.5, rep=1) for c in cue_ids)
    return SetSummary(exercise=exercise, title=exercise.replace("_", " ").title(), reps=reps,
                      reps_by_side={}, partial_reps=1, rep_rows=rows, holds=(), cues=cues,
                      duration_s=2.0 * reps, frames=30 * reps, frames_with_person=30 * reps, score=80)


def test_save_then_get_round_trips_session_and_rep_rows(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(make_summary(reps=3), source="clip.mp4", kind="review")
    got = store.get(sid)
    assert (got.exercise, got.reps, got.partial_reps, got.score, got.kind, got.source) == \
        ("glute_bridge", 3, 1, 80, "review", "clip.mp4")
    assert [r["idx"] for r in got.rep_rows or []] == [1, 2, 3]
    assert got.rep_rows is not None and got.rep_rows[1]["quality"] == 89
    assert got.rep_rows[0]["complete"] is True
    assert [c["id"] for c in got.cues] == ["hips_low"]


def test_sessions_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    sid = HistoryStore(path).save_set(make_summary(reps=5), source="webcam", kind="live")
    reopened = HistoryStore(path)
    assert [s.id for s in reopened.list_sessions()] == [sid]
    assert reopened.get(sid).reps == 5


def test_wal_mode_is_on(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    assert store.journal_mode() == "wal"
    with sqlite3.connect(tmp_path / "h.sqlite3") as con:  # a foreign reader sees it too
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_failing_write_mid_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    keep = store.save_set(make_summary(reps=2), source="a", kind="review")
    # The last rep's cues are not JSON-serialisable: the session row and the
    # first reps are already inserted when the write fails.
    bad = make_summary(reps=4, rep_cues=(object(),))
    with pytest.raises(TypeError):
        store.save_set(bad, source="b", kind="review")
    assert [s.id for s in store.list_sessions()] == [keep]
    with sqlite3.connect(tmp_path / "h.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM reps").fetchone()[0] == 2
        assert con.execute("SELECT COUNT(*) FROM sessions WHERE source = 'b'").fetchone()[0] == 0


def test_list_filters_by_exercise_newest_first(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    a = store.save_set(make_summary("plank"), "x", "live", when=t0)
    b = store.save_set(make_summary("glute_bridge"), "y", "live", when=t0 + timedelta(days=1))
    c = store.save_set(make_summary("plank"), "z", "sample", when=t0 + timedelta(days=2))
    assert [s.id for s in store.list_sessions()] == [c, b, a]
    assert [s.id for s in store.list_sessions("plank")] == [c, a]
    assert store.list_sessions("deadlift") == []


def test_progress_is_oldest_first_with_figures(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for day, reps in [(3, 7), (1, 4), (2, 5)]:
        store.save_set(make_summary(reps=reps), "webcam", "live", when=t0 + timedelta(days=day))
    assert [p["reps"] for p in store.progress("glute_bridge")] == [4, 5, 7]
    assert store.progress("plank") == []


def test_hold_seconds_are_summed(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    base = make_summary("plank", reps=0, cue_ids=())
    holds = (Hold(start=0, end=10, good_s=8.5, lost_s=1.5), Hold(start=12, end=20, good_s=6.0, lost_s=2.0))
    summary = SetSummary(**{**{f: getattr(base, f) for f in base.__slots__}, "holds": holds})  # type: ignore[arg-type]
    sid = store.save_set(summary, "webcam", "live")
    assert store.get(sid).hold_s == pytest.approx(14.5)


def test_delete_removes_session_and_reps(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(make_summary(reps=3), "x", "live")
    other = store.save_set(make_summary(reps=1), "y", "live")
    store.delete(sid)
    assert [s.id for s in store.list_sessions()] == [other]
    with pytest.raises(StoreError, match="no session with id"):
        store.get(sid)
    with pytest.raises(StoreError, match="no session with id"):
        store.delete(sid)
    with sqlite3.connect(tmp_path / "h.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM reps WHERE session_id = ?", (sid,)).fetchone()[0] == 0


def test_export_csv_to_path_and_file(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    store.save_set(make_summary("plank", reps=2), "x", "live")
    store.save_set(make_summary("glute_bridge", reps=6), "y", "review")
    out = tmp_path / "history.csv"
    assert store.export_csv(out) == 2
    rows = list(csv.DictReader(out.open()))
    assert [(r["exercise"], r["reps"]) for r in rows] == [("plank", "2"), ("glute_bridge", "6")]
    buf = io.StringIO()
    assert store.export_csv(buf, exercise="plank") == 1
    assert list(csv.DictReader(io.StringIO(buf.getvalue())))[0]["source"] == "x"
    assert not list(tmp_path.glob(".history.csv.*"))  # no temp file left behind


def test_export_csv_keeps_typed_text_from_running_as_a_formula(tmp_path: Path) -> None:
    """An uploaded file's name, a client's name and the notes are text in a spreadsheet; numbers stay numbers."""
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.save_set(make_summary("plank", reps=2), '=HYPERLINK("evil.example","x").mp4', "review")
    store.set_client_notes(sid, "@SUM(1+1)", "-2+3 more reps next week")
    buf = io.StringIO()
    store.export_csv(buf)
    row = next(csv.DictReader(io.StringIO(buf.getvalue())))
    assert (row["source"], row["client"], row["trainer_notes"]) == (
        '\'=HYPERLINK("evil.example","x").mp4', "'@SUM(1+1)", "'-2+3 more reps next week")
    assert (row["reps"], row["score"], row["duration_s"], row["exercise"]) == ("2", "80", "4.0", "plank")


def test_bad_kind_and_bad_files_raise_store_error(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    with pytest.raises(StoreError, match="kind must be one of"):
        store.save_set(make_summary(), "x", "gym")  # type: ignore[arg-type]
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="junk.sqlite3"):
        HistoryStore(junk)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the history folder"):
        HistoryStore(blocker / "sub" / "h.sqlite3")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path)
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA user_version=99")
    with pytest.raises(StoreError, match="schema 99"):
        HistoryStore(path)


def test_default_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "env.sqlite3"))
    assert default_db_path() == tmp_path / "env.sqlite3"
    assert HistoryStore().path == tmp_path / "env.sqlite3"
    monkeypatch.delenv("FORMCHECK_DB")
    assert default_db_path().name == "history.sqlite3"


def test_a_row_whose_json_columns_are_damaged_still_reads(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    good = store.save_set(make_summary(reps=2), source="a.mp4", kind="review")
    bad = store.save_set(make_summary(reps=3), source="b.mp4", kind="review")
    with sqlite3.connect(tmp_path / "h.sqlite3") as con:
        con.execute("UPDATE sessions SET cues = 'not json {', reps_by_side = '' WHERE id = ?", (bad,))
        con.execute("UPDATE reps SET cues = '[oops' WHERE session_id = ?", (bad,))
    listed = {s.id: s for s in store.list_sessions()}
    assert listed[bad].cues == [] and listed[bad].reps_by_side == {}
    assert listed[bad].notes[-1] == "damaged in the database: reps_by_side, cues (not JSON)"
    assert [c["id"] for c in listed[good].cues] == ["hips_low"] and listed[good].notes == []
    detail = store.get(bad)
    assert detail.reps == 3 and [r["cues"] for r in detail.rep_rows or []] == [[], [], []]


def test_another_programs_sqlite_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "photos.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO albums (name) VALUES ('holiday')")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a formcheck history database .it holds the tables albums"):
        HistoryStore(path)
    assert path.read_bytes() == before
    with sqlite3.connect(path) as con:
        assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["albums"]


def test_a_read_only_history_file_can_be_read_but_not_changed(tmp_path: Path, read_only_mounts: None) -> None:
    from tests.helpers import run_child

    folder = tmp_path / "history"
    folder.mkdir()
    store = HistoryStore(folder / "h.sqlite3")
    sid = store.save_set(make_summary(reps=4), source="a.mp4", kind="live")
    code = (
        "import sys\n"
        "from formcheck.store.history import HistoryStore\n"
        "from formcheck.records.errors import StoreError\n"
        "from tests.test_store import make_summary\n"
        f"store = HistoryStore({str(folder / 'h.sqlite3')!r})\n"
        "print(store.read_only, [(s.id, s.reps) for s in store.list_sessions()], store.get(%d).reps)\n"
        "try:\n"
        "    store.save_set(make_summary(), source='b.mp4', kind='live')\n"
        "except StoreError as exc:\n"
        "    print('refused:', exc)\n" % sid
    )
    import sys

    proc = run_child([sys.executable, "-c", code], read_only=(folder,))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"True [({sid}, 4)] 4"
    assert lines[1].startswith("refused: history database") and "is read-only" in lines[1]
    assert [s.id for s in HistoryStore(folder / "h.sqlite3").list_sessions()] == [sid]
