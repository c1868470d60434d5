"""Streamlit pieces shared by the pages: specs, the history store, a session's files, summaries, charts.

Specs come from the catalogue loaded once per server process
(:mod:`formcheck.app.catalogue`), not from the spec files at each page run.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app.catalogue import catalogue
from formcheck.app.clip_tools import cue_table, rep_table
from formcheck.app.scratch import ScratchFolder, SessionFolders
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.feedback import SetSummary
from formcheck.sinks.presentation import plural as plural  # re-exported: pages call widgets.plural
from formcheck.store.history import HistoryStore

__all__ = ["CATEGORY_TITLES", "angle_charts", "cue_timeline", "exercise_groups", "exercise_titles",
           "keep_for_session", "plural", "show_summary", "spec", "spec_card", "store", "summary_metrics",
           "summary_tables", "viewer_zone"]


def spec(name: str) -> Any:
    """The loaded spec ``name``, from the catalogue (else loaded: a broken one raises its ``SpecError``)."""
    found = catalogue().specs.get(name)
    if found is not None:
        return found
    from formcheck.spec import load_spec
    from formcheck.tracker.any_tracker import ANY, any_spec

    if name == ANY:
        return any_spec()

    return load_spec(name)


def exercise_titles(required: bool = True) -> dict[str, str]:
    """Spec id → title of every valid spec, in ``list_specs`` order (a broken spec is reported, skipped).

    With ``required``, a page that cannot work without specs stops here with an error.
    """
    known = catalogue()
    for name, problem in known.broken:
        st.warning(for_visitor(f"Skipping exercise {name}: {problem}"))
    if not known.titles and required:
        st.error("No exercise specs found in exercise_specs/.")
        st.stop()
    return dict(known.titles)


#: Picker groups, in the order of the programmes (``spec.category``).
CATEGORY_TITLES: dict[str, str] = {"lower_back": "Lower back", "upper_back": "Upper back",
                                   "stretches": "Stretches", "extras": "Extras"}


def exercise_groups() -> dict[str, dict[str, str]]:
    """Category → (spec id → title), categories in programme order, empty ones left out."""
    titles = exercise_titles()
    specs = catalogue().specs
    groups: dict[str, dict[str, str]] = {c: {} for c in CATEGORY_TITLES}
    for name, title in titles.items():
        groups.setdefault(str(getattr(specs[name], "category", "extras")), {})[name] = title
    from formcheck.tracker.any_tracker import ANY, any_spec

    groups["extras"][ANY] = any_spec().title  # no spec: counts whatever is repeated
    return {c: g for c, g in groups.items() if g}


def viewer_zone() -> str | None:
    """The viewer's time zone as the browser reports it (None: this computer's)."""
    try:
        return st.context.timezone
    except AttributeError:  # an older Streamlit
        return None


def store(settings: AppSettings) -> HistoryStore:
    """The history store (opening it is cheap: one connection per call inside), in the signed-in scope."""
    from formcheck.app.history_access import history

    return history(settings)


#: Seconds between two looks for sessions gone for good, and the margin added to Streamlit's reconnect window.
SWEEP_S, SWEEP_MARGIN_S = 30.0, 60.0
_sessions_lock = threading.Lock()
_sessions: list[SessionFolders] = []


def _session_folders() -> SessionFolders:
    """This server's :class:`SessionFolders`, swept by a daemon thread (made on first use)."""
    from streamlit import runtime

    with _sessions_lock:
        if not _sessions:
            grace = float(st.get_option("server.disconnectedSessionTTL")) + SWEEP_MARGIN_S
            folders = SessionFolders(runtime.get_instance().is_active_session, grace)

            def sweep_forever() -> None:
                while True:
                    time.sleep(SWEEP_S)
                    folders.sweep()

            threading.Thread(target=sweep_forever, name="formcheck-session-folders", daemon=True).start()
            _sessions.append(folders)
        return _sessions[0]


def keep_for_session(folder: ScratchFolder) -> None:
    """Remove ``folder`` once this tab's session is gone for good, even if Streamlit keeps its state.

    Without a server (``AppTest``) the folder goes with its last reference, or at exit.
    """
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and runtime.exists():
        _session_folders().keep(ctx.session_id, folder)


def spec_card(name: str) -> None:
    """Title, description, camera placement and view of one exercise."""
    s = spec(name)
    st.markdown(f"**{getattr(s, 'title', name)}** — {getattr(s, 'description', '')}")
    placement = getattr(s, "placement", "")
    view = getattr(s, "view", "")
    if placement or view:
        st.caption(f"Placement: {placement} (view: {view})")




def summary_metrics(summary: SetSummary, columns: int | None = None) -> None:
    """The set's key figures as metrics, each as wide as its value, wrapping to more rows when narrow.

    ``columns`` is no longer used (fixed columns cut "left 5, right 5" to "left ..."); it is kept
    for the callers that still pass it.
    """
    del columns
    hold = sum(h.good_s for h in summary.holds)
    items = [("Reps", str(summary.reps)),
             ("Per side", " · ".join(f"{k} {v}" for k, v in sorted(summary.reps_by_side.items())) or "—"),
             ("Partial reps", str(summary.partial_reps)), ("Score", f"{summary.score}/100"),
             ("Hold" if summary.holds else "Duration",
              f"{hold:.1f} s" if summary.holds else f"{summary.duration_s:.1f} s")]
    row = st.container(horizontal=True, gap="medium")
    for label, value in items:
        row.metric(label, value, width="content")


def summary_tables(summary: SetSummary, *, key: str) -> None:
    """Notes, the per-rep table and the cues of a set."""
    if summary.count_confidence:  # the second, spec-free count of the same signal (docs/accuracy.md)
        st.caption(f"Count check: {summary.count_confidence}")
    for note in summary.notes:
        st.warning(for_visitor(note))
    if summary.rep_rows:
        st.dataframe(rep_table(summary), hide_index=True, key=f"{key}-reps")
    cues = cue_table(summary)
    if len(cues):
        st.markdown("**Cues**")
        st.dataframe(cues, hide_index=True, key=f"{key}-cues")
    elif (summary.count_confidence or "").startswith("movement only"):
        st.info("Counted from the movement alone: the reps' form was not judged.")
    elif summary.reps > 0 or any(h.good_s > 0 for h in summary.holds):
        from formcheck.records.errors import FormcheckError
        from formcheck.sinks.client_summary import edge_sentence, score_sentence

        try:
            known = spec(summary.exercise)
        except FormcheckError:  # a history row of an exercise whose spec is gone: plain words still
            known = None
        explained = score_sentence(summary, known)
        cut = edge_sentence(summary)
        tail = f" {cut}" if cut else ""
        if explained is None:
            st.success("No form cues in this set." + tail)
        else:  # never "no form cues" beside a score under 100: what it lost points for instead
            st.info(explained + tail)
    elif summary.frames_with_person:
        reason = getattr(summary, "reason", None)
        st.warning("Nothing was counted, so there is no form to judge" + (f": {reason}" if reason else
                   ": is this the exercise that was filmed?"))


def show_summary(summary: SetSummary, *, key: str) -> None:
    """Figures, the per-rep table and the cues of a finished set."""
    summary_metrics(summary)
    summary_tables(summary, key=key)


def _bands(result: Any, t_end: float) -> pd.DataFrame:
    """Reps and holds (grey) and stretches with nobody in view (pink) as shaded spans."""
    from formcheck.sinks.chart_data import no_person_spans, rep_spans

    rows = [{"start": a, "end": min(b, t_end), "what": label, "kind": "rep"}
            for a, b, label in rep_spans(result.summary)]
    rows += [{"start": a, "end": b, "what": "nobody in view", "kind": "gap"} for a, b in no_person_spans(result.frames)]
    return pd.DataFrame(rows, columns=["start", "end", "what", "kind"])


def _band_layer(bands: pd.DataFrame, x: alt.X) -> alt.Chart:
    chart: alt.Chart = alt.Chart(bands).mark_rect(opacity=0.35).encode(
        x=x, x2="end:Q", color=alt.Color("kind:N", scale=alt.Scale(domain=["rep", "gap"], range=["#c9d6e3", "#f2b8b0"]),
                                          legend=None), tooltip=["what", "start", "end"])
    return chart


def angle_charts(result: Any, *, key: str) -> None:
    """One chart per unit (degrees, torso lengths), plain names, the spec's thresholds, shared time axis.

    Lines break where a value is unknown (nobody in view, a hidden limb); reps are grey
    bands and stretches with nobody in view pink ones.
    """
    from formcheck.app.clip_tools import track_table
    from formcheck.sinks.chart_data import chart_groups, time_range

    t0, t1 = time_range(result.frames, result.summary)
    x = alt.X("start:Q", title="time (s)", scale=alt.Scale(domain=[t0, t1], nice=False))
    bands = _bands(result, t1)
    for group in chart_groups(result.feedback, result.spec):
        lines = track_table(group)
        layers: list[alt.Chart] = [_band_layer(bands, x)] if len(bands) else []
        layers.append(alt.Chart(lines).mark_line().encode(
            x=alt.X("t:Q", title="time (s)", scale=alt.Scale(domain=[t0, t1], nice=False)),
            y=alt.Y("value:Q", title=group.y_title, scale=alt.Scale(zero=False)),
            color=alt.Color("feature:N", title=None, legend=alt.Legend(orient="top", labelLimit=0)),
            detail="segment:N", tooltip=["feature", "t", "value"]))
        if group.thresholds:
            limits = pd.DataFrame([{"value": th.value, "meaning": f"{label}: {th.label}",
                                    "kind": "form cue" if th.kind == "rule" else "rep"}
                                   for label, th in group.thresholds])
            layers.append(alt.Chart(limits).mark_rule(strokeDash=[5, 3]).encode(
                y="value:Q", color=alt.Color("kind:N", scale=alt.Scale(domain=["rep", "form cue"],
                                                                       range=["#7f8c8d", "#c0392b"]), legend=None),
                tooltip=["meaning", "value"]))
        names = ", ".join(tr.label for tr in group.tracks)
        st.markdown(f"**{names[:1].upper() + names[1:]}** ({group.y_title}) — dashed: the exercise's thresholds "
                    "(red where a form cue starts); grey bands: reps and holds; pink: nobody in view")
        st.altair_chart(alt.layer(*layers).resolve_scale(color="independent").properties(height=220),
                        width="stretch", key=f"{key}-chart-{group.unit}")


def cue_timeline(result: Any, *, key: str) -> None:
    """Each cue as a bar from its start to its end, on the charts' time axis."""
    from formcheck.sinks.chart_data import time_range

    df = cue_table(result.summary)
    if not len(df):
        return
    t0, t1 = time_range(result.frames, result.summary)
    chart = alt.Chart(df).mark_bar(height=14).encode(
        x=alt.X("start:Q", title="time (s)", scale=alt.Scale(domain=[t0, t1], nice=False)),
        x2="end:Q", y=alt.Y("cue:N", title=None), color=alt.Color("cue:N", legend=None),
        tooltip=["cue", "message", "start", "end", "rep"])
    st.markdown("**Cue timeline**")
    st.altair_chart(chart.properties(height=70 + 26 * df["cue"].nunique()), width="stretch", key=f"{key}-cues-chart")
