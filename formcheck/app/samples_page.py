"""Samples (testers): replay a labelled clip from ``sample_videos/`` and compare with its label."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from formcheck.app import widgets
from formcheck.app.clip_tools import compare_with_label
from formcheck.app.clip_view import analyze_with_progress, show_clip_run
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.errors import FormcheckError


def sample_clips(folder: Path) -> list[Path]:
    """Clips in ``folder`` that have a label beside them, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.mp4") if p.with_suffix(".json").is_file())


def render(settings: AppSettings) -> None:
    from formcheck.records.labels import load_label

    st.header("Samples")
    st.caption("Replay a labelled sample clip through the same path as an upload, and compare what "
               "formcheck found with the ground truth.")
    clips = sample_clips(settings.samples_dir)
    if not clips:
        st.info(f"No labelled clips in {settings.samples_dir} (make them with `formcheck synth --samples`).")
        return
    names = [p.name for p in clips]
    name = st.selectbox("Sample clip", names, key="sample_clip")
    path = settings.samples_dir / name
    try:
        label = load_label(path.with_suffix(".json"))
    except FormcheckError as exc:
        st.error(for_visitor(str(exc)))
        return
    titles = widgets.exercise_titles()
    if label.exercise is not None:
        exercise = label.exercise
        st.markdown(f"Label: **{titles.get(exercise, exercise)}**, {label.reps_complete} reps"
                    + (f" ({label.reps_partial} partial)" if label.reps_partial else "")
                    + (f", faults: {', '.join(sorted({f.id for f in label.faults}))}" if label.faults else ""))
    else:
        st.markdown("Label: **no exercise** — any spec should count 0 reps.")
        exercise = str(st.selectbox("Run it as", list(titles), format_func=lambda n: titles[n], key="sample_spec"))
    if st.button("Replay", type="primary", key="sample_go"):
        try:
            run = analyze_with_progress(path, exercise, source=name, kind="sample", settings=settings,
                                        names=list(titles))
            if (shown := st.session_state.get("sample_run")) is not None:
                shown[2].discard()  # its video file: the new run replaces it
            if run.files is not None:
                widgets.keep_for_session(run.files)
            st.session_state["sample_run"] = (name, exercise, run)
            st.session_state.pop("sample_error", None)
        except FormcheckError as exc:
            st.session_state.pop("sample_run", None)
            st.session_state["sample_error"] = str(exc)
    if err := st.session_state.get("sample_error"):
        st.error(for_visitor(err))
    kept = st.session_state.get("sample_run")
    if kept is None or kept[0] != name:
        return
    run = kept[2]
    cmp = compare_with_label(label, run.result.summary)
    st.subheader("Ground truth vs formcheck")
    cols = st.columns(5 if label.holds else 3)
    cols[0].metric("Labelled reps", cmp.true_reps)
    cols[1].metric("Found reps", cmp.found_reps, delta=cmp.found_reps - cmp.true_reps, delta_color="off")
    cols[2].metric("Count", "match" if cmp.count_match else "mismatch")
    if label.holds:  # the label's hold span next to the good hold time formcheck measured
        cols[3].metric("Labelled hold", f"{sum(h.end - h.start for h in label.holds):.1f} s")
        cols[4].metric("Found hold", f"{sum(h.good_s for h in run.result.summary.holds):.1f} s")
    left, right = st.columns(2)
    with left:
        st.markdown("**Reps**")
        if len(cmp.reps):
            st.dataframe(cmp.reps, hide_index=True, key="sample-cmp-reps")
        else:
            st.success("No reps labelled and none found: match.")
    with right:
        st.markdown("**Faults and cues**")
        if len(cmp.faults):
            st.dataframe(cmp.faults, hide_index=True, key="sample-cmp-faults")
        else:
            st.success("No labelled faults and no cues: match.")
    show_clip_run(run, key="sample", settings=settings)
