"""History's Clients tab: one client's sessions and how reps, score and range went over the weeks.

Clients are the names given in the "Client" field of the Review and Live pages (clips marked
"reference" are the trainer's own). Pick a client, then one of their
exercises: their sessions as a table and three small charts over time (reps or
seconds held, form score, mean range of motion; pain once the client has answered a
check-in), dates in the viewer's zone.
The same trend goes into the client report of their clips
(:func:`formcheck.sinks.client_chart.trend_panels`).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app import widgets
from formcheck.app.history_access import clients
from formcheck.app.history_tables import local_time, local_times
from formcheck.features.labels import feature_unit, unit_title
from formcheck.sinks.presentation import plural
from formcheck.store.client_history import TrendPoint
from formcheck.store.history import HistoryStore

#: The column of the pain the client gave after a set (shown once any set has one).
PAIN = "pain (0-10)"
#: A session's kind as the Clients table names it.
SET_WORDS = {"live": "live", "review": "reviewed clip", "sample": "sample replay"}


def is_hold(points: list[TrendPoint]) -> bool:
    """True for a hold exercise's sessions: nothing counted as reps, seconds held."""
    return all(p.reps == 0 for p in points) and any(p.hold_s > 0 for p in points)


def range_column(signal: str | None) -> str:
    """The range column's name with the rep signal's unit ("range of motion (°)").

    Example:
        >>> range_column("hip_angle"), range_column("hip_sag"), range_column(None)
        ('range of motion (°)', 'range of motion (torso lengths)', 'range of motion')
    """
    unit = feature_unit(signal) if signal else ""
    if not unit:
        return "range of motion"
    return f"range of motion ({'°' if unit == 'deg' else unit_title(unit)})"


def trend_table(points: list[TrendPoint], zone: str | None, signal: str | None = None) -> pd.DataFrame:
    """A client's sessions of one exercise, oldest first: date, reps (or hold seconds), score, range of motion
    (in the unit of the exercise's rep ``signal``).

    Example:
        >>> trend_table([], None, "hip_angle").columns.tolist()
        ['date', 'set', 'reps', 'score', 'range of motion (°)']
    """
    in_range = range_column(signal)
    columns = ["date", "set", "hold (s)" if is_hold(points) else "reps", "score"]
    columns += [] if is_hold(points) else [in_range]
    columns += [PAIN] if any(math.isfinite(p.pain) for p in points) else []
    rows = [{"date": local_time(p.created_at, zone), "set": SET_WORDS.get(p.kind, p.kind), "reps": p.reps,
             "hold (s)": round(p.hold_s, 1), "score": p.score,
             in_range: round(p.mean_range, 1) if math.isfinite(p.mean_range) else None,
             PAIN: p.pain if math.isfinite(p.pain) else None} for p in points]
    return pd.DataFrame(rows, columns=columns)


def _rep_signal(exercise: str) -> str | None:
    """The exercise's rep signal (its unit names the range column), None for a hold or an unknown spec."""
    from formcheck.records.errors import SpecError

    try:
        rep = getattr(widgets.spec(exercise), "rep", None)
    except SpecError:
        return None
    return None if rep is None else str(rep.signal)


def default_exercise(points: list[TrendPoint]) -> str:
    """The exercise to show first: the one with the most sessions (the longest trend), the latest on a tie."""
    order = list(dict.fromkeys(p.exercise for p in reversed(points)))  # latest first
    return max(order, key=lambda e: (sum(p.exercise == e for p in points), -order.index(e)))


def _trend_charts(points: list[TrendPoint], zone: str | None, signal: str | None) -> None:
    """Reps (or hold seconds), score and range over time: a small chart each, side by side (stacked on a phone)."""
    table = trend_table(points, zone, signal)
    table["when"] = local_times([p.created_at for p in points], zone)
    measures = [c for c in table.columns if c not in ("date", "set", "when")]
    for column, measure in zip(st.columns(len(measures)), measures):
        chart = alt.Chart(table.dropna(subset=[measure])).mark_line(point=True).encode(
            x=alt.X("when:T", title=None, axis=alt.Axis(format="%d %b", labelOverlap=True)),
            y=alt.Y(f"{measure}:Q", title=None, scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("when:T", title="date", format="%Y-%m-%d %H:%M"), measure])
        column.markdown(f"**{measure[:1].upper() + measure[1:]}**")
        column.altair_chart(chart.properties(height=160), width="stretch", key=f"history-client-trend-{measure}")


def clients_tab(store: HistoryStore, titles: dict[str, str], zone: str | None) -> None:
    """The Clients tab (see the module docstring)."""
    history = clients(store)  # in the signed-in scope (issue 27)
    names = history.names()
    if not names:
        st.info("No clients yet: give a client's name in the Client field on the Review page or before a live set.")
        return
    left, right = st.columns(2)
    client = str(left.selectbox("Client", names, key="history_client"))
    points = history.trend(client)
    first = default_exercise(points)
    exercises = [first] + [e for e in dict.fromkeys(p.exercise for p in reversed(points)) if e != first]
    exercise = str(right.selectbox("Exercise", exercises, key=f"history_client_exercise_{client}",
                                   format_func=lambda n: titles.get(n, n)))
    mine = [p for p in points if p.exercise == exercise]
    st.markdown(f"**{client}: {titles.get(exercise, exercise)}** — {plural(len(mine), 'session')}; the client "
                "report of their next clip of it shows this trend.")
    signal = _rep_signal(exercise)
    st.dataframe(trend_table(mine, zone, signal), hide_index=True, key="history-client-sessions")
    if len(mine) >= 2:
        _trend_charts(mine, zone, signal)
    else:
        st.caption("One session so far: the trend starts with the next.")
