"""A routine's plan as the Live page shows it before START: every exercise, its sets, rest and note in full.

Pure functions (no streamlit). The notes are the routine's advice on each exercise ("slowly, breathe
out as you round"): a table of fixed columns cut them off, so the plan is an HTML table whose
cells wrap, readable at 390 px as at 1366 px.

Example:
    >>> from formcheck.spec import load_routine, plan_routine
    >>> rows = plan_rows(plan_routine(load_routine("lower_back")))
    >>> rows[0]
    {'exercise': 'Cat-cow', 'sets': '1 × 10 reps', 'rest': '30 s', 'note': 'slowly, breathe out as you round'}
"""

from __future__ import annotations

import html

from formcheck.spec.routine import RoutinePlan

COLUMNS = ("exercise", "sets", "rest", "note")


def plan_rows(plan: RoutinePlan) -> list[dict[str, str]]:
    """One row per exercise of the routine, in order; one without a spec says it is skipped."""
    ready = {p.entry.exercise: p for p in plan.entries}
    skipped = dict(plan.skipped)
    rows = []
    for e in plan.routine.exercises:
        p = ready.get(e.exercise)
        rows.append({"exercise": p.spec.title if p else e.exercise,
                     "sets": f"{e.sets} × {p.target_text}" if p else "—",
                     "rest": f"{p.rest_s:g} s" if p else "",
                     "note": " ".join(e.note.split()) if p else skipped[e.exercise]})
    return rows


def plan_html(plan: RoutinePlan) -> str:
    """The plan as a table whose cells wrap (the notes in full).

    Example:
        >>> from formcheck.spec import load_routine, plan_routine
        >>> "breathe into the lower back" in plan_html(plan_routine(load_routine("lower_back")))
        True
    """
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td class='fc-{c}'>{html.escape(row[c])}</td>" for c in COLUMNS) + "</tr>"
                   for row in plan_rows(plan))
    return ("<style>#fc-plan{width:100%;border-collapse:collapse;font-size:0.9rem;line-height:1.3}"
            "#fc-plan th,#fc-plan td{border-bottom:1px solid #e6e6e6;padding:0.3rem 0.4rem;text-align:left;"
            "vertical-align:top;overflow-wrap:break-word}#fc-plan th{color:#777;font-weight:600;white-space:nowrap}"
            "#fc-plan td.fc-rest{white-space:nowrap}#fc-plan td.fc-note{color:#555}</style>"
            f"<table id='fc-plan'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
