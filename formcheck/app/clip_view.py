"""Analyse one clip with a progress bar and show everything: the path shared by Review and Samples."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from formcheck.app import widgets
from formcheck.app.clip_tools import browser_mp4
from formcheck.app.settings import AppSettings
from formcheck.records.errors import FormcheckError


@dataclass(frozen=True)
class ClipRun:
    """One analysed clip as the pages keep it in the session."""

    result: Any  # formcheck.pipeline.analysis.AnalysisResult
    source: str  # what the user knows it by (upload name, sample name)
    video: bytes | None  # annotated H.264 MP4, None if it could not be made
    video_note: str | None
    report_json: str
    reps_csv: str
    session_id: int | None
    save_error: str | None


def analyze_clip(path: Path, exercise: str, *, source: str, kind: str, settings: AppSettings) -> ClipRun:
    """Pose → tracker → annotated video (H.264 for the browser) → report texts → history.

    Temp files (annotated mp4v and its H.264 copy) are removed before returning.

    Raises:
        FormcheckError: The clip cannot be read, the spec is unknown, no model, etc.
    """
    from formcheck.pipeline.analysis import analyze_video
    from formcheck.sinks.report import report_dict, reps_csv

    bar = st.progress(0.0, text="Analysing…")

    def progress(done: int, total: int | None) -> None:
        if total:
            bar.progress(min(done / total, 1.0), text=f"Analysing… frame {done} of {total}")
        elif done % 15 == 0:
            bar.progress(0.5, text=f"Analysing… frame {done}")

    with tempfile.TemporaryDirectory(prefix="formcheck-clip-") as tmp:
        annotated = Path(tmp) / "annotated.mp4"
        result = analyze_video(path, exercise, model_path=settings.model_path, progress=progress,
                               annotated_path=annotated)
        video, video_note = None, None
        if annotated.is_file():
            bar.progress(1.0, text="Encoding the annotated video for the browser…")
            try:
                video = browser_mp4(annotated, Path(tmp) / "annotated-h264.mp4").read_bytes()
            except FormcheckError as exc:
                video_note = str(exc)
    bar.empty()
    report = json.dumps(report_dict(result), indent=2, allow_nan=False)
    session_id, save_error = None, None
    try:
        session_id = widgets.store(settings).save_set(result.summary, source=source, kind=kind)  # type: ignore[arg-type]
    except FormcheckError as exc:
        save_error = str(exc)
    return ClipRun(result, source, video, video_note, report, reps_csv(result.summary), session_id, save_error)


def show_clip_run(run: ClipRun, *, key: str) -> None:
    """Annotated video, summary, per-rep table, cue timeline, angle charts and downloads."""
    result = run.result
    summary = result.summary
    if getattr(result.spec, "kind", "reps") == "hold":
        st.subheader(f"{summary.title}: {sum(h.good_s for h in summary.holds):.1f} s good hold")
    else:
        st.subheader(f"{summary.title}: {widgets.plural(summary.reps, 'rep')}"
                     + (f" ({summary.partial_reps} partial)" if summary.partial_reps else ""))
    if not any(f.has_person for f in result.frames):
        st.error("No person was detected in this clip: check that the whole body is in view.")
    if run.session_id is not None:
        st.caption(f"Saved to history as session {run.session_id}.")
    elif run.save_error:
        st.warning(f"Not saved to history: {run.save_error}")
    left, right = st.columns([3, 2])
    with left:
        if run.video is not None:
            st.video(run.video, format="video/mp4")
        elif run.video_note:
            st.info(f"Annotated video unavailable: {run.video_note}")
    with right:
        widgets.summary_metrics(summary, columns=2)
    widgets.summary_tables(summary, key=key)
    widgets.cue_timeline(summary)
    widgets.angle_charts(result.feedback, summary, result.spec)
    stem = Path(run.source).stem or "clip"
    cols = st.columns(3)
    cols[0].download_button("Report (JSON)", run.report_json, file_name=f"{stem}-report.json",
                            mime="application/json", key=f"{key}-dl-json")
    cols[1].download_button("Reps (CSV)", run.reps_csv, file_name=f"{stem}-reps.csv", mime="text/csv",
                            key=f"{key}-dl-csv")
    if run.video is not None:
        cols[2].download_button("Annotated video (MP4)", run.video, file_name=f"{stem}-annotated.mp4",
                                mime="video/mp4", key=f"{key}-dl-mp4")
