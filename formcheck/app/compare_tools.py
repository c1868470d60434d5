"""Two stored sessions side by side (no Streamlit here): a client's set against another, or a reference.

Per rep: range of motion, tempo (up / hold / down) and cues of each; per set:
counts, score, mean range and rep time; and a few sentences saying what
differs most ("B's reps reach 78 % of A's range of motion"). Cues are named by
the faults the spec words them as ("your hips sagged"), never by their ids; a
rep one set does not have is left blank (the page shows "—"). The default pair
is the newest session and the one before it of the same exercise (a reference
clip of that exercise first).

Example:
    >>> table = rep_comparison(store.get(1), store.get(2))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from formcheck.app.history_tables import local_time
from formcheck.records.errors import SpecError
from formcheck.sinks.client_summary import fault_words
from formcheck.sinks.presentation import plural
from formcheck.spec import load_spec
from formcheck.store.history import Session


def is_reference(s: Session) -> bool:
    """A clip the trainer recorded as the model to compare with (its Client field says "reference")."""
    return s.client.strip().lower() == "reference"


def newest_first(sessions: list[Session]) -> list[Session]:
    """``sessions`` from the newest (by date, then id)."""
    return sorted(sessions, key=lambda s: (s.created_at, s.id), reverse=True)


def b_options(sessions: list[Session], a: Session) -> list[Session]:
    """The sessions to compare with ``a``: its exercise first (references, then newest first), then the rest.

    Example:
        >>> [s.id for s in b_options(store.list_sessions(), store.get(3))]  # doctest: +SKIP
        [7, 5, 1, 9]
    """
    others = newest_first([s for s in sessions if s.id != a.id])
    return sorted(others, key=lambda s: (s.exercise != a.exercise, not is_reference(s)))  # stable: newest first


def default_pair(sessions: list[Session]) -> tuple[int, int]:
    """``(A, B)`` to compare first: B the newest session, A the same exercise's reference or previous session.

    With no other session of that exercise, A is the next newest session. Needs two sessions.

    Example:
        >>> default_pair(store.list_sessions())  # doctest: +SKIP
        (12, 15)
    """
    b = newest_first(sessions)[0]
    return b_options(sessions, b)[0].id, b.id


def _spec(exercise: str) -> Any:
    try:
        return load_spec(exercise)
    except SpecError:
        return None


def cue_words(cue_ids: list[str], s: Session) -> str:
    """The faults behind ``cue_ids`` in the words of ``s``'s exercise ("your hips sagged"), each once.

    Example:
        >>> cue_words(["hips_low"], store.get(2))  # doctest: +SKIP
        'you stopped short of the full range'
    """
    spec = _spec(s.exercise)
    messages = {str(c.get("id")): str(c.get("message") or "") for c in s.cues}
    words = [fault_words(c, spec) if spec is not None else messages.get(c) or c.replace("_", " ") for c in cue_ids]
    return "; ".join(dict.fromkeys(words))


def _reps(s: Session) -> list[dict[str, Any]]:
    return [r for r in (s.rep_rows or []) if r.get("complete")]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


#: A cell of a rep that one set does not have.
MISSING = "—"


def _tempo(rep: dict[str, Any] | None) -> str:
    if rep is None:
        return MISSING
    return f"{rep['tempo_up']:.1f} / {rep['tempo_hold']:.1f} / {rep['tempo_down']:.1f}"


def _rep_time(rep: dict[str, Any]) -> float:
    return float(rep["tempo_up"] + rep["tempo_hold"] + rep["tempo_down"])


def rep_comparison(a: Session, b: Session) -> pd.DataFrame:
    """One row per rep number: range of motion, tempo and cues (in words) of A and B.

    Where a set has no such rep its range is NaN (the page shows "—") and its text cells say "—".

    Example:
        >>> list(rep_comparison(a, b).columns)[:4]  # doctest: +SKIP
        ['rep', 'range A', 'range B', 'range B − A']
    """
    ra = {int(r["idx"]): r for r in a.rep_rows or []}
    rb = {int(r["idx"]): r for r in b.rep_rows or []}
    rows = []
    for i in sorted(set(ra) | set(rb)):
        x, y = ra.get(i), rb.get(i)
        rows.append({
            "rep": i,
            "range A": round(x["rom"], 1) if x else math.nan, "range B": round(y["rom"], 1) if y else math.nan,
            "range B − A": round(y["rom"] - x["rom"], 1) if x and y else math.nan,
            "up/hold/down A (s)": _tempo(x), "up/hold/down B (s)": _tempo(y),
            "cues A": cue_words(x["cues"], a) if x else MISSING, "cues B": cue_words(y["cues"], b) if y else MISSING,
        })
    return pd.DataFrame(rows, columns=["rep", "range A", "range B", "range B − A", "up/hold/down A (s)",
                                       "up/hold/down B (s)", "cues A", "cues B"])


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every unknown cell (NaN, None) as "—": a table shows no "None".

    Example:
        >>> for_display(pd.DataFrame({"x": [1.5, math.nan]}))["x"].tolist()
        [1.5, '—']
    """
    return table.astype(object).where(table.notna(), MISSING)


def set_comparison(a: Session, b: Session) -> pd.DataFrame:
    """The sets' figures in two columns (A, B), one row per figure."""

    def figures(s: Session) -> dict[str, Any]:
        reps = _reps(s)
        rom, time = _mean([float(r["rom"]) for r in reps]), _mean([_rep_time(r) for r in reps])
        return {"reps": s.reps, "partial reps": s.partial_reps, "score": s.score,
                "mean range of motion": None if rom is None else round(rom, 1),
                "mean rep time (s)": None if time is None else round(time, 2),
                "good hold (s)": round(s.hold_s, 1), "cues": len(s.cues)}

    fa, fb = figures(a), figures(b)
    return pd.DataFrame({"figure": list(fa), "A": [str(v) if v is not None else MISSING for v in fa.values()],
                         "B": [str(v) if v is not None else MISSING for v in fb.values()]})


def comparison_notes(a: Session, b: Session) -> list[str]:
    """What differs most between A and B, in a few sentences.

    Example:
        >>> comparison_notes(reference, client)[0]  # doctest: +SKIP
        "B's reps reach 78 % of A's range of motion on average (A 31.2, B 24.3)."
    """
    notes = []
    if a.exercise != b.exercise:
        notes.append(f"These are different exercises ({a.title} and {b.title}): compare with care.")
    ra, rb = _reps(a), _reps(b)
    rom_a, rom_b = _mean([float(r["rom"]) for r in ra]), _mean([float(r["rom"]) for r in rb])
    if rom_a and rom_b is not None:
        notes.append(f"B's reps reach {100 * rom_b / rom_a:.0f} % of A's range of motion on average "
                     f"(A {rom_a:.1f}, B {rom_b:.1f}).")
    time_a, time_b = _mean([_rep_time(r) for r in ra]), _mean([_rep_time(r) for r in rb])
    if time_a and time_b:
        notes.append(f"A rep takes {time_b:.1f} s in B against {time_a:.1f} s in A.")
    cues_a, cues_b = {str(c["id"]) for c in a.cues}, {str(c["id"]) for c in b.cues}
    if cues_b - cues_a:
        notes.append(f"Only in B: {cue_words(sorted(cues_b - cues_a), b)}.")
    if cues_a - cues_b:
        notes.append(f"Only in A: {cue_words(sorted(cues_a - cues_b), a)}.")
    if a.reps != b.reps:
        notes.append(f"Reps: A {a.reps}, B {b.reps}.")
    return notes


def session_label(s: Session, zone: str | None = None) -> str:
    """How a session is listed in the pickers: local date and time, client, clip, exercise, reps.

    Example:
        >>> session_label(store.get(2), "Europe/Paris")  # doctest: +SKIP
        '2026-11-26 08:58 · Ada · ada.mp4 · Glute bridge · 2 reps'
    """
    who = f"{s.client} · " if s.client else ""
    return f"{local_time(s.created_at, zone)} · {who}{s.source} · {s.title} · {plural(s.reps, 'rep')}"
