"""History: list stored sessions, show one, progress per exercise, export CSV, delete."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app import widgets
from formcheck.app.settings import AppSettings
from formcheck.records.errors import FormcheckError
from formcheck.sinks.store import HistoryStore, Session

ALL = "__all__"


def sessions_table(sessions: list[Session]) -> pd.DataFrame:
    """One display row per session, newest first."""
    rows = [{"id": s.id, "date (UTC)": s.created_at.replace("T", " ")[:16], "kind": s.kind,
             "source": s.source, "exercise": s.title, "reps": s.reps, "partial": s.partial_reps,
             "hold s": round(s.hold_s, 1), "score": s.score, "cues": len(s.cues)} for s in sessions]
    return pd.DataFrame(rows, columns=["id", "date (UTC)", "kind", "source", "exercise", "reps", "partial",
                                       "hold s", "score", "cues"])


def _show_session(store: HistoryStore, session_id: int) -> None:
    s = store.get(session_id)
    st.subheader(f"Session {s.id}: {s.title}, {widgets.plural(s.reps, 'rep')}")
    st.caption(f"{s.created_at} · {s.kind} · {s.source} · {s.duration_s:.1f} s · score {s.score}/100")
    for note in s.notes:
        st.warning(note)
    if s.rep_rows:
        st.dataframe(pd.DataFrame(s.rep_rows).round(2), hide_index=True, key="history-reps")
    if s.cues:
        st.dataframe(pd.DataFrame(s.cues)[["id", "message", "start", "end", "rep"]].round(2), hide_index=True,
                     key="history-cues")
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
    chart = base.mark_line(point=True).encode(y=alt.Y(f"{measure}:Q", title=measure.replace("_", " ")),
                                              tooltip=["id", "date", "reps", "score", "hold_s", "kind"])
    score = base.mark_line(strokeDash=[4, 3], color="#888", point=alt.OverlayMarkDef(color="#888")).encode(
        y=alt.Y("score:Q", title="score"))
    st.markdown(f"**Progress: {title}** (solid: {measure.replace('_', ' ')}; dashed: score)")
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


def render(settings: AppSettings) -> None:
    st.header("History")
    try:
        store = widgets.store(settings)
        st.caption(f"Database: `{store.path}`")
        if flash := st.session_state.pop("history_flash", None):
            st.success(flash)
        titles = widgets.exercise_titles(required=False)
        all_sessions = store.list_sessions()
        stored = sorted({s.exercise for s in all_sessions})
        names = [ALL, *stored]
        choice = st.selectbox("Exercise", names, key="history_exercise",
                              format_func=lambda n: "All exercises" if n == ALL else titles.get(n, n))
        sessions = all_sessions if choice == ALL else [s for s in all_sessions if s.exercise == choice]
        if not sessions:
            st.info("No sessions yet: finish a live set, review a clip or replay a sample.")
            return
        st.dataframe(sessions_table(sessions), hide_index=True, key="history-table")
        buf = io.StringIO()
        store.export_csv(buf, exercise=None if choice == ALL else choice)
        st.download_button("Export CSV", buf.getvalue(), file_name="formcheck-history.csv", mime="text/csv",
                           key="history-export")
        if choice != ALL:
            _progress_chart(store, choice, titles.get(choice, choice))
        else:
            _overview_chart(sessions, titles)
        ids = [s.id for s in sessions]
        shown = st.selectbox("Show session", ids, key="history_session",
                             format_func=lambda i: next(f"{s.id}: {s.created_at[:16]} {s.title} ({s.reps} reps)"
                                                        for s in sessions if s.id == i))
        _show_session(store, int(shown))
    except FormcheckError as exc:
        st.error(str(exc))
