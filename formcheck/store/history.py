"""History of finished sets and reviewed clips in one SQLite file.

Every live set, reviewed upload and replayed sample becomes one *session* row
with its per-rep rows, written in **one transaction**: a crash in the middle of
a save leaves the database as it was, so at most that set is lost. The file
runs in WAL mode so the Streamlit script can read while another thread writes.

A reviewed clip also keeps the client's name, the trainer's notes and the
clip's sha256 (columns added to older files when they are opened); analysing
the same clip again replaces its session rather than adding another.

Location: ``FORMCHECK_DB`` if set, else
``platformdirs.user_data_dir("formcheck")/history.sqlite3``.

Example:
    >>> store = HistoryStore(tmp_path / "h.sqlite3")  # doctest: +SKIP
    >>> sid = store.save_set(summary, source="webcam", kind="live")
    >>> store.get(sid).reps == summary.reps
    True
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Literal

from formcheck.records.csv_cells import spreadsheet_safe
from formcheck.records.errors import StoreError
from formcheck.records.feedback import SetSummary
from formcheck.store.sqlite_file import SqliteFile

Kind = Literal["live", "review", "sample"]
KINDS: tuple[str, ...] = ("live", "review", "sample")

#: Bump when the schema changes; older files are migrated in ``_migrate`` (see ``_MIGRATIONS``).
SCHEMA_VERSION = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,            -- ISO 8601, UTC
    source TEXT NOT NULL,                -- file name, "webcam", sample name
    kind TEXT NOT NULL CHECK (kind IN ('live', 'review', 'sample')),
    exercise TEXT NOT NULL,
    title TEXT NOT NULL,
    reps INTEGER NOT NULL,
    partial_reps INTEGER NOT NULL,
    reps_by_side TEXT NOT NULL,          -- JSON object
    duration_s REAL NOT NULL,
    score INTEGER NOT NULL,
    hold_s REAL NOT NULL,                -- good hold seconds, summed over holds
    cues TEXT NOT NULL,                  -- JSON list of cue objects
    notes TEXT NOT NULL                  -- JSON list of strings
);
CREATE INDEX IF NOT EXISTS sessions_exercise ON sessions (exercise, created_at);
CREATE TABLE IF NOT EXISTS reps (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start REAL NOT NULL, peak REAL NOT NULL, "end" REAL NOT NULL,
    complete INTEGER NOT NULL, counted INTEGER NOT NULL,
    side TEXT, rom REAL NOT NULL, rom_fraction REAL NOT NULL,
    tempo_up REAL NOT NULL, tempo_hold REAL NOT NULL, tempo_down REAL NOT NULL,
    quality INTEGER NOT NULL,
    cues TEXT NOT NULL,                  -- JSON list of cue ids
    PRIMARY KEY (session_id, idx)
);
"""

#: Routine sessions (live app): one row per routine run; its sets point at it (``sessions.routine_session_id``).
_ROUTINES = """
CREATE TABLE IF NOT EXISTS routine_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,            -- ISO 8601, UTC, when the routine ended
    routine TEXT NOT NULL,               -- routine id
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('completed', 'stopped')),
    duration_s REAL NOT NULL,
    sets_planned INTEGER NOT NULL,
    sets TEXT NOT NULL,                  -- JSON list: exercise, title, label, target, reps, hold_s, score, ...
    skipped TEXT NOT NULL                -- JSON list of exercise ids without a spec
)"""


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in con.execute(f"PRAGMA table_info({table})")}


def _add_routines(con: sqlite3.Connection) -> None:
    """Version 2: routine sessions, and the link from a set to its routine session."""
    con.execute(_ROUTINES)
    if "routine_session_id" not in _columns(con, "sessions"):
        con.execute("ALTER TABLE sessions ADD COLUMN routine_session_id INTEGER"
                    " REFERENCES routine_sessions (id) ON DELETE SET NULL")


#: Columns added after schema 1, with their SQL type: added to older files when opened (additive:
#: an older formcheck still reads the file). ``clip_key`` is the reviewed clip's sha256, so
#: analysing the same clip again replaces its session instead of adding a second one.
ADDED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("client", "TEXT NOT NULL DEFAULT ''"),
    ("trainer_notes", "TEXT NOT NULL DEFAULT ''"),
    ("clip_key", "TEXT"),
)


def _add_client_columns(con: sqlite3.Connection) -> None:
    """Version 3: client name, trainer's notes and the reviewed clip's key (re-analysis replaces)."""
    have = _columns(con, "sessions")
    for name, decl in ADDED_COLUMNS:
        if name not in have:
            con.execute(f"ALTER TABLE sessions ADD COLUMN {name} {decl}")
    con.execute("CREATE INDEX IF NOT EXISTS sessions_clip ON sessions (clip_key, kind)")


#: The exerciser's check-in after an exercise (live routines): pain 0-10 and how hard it was, one row
#: per set it was given for (``checkin_store.CheckIns``); deleted with its set.
_CHECKINS = """
CREATE TABLE IF NOT EXISTS checkins (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,            -- ISO 8601, UTC, when it was given
    pain INTEGER CHECK (pain BETWEEN 0 AND 10),                     -- NULL: not answered
    difficulty TEXT CHECK (difficulty IN ('easy', 'right', 'hard'))  -- NULL: not answered
)"""


def _add_checkins(con: sqlite3.Connection) -> None:
    """Version 4: the exerciser's check-ins (pain, difficulty) beside their sets."""
    con.execute(_CHECKINS)


def _add_score_losses(con: sqlite3.Connection) -> None:
    """Version 5: what each set's score lost points for, so History can say it (issue 21)."""
    if "score_losses" not in _columns(con, "sessions"):
        # JSON list of {points, kind, cue, reps}; '[]' for sets saved before (their reasons were not kept).
        con.execute("ALTER TABLE sessions ADD COLUMN score_losses TEXT NOT NULL DEFAULT '[]'")


#: Schema changes after version 1, by the version they lead to. Each is additive and safe to
#: run twice (it checks what is there), so files migrated by another build stay readable.
_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _add_routines, 3: _add_client_columns, 4: _add_checkins, 5: _add_score_losses}

SESSION_COLUMNS: tuple[str, ...] = (
    "id", "created_at", "source", "kind", "exercise", "title", "reps", "partial_reps",
    "reps_by_side", "duration_s", "score", "hold_s", "cues", "notes", "client", "trainer_notes",
)
REP_COLUMNS: tuple[str, ...] = (
    "idx", "start", "peak", "end", "complete", "counted", "side", "rom", "rom_fraction",
    "tempo_up", "tempo_hold", "tempo_down", "quality", "cues",
)


def default_db_path() -> Path:
    """``FORMCHECK_DB`` if set, else ``<user data dir>/formcheck/history.sqlite3``."""
    env = os.environ.get("FORMCHECK_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("formcheck")) / "history.sqlite3"


@dataclass(frozen=True, slots=True)
class Session:
    """One stored set: the session row, plus its rep rows when read with ``get``.

    ``cues`` are dicts with ``id``, ``message``, ``start``, ``end``, ``rep``;
    ``rep_rows`` dicts with the keys of ``REP_COLUMNS``.
    """

    id: int
    created_at: str
    source: str
    kind: str
    exercise: str
    title: str
    reps: int
    partial_reps: int
    reps_by_side: dict[str, int]
    duration_s: float
    score: int
    hold_s: float
    cues: list[dict[str, Any]]
    notes: list[str]
    rep_rows: list[dict[str, Any]] | None = None
    routine_session_id: int | None = None  # the routine session this set belongs to (live app)
    client: str = ""
    trainer_notes: str = ""
    clip_key: str | None = None
    score_losses: list[dict[str, Any]] = field(default_factory=list)  # ``ScoreLoss`` fields; [] before schema 5


class HistoryStore(SqliteFile):
    """The history database. Cheap to create; every call opens its own connection.

    One connection per call keeps the store safe to use from Streamlit's
    script threads and the webrtc callback thread alike (sqlite3 connections
    are bound to the thread that made them).

    A file this process may not write (or in a folder it may not write) is
    opened read-only: it can be listed and exported, and saving or deleting
    raises ``StoreError``.

    Args:
        path: Database file; None means :func:`default_db_path`. Its folder is created.

    Raises:
        StoreError: The file cannot be created/opened, is not a formcheck
            database (another program's SQLite file is never changed), or was
            written by a newer formcheck.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__(path if path is not None else default_db_path())

    def _migrate(self, con: sqlite3.Connection) -> None:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"history database {self.path} has schema {version}; this formcheck "
                             f"reads up to {SCHEMA_VERSION} (upgrade formcheck)")
        if version == SCHEMA_VERSION:
            return
        # Statement by statement: executescript() would COMMIT our transaction first.
        with self._transaction(con):
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    con.execute(statement)
            for step in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
                _MIGRATIONS[step](con)
            con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # -- writes -----------------------------------------------------------------------
    def save_set(self, summary: SetSummary, source: str, kind: Kind,
                 when: datetime | None = None, *, client: str | None = None,
                 trainer_notes: str | None = None, clip_key: str | None = None) -> int:
        """Store a finished set with its rep rows in one transaction; return its id.

        With ``clip_key`` (the clip's sha256), a session of the same kind and clip
        is replaced in place (same id; its client and notes kept unless new ones
        are given): analysing a clip again never adds a second row.

        Args:
            summary: The set, as the tracker summarised it.
            source: Where it came from ("webcam", an uploaded file name, a sample name).
            kind: "live", "review" or "sample".
            when: Time of the set (default now, UTC).
            client: The client's name (reviewed clips).
            trainer_notes: The trainer's notes on the set.
            clip_key: Identity of the analysed clip (its sha256), for replacing.

        Raises:
            StoreError: Bad ``kind``, or the write failed (nothing is written then).
        """
        if kind not in KINDS:
            raise StoreError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        created = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        hold_s = sum(h.good_s for h in summary.holds)
        values = (created, source, kind, summary.exercise, summary.title, int(summary.reps),
                  int(summary.partial_reps), _dumps(dict(summary.reps_by_side)),
                  float(summary.duration_s), int(summary.score), float(hold_s),
                  _dumps([_cue_dict(c) for c in summary.cues]), _dumps(list(summary.notes)),
                  _dumps([x.as_dict() for x in summary.score_losses]))
        with self._connect() as con, self._transaction(con):
            old = None
            if clip_key is not None:
                old = con.execute("SELECT id, client, trainer_notes FROM sessions WHERE clip_key = ? AND kind = ?"
                                  " ORDER BY id LIMIT 1", (clip_key, kind)).fetchone()
            people = (client if client is not None else (old["client"] if old else ""),
                      trainer_notes if trainer_notes is not None else (old["trainer_notes"] if old else ""))
            if old is not None:
                sid = int(old["id"])
                con.execute(
                    "UPDATE sessions SET created_at = ?, source = ?, kind = ?, exercise = ?, title = ?, reps = ?,"
                    " partial_reps = ?, reps_by_side = ?, duration_s = ?, score = ?, hold_s = ?, cues = ?,"
                    " notes = ?, score_losses = ?, client = ?, trainer_notes = ? WHERE id = ?", (*values, *people, sid))
                con.execute("DELETE FROM reps WHERE session_id = ?", (sid,))
            else:
                cur = con.execute(
                    "INSERT INTO sessions (created_at, source, kind, exercise, title, reps, partial_reps,"
                    " reps_by_side, duration_s, score, hold_s, cues, notes, score_losses, client, trainer_notes,"
                    " clip_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, *people, clip_key))
                sid = int(cur.lastrowid or 0)
            for rep in summary.rep_rows:
                con.execute(
                    "INSERT INTO reps (session_id, idx, start, peak, \"end\", complete, counted, side, rom,"
                    " rom_fraction, tempo_up, tempo_hold, tempo_down, quality, cues)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, rep.index, rep.start, rep.peak, rep.end, int(rep.complete), int(rep.counted),
                     rep.side, rep.rom, rep.rom_fraction, rep.tempo_up, rep.tempo_hold,
                     rep.tempo_down, int(rep.quality), _dumps(list(rep.cues))),
                )
        return sid

    def set_client_notes(self, session_id: int, client: str, trainer_notes: str) -> None:
        """Store the client's name and the trainer's notes with a session.

        Raises:
            StoreError: No session has that id.
        """
        with self._connect() as con, self._transaction(con):
            cur = con.execute("UPDATE sessions SET client = ?, trainer_notes = ? WHERE id = ?",
                              (client, trainer_notes, int(session_id)))
            if cur.rowcount == 0:
                raise StoreError(f"no session with id {session_id} in {self.path}")

    def delete(self, session_id: int) -> None:
        """Delete a session and its reps.

        Raises:
            StoreError: No session has that id.
        """
        with self._connect() as con, self._transaction(con):
            cur = con.execute("DELETE FROM sessions WHERE id = ?", (int(session_id),))
            if cur.rowcount == 0:
                raise StoreError(f"no session with id {session_id} in {self.path}")

    # -- reads ------------------------------------------------------------------------
    def list_sessions(self, exercise: str | None = None) -> list[Session]:
        """Sessions newest first (optionally of one exercise), without rep rows."""
        sql = "SELECT * FROM sessions"
        args: tuple[Any, ...] = ()
        if exercise is not None:
            sql, args = sql + " WHERE exercise = ?", (exercise,)
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY created_at DESC, id DESC", args).fetchall()
        return [_session(r) for r in rows]

    def get(self, session_id: int) -> Session:
        """One session with its rep rows.

        Raises:
            StoreError: No session has that id.
        """
        with self._connect() as con:
            row = con.execute("SELECT * FROM sessions WHERE id = ?", (int(session_id),)).fetchone()
            if row is None:
                raise StoreError(f"no session with id {session_id} in {self.path}")
            reps = con.execute("SELECT * FROM reps WHERE session_id = ? ORDER BY idx",
                               (int(session_id),)).fetchall()
        rep_rows = [{k: (_json_column(r, k, [], []) if k == "cues" else r[k]) for k in REP_COLUMNS} for r in reps]
        for rep in rep_rows:
            rep["complete"], rep["counted"] = bool(rep["complete"]), bool(rep["counted"])
        return _session(row, rep_rows)

    def progress(self, exercise: str) -> list[dict[str, Any]]:
        """Per-session figures of one exercise, oldest first, for a progress chart.

        Returns:
            Dicts with ``created_at``, ``reps``, ``partial_reps``, ``score``, ``hold_s``,
            ``duration_s``, ``kind``, ``id``.
        """
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, created_at, kind, reps, partial_reps, score, hold_s, duration_s"
                " FROM sessions WHERE exercise = ? ORDER BY created_at, id", (exercise,)).fetchall()
        return [dict(r) for r in rows]

    def export_csv(self, dest: str | Path | IO[str], exercise: str | None = None) -> int:
        """Write one CSV row per session (oldest first); return the number of rows.

        Args:
            dest: A path (written to a temp file, then renamed) or an open text file.
            exercise: Only this exercise's sessions.
        """
        sessions = list(reversed(self.list_sessions(exercise)))
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(SESSION_COLUMNS)
        for s in sessions:
            row = asdict(s)
            writer.writerow([_csv_cell(row[c]) for c in SESSION_COLUMNS])
        if isinstance(dest, (str, Path)):
            from formcheck.records.atomic import atomic_write_text

            atomic_write_text(Path(dest), buf.getvalue())
        else:
            dest.write(buf.getvalue())
        return len(sessions)


def _dumps(value: Any) -> str:
    # allow_nan=False: NaN is not JSON; a bad value should fail the whole save.
    return json.dumps(value, allow_nan=False)


def _cue_dict(cue: Any) -> dict[str, Any]:
    return {"id": cue.id, "message": cue.message, "priority": cue.priority,
            "start": cue.start, "end": cue.end, "rep": cue.rep}


def _csv_cell(value: Any) -> Any:
    """A session value as a CSV cell: lists and dicts as JSON, typed text never run as a formula."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return spreadsheet_safe(value)


def _json_column(row: sqlite3.Row, key: str, default: Any, damaged: list[str]) -> Any:
    """A JSON column's value; ``default`` (and ``key`` added to ``damaged``) when it is not JSON."""
    try:
        return json.loads(row[key])
    except (TypeError, ValueError):
        damaged.append(key)
        return default


def _session(row: sqlite3.Row, rep_rows: list[dict[str, Any]] | None = None) -> Session:
    """A session from its row; damaged JSON columns read as empty, with a note saying so."""
    damaged: list[str] = []
    by_side = _json_column(row, "reps_by_side", {}, damaged)
    cues = _json_column(row, "cues", [], damaged)
    notes = _json_column(row, "notes", [], damaged)
    losses = _json_column(row, "score_losses", [], damaged) if "score_losses" in row.keys() else []
    if damaged:
        notes = [*(notes if isinstance(notes, list) else []),
                 f"damaged in the database: {', '.join(damaged)} (not JSON)"]
    return Session(
        id=int(row["id"]), created_at=row["created_at"], source=row["source"], kind=row["kind"],
        exercise=row["exercise"], title=row["title"], reps=int(row["reps"]),
        partial_reps=int(row["partial_reps"]), reps_by_side=by_side,
        duration_s=float(row["duration_s"]), score=int(row["score"]), hold_s=float(row["hold_s"]),
        cues=cues, notes=notes, rep_rows=rep_rows,
        routine_session_id=row["routine_session_id"] if "routine_session_id" in row.keys() else None,
        client=row["client"] or "", trainer_notes=row["trainer_notes"] or "", clip_key=row["clip_key"],
        score_losses=losses if isinstance(losses, list) else [],
    )
