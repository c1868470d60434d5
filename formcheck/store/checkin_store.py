"""The exerciser's check-in after an exercise: pain 0-10 and difficulty, kept beside the set.

After the last set of each exercise of a live routine, the app asks how it went, as
physiotherapy apps do: pain from 0 (none) to 10 (worst), and whether it was ``easy``, ``right``
or ``hard``. The answer is stored with that exercise's last saved set (table ``checkins``, one row
per set, deleted with it; schema 4 of :mod:`formcheck.store.history`). Either answer may be left
out (NULL).

:meth:`CheckIns.per_set` is the one query for charts (a trainer's pain trend): it returns one
:class:`CheckIn` per set, oldest first, filtered only by what it is given (exercise, time span,
sets), so a caller that scopes history (a user, a client) passes its filter explicitly.

Example:
    >>> checkins = CheckIns(HistoryStore(tmp_path / "h.sqlite3"))  # doctest: +SKIP
    >>> checkins.save(session_id, pain=2, difficulty="right")
    >>> [(c.exercise, c.pain, c.difficulty) for c in checkins.per_set(exercise="glute_bridge")]
    [('glute_bridge', 2, 'right')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from formcheck.records.errors import StoreError
from formcheck.store.history import HistoryStore

Difficulty = Literal["easy", "right", "hard"]
#: Difficulty answers, in order, with the words the app shows for them.
DIFFICULTIES: dict[str, str] = {"easy": "Easy", "right": "Just right", "hard": "Hard"}


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One set's check-in, with the set's exercise and time (for charts).

    Attributes:
        session_id: The set (``sessions.id``) it was given for.
        set_created_at: When the set was saved (ISO 8601, UTC): the time axis of a trend.
        exercise: The set's spec id.
        title: The set's exercise title.
        pain: 0 (none) to 10 (worst); None if not answered.
        difficulty: ``easy``, ``right`` or ``hard``; None if not answered.
        created_at: When the check-in was given (ISO 8601, UTC).
    """

    session_id: int
    set_created_at: str
    exercise: str
    title: str
    pain: int | None
    difficulty: str | None
    created_at: str


def check_answers(pain: int | None, difficulty: str | None) -> None:
    """Pain must be a whole number 0-10 and difficulty one of :data:`DIFFICULTIES` (or None).

    Raises:
        StoreError: Naming the bad answer and what is allowed.
    """
    if pain is not None and (isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= 10):
        raise StoreError(f"pain must be a whole number from 0 to 10, got {pain!r}")
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise StoreError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")


class CheckIns:
    """Check-ins of one history database.

    Args:
        store: The history store (its file and connections).
    """

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def save(self, session_id: int, pain: int | None, difficulty: str | None, when: datetime | None = None) -> None:
        """Store (or replace) the check-in of a set.

        Raises:
            StoreError: A bad answer, no set with that id, or the write failed.
        """
        check_answers(pain, difficulty)
        created = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        with self.store.writing() as con:
            if con.execute("SELECT 1 FROM sessions WHERE id = ?", (int(session_id),)).fetchone() is None:
                raise StoreError(f"no session with id {session_id} in {self.store.path}")
            con.execute("INSERT OR REPLACE INTO checkins (session_id, created_at, pain, difficulty)"
                        " VALUES (?, ?, ?, ?)", (int(session_id), created, pain, difficulty))

    def per_set(self, *, exercise: str | None = None, since: str | None = None, until: str | None = None,
                session_ids: Iterable[int] | None = None) -> list[CheckIn]:
        """Check-ins, one per set, oldest set first; each filter applies only when given.

        Args:
            exercise: Only sets of this spec id.
            since: Only sets saved at or after this ISO 8601 UTC time.
            until: Only sets saved before this ISO 8601 UTC time.
            session_ids: Only these sets (a caller's own scoping: a user's or a client's sets).

        Example:
            >>> [c.pain for c in CheckIns(store).per_set(exercise="bird_dog")]  # doctest: +SKIP
            [3, 2, 2]
        """
        where: list[str] = []
        args: list[Any] = []
        if exercise is not None:
            where.append("s.exercise = ?")
            args.append(exercise)
        if since is not None:
            where.append("s.created_at >= ?")
            args.append(since)
        if until is not None:
            where.append("s.created_at < ?")
            args.append(until)
        if session_ids is not None:
            ids = [int(i) for i in session_ids]
            where.append(f"s.id IN ({', '.join('?' * len(ids))})" if ids else "0")
            args.extend(ids)
        sql = ("SELECT c.session_id, s.created_at AS set_created_at, s.exercise, s.title, c.pain, c.difficulty,"
               " c.created_at FROM checkins c JOIN sessions s ON s.id = c.session_id"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.created_at, s.id")
        with self.store.reading() as con:
            rows = con.execute(sql, args).fetchall()
        return [CheckIn(int(r["session_id"]), r["set_created_at"], r["exercise"], r["title"],
                        None if r["pain"] is None else int(r["pain"]), r["difficulty"], r["created_at"])
                for r in rows]
