"""History: live sets, routines, reviewed clips and sample replays apart; one session's detail;
progress per exercise; CSV export; delete. Dates in the viewer's time zone, plain names throughout."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app import widgets
from formcheck.app.history_access import routines as scoped_routines
from formcheck.app.history_tables import (
    KIND_TITLES,
    cues_table,
    local_time,
    rep_rows_table,
    routine_sets_table,
    routines_table,
    sessions_table,
)
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.errors import FormcheckError
from formcheck.sinks.store import HistoryStore, Session

ALL = "__all__"


def _show_session(store: HistoryStore, session_id: int, titles: dict[str, str]) -> None:
    s = store.get(session_id)
    title = titles.get(s.exercise, s.title)
    st.subheader(f"{title}: {widgets.plural(s.reps, 'rep')}")
    st.caption(f"{local_time(s.created_at, widgets.viewer_zone())} · {KIND_TITLES.get(s.kind, s.kind)} · "
               f"{s.source} · "
               f"{s.duration_s:.1f} s · score {s.score}/100")
    for note in s.notes:
        st.warning(for_visitor(note))
    messages = {str(c["id"]): str(c["message"]) for c in s.cues}
    if s.rep_rows:
        st.dataframe(rep_rows_table(s.rep_rows, messages), hide_index=True, key="history-reps")
    if s.cues:
        st.dataframe(cues_table(s.cues), hide_index=True, key="history-cues")
    confirm = st.checkbox("Yes, delete this session", key=f"history-confirm-{s.id}")
    if st.button("Delete session", key="history-delete", disabled=not confirm):
        store.delete(s.id)
        st.session_state["history_flash"] = f"Deleted session {s.id}."
        st.rerun()


def _progress_chart(store: HistoryStore, exercise: str, title: str) -> None:
    points = pd.DataFrame(store.progress(exercise))
    if len(points) < 1:
        return
    points["date"] = pd.to_datetime(points["created_at"])
    measure = "hold_s" if points["hold_s"].sum() > 0 and points["reps"].sum() == 0 else "reps"
    base = alt.Chart(points).encode(x=alt.X("date:T", title="date"))
    tips = [alt.Tooltip("date:T"), alt.Tooltip("reps:Q"), alt.Tooltip("score:Q"),
            alt.Tooltip("hold_s:Q", title="hold (s)"), alt.Tooltip("kind:N")]
    chart = base.mark_line(point=True).encode(y=alt.Y(f"{measure}:Q", title=measure.replace("_s", " (s)")),
                                              tooltip=tips)
    score = base.mark_line(strokeDash=[4, 3], color="#888", point=alt.OverlayMarkDef(color="#888")).encode(
        y=alt.Y("score:Q", title="score"))
    st.markdown(f"**Progress: {title}** (solid: {measure.replace('_s', ' seconds')}; dashed: score)")
    st.altair_chart(alt.layer(chart, score).resolve_scale(y="independent").properties(height=220),
                    width="stretch")


def _overview_chart(sessions: list[Session], titles: dict[str, str]) -> None:
    """Reps per session over time, one line per exercise (pick one exercise for its own chart)."""
    points = pd.DataFrame([{"date": pd.to_datetime(s.created_at), "reps": s.reps,
                            "exercise": titles.get(s.exercise, s.title), "id": s.id} for s in sessions])
    chart = alt.Chart(points).mark_line(point=True).encode(
        x=alt.X("date:T", title="date"), y=alt.Y("reps:Q", title="reps"), color="exercise:N",
        tooltip=["id", "date", "exercise", "reps"])
    st.markdown("**Progress** (reps per session; choose an exercise above for its score and holds)")
    st.altair_chart(chart.properties(height=220), width="stretch")


def _routines_tab(store: HistoryStore) -> None:
    history = scoped_routines(store)  # the signed-in scope's routines (issue 27)
    routines = history.list()
    if not routines:
        st.info("No routine sessions yet: choose a routine on the Live page.")
        return
    st.dataframe(routines_table(routines, widgets.viewer_zone()), hide_index=True, key="history-table-routines")
    by_id = {r.id: r for r in routines}
    shown = st.selectbox("Show routine session", list(by_id), key="history_routine",
                         format_func=lambda i: f"{local_time(by_id[i].created_at, widgets.viewer_zone())} "
                                               f"{by_id[i].title} "
                                               f"({by_id[i].status})")
    chosen = by_id[int(shown)]
    if chosen.skipped:
        st.caption("Not yet specified, skipped: " + ", ".join(chosen.skipped))
    st.dataframe(routine_sets_table(chosen), hide_index=True, key="history-routine-sets")


def render(settings: AppSettings) -> None:
    st.header("History")
    try:
        store = widgets.store(settings)
        # Served beyond this computer, the server's paths stay private (issue 27).
        st.caption("Dates in your time zone" if settings.remote
                   else f"Database: `{store.path}` · dates in your time zone")
        if flash := st.session_state.pop("history_flash", None):
            st.success(flash)
        titles = widgets.exercise_titles(required=False)
        all_sessions = store.list_sessions()
        stored = sorted({s.exercise for s in all_sessions})
        choice = st.selectbox("Exercise", [ALL, *stored], key="history_exercise",
                              format_func=lambda n: "All exercises" if n == ALL else titles.get(n, n))
        sessions = all_sessions if choice == ALL else [s for s in all_sessions if s.exercise == choice]
        counts = {k: sum(s.kind == k for s in sessions) for k in KIND_TITLES}
        order = ["live", "routines", "review", "sample"]  # live sets beside the routines they belong to
        tabs = dict(zip(order, st.tabs([f"{KIND_TITLES[k]} ({counts[k]})" if k in KIND_TITLES else "Routines"
                                        for k in order])))
        for kind, title in KIND_TITLES.items():
            with tabs[kind]:
                rows = [s for s in sessions if s.kind == kind]
                if rows:
                    st.dataframe(sessions_table(rows, titles, widgets.viewer_zone()), hide_index=True,
                                 key=f"history-table-{kind}")
                else:
                    st.info(f"No {title.lower()} yet.")
        with tabs["routines"]:
            _routines_tab(store)
        if not sessions:
            st.info("No sessions yet: finish a live set, review a clip or replay a sample.")
            return
        def export() -> str:  # made on the click, so the export (audited when signed in) is the real one
            buf = io.StringIO()
            store.export_csv(buf, exercise=None if choice == ALL else choice)
            return buf.getvalue()

        st.download_button("Export CSV", export, file_name="formcheck-history.csv", mime="text/csv",
                           key="history-export")
        if choice != ALL:
            _progress_chart(store, choice, titles.get(choice, choice))
        else:
            _overview_chart(sessions, titles)
        by_id = {s.id: s for s in sessions}
        shown = st.selectbox("Show session", list(by_id), key="history_session",
                             format_func=lambda i: f"{local_time(by_id[i].created_at, widgets.viewer_zone())} "
                                                   f"{titles.get(by_id[i].exercise, by_id[i].title)} "
                                                   f"({KIND_TITLES.get(by_id[i].kind, by_id[i].kind).lower()}, "
                                                   f"{widgets.plural(by_id[i].reps, 'rep')})")
        _show_session(store, int(shown), titles)
    except FormcheckError as exc:
        st.error(for_visitor(str(exc)))
