"""Two stored sessions side by side (no Streamlit here): a client's set against another, or a reference.

Per rep: range of motion, tempo (up / hold / down) and cues of each; per set:
counts, score, mean range and rep time; and a few sentences saying what
differs most ("B's reps reach 78 % of A's range of motion").

Example:
    >>> table = rep_comparison(store.get(1), store.get(2))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from formcheck.sinks.store import Session


def _reps(s: Session) -> list[dict[str, Any]]:
    return [r for r in (s.rep_rows or []) if r.get("complete")]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _tempo(rep: dict[str, Any] | None) -> str:
    if rep is None:
        return ""
    return f"{rep['tempo_up']:.1f} / {rep['tempo_hold']:.1f} / {rep['tempo_down']:.1f}"


def _rep_time(rep: dict[str, Any]) -> float:
    return float(rep["tempo_up"] + rep["tempo_hold"] + rep["tempo_down"])


def rep_comparison(a: Session, b: Session) -> pd.DataFrame:
    """One row per rep number: range of motion, tempo and cues of A and B (blank where a set has no such rep).

    Example:
        >>> list(rep_comparison(a, b).columns)[:3]  # doctest: +SKIP
        ['rep', 'ROM A', 'ROM B']
    """
    ra = {int(r["idx"]): r for r in a.rep_rows or []}
    rb = {int(r["idx"]): r for r in b.rep_rows or []}
    rows = []
    for i in sorted(set(ra) | set(rb)):
        x, y = ra.get(i), rb.get(i)
        rows.append({
            "rep": i,
            "ROM A": round(x["rom"], 1) if x else None, "ROM B": round(y["rom"], 1) if y else None,
            "ROM B − A": round(y["rom"] - x["rom"], 1) if x and y else None,
            "up/hold/down A (s)": _tempo(x), "up/hold/down B (s)": _tempo(y),
            "cues A": ", ".join(x["cues"]) if x else "", "cues B": ", ".join(y["cues"]) if y else "",
        })
    return pd.DataFrame(rows, columns=["rep", "ROM A", "ROM B", "ROM B − A", "up/hold/down A (s)",
                                       "up/hold/down B (s)", "cues A", "cues B"])


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
    return pd.DataFrame({"figure": list(fa), "A": [str(v) if v is not None else "—" for v in fa.values()],
                         "B": [str(v) if v is not None else "—" for v in fb.values()]})


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
    cues_a, cues_b = {c["id"] for c in a.cues}, {c["id"] for c in b.cues}
    if cues_b - cues_a:
        notes.append("Cues only in B: " + ", ".join(sorted(cues_b - cues_a)) + ".")
    if cues_a - cues_b:
        notes.append("Cues only in A: " + ", ".join(sorted(cues_a - cues_b)) + ".")
    if a.reps != b.reps:
        notes.append(f"Reps: A {a.reps}, B {b.reps}.")
    return notes


def session_label(s: Session) -> str:
    """How a session is listed in the pickers: id, date, client, clip, exercise, reps."""
    who = f"{s.client} · " if s.client else ""
    return f"#{s.id} {s.created_at[:10]} · {who}{s.source} · {s.title} · {s.reps} reps"
