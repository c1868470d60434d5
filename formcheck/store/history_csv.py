"""The History page's CSV export: one plain row per session, as a spreadsheet reads it.

Each cell holds one value: the date in the viewer's time zone as ISO 8601 with
its offset (``2026-01-03T08:30:00+09:00``, so a spreadsheet and a program both
read it right), reps per side in their own columns, cue ids and notes joined by
``"; "`` — never a JSON blob. Typed text (clip names, client names, notes)
cannot run as a formula (:func:`~formcheck.records.csv_cells.spreadsheet_safe`).

Example:
    >>> text = history_csv(store.list_sessions(), "Europe/Paris")  # doctest: +SKIP
    >>> text.splitlines()[0]  # doctest: +SKIP
    'date,kind,exercise,exercise_id,source,client,reps,reps_left,reps_right,partial_reps,...'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from formcheck.records.csv_cells import spreadsheet_safe
from formcheck.store.history import Session

COLUMNS: tuple[str, ...] = ("date", "kind", "exercise", "exercise_id", "source", "client", "reps", "reps_left",
                            "reps_right", "partial_reps", "hold_s", "duration_s", "score", "cues", "notes",
                            "trainer_notes")


def local_iso(iso_utc: str, zone: str | None = None) -> str:
    """A stored UTC time in ``zone`` (IANA name; None or unknown: this computer's), with its offset.

    Example:
        >>> local_iso("2026-01-02T23:30:00+00:00", "Asia/Tokyo")
        '2026-01-03T08:30:00+09:00'
    """
    try:
        tz = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    return datetime.fromisoformat(iso_utc).astimezone(tz).isoformat(timespec="seconds")


def _row(s: Session, titles: dict[str, str], zone: str | None) -> list[object]:
    cells: dict[str, object] = {
        "date": local_iso(s.created_at, zone), "kind": s.kind, "exercise": titles.get(s.exercise, s.title),
        "exercise_id": s.exercise, "source": s.source, "client": s.client, "reps": s.reps,
        "reps_left": s.reps_by_side.get("left", ""), "reps_right": s.reps_by_side.get("right", ""),
        "partial_reps": s.partial_reps, "hold_s": round(s.hold_s, 2), "duration_s": round(s.duration_s, 2),
        "score": s.score, "cues": "; ".join(str(c.get("id", "")) for c in s.cues), "notes": "; ".join(s.notes),
        "trainer_notes": s.trainer_notes}
    return [spreadsheet_safe(cells[c]) for c in COLUMNS]


def history_csv(sessions: Sequence[Session], zone: str | None = None, titles: dict[str, str] | None = None) -> str:
    """The CSV text of ``sessions``, oldest first, one plain value per cell (see the module docstring).

    Args:
        sessions: As ``HistoryStore.list_sessions`` gives them (any order).
        zone: The viewer's time zone for the dates.
        titles: Exercise id → title (default: the title stored with each session).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in sorted(sessions, key=lambda s: (s.created_at, s.id)):
        writer.writerow(_row(s, titles or {}, zone))
    return buf.getvalue()
