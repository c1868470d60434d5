"""A client's sessions in the history database and how they went over the weeks.

Reviewed clips carry the client's name (the Review page's "Client" field). For
one client this gives their sessions and, per session, the figures a trend is
drawn from: reps, form score, good hold seconds, the mean range of motion of
the complete reps and the pain the client gave in the check-in after the set.
Names match without regard to case or surrounding spaces ("Ada " is "ada"); clips
marked "reference" are the trainer's own, not a client.

Example:
    >>> clients = ClientHistory(HistoryStore(tmp_path / "h.sqlite3"))  # doctest: +SKIP
    >>> clients.names()  # doctest: +SKIP
    ['Ada', 'Bo']
    >>> [p.reps for p in clients.trend("ada", "glute_bridge")]  # doctest: +SKIP
    [8, 10, 12]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from formcheck.store.history import HistoryStore

#: The Client value of the trainer's own model clips (Compare lists them first).
REFERENCE = "reference"


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One session of a client, as a trend shows it.

    Attributes:
        session_id: The session's row.
        created_at: When (ISO 8601, UTC).
        exercise: Spec id.
        title: Exercise title.
        reps: Counted reps.
        score: Form score 0-100.
        hold_s: Good hold seconds.
        mean_range: Mean range of motion of the complete reps (the rep signal's unit), NaN without one.
        kind: "live", "review" or "sample" (empty: not saved yet).
        pain: The pain 0-10 the client gave in the check-in after the set, NaN without one.
    """

    session_id: int
    created_at: str
    exercise: str
    title: str
    reps: int
    score: int
    hold_s: float
    mean_range: float
    kind: str = ""
    pain: float = math.nan


class ClientHistory:
    """The clients of one history database.

    Args:
        store: The history store (its file and connections).
    """

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def names(self) -> list[str]:
        """Every client's name (as last written), the most recently seen first; "reference" left out."""
        with self.store.reading() as con:
            rows = con.execute(
                "SELECT trim(client) AS name, MAX(created_at) AS last FROM sessions"
                " WHERE trim(client) != '' AND lower(trim(client)) != ? GROUP BY lower(trim(client))"
                " ORDER BY last DESC", (REFERENCE,)).fetchall()
        return [str(r["name"]) for r in rows]

    def trend(self, client: str, exercise: str | None = None) -> list[TrendPoint]:
        """The client's sessions (of ``exercise`` only, if given), oldest first, with their figures."""
        sql = ("SELECT s.id, s.created_at, s.exercise, s.title, s.reps, s.score, s.hold_s, s.kind,"
               " AVG(CASE WHEN r.complete THEN r.rom END) AS mean_range, MAX(c.pain) AS pain"
               " FROM sessions s LEFT JOIN reps r ON r.session_id = s.id"
               " LEFT JOIN checkins c ON c.session_id = s.id"
               " WHERE lower(trim(s.client)) = lower(trim(?))")
        args: tuple[str, ...] = (client,)
        if exercise is not None:
            sql, args = sql + " AND s.exercise = ?", (*args, exercise)
        with self.store.reading() as con:
            rows = con.execute(sql + " GROUP BY s.id ORDER BY s.created_at, s.id", args).fetchall()
        return [TrendPoint(int(r["id"]), str(r["created_at"]), str(r["exercise"]), str(r["title"]), int(r["reps"]),
                           int(r["score"]), float(r["hold_s"]),
                           math.nan if r["mean_range"] is None else float(r["mean_range"]), str(r["kind"]),
                           math.nan if r["pain"] is None else float(r["pain"]))
                for r in rows]
