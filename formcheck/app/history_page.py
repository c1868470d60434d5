"""History: live sets, routines, reviewed clips, sample replays and clients, each in its own tab.

Each tab lists its sessions and shows the one picked below its table (a sample
replay's detail under "Sample replays", never under "Live sets"); the Clients
tab follows one client over the weeks (:mod:`formcheck.app.history_clients`).
Above the tabs: the exercise filter, the progress chart and the CSV export.
Every date and time, in tables, pickers and charts alike, is in the viewer's
time zone (the browser's; else this computer's); plain names throughout.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app import widgets
from formcheck.app.history_access import audited, clients
from formcheck.app.history_access import checkins as scoped_checkins
from formcheck.app.history_access import routines as scoped_routines
from formcheck.app.history_clients import clients_tab
from formcheck.app.history_tables import (
    KIND_TITLES,
    cues_table,
    local_time,
    local_times,
    rep_rows_table,
    result_words,
    routine_sets_table,
    routines_table,
    sessions_table,
)
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.errors import FormcheckError
from formcheck.store.history import HistoryStore, Session
from formcheck.store.history_csv import history_csv

ALL = "__all__"
#: Tab order: live sets beside the routines they belong to, then clips, samples, clients.
TAB_ORDER = ("live", "routines", "review", "sample", "clients")


def _show_session(store: HistoryStore, s: Session, titles: dict[str, str], zone: str | None) -> None:
    """One session's detail: figures, reps, cues, and its delete button (inside its kind's tab)."""
    s = store.get(s.id)
    title = titles.get(s.exercise, s.title)
    st.subheader(f"{title}: {result_words(s)}")
    who = f" · client {s.client}" if s.client else ""
    st.caption(f"{local_time(s.created_at, zone)} · {KIND_TITLES.get(s.kind, s.kind)} · {s.source}{who} · "
               f"{s.duration_s:.1f} s · score {s.score}/100")
    if (why := _score_words(s)) is not None:  # every point lost named (issue 21), for sets saved since schema 5
        st.caption(why)
    if s.trainer_notes:
        st.caption(f"Notes: {s.trainer_notes}")
    for note in s.notes:
        st.warning(for_visitor(note))
    messages = {str(c["id"]): str(c["message"]) for c in s.cues}
    if s.rep_rows:
        st.dataframe(rep_rows_table(s.rep_rows, messages), hide_index=True, key=f"history-reps-{s.kind}")
    if s.cues:
        st.dataframe(cues_table(s.cues), hide_index=True, key=f"history-cues-{s.kind}")
    confirm = st.checkbox("Yes, delete this session", key=f"history-confirm-{s.id}")
    if st.button("Delete session", key=f"history-delete-{s.kind}", disabled=not confirm):
        store.delete(s.id)
        st.session_state["history_flash"] = f"Deleted: {title}, {local_time(s.created_at, zone)}."
        st.rerun()


def _score_words(s: Session) -> str | None:
    """Why a stored set's score is under 100, in the client report's words (None at 100 or not kept)."""
    from formcheck.records.feedback import ScoreLoss
    from formcheck.sinks.client_summary import losses_sentence

    try:
        spec = widgets.spec(s.exercise)
    except FormcheckError:
        spec = None  # its spec is gone: the tracker's own words and the cue ids still say it
    try:
        return losses_sentence(s.score, [ScoreLoss.from_dict(x) for x in s.score_losses], spec)
    except (KeyError, TypeError, ValueError):
        return None  # a damaged row: the score alone, as before


def _kind_tab(store: HistoryStore, kind: str, sessions: list[Session], titles: dict[str, str],
              zone: str | None) -> None:
    """A tab's table, its session picker and the picked session's detail."""
    rows = [s for s in sessions if s.kind == kind]
    if not rows:
        st.info(f"No {KIND_TITLES[kind].lower()} yet.")
        return
    # Live sets carry the exerciser's check-in (pain, difficulty) when one was given.
    checkins = {c.session_id: c for c in scoped_checkins(store).per_set(session_ids=[s.id for s in rows])} \
        if kind == "live" else None
    st.dataframe(sessions_table(rows, titles, zone, checkins), hide_index=True, key=f"history-table-{kind}")
    by_id = {s.id: s for s in rows}
    shown = st.selectbox("Show", list(by_id), key=f"history_session_{kind}",
                         # The table's id first: two sets of the same minute and count stay apart.
                         format_func=lambda i: f"#{i} · {local_time(by_id[i].created_at, zone)} · "
                                               f"{titles.get(by_id[i].exercise, by_id[i].title)} · "
                                               f"{result_words(by_id[i])}")
    _show_session(store, by_id[int(shown)], titles, zone)


def _progress_chart(sessions: list[Session], titles: dict[str, str], zone: str | None, one: bool) -> None:
    """Reps (or good hold seconds) per session over time in the viewer's zone; with one exercise, its score too."""
    points = pd.DataFrame([{"when": s.created_at, "reps": s.reps, "score": s.score, "hold (s)": round(s.hold_s, 1),
                            "exercise": titles.get(s.exercise, s.title), "kind": KIND_TITLES.get(s.kind, s.kind)}
                           for s in sessions])
    points["date"] = local_times(list(points["when"]), zone)
    measure = "hold (s)" if points["hold (s)"].sum() > 0 and points["reps"].sum() == 0 else "reps"
    tips = [alt.Tooltip("date:T", format="%Y-%m-%d %H:%M"), "exercise", "kind", "reps", "score", "hold (s)"]
    base = alt.Chart(points).encode(x=alt.X("date:T", title="date", axis=alt.Axis(format="%d %b", labelOverlap=True)))
    line = base.mark_line(point=True).encode(y=alt.Y(f"{measure}:Q", title=measure), tooltip=tips,
                                             color=alt.Color("exercise:N", legend=alt.Legend(orient="top",
                                                                                             labelLimit=0)))
    if one:
        score = base.mark_line(strokeDash=[4, 3], color="#888", point=alt.OverlayMarkDef(color="#888")).encode(
            y=alt.Y("score:Q", title="score"), tooltip=tips)
        chart = alt.layer(line, score).resolve_scale(y="independent")
        st.markdown(f"**Progress** (solid: {measure}; dashed: score)")
    else:
        chart = line
        st.markdown(f"**Progress** ({measure} per session; choose an exercise for its score)")
    st.altair_chart(chart.properties(height=220), width="stretch", key="history-progress")


def _routines_tab(store: HistoryStore, zone: str | None) -> None:
    history = scoped_routines(store)  # the signed-in scope's routines (issue 27)
    routines = history.list()
    if not routines:
        st.info("No routine sessions yet: choose a routine on the Live page.")
        return
    st.dataframe(routines_table(routines, zone), hide_index=True, key="history-table-routines")
    by_id = {r.id: r for r in routines}
    shown = st.selectbox("Show", list(by_id), key="history_routine",
                         format_func=lambda i: f"{local_time(by_id[i].created_at, zone)} · {by_id[i].title} "
                                               f"({by_id[i].status})")
    chosen = by_id[int(shown)]
    if chosen.skipped:
        st.caption("Not yet specified, skipped: " + ", ".join(chosen.skipped))
    ids = [int(s["session_id"]) for s in chosen.sets if s.get("session_id") is not None]
    checkins = {c.session_id: c for c in scoped_checkins(store).per_set(session_ids=ids)}
    st.dataframe(routine_sets_table(chosen, checkins), hide_index=True, key="history-routine-sets")


def render(settings: AppSettings) -> None:
    st.header("History")
    try:
        store = widgets.store(settings)
        zone = widgets.viewer_zone()
        where = f"Database: `{store.path}` · " if not settings.remote else ""  # no server path beyond this computer
        st.caption(f"{where}dates and times in {zone or 'this computer’s time zone'}")
        if flash := st.session_state.pop("history_flash", None):
            st.success(flash)
        titles = widgets.exercise_titles(required=False)
        all_sessions = store.list_sessions()
        stored = sorted({s.exercise for s in all_sessions}, key=lambda n: titles.get(n, n))
        choice = st.selectbox("Exercise", [ALL, *stored], key="history_exercise",
                              format_func=lambda n: "All exercises" if n == ALL else titles.get(n, n))
        sessions = all_sessions if choice == ALL else [s for s in all_sessions if s.exercise == choice]
        if not sessions:
            st.info("No sessions yet: finish a live set, review a clip or replay a sample.")
        else:
            _progress_chart(sessions, titles, zone, one=choice != ALL)
            what = f"{len(sessions)} sessions as CSV" + (f" ({choice})" if choice != ALL else "")
            rows = list(sessions)  # signed in: made on the click and written to the audit log (issue 27)
            data = (audited(settings, what, lambda: history_csv(rows, zone, titles)) if settings.scope is not None
                    else history_csv(sessions, zone, titles))
            st.download_button("Export CSV", data, file_name="formcheck-history.csv", mime="text/csv",
                               key="history-export", on_click="ignore",
                               help="One row per session: local dates with their offset, one value per cell.")
        counts = {k: sum(s.kind == k for s in sessions) for k in KIND_TITLES}
        counts["clients"] = len(clients(store).names())
        names = {**KIND_TITLES, "routines": "Routines", "clients": "Clients"}
        labels = [f"{names[k]} ({counts[k]})" if k in counts else names[k] for k in TAB_ORDER]
        tabs = dict(zip(TAB_ORDER, st.tabs(labels)))
        for kind in KIND_TITLES:
            with tabs[kind]:
                _kind_tab(store, kind, sessions, titles, zone)
        with tabs["routines"]:
            _routines_tab(store, zone)
        with tabs["clients"]:
            clients_tab(store, titles, zone)
    except FormcheckError as exc:
        st.error(for_visitor(str(exc)))
