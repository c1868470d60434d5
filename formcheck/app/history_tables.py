"""History as tables a person reads: local dates, plain names, one table per kind of session.

Pure functions (no streamlit): the History page shows their frames. Dates are
stored in UTC and shown in the viewer's time zone; exercises by title; cues by
their message; rep columns in words ("range of motion", "up (s)").

Example:
    >>> local_time("2026-11-26T07:58:00+00:00", "Europe/Paris")
    '2026-11-26 08:58'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from formcheck.sinks.presentation import plural
from formcheck.store.checkin_store import DIFFICULTIES, CheckIn
from formcheck.store.history import Session
from formcheck.store.history_csv import local_iso
from formcheck.store.routine_store import RoutineSession

#: Session kinds, as the History page names its tabs.
KIND_TITLES: dict[str, str] = {"live": "Live sets", "review": "Reviewed clips", "sample": "Sample replays"}
SESSION_COLUMNS = ["id", "date", "exercise", "source", "client", "reps", "partial", "hold (s)", "score", "cues"]
#: The exerciser's check-in, beside live sets and a routine's sets.
CHECKIN_COLUMNS = ["pain (0-10)", "difficulty"]


def local_time(iso_utc: str, zone: str | None = None) -> str:
    """``YYYY-MM-DD HH:MM`` in ``zone`` (an IANA name; None or unknown: this computer's zone).

    Example:
        >>> local_time("2026-01-02T23:30:00+00:00", "Asia/Tokyo")
        '2026-01-03 08:30'
    """
    return local_iso(iso_utc, zone)[:16].replace("T", " ")


def local_times(isos: Sequence[str], zone: str | None = None) -> pd.Series:
    """Stored UTC times as wall-clock times in ``zone`` (naive), for charts.

    A chart library shows a zone-aware time in UTC or in the browser's zone, whichever it
    picks; a naive wall-clock time is shown as it is, so the chart reads like the tables.

    Example:
        >>> local_times(["2026-01-02T23:30:00+00:00"], "Asia/Tokyo").dt.strftime("%Y-%m-%d %H:%M").tolist()
        ['2026-01-03 08:30']
    """
    return pd.Series([pd.Timestamp(local_time(t, zone)) for t in isos], dtype="datetime64[ns]")


def result_words(s: Session) -> str:
    """What a set came to: its reps, or the seconds held for a hold ("9.3 s held", never "0 reps").

    Example:
        >>> from formcheck.store.history import Session
        >>> result_words(Session(1, "", "webcam", "live", "plank", "Plank", 0, 0, {}, 14.0, 31, 9.3, [], []))
        '9.3 s held'
    """
    if s.reps == 0 and s.hold_s > 0:
        return f"{s.hold_s:.1f} s held"
    return plural(s.reps, "rep")


def _cue_words(cues: Sequence[dict[str, Any]]) -> str:
    """Distinct cue messages, in order (ids are for programs, messages for people)."""
    return "; ".join(dict.fromkeys(str(c.get("message") or c.get("id")) for c in cues))


def sessions_table(sessions: Sequence[Session], titles: dict[str, str], zone: str | None = None,
                   checkins: dict[int, CheckIn] | None = None) -> pd.DataFrame:
    """One row per set or clip, newest first, in plain words and local time (with ``checkins``, by set
    id: the exerciser's pain and difficulty too).

    Example:
        >>> sessions_table([], {}).columns[:3].tolist()
        ['id', 'date', 'exercise']
    """
    rows = [{"id": s.id, "date": local_time(s.created_at, zone), "exercise": titles.get(s.exercise, s.title),
             "source": s.source, "client": s.client, "reps": s.reps, "partial": s.partial_reps,
             "hold (s)": round(s.hold_s, 1), "score": s.score, "cues": _cue_words(s.cues),
             **checkin_cells(checkins, s.id)} for s in sessions]
    table = pd.DataFrame(rows, columns=SESSION_COLUMNS + (CHECKIN_COLUMNS if checkins is not None else []))
    return table if any(s.client for s in sessions) else table.drop(columns="client")


def checkin_cells(checkins: dict[int, CheckIn] | None, session_id: int | None) -> dict[str, str]:
    """The check-in columns of one set: pain and difficulty in words, empty when none was given.

    Example:
        >>> checkin_cells({4: CheckIn(4, "", "plank", "Plank", 2, "hard", "")}, 4)
        {'pain (0-10)': '2', 'difficulty': 'Hard'}
    """
    if checkins is None:
        return {}
    c = checkins.get(session_id) if session_id is not None else None
    if c is None:
        return dict.fromkeys(CHECKIN_COLUMNS, "")
    return {"pain (0-10)": "" if c.pain is None else str(c.pain),
            "difficulty": DIFFICULTIES.get(c.difficulty, c.difficulty) if c.difficulty else ""}


def routines_table(routines: Sequence[RoutineSession], zone: str | None = None) -> pd.DataFrame:
    """One row per routine session, newest first.

    A routine stopped in its lead-in is no longer saved; one an older formcheck saved reads
    "stopped before any set was done", never "0 of 11".

    Example:
        >>> from formcheck.store.routine_store import RoutineSession
        >>> old = RoutineSession(1, "2026-01-02T23:30:00+00:00", "lower_back", "Lower-back care", "stopped",
        ...                      4.0, 11, [], [])
        >>> routines_table([old])["sets"].tolist()
        ['none: stopped before any set was done']
    """
    rows = [{"id": r.id, "date": local_time(r.created_at, zone), "routine": r.title, "status": r.status,
             "sets": f"{len(r.sets)} of {r.sets_planned}" if r.sets else "none: stopped before any set was done",
             "reps": r.reps,
             "hold (s)": round(r.hold_s, 1), "minutes": round(r.duration_s / 60, 1)} for r in routines]
    return pd.DataFrame(rows, columns=["id", "date", "routine", "status", "sets", "reps", "hold (s)", "minutes"])


def routine_sets_table(routine: RoutineSession, checkins: dict[int, CheckIn] | None = None) -> pd.DataFrame:
    """The sets of one routine session (with ``checkins``: the exerciser's pain and difficulty)."""
    rows = [{"exercise": s["title"], "set": s["label"], "target": s["target"], "reps": s["reps"],
             "hold (s)": round(float(s["hold_s"]), 1), "score": s["score"],
             "target met": "yes" if s["target_met"] else "no", **checkin_cells(checkins, s.get("session_id"))}
            for s in routine.sets]
    return pd.DataFrame(rows, columns=["exercise", "set", "target", "reps", "hold (s)", "score", "target met"]
                        + (CHECKIN_COLUMNS if checkins is not None else []))


def rep_rows_table(rep_rows: Sequence[dict[str, Any]], messages: dict[str, str]) -> pd.DataFrame:
    """A stored set's reps with plain column names; cue ids become their messages."""
    rows = [{"rep": r["idx"], "side": r["side"] or "", "complete": "yes" if r["complete"] else "no",
             "counted": "yes" if r["counted"] else "no", "range of motion": round(float(r["rom"]), 1),
             "of the range needed": f"{100 * float(r['rom_fraction']):.0f} %", "up (s)": round(float(r["tempo_up"]), 2),
             "hold (s)": round(float(r["tempo_hold"]), 2), "down (s)": round(float(r["tempo_down"]), 2),
             "quality": r["quality"], "cues": "; ".join(messages.get(c, c) for c in r["cues"])} for r in rep_rows]
    return pd.DataFrame(rows, columns=["rep", "side", "complete", "counted", "range of motion", "of the range needed",
                                       "up (s)", "hold (s)", "down (s)", "quality", "cues"])


def cues_table(cues: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """A stored set's cues: message, from, to, rep."""
    rows = [{"cue": c.get("message") or c.get("id"), "from (s)": round(float(c["start"]), 1),
             "to (s)": round(float(c["end"]), 1) if c.get("end") is not None else None, "rep": c.get("rep")}
            for c in cues]
    return pd.DataFrame(rows, columns=["cue", "from (s)", "to (s)", "rep"])
