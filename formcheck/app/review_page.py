"""Review a clip (trainers): upload → checks → analysis in the background → video, tables, charts, report.

The analysis runs in a :class:`~formcheck.app.review_job.ReviewJob` thread: the
trainer may open other pages meanwhile (the sidebar says it is still running)
and finds the result here, and in History, when it is done. Analysing the same
upload again with another exercise reuses its landmarks and replaces its
History row.
"""

from __future__ import annotations

import time

import streamlit as st

from formcheck.app import widgets
from formcheck.app.clip_tools import check_upload
from formcheck.app.clip_view import show_clip_run
from formcheck.app.review_job import ReviewJob
from formcheck.app.settings import VIDEO_TYPES, AppSettings
from formcheck.records.errors import FormcheckError

SUGGEST = "__suggest__"
#: Seconds between two looks at a running analysis.
POLL_S = 0.5


def sidebar_note() -> None:
    """On any page: say that a Review analysis is still running, or has finished unseen."""
    job: ReviewJob | None = st.session_state.get("review_job")
    if job is None:
        return
    status = job.status()
    if status.done:
        st.sidebar.success(f"Review of {status.source} is ready: open “Review a clip”.")
    else:
        st.sidebar.info(f"Reviewing {status.source}: {status.fraction:.0%} (it goes on while you look elsewhere)")


def _start(uploaded: object, exercise: str, settings: AppSettings, names: list[str]) -> None:
    data = uploaded.getvalue()  # type: ignore[attr-defined]
    name = str(uploaded.name)  # type: ignore[attr-defined]
    check_upload(name, data, settings.upload_limit_bytes)
    st.session_state["review_job"] = ReviewJob.start(
        data, name, None if exercise == SUGGEST else exercise, settings=settings, names=names,
        landmarks=st.session_state.get("review_landmarks"))


def _collect(job: ReviewJob) -> bool:
    """Move a finished job's outcome into the page state; False while it is still running."""
    status = job.status()
    if not status.done:
        return False
    del st.session_state["review_job"]
    if status.run is not None:
        st.session_state["review_run"] = status.run
        st.session_state["review_landmarks"] = job.landmarks
        st.session_state.pop("review_error", None)
        st.session_state.pop("review-seek", None)
    else:
        st.session_state.pop("review_run", None)
        st.session_state["review_error"] = status.error
    return True


def render(settings: AppSettings) -> None:
    st.header("Review a clip")
    st.caption("Upload a video of one set. formcheck counts the reps, checks form rep by rep, and "
               "gives you the annotated video and a report for your client. The upload is deleted after analysis.")
    titles = widgets.exercise_titles()
    uploaded = st.file_uploader("Video clip", type=list(VIDEO_TYPES), key="review_upload",
                                help=f"Up to {settings.upload_limit_mb:g} MB; MP4, MOV, MKV, WebM or AVI.")
    exercise = st.selectbox("Exercise", [SUGGEST, *titles], key="review_exercise",
                            format_func=lambda n: "Suggest from the clip" if n == SUGGEST else titles[n])
    if exercise != SUGGEST:
        widgets.spec_card(exercise)
    job: ReviewJob | None = st.session_state.get("review_job")
    if job is not None and _collect(job):
        job = None
    if st.button("Analyse", type="primary", key="review_go", disabled=uploaded is None or job is not None):
        try:
            _start(uploaded, str(exercise), settings, list(titles))
            st.session_state.pop("review_error", None)
        except FormcheckError as exc:
            st.session_state.pop("review_run", None)
            st.session_state["review_error"] = str(exc)
    job = st.session_state.get("review_job")
    if job is not None and not _collect(job):
        status = job.status()
        st.progress(min(status.fraction, 1.0), text=f"{status.source}: {status.stage}")
        st.caption("You can open other pages meanwhile: the analysis goes on and is saved to History.")
        time.sleep(POLL_S)
        st.rerun()
    if err := st.session_state.get("review_error"):
        st.error(err)
    run = st.session_state.get("review_run")
    if run is not None:
        show_clip_run(run, key="review", settings=settings)
