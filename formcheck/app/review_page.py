"""Review a clip (trainers): upload → checks → analysis with progress → video, tables, charts, downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from formcheck.app import widgets
from formcheck.app.clip_tools import check_upload, rank_exercises
from formcheck.app.clip_view import analyze_clip, show_clip_run
from formcheck.app.settings import VIDEO_TYPES, AppSettings
from formcheck.records.errors import FormcheckError, VideoSourceError

SUGGEST = "__suggest__"


def _suggest(path: Path, settings: AppSettings, names: list[str]) -> list[tuple[str, float]]:
    from formcheck.pose.cache import run_pose

    bar = st.progress(0.0, text="Looking at the clip to suggest an exercise…")

    def progress(done: int, total: int | None) -> None:
        if total:
            bar.progress(min(done / total, 1.0), text=f"Pose… frame {done} of {total}")

    frames, _ = run_pose(path, settings.model_path, progress)
    bar.empty()
    return rank_exercises(frames, names)


def render(settings: AppSettings) -> None:
    st.header("Review a clip")
    st.caption("Upload a video of one set. formcheck counts the reps, checks form rep by rep, and "
               "gives you the annotated video and a report. The file is deleted after analysis.")
    titles = widgets.exercise_titles()
    uploaded = st.file_uploader("Video clip", type=list(VIDEO_TYPES), key="review_upload",
                                help=f"Up to {settings.upload_limit_mb:g} MB; MP4, MOV, MKV, WebM or AVI.")
    options = [SUGGEST, *titles]
    exercise = st.selectbox("Exercise", options, key="review_exercise",
                            format_func=lambda n: "Suggest from the clip" if n == SUGGEST else titles[n])
    if exercise != SUGGEST:
        widgets.spec_card(exercise)
    if st.button("Analyse", type="primary", key="review_go", disabled=uploaded is None):
        assert uploaded is not None
        data = uploaded.getvalue()
        st.session_state.pop("review_suggested", None)
        try:
            check_upload(uploaded.name, data, settings.upload_limit_bytes)
            with tempfile.TemporaryDirectory(prefix="formcheck-upload-") as tmp:
                path = Path(tmp) / ("upload" + Path(uploaded.name).suffix.lower())
                path.write_bytes(data)
                chosen = exercise
                if chosen == SUGGEST:
                    ranking = _suggest(path, settings, list(titles))
                    if not ranking or ranking[0][1] <= 0:
                        raise VideoSourceError(f"{uploaded.name}: no exercise recognised (no reps or holds "
                                               "under any spec); choose the exercise yourself")
                    chosen, best = ranking[0]
                    also = [titles[n] for n, v in ranking[1:] if v >= 0.8 * best]
                    st.session_state["review_suggested"] = (
                        f"Suggested: {titles[chosen]} (fit {best:.1f})"
                        + (f"; also fits: {', '.join(also)} — pick it above if that is what you did" if also else ""))
                st.session_state["review_run"] = analyze_clip(path, chosen, source=uploaded.name,
                                                              kind="review", settings=settings)
            st.session_state.pop("review_error", None)
        except FormcheckError as exc:
            st.session_state.pop("review_run", None)
            st.session_state["review_error"] = str(exc)
    if err := st.session_state.get("review_error"):
        st.error(err)
    run = st.session_state.get("review_run")
    if run is not None:
        if note := st.session_state.get("review_suggested"):
            st.info(note)
        show_clip_run(run, key="review")
