"""The history as one signed-in person may see it: a client their own sessions, a trainer all of them.

A session belongs to the client named in its ``client`` column (trimmed, any
case): a client's live sets are saved under their account name, and a
trainer's review under the client they name. A routine session belongs to the
client of the sets it links. :class:`ScopedHistoryStore` is a ``HistoryStore``
whose every read, write and export goes through the :class:`UserScope` it was
made with, so a page (or a crafted request naming another session's id) cannot
reach another client's rows: a session outside the scope reads exactly like
one that does not exist. Deletions and exports are written to the audit log, and
no error names the server's files (the person may be on another computer).

Example:
    >>> alice = UserScope("alice", sees_all=False)
    >>> alice.allows("Alice "), alice.allows("bob"), alice.allows("")
    (True, False, False)
    >>> UserScope("tina", sees_all=True).allows("bob")
    True
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from formcheck.records.errors import StoreError
from formcheck.records.feedback import SetSummary
from formcheck.records.routine_summary import RoutineSummary
from formcheck.store.audit_log import AuditLog
from formcheck.store.checkin_store import CheckIn, CheckIns
from formcheck.store.client_history import ClientHistory, TrendPoint
from formcheck.store.history import HistoryStore, Kind, Session
from formcheck.store.routine_store import RoutineHistory, RoutineSession


@dataclass(frozen=True, slots=True)
class UserScope:
    """Whose sessions one person may see: ``name``'s own, or everyone's (``sees_all``, trainers)."""

    name: str
    sees_all: bool

    def allows(self, client: str) -> bool:
        """Whether a session of ``client`` is in this scope."""
        return self.sees_all or client.strip().lower() == self.name


def without_paths(message: str, path: Path | None = None) -> str:
    """``message`` with the history file's path (or any absolute path) replaced by plain words.

    Example:
        >>> without_paths("history database /srv/fc/h.sqlite3: disk I/O error")
        'history database (a path on the server): disk I/O error'
    """
    import re

    if path is not None:
        message = message.replace(str(path), "(the history file)").replace(str(path.parent), "(its folder)")
    return re.sub(r"(?<![\w.])/[^\s:;,()]+", "(a path on the server)", message)


class ScopedHistoryStore(HistoryStore):
    """A ``HistoryStore`` limited to one :class:`UserScope` (see the module docstring).

    Args:
        path: The history file (None: the default one).
        scope: Whose sessions are in reach.
        audit: Where deletions and exports are recorded (None: nowhere).

    Raises:
        StoreError: As ``HistoryStore``.
    """

    def __init__(self, path: str | Path | None, scope: UserScope, audit: AuditLog | None = None) -> None:
        self.scope = scope
        self.audit = audit
        try:
            super().__init__(path)
        except StoreError as exc:
            raise StoreError(without_paths(str(exc))) from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The base's connection, its errors told without the server's paths."""
        try:
            with super()._connect() as con:
                yield con
        except StoreError as exc:
            raise StoreError(without_paths(str(exc), self.path)) from None

    # -- reads ------------------------------------------------------------------------
    def list_sessions(self, exercise: str | None = None) -> list[Session]:
        """The scope's sessions, newest first (optionally of one exercise)."""
        return [s for s in super().list_sessions(exercise) if self.scope.allows(s.client)]

    def get(self, session_id: int) -> Session:
        """One of the scope's sessions with its rep rows.

        Raises:
            StoreError: No session of the scope has that id (another client's reads the same).
        """
        try:
            session = super().get(session_id)
        except StoreError:
            session = None
        if session is None or not self.scope.allows(session.client):
            raise StoreError(f"no session with id {session_id}")
        return session

    def progress(self, exercise: str) -> list[dict[str, Any]]:
        """Per-session figures of the scope's sessions of one exercise, oldest first (see ``HistoryStore``)."""
        keys = ("id", "created_at", "kind", "reps", "partial_reps", "score", "hold_s", "duration_s")
        return [{k: getattr(s, k) for k in keys} for s in reversed(self.list_sessions(exercise))]

    def export_csv(self, dest: str | Path | IO[str], exercise: str | None = None) -> int:
        """The scope's sessions as CSV (see ``HistoryStore.export_csv``); the export is audited."""
        count = super().export_csv(dest, exercise)  # reads through list_sessions: the scope's rows only
        self._record("export", f"{count} sessions as CSV" + (f" ({exercise})" if exercise else ""))
        return count

    # -- writes -----------------------------------------------------------------------
    def save_set(self, summary: SetSummary, source: str, kind: Kind, when: datetime | None = None, *,
                 client: str | None = None, trainer_notes: str | None = None, clip_key: str | None = None) -> int:
        """Save a set (see ``HistoryStore.save_set``): a client's sets always go under their own name.

        Raises:
            StoreError: As ``HistoryStore.save_set``, or a clip of another client would be replaced.
        """
        if not self.scope.sees_all:
            client = self.scope.name
            if clip_key is not None and any(s.clip_key == clip_key and s.kind == kind
                                            for s in super().list_sessions() if not self.scope.allows(s.client)):
                raise StoreError("this clip is already in another person's history")
        return super().save_set(summary, source, kind, when, client=client, trainer_notes=trainer_notes,
                                clip_key=clip_key)

    def set_client_notes(self, session_id: int, client: str, trainer_notes: str) -> None:
        """Change a session's client and notes; a client may not hand a session to someone else.

        Raises:
            StoreError: The session is out of scope, or a client names another client.
        """
        self.get(session_id)
        if not self.scope.allows(client):
            raise StoreError("a session can only be kept under your own name")
        super().set_client_notes(session_id, client, trainer_notes)

    def delete(self, session_id: int) -> None:
        """Delete one of the scope's sessions; the deletion is audited.

        Raises:
            StoreError: No session of the scope has that id.
        """
        s = self.get(session_id)
        super().delete(session_id)
        self._record("delete", f"session {s.id} ({s.title}, {s.kind}, client {s.client or '-'}, "
                               f"{s.created_at[:10]})")

    def routines(self) -> ScopedRoutineHistory:
        """The scope's routine sessions."""
        return ScopedRoutineHistory(self)

    def checkins(self) -> ScopedCheckIns:
        """The check-ins (pain, difficulty) of the scope's sets."""
        return ScopedCheckIns(self)

    def clients(self) -> ScopedClientHistory:
        """The scope's clients and their trends (a client: only their own)."""
        return ScopedClientHistory(self)

    def _record(self, action: str, what: str) -> None:
        if self.audit is not None:
            self.audit.record(self.scope.name, action, what)


class ScopedRoutineHistory(RoutineHistory):
    """Routine sessions of a :class:`ScopedHistoryStore`'s scope: those whose sets are the scope's.

    Args:
        store: The scoped history.
    """

    def __init__(self, store: ScopedHistoryStore) -> None:
        super().__init__(store)
        self.scope = store.scope
        self.scoped = store

    def _owned(self) -> set[int]:
        return {int(s.routine_session_id) for s in self.scoped.list_sessions() if s.routine_session_id is not None}

    def save(self, summary: RoutineSummary, when: datetime | None = None) -> int:
        """Save a routine (see ``RoutineHistory.save``), linking only sets of the scope."""
        if not self.scope.sees_all:
            mine = {s.id for s in self.scoped.list_sessions()}
            sets = tuple(s if s.session_id in mine else dataclasses.replace(s, session_id=None)
                         for s in summary.sets)
            summary = dataclasses.replace(summary, sets=sets)
        return super().save(summary, when)

    def list(self) -> list[RoutineSession]:
        """The scope's routine sessions, newest first."""
        routines = super().list()
        if self.scope.sees_all:
            return routines
        owned = self._owned()
        return [r for r in routines if r.id in owned]

    def get(self, routine_session_id: int) -> RoutineSession:
        """One of the scope's routine sessions.

        Raises:
            StoreError: No routine session of the scope has that id.
        """
        if not self.scope.sees_all and int(routine_session_id) not in self._owned():
            raise StoreError(f"no routine session with id {routine_session_id}")
        try:
            return super().get(routine_session_id)
        except StoreError:
            raise StoreError(f"no routine session with id {routine_session_id}") from None

    def delete(self, routine_session_id: int) -> None:
        """Delete one of the scope's routine sessions (its sets stay); the deletion is audited."""
        routine = self.get(routine_session_id)
        super().delete(routine_session_id)
        self.scoped._record("delete", f"routine session {routine.id} ({routine.title}, {routine.created_at[:10]})")


class ScopedClientHistory(ClientHistory):
    """The clients of a :class:`ScopedHistoryStore` (``ClientHistory`` reads with its own SQL, so it is filtered
    here): a client finds only their own name and trend, another name reads as a client with no sessions.

    Args:
        store: The scoped history.
    """

    def __init__(self, store: ScopedHistoryStore) -> None:
        super().__init__(store)
        self.scope = store.scope

    def names(self) -> list[str]:
        """The scope's clients, the most recently seen first."""
        return [n for n in super().names() if self.scope.allows(n)]

    def trend(self, client: str, exercise: str | None = None) -> list[TrendPoint]:
        """The client's sessions with their figures (see ``ClientHistory.trend``); none outside the scope."""
        return super().trend(client, exercise) if self.scope.allows(client) else []


class ScopedCheckIns(CheckIns):
    """Check-ins of a :class:`ScopedHistoryStore`'s sets (``CheckIns`` reads and writes with its own SQL, so
    it is filtered here): a client reads and answers only for their own sets; another's reads as missing.

    Args:
        store: The scoped history.
    """

    def __init__(self, store: ScopedHistoryStore) -> None:
        super().__init__(store)
        self.scope = store.scope
        self.scoped = store

    def save(self, session_id: int, pain: int | None, difficulty: str | None, when: datetime | None = None) -> None:
        """Store the check-in of one of the scope's sets (see ``CheckIns.save``).

        Raises:
            StoreError: A bad answer, or no set of the scope has that id.
        """
        self.scoped.get(session_id)
        super().save(session_id, pain, difficulty, when)

    def per_set(self, *, exercise: str | None = None, since: str | None = None, until: str | None = None,
                session_ids: Iterable[int] | None = None) -> list[CheckIn]:
        """The scope's check-ins (see ``CheckIns.per_set``): ``session_ids`` outside the scope are left out."""
        if not self.scope.sees_all:
            mine = {s.id for s in self.scoped.list_sessions()}
            session_ids = sorted(mine if session_ids is None else mine & {int(i) for i in session_ids})
        return super().per_set(exercise=exercise, since=since, until=until, session_ids=session_ids)
