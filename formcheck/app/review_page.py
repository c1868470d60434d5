"""Review a clip (trainers): upload → checks → analysis in the background → video, tables, charts, report.

The analysis runs in a :class:`~formcheck.app.review_job.ReviewJob` thread: the
trainer may open other pages meanwhile (the sidebar says it is still running)
and finds the result here, and in History, when it is done. When other
sessions' analyses fill the server's slots, the page says how many are ahead
and the analysis starts by itself. Analysing the same clip again with another
exercise reuses its landmarks and replaces its History row.

Memory: on "Analyse" the upload is copied to disk in blocks and Streamlit's
in-memory copy is let go at once (it would otherwise stay for the session's
life); the uploader is cleared and the clip kept on disk for another analysis
(:mod:`formcheck.app.clip_upload`). A finished run keeps its video on disk.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from formcheck.app import widgets
from formcheck.app.clip_analysis import ClipRun
from formcheck.app.clip_tools import megabytes
from formcheck.app.clip_upload import UploadedClip, save_upload
from formcheck.app.clip_view import show_clip_run
from formcheck.app.review_job import ReviewJob
from formcheck.app.settings import VIDEO_TYPES, AppSettings, for_visitor
from formcheck.records.errors import FormcheckError

SUGGEST = "__suggest__"
#: Seconds between two looks at a running analysis, and at one waiting for its turn.
POLL_S, QUEUED_POLL_S = 0.5, 2.0
#: Session keys: the clip kept on disk, and how many uploads the uploader has handed over.
CLIP, UPLOADS = "review_clip", "review_uploads"


def sidebar_note() -> None:
    """On any page: say that a Review analysis is still running, or has finished unseen."""
    job: ReviewJob | None = st.session_state.get("review_job")
    if job is None:
        return
    status = job.status()
    if status.done:
        st.sidebar.success(f"Review of {status.source} is ready: open “Review a clip”.")
    else:
        where = status.stage if status.queued else f"{status.fraction:.0%}"
        st.sidebar.info(f"Reviewing {status.source}: {where} (it goes on while you look elsewhere)")


def _uploader_key() -> str:
    """A new key after each upload taken: the uploader then shows empty (its file is on disk now)."""
    taken = int(st.session_state.get(UPLOADS, 0))
    return "review_upload" if taken == 0 else f"review_upload-{taken}"


def _take(uploaded: Any, settings: AppSettings) -> UploadedClip:
    """Copy the upload to disk, let Streamlit's in-memory copy go, and keep the clip in the session.

    Raises:
        FormcheckError: The upload is empty, too big or not a video, or cannot be written.
    """
    try:
        uploaded.seek(0)
        clip = save_upload(uploaded, str(uploaded.name), int(uploaded.size), limit_bytes=settings.upload_limit_bytes)
    finally:  # taken or refused: either way Streamlit need not keep the bytes
        ctx = get_script_run_ctx()
        remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx is not None else None
        if ctx is not None and remove is not None:  # the in-memory store every Streamlit server uses
            remove(ctx.session_id, uploaded.file_id)
        st.session_state[UPLOADS] = int(st.session_state.get(UPLOADS, 0)) + 1
    widgets.keep_for_session(clip.folder)
    old: UploadedClip | None = st.session_state.get(CLIP)
    st.session_state[CLIP] = clip
    if old is not None:
        old.delete()
    return clip


def _start(clip: UploadedClip, exercise: str, settings: AppSettings, names: list[str], client: str) -> None:
    st.session_state["review_job"] = ReviewJob.start(
        clip, None if exercise == SUGGEST else exercise, settings=settings, names=names, client=client.strip(),
        landmarks=st.session_state.get("review_landmarks"))


def _collect(job: ReviewJob) -> bool:
    """Move a finished job's outcome into the page state; False while it is still running."""
    status = job.status()
    if not status.done:
        return False
    del st.session_state["review_job"]
    st.session_state.pop("review_question", None)
    if status.question is not None:  # unsure which exercise: the page asks (the pose pass is kept)
        st.session_state["review_landmarks"] = job.landmarks
        st.session_state["review_question"] = (status.question, status.choices)
        st.session_state.pop("review_error", None)
        if (old := st.session_state.pop("review_run", None)) is not None:
            old.discard()
    elif status.run is not None:
        shown: ClipRun | None = st.session_state.get("review_run")
        if shown is not None:
            shown.discard()  # its video file: the new run replaces it on the page
        if status.run.files is not None:
            widgets.keep_for_session(status.run.files)
        st.session_state["review_run"] = status.run
        st.session_state["review_landmarks"] = job.landmarks
        st.session_state.pop("review_error", None)
        st.session_state.pop("review-seek", None)
    else:
        if (shown := st.session_state.pop("review_run", None)) is not None:
            shown.discard()
        st.session_state["review_error"] = status.error
    return True


def _ask(settings: AppSettings, names: list[str], client: str) -> None:
    """The recogniser's question, with a button per candidate: the pick is analysed at once."""
    asked: tuple[str, tuple[tuple[str, str], ...]] | None = st.session_state.get("review_question")
    kept: UploadedClip | None = st.session_state.get(CLIP)
    if asked is None or kept is None or st.session_state.get("review_job") is not None:
        return
    question, choices = asked
    st.warning(question)
    for (name, title), col in zip(choices, st.columns(max(len(choices), 1))):
        if col.button(title, key=f"review-pick-{name}"):
            del st.session_state["review_question"]
            _start(kept, name, settings, names, client)
            st.rerun()


def render(settings: AppSettings) -> None:
    st.header("Review a clip")
    st.caption("Upload a video of one set. formcheck counts the reps, checks form rep by rep, and "
               "gives you the annotated video and a report for your client. The clip stays on the server only "
               "while this tab shows it.")
    titles = widgets.exercise_titles()
    uploaded = st.file_uploader("Video clip", type=list(VIDEO_TYPES), key=_uploader_key(),
                                help=f"Up to {settings.upload_limit_mb:g} MB; MP4, MOV, MKV, WebM or AVI.")
    kept: UploadedClip | None = st.session_state.get(CLIP)
    if uploaded is None and kept is not None:
        st.caption(f"Clip: **{kept.name}** ({megabytes(kept.size)} MB), kept to analyse again with another "
                   "exercise; upload another clip to replace it.")
    exercise = st.selectbox("Exercise", [SUGGEST, *titles], key="review_exercise",
                            format_func=lambda n: "Suggest from the clip" if n == SUGGEST else titles[n])
    if exercise != SUGGEST:
        widgets.spec_card(exercise)
    client = st.text_input("Client", key="review_client", placeholder="optional: their name",
                           help="Stored with the session (History → Clients). A client with personal targets "
                                "is judged by them.")
    job: ReviewJob | None = st.session_state.get("review_job")
    if job is not None and _collect(job):
        job = None
    if st.button("Analyse", type="primary", key="review_go",
                 disabled=(uploaded is None and kept is None) or job is not None):
        try:
            clip = _take(uploaded, settings) if uploaded is not None else kept
            if clip is not None:  # the button is disabled without one
                _start(clip, str(exercise), settings, list(titles), client)
            st.session_state.pop("review_error", None)
            st.session_state.pop("review_question", None)
        except FormcheckError as exc:
            if (shown := st.session_state.pop("review_run", None)) is not None:
                shown.discard()
            st.session_state["review_error"] = str(exc)
        if uploaded is not None:
            st.rerun()  # draw the uploader again under its new key: empty
    job = st.session_state.get("review_job")
    if job is not None and not _collect(job):
        status = job.status()
        st.progress(min(status.fraction, 1.0), text=f"{status.source}: {status.stage}")
        st.caption("You can open other pages meanwhile: the analysis goes on and is saved to History.")
        time.sleep(QUEUED_POLL_S if status.queued else POLL_S)
        st.rerun()
    if err := st.session_state.get("review_error"):
        st.error(for_visitor(err))
    _ask(settings, list(titles), client)
    run = st.session_state.get("review_run")
    if run is not None:
        show_clip_run(run, key="review", settings=settings)
