"""Streamlit pieces shared by the pages: specs, the history store, summaries, charts."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app.clip_tools import cue_table, feature_series, rep_table
from formcheck.app.settings import AppSettings
from formcheck.records.feedback import Feedback, SetSummary
from formcheck.sinks.presentation import plural
from formcheck.sinks.store import HistoryStore

__all__ = ["CATEGORY_TITLES", "angle_charts", "cue_timeline", "exercise_groups", "exercise_titles", "plural",
           "show_summary", "spec", "spec_card", "store", "summary_metrics", "summary_tables"]


def spec(name: str) -> Any:
    """The loaded spec ``name`` (``load_spec`` caches it until the file changes)."""
    from formcheck.spec import load_spec

    return load_spec(name)


def exercise_titles(required: bool = True) -> dict[str, str]:
    """Spec id → title of every valid spec, in ``list_specs`` order (a broken spec is reported, skipped).

    With ``required``, a page that cannot work without specs stops here with an error.
    """
    from formcheck.records.errors import SpecError
    from formcheck.spec import list_specs

    titles: dict[str, str] = {}
    for name in list_specs():
        try:
            titles[name] = str(spec(name).title)
        except SpecError as exc:
            st.warning(f"Skipping exercise {name}: {exc}")
    if not titles and required:
        st.error("No exercise specs found in exercise_specs/.")
        st.stop()
    return titles


#: Picker groups, in the order of the programmes (``spec.category``).
CATEGORY_TITLES: dict[str, str] = {"lower_back": "Lower back", "upper_back": "Upper back",
                                   "stretches": "Stretches", "extras": "Extras"}


def exercise_groups() -> dict[str, dict[str, str]]:
    """Category → (spec id → title), categories in programme order, empty ones left out."""
    titles = exercise_titles()
    groups: dict[str, dict[str, str]] = {c: {} for c in CATEGORY_TITLES}
    for name, title in titles.items():
        groups.setdefault(str(getattr(spec(name), "category", "extras")), {})[name] = title
    return {c: g for c, g in groups.items() if g}


def store(settings: AppSettings) -> HistoryStore:
    """The history store (opening it is cheap: one connection per call inside)."""
    return HistoryStore(settings.db_path)


def spec_card(name: str) -> None:
    """Title, description, camera placement and view of one exercise."""
    s = spec(name)
    st.markdown(f"**{getattr(s, 'title', name)}** — {getattr(s, 'description', '')}")
    placement = getattr(s, "placement", "")
    view = getattr(s, "view", "")
    if placement or view:
        st.caption(f"Placement: {placement} (view: {view})")


def summary_metrics(summary: SetSummary, columns: int = 5) -> None:
    """The set's key figures as metrics, ``columns`` per row."""
    hold = sum(h.good_s for h in summary.holds)
    items = [("Reps", str(summary.reps)),
             ("Per side", ", ".join(f"{k} {v}" for k, v in sorted(summary.reps_by_side.items())) or "—"),
             ("Partial reps", str(summary.partial_reps)), ("Score", f"{summary.score}/100"),
             ("Hold" if summary.holds else "Duration",
              f"{hold:.1f} s" if summary.holds else f"{summary.duration_s:.1f} s")]
    for row in range(0, len(items), columns):
        cols = st.columns(columns)
        for col, (label, value) in zip(cols, items[row:row + columns]):
            col.metric(label, value)


def summary_tables(summary: SetSummary, *, key: str) -> None:
    """Notes, the per-rep table and the cues of a set."""
    for note in summary.notes:
        st.warning(note)
    if summary.rep_rows:
        st.dataframe(rep_table(summary), hide_index=True, key=f"{key}-reps")
    cues = cue_table(summary)
    if len(cues):
        st.markdown("**Cues**")
        st.dataframe(cues, hide_index=True, key=f"{key}-cues")
    elif summary.frames_with_person:
        st.success("No form cues in this set.")


def show_summary(summary: SetSummary, *, key: str) -> None:
    """Figures, the per-rep table and the cues of a finished set."""
    summary_metrics(summary)
    summary_tables(summary, key=key)


def _rep_rules(summary: SetSummary) -> alt.Chart | None:
    if not summary.rep_rows:
        return None
    marks = pd.DataFrame([{"t": r.start, "what": f"rep {r.index} start"} for r in summary.rep_rows]
                         + [{"t": r.end, "what": f"rep {r.index} end"} for r in summary.rep_rows])
    chart: alt.Chart = alt.Chart(marks).mark_rule(color="#888", strokeDash=[4, 3]).encode(
        x="t:Q", tooltip=["what", "t"])
    return chart


def angle_charts(feedback: tuple[Feedback, ...], summary: SetSummary, spec_obj: Any) -> None:
    """The rep signal with its thresholds, and the key features, over time with rep boundaries."""
    rep = getattr(spec_obj, "rep", None)
    signal = getattr(rep, "signal", None) if rep is not None else None
    key_features = [str(k) for k in (getattr(spec_obj, "key_features", None) or [])]
    rules = _rep_rules(summary)
    if signal:
        df = feature_series(feedback, [str(signal)])
        if len(df):
            layers: list[alt.Chart] = [alt.Chart(df).mark_line().encode(
                x=alt.X("t:Q", title="time (s)"), y=alt.Y("value:Q", title=str(signal), scale=alt.Scale(zero=False)))]
            thresholds = pd.DataFrame([{"value": float(v), "threshold": name}
                                       for name in ("start", "peak")
                                       if (v := getattr(rep, name, None)) is not None])
            if len(thresholds):
                layers.append(alt.Chart(thresholds).mark_rule(color="#d62728").encode(
                    y="value:Q", tooltip=["threshold", "value"]))
            if rules is not None:
                layers.append(rules)
            st.markdown(f"**Rep signal `{signal}`** — red: start/peak thresholds; dashed: rep boundaries")
            st.altair_chart(alt.layer(*layers).properties(height=220), width="stretch")
    names = [k for k in key_features if k != signal]
    df = feature_series(feedback, names)
    if len(df):
        chart = alt.Chart(df).mark_line().encode(x=alt.X("t:Q", title="time (s)"),
                                                 y=alt.Y("value:Q", title="value", scale=alt.Scale(zero=False)),
                                                 color="feature:N")
        st.markdown("**Key angles**")
        st.altair_chart((chart + rules if rules is not None else chart).properties(height=220),
                        width="stretch")


def cue_timeline(summary: SetSummary) -> None:
    """Each cue as a bar from its start to its end."""
    df = cue_table(summary)
    if not len(df):
        return
    chart = alt.Chart(df).mark_bar(height=14).encode(
        x=alt.X("start:Q", title="time (s)", scale=alt.Scale(domain=[0, max(summary.duration_s, 1.0)])),
        x2="end:Q", y=alt.Y("cue:N", title=None), color="cue:N", tooltip=["cue", "message", "start", "end"])
    st.markdown("**Cue timeline**")
    st.altair_chart(chart.properties(height=70 + 26 * df["cue"].nunique()), width="stretch")
