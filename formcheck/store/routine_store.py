"""Routine sessions in the history database, beside the sets (``store.HistoryStore``).

A routine's sets are saved one by one as they end (a crash loses at most the
set under way); when the routine ends, :meth:`RoutineHistory.save` writes one
``routine_sessions`` row and links the sets to it, in one transaction.

Example:
    >>> history = RoutineHistory(HistoryStore(tmp_path / "h.sqlite3"))  # doctest: +SKIP
    >>> rid = history.save(summary)
    >>> history.get(rid).status
    'completed'
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from formcheck.records.errors import StoreError
from formcheck.records.routine_summary import RoutineSummary
from formcheck.store.history import HistoryStore


@dataclass(frozen=True, slots=True)
class RoutineSession:
    """One stored routine session; ``sets`` are dicts with the fields of ``RoutineSet``."""

    id: int
    created_at: str
    routine: str
    title: str
    status: str
    duration_s: float
    sets_planned: int
    sets: list[dict[str, Any]]
    skipped: list[str]

    @property
    def reps(self) -> int:
        return sum(int(s["reps"]) for s in self.sets)

    @property
    def hold_s(self) -> float:
        return sum(float(s["hold_s"]) for s in self.sets)


class RoutineHistory:
    """Routine sessions of one history database.

    Args:
        store: The history store (its file and connections).
    """

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def save(self, summary: RoutineSummary, when: datetime | None = None) -> int:
        """Store a finished routine and link its saved sets to it, in one transaction; return its id.

        Raises:
            StoreError: The routine has no set done (stopped in its lead-in: "0 of 11" is no
                session), or the write failed (nothing is written then).
        """
        if not summary.sets:
            raise StoreError("not saved: the routine ended before any set was done")
        created = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        sets = [asdict(s) for s in summary.sets]
        with self.store.writing() as con:
            cur = con.execute(
                "INSERT INTO routine_sessions (created_at, routine, title, status, duration_s, sets_planned, sets,"
                " skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (created, summary.routine, summary.title, summary.status, float(summary.duration_s),
                 int(summary.sets_planned), json.dumps(sets, allow_nan=False), json.dumps(list(summary.skipped))))
            rid = int(cur.lastrowid or 0)
            ids = [s.session_id for s in summary.sets if s.session_id is not None]
            con.executemany("UPDATE sessions SET routine_session_id = ? WHERE id = ?", [(rid, i) for i in ids])
        return rid

    def list(self) -> list[RoutineSession]:
        """Routine sessions, newest first."""
        with self.store.reading() as con:
            rows = con.execute("SELECT * FROM routine_sessions ORDER BY created_at DESC, id DESC").fetchall()
        return [_routine(r) for r in rows]

    def get(self, routine_session_id: int) -> RoutineSession:
        """One routine session.

        Raises:
            StoreError: No routine session has that id.
        """
        with self.store.reading() as con:
            row = con.execute("SELECT * FROM routine_sessions WHERE id = ?", (int(routine_session_id),)).fetchone()
        if row is None:
            raise StoreError(f"no routine session with id {routine_session_id} in {self.store.path}")
        return _routine(row)

    def delete(self, routine_session_id: int) -> None:
        """Delete a routine session (its sets stay, unlinked).

        Raises:
            StoreError: No routine session has that id.
        """
        with self.store.writing() as con:
            cur = con.execute("DELETE FROM routine_sessions WHERE id = ?", (int(routine_session_id),))
            if cur.rowcount == 0:
                raise StoreError(f"no routine session with id {routine_session_id} in {self.store.path}")


def _routine(row: sqlite3.Row) -> RoutineSession:
    return RoutineSession(
        id=int(row["id"]), created_at=row["created_at"], routine=row["routine"], title=row["title"],
        status=row["status"], duration_s=float(row["duration_s"]), sets_planned=int(row["sets_planned"]),
        sets=json.loads(row["sets"]), skipped=json.loads(row["skipped"]))
