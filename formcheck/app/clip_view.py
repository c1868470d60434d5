"""Show one analysed clip: the path shared by Review and Samples.

Video with seek buttons (a rep or a cue starts the player there), the
suggestion in words or the wrong-exercise hint, figures, per-rep and cue
tables (set-level cues included), charts on one time axis, the client's name
and the trainer's notes (stored with the session), and downloads including
the client report (``report.html``).

The video is read from the run's file when the page shows it; the annotated
video and the client report are made for a download only when its button is
pressed (Streamlit would otherwise keep a copy of each, for every rerun).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import streamlit as st

from formcheck.app import widgets
from formcheck.app.clip_analysis import ClipRun, analyze_clip_file
from formcheck.app.history_access import audited, clients
from formcheck.app.history_tables import KIND_TITLES
from formcheck.app.review_queue import REVIEW_TURNS, waiting_text
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.errors import FormcheckError
from formcheck.records.feedback import RepRecord
from formcheck.store.client_history import TrendPoint


def analyze_with_progress(path: Path, exercise: str | None, *, source: str, kind: str,
                          settings: AppSettings, names: Sequence[str]) -> ClipRun:
    """:func:`analyze_clip_file` in the script thread, in its turn, with a progress bar (the Samples page).

    Raises:
        FormcheckError: The clip cannot be analysed.
    """
    bar = st.progress(0.0, text="Analysing…")

    def show(what: str, done: float) -> None:
        bar.progress(min(max(done, 0.0), 1.0), text=what)

    def waiting(ahead: int) -> None:  # also where a script stopped by the user leaves the queue
        bar.progress(0.0, text=waiting_text(ahead))

    try:
        with REVIEW_TURNS.turn(bar, slots=settings.review_slots, on_wait=waiting):
            run, _ = analyze_clip_file(path, exercise, source=source, kind=kind, settings=settings, names=names,
                                       progress=show)
    finally:
        bar.empty()
    return run


def _seek_to(key: str, t: float) -> None:
    st.session_state[f"{key}-seek"] = t


def seek_label(rep: RepRecord) -> str:
    """A rep's button: its number in the rep table, and what it was when it did not count (a set of 11
    reps and a partial showed twelve plain "Rep N" buttons)."""
    if rep.counted:  # counted implies complete
        return f"Rep {rep.index} · {rep.start:.1f} s"
    return f"Rep {rep.index} ({'not counted' if rep.complete else 'partial'}) · {rep.start:.1f} s"


def seek_buttons(run: ClipRun, *, key: str) -> None:
    """A button per rep and per cue; each starts the video at that moment (whole seconds, rounded down).

    The buttons flow in rows at their own width (never a column narrower than the label, which
    cut "Rep 9 · 12.3 s" to "Rep 9 · 1...").
    """
    summary = run.result.summary
    reps = [(seek_label(r), r.start, f"rep-{r.index}", None) for r in summary.rep_rows]
    cues = []
    for i, c in enumerate(sorted(summary.cues, key=lambda c: c.start)):
        where = f"rep {c.rep}" if c.rep is not None else "between reps"
        cues.append((f"⚠ {c.id.replace('_', ' ')} · {c.start:.1f} s", c.start, f"cue-{i}", f"{c.message} ({where})"))
    for caption, spots in (("Jump to a rep:", reps), ("Jump to a cue:", cues)):
        if not spots:
            continue
        st.caption(caption)
        row = st.container(horizontal=True, gap="small")
        for label, t, slug, tip in spots:
            row.button(label, key=f"{key}-seek-{slug}", on_click=_seek_to, args=(key, t), help=tip, width="content")


def _notes_form(run: ClipRun, settings: AppSettings, *, key: str) -> tuple[str, str]:
    """Client name and trainer's notes, saved with the session; returns what is in the boxes."""
    sid = run.session_id
    stored = st.session_state.get(f"{key}-saved-notes-{sid}", (run.client, run.trainer_notes))
    left, right = st.columns([1, 2])
    client = left.text_input("Client", value=stored[0], key=f"{key}-client-{sid}")
    notes = right.text_area("Trainer's notes", value=stored[1], key=f"{key}-notes-{sid}", height=90,
                            help="Printed on the client report; stored with the session in History.")
    if sid is not None and st.button("Save notes", key=f"{key}-save-notes"):
        try:
            widgets.store(settings).set_client_notes(sid, client, notes)
            st.session_state[f"{key}-saved-notes-{sid}"] = (client, notes)
            st.success("Saved with the session.")
        except FormcheckError as exc:
            st.error(for_visitor(str(exc)))
    return client, notes


def client_trend(run: ClipRun, client: str, settings: AppSettings) -> tuple[TrendPoint, ...]:
    """``client``'s sessions of this clip's exercise in History, this clip last (even before its name is saved)."""
    if not client.strip():
        return ()
    summary = run.result.summary
    try:
        points = clients(widgets.store(settings)).trend(client, summary.exercise)  # the signed-in scope
    except FormcheckError:  # History unreadable: the report goes without the trend
        return ()
    ranges = [r.rom for r in summary.rep_rows if r.complete]
    this = TrendPoint(run.session_id or 0, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      summary.exercise, summary.title, summary.reps, summary.score,
                      sum(h.good_s for h in summary.holds), sum(ranges) / len(ranges) if ranges else math.nan)
    return (*(p for p in points if p.session_id != run.session_id), this)


def _reference_button(run: ClipRun, client: str, settings: AppSettings, *, key: str) -> None:
    """"Use this set as <client>'s personal targets": learn their rest, far end and range, save the spec."""
    from formcheck.store.personal_targets import learn_targets, save_targets, targets_folder

    spec = run.result.spec
    if getattr(spec, "rep", None) is None or getattr(spec, "kind", "reps") == "hold":
        return
    who = client.strip()
    if not st.button(f"Use this set as {who}'s personal targets" if who else "Use this set as personal targets",
                     key=f"{key}-learn", disabled=not who,
                     help="For a good set of this client: formcheck learns where they rest, how far they get and "
                          "their range, and judges their live sets and reviews of this exercise by it. "
                          "Give the client's name first."):
        return
    try:
        # Against the standard spec even when this set was judged by personal targets: no drift.
        t = learn_targets(run.result.summary, widgets.spec(str(spec.name)), client=who, clip=run.source)
        path = save_targets(t, targets_folder(settings.db_path))
    except FormcheckError as exc:
        st.error(for_visitor(str(exc)))
        return
    unit = "°" if "angle" in t.signal else ""
    st.success(f"Saved {who}'s personal targets for {spec.title}, from {widgets.plural(t.reps, 'rep')}: rest "
               f"{t.rest:g}{unit}, far end {t.end:g}{unit}, range {t.range:g}{unit}; target {t.peak:g}{unit} "
               f"(standard {widgets.spec(t.exercise).rep.peak:g}{unit}). Their live sets and reviews of "
               f"{spec.title.lower()} use them from now on; analyse this clip again to judge it by them. "
               + ("" if settings.remote else f"File: `{path}`"))  # no server path beyond this computer


def client_report_html(run: ClipRun, client: str, notes: str, trend: tuple[TrendPoint, ...] = ()) -> str:
    """The client report of ``run`` with the notes as they are in the boxes now (and the client's trend)."""
    from formcheck.sinks.html_report import ReportMeta, render_client_report

    meta = ReportMeta(clip=run.source, when=datetime.now(timezone.utc), client=client, notes=notes, trend=trend,
                      personal=run.personal)
    return render_client_report(run.result, list(run.key_frames), meta)


def _headline(run: ClipRun, key: str) -> None:
    result, summary = run.result, run.result.summary
    if getattr(result.spec, "kind", "reps") == "hold":
        st.subheader(f"{summary.title}: {sum(h.good_s for h in summary.holds):.1f} s good hold")
    else:
        st.subheader(f"{summary.title}: {widgets.plural(summary.reps, 'rep')}"
                     + (f" ({summary.partial_reps} partial)" if summary.partial_reps else ""))
    if run.suggestion:
        st.info(run.suggestion)
    if run.hint:
        st.warning(run.hint)
    if not any(f.has_person for f in result.frames):
        st.error("No person was detected in this clip: check that the whole body is in view.")
    if run.personal:
        st.info(f"Judged by {run.client}'s personal targets: " + "; ".join(run.personal) + ".")
    if run.session_id is not None:
        st.caption(f"Saved to History ({KIND_TITLES.get(key, 'History')}).")
    elif run.save_error:
        st.warning(for_visitor(f"Not saved to history: {run.save_error}"))


def show_clip_run(run: ClipRun, *, key: str, settings: AppSettings) -> None:
    """Everything about one analysed clip (see the module docstring)."""
    _headline(run, key)
    summary = run.result.summary
    left, right = st.columns([3, 2])
    video = run.video if run.video is not None and run.video.is_file() else None
    with left:
        if video is not None:
            seek = float(st.session_state.get(f"{key}-seek", 0.0))
            st.video(str(video), format="video/mp4", start_time=int(math.floor(seek)), autoplay=seek > 0,
                     muted=True)
        elif run.video_note:
            st.info(for_visitor(f"Annotated video unavailable: {run.video_note}"))
        seek_buttons(run, key=key)
    with right:
        widgets.summary_metrics(summary)
    widgets.summary_tables(summary, key=key)
    widgets.cue_timeline(run.result, key=key)
    widgets.angle_charts(run.result, key=key)
    client, notes = _notes_form(run, settings, key=key)
    _reference_button(run, client, settings, key=key)
    _downloads(run, client, notes, video, client_trend(run, client, settings), key=key, settings=settings)


def _downloads(run: ClipRun, client: str, notes: str, video: Path | None, trend: tuple[TrendPoint, ...], *,
               key: str, settings: AppSettings) -> None:
    """The clip's files. ``on_click="ignore"``: a download starts no rerun, so a second button
    clicked while the first one's rerun was running is not lost (the MP4 never came)."""
    stem = Path(run.source).stem or "clip"
    files: list[tuple[str, Any, str, str, str, str | None]] = [
        ("Client report (HTML)", functools.partial(client_report_html, run, client, notes, trend),
         f"{stem}-report.html", "text/html", "html",
         "One file: opens offline in any browser; print it to PDF from there."),
        ("Report (JSON)", run.report_json, f"{stem}-report.json", "application/json", "json", None),
        ("Reps (CSV)", run.reps_csv, f"{stem}-reps.csv", "text/csv", "csv", None)]
    if video is not None:
        files.append(("Annotated video (MP4)", video.read_bytes, f"{stem}-annotated.mp4", "video/mp4", "mp4", None))
    # Each download is an export: written to the audit log when someone is signed in (issue 27); on this
    # computer the files are given as before.
    of = f"{run.source} (client {client or '-'}{f', session {run.session_id}' if run.session_id else ''})"
    row = st.container(horizontal=True, gap="small")
    for label, data, name, mime, slug, tip in files:
        if settings.scope is not None:
            data = audited(settings, f"{label.split(' (')[0].lower()} ({slug}) of {of}",
                           data if callable(data) else functools.partial(str, data))
        row.download_button(label, data, file_name=name, mime=mime, key=f"{key}-dl-{slug}", help=tip,
                            on_click="ignore")
