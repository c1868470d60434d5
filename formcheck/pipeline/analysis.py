"""Analyse a whole clip: pose (once) → tracker → per-frame feedback and a set summary.

This is the offline counterpart of :mod:`formcheck.pipeline.live`: the same tracker
and the same overlay, fed from a video file (or a landmarks file) instead of
a camera. Sinks (report files, the app's charts) consume the returned
:class:`AnalysisResult`; nothing here writes a report.

Example:
    >>> result = analyze_video("sample_videos/glute_bridge_side.mp4", "glute_bridge")  # doctest: +SKIP
    >>> result.summary.reps
    5
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from formcheck.records.errors import LandmarksFileError, VideoSourceError
from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.records.input_files import check_readable_file
from formcheck.records.result import AnalysisResult

#: Called with (frames done, frames expected or None) while a clip is processed.
Progress = Callable[[int, "int | None"], None]

#: Landmarks files are recognised by this suffix (see :mod:`formcheck.pose.landmarks_file`).
LANDMARKS_SUFFIX = ".npz"
NO_PERSON_NOTE = "no person detected"


def resolve_spec(exercise: Any) -> Any:
    """A loaded spec, from a spec object, a spec id or a spec file path.

    Raises:
        SpecError: Unknown id (the message lists the known ids and the nearest
            one) or an invalid spec file.
    """
    if not isinstance(exercise, (str, Path)):
        return exercise
    import difflib

    from formcheck.records.errors import SpecError
    from formcheck.spec import list_specs, load_spec
    from formcheck.tracker.any_tracker import ANY, any_spec

    name = str(exercise)
    if name == ANY:
        return any_spec()
    if Path(name).suffix.lower() in (".yaml", ".yml") or Path(name).is_file():
        return load_spec(name)
    known = list_specs()
    if name not in known:
        near = difflib.get_close_matches(name.replace("-", "_").lower(), known, n=1, cutoff=0.4)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise SpecError(f"unknown exercise {name!r}.{hint} Known exercises: {', '.join(known)} (or {ANY!r}: "
                        "count whatever is repeated)")
    return load_spec(name)


def _with_notes(summary: SetSummary, frames: Sequence[PoseFrame], source_notes: Sequence[str] = ()) -> SetSummary:
    """Add the notes a report reader needs when the tracker did not already say so.

    ``source_notes`` are about the video itself (it ended early): the frames cannot tell.
    """
    from dataclasses import replace

    notes = list(summary.notes)
    wanted = [*source_notes, NO_PERSON_NOTE] if not any(f.has_person for f in frames) else list(source_notes)
    notes += [n for n in dict.fromkeys(wanted) if n not in notes]
    return replace(summary, notes=tuple(notes)) if tuple(notes) != summary.notes else summary


def _recognised_as(spec: Any, frames: Sequence[PoseFrame]) -> bool:
    """The whole clip is recognised as ``spec``'s exercise (its best candidate, sure or not)."""
    from formcheck.pipeline.recognise import recognise

    best = recognise(frames).best
    return best is not None and best.name == getattr(spec, "name", None)


def _set_summary(tracker: Any, spec: Any, frames: Sequence[PoseFrame]) -> SetSummary:
    """The tracker's summary of a whole clip: a rep tracker may ask whether the clip looks like its
    exercise (a set whose start pose the camera never showed: :mod:`formcheck.tracker.count_check`)."""
    from formcheck.tracker.tracker import Tracker

    if isinstance(tracker, Tracker):
        return tracker.summary(recognised=lambda: _recognised_as(spec, frames))
    summary: SetSummary = tracker.summary()
    return summary


def _fps_of(frames: Sequence[PoseFrame]) -> float:
    if len(frames) < 2:
        return 30.0
    span = frames[-1].t - frames[0].t
    return (len(frames) - 1) / span if span > 0 else 30.0


def analyze_frames(frames: Iterable[PoseFrame], exercise: Any, *, source: str = "frames",
                   fps: float | None = None, source_notes: Sequence[str] = ()) -> AnalysisResult:
    """Run the tracker over pose frames already extracted (a landmarks file, a cache).

    Args:
        frames: Pose frames in time order.
        exercise: A spec id, a spec file path, or a loaded ``ExerciseSpec``.
        source: Name recorded in the result (file the frames came from).
        fps: Frame rate; estimated from the timestamps when None.
        source_notes: Notes about the video the frames came from, added to the summary's
            (``meta_notes`` of the pose run's metadata: the video ended early).

    Raises:
        SpecError: The exercise is unknown or its spec invalid.
    """
    from formcheck.tracker.any_tracker import make_tracker

    spec = resolve_spec(exercise)
    frames = tuple(frames)
    tracker = make_tracker(spec)
    # The tracker's batch path computes features for the whole clip at once (same result, faster).
    batch = getattr(tracker, "process", None)
    feedback = tuple(batch(frames)) if batch is not None else tuple(tracker.update(f) for f in frames)
    summary = _with_notes(_set_summary(tracker, spec, frames), frames, source_notes)
    return AnalysisResult(spec=spec, frames=frames, feedback=feedback, summary=summary,
                          source=source, fps=float(fps or _fps_of(frames)))


def analyze_video(video: str | Path, exercise: Any, *, model_path: str | Path | None = None,
                  progress: Progress | None = None,
                  annotated_path: str | Path | None = None) -> AnalysisResult:
    """Analyse a video file (pose model runs once) or a landmarks ``.npz`` file.

    Args:
        video: A video file, or a landmarks file written by ``formcheck pose``.
        exercise: A spec id, a spec file path, or a loaded ``ExerciseSpec``.
        model_path: Pose model ``.task`` file; resolved offline when None.
        progress: Called with (frames done, frames expected) after each frame.
        annotated_path: When given, an annotated ``.mp4`` (skeleton, angles,
            counter, cues) is written there in the same pass (atomically).
            Ignored for landmarks files, which hold no images.

    Raises:
        SpecError: Unknown exercise (the message lists the known ones).
        VideoSourceError: Missing, unreadable or non-video file.
        LandmarksFileError: A landmarks file of another version or damaged.
        ModelError: No pose model is available.
        OutputError: ``annotated_path`` cannot be written.
    """
    spec = resolve_spec(exercise)  # an unknown exercise fails before any decoding
    path = check_readable_file(video, "video", VideoSourceError)
    if path.suffix.lower() == LANDMARKS_SUFFIX:
        from formcheck.pose.landmarks_file import load_landmarks, meta_notes

        frames, meta = load_landmarks(path)
        fps = meta.get("fps")
        return analyze_frames(frames, spec, source=str(path), fps=float(fps) if fps else None,
                              source_notes=meta_notes(meta))
    if path.is_file() and _is_npz(path):
        raise LandmarksFileError(f"{path} looks like a landmarks file: name it with a .npz suffix")
    if spec.name == ANY_EXERCISE:
        # The spec-free counter learns the movement from the whole clip: the pose first, then the
        # count, then the annotated video (the clip decoded a second time).
        result = _analyze_decoded(path, spec, model_path=model_path, progress=progress, annotated_path=None)
        cut = [n for n in result.summary.notes if n.startswith("the video ended early")]
        result = analyze_frames(result.frames, spec, source=str(path), fps=result.fps, source_notes=cut)
        if annotated_path is not None:
            render_annotated(path, result, annotated_path)
        return result
    return _analyze_decoded(path, spec, model_path=model_path, progress=progress,
                            annotated_path=annotated_path)


#: The exercise id of the spec-free counter (``formcheck.tracker.any_tracker.ANY``).
ANY_EXERCISE = "any"


def _is_npz(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.endswith(".npy") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _analyze_decoded(path: Path, spec: Any, *, model_path: str | Path | None,
                     progress: Progress | None, annotated_path: str | Path | None) -> AnalysisResult:
    """One pass: decode → pose → tracker → (overlay → video sink)."""
    from contextlib import ExitStack

    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.sources import VideoFileSource
    from formcheck.tracker.any_tracker import make_tracker

    frames: list[PoseFrame] = []
    feedback: list[Feedback] = []
    tracker = make_tracker(spec)
    with ExitStack() as stack:
        src = stack.enter_context(VideoFileSource(path))
        pose = stack.enter_context(PoseEstimator(model_path))
        sink = None
        if annotated_path is not None:
            from formcheck.sinks.overlay import draw_overlay
            from formcheck.sinks.presenter import Presenter
            from formcheck.sinks.video import VideoSink

            sink = stack.enter_context(VideoSink(annotated_path, fps=src.fps, size=src.size))
            presenter = Presenter()  # the same steadied words as the live view
        for image, t in src:
            frame = pose.process(image, t)
            fb = tracker.update(frame)
            frames.append(frame)
            feedback.append(fb)
            if sink is not None:
                sink.write(draw_overlay(image, frame, fb, spec, presenter.update(fb, spec)))
            if progress is not None:
                progress(len(frames), src.frame_count)
        fps = src.fps
        ended_early = src.ended_early_note()
    summary = _with_notes(_set_summary(tracker, spec, frames), frames, [ended_early] if ended_early else [])
    return AnalysisResult(spec=spec, frames=tuple(frames), feedback=tuple(feedback), summary=summary,
                          source=str(path), fps=float(fps))


def render_annotated(video: str | Path, result: AnalysisResult, out_path: str | Path,
                     progress: Progress | None = None, *, pad_bottom: float = 0.0, crf: int | None = None,
                     each_image: Callable[[Any, float], None] | None = None) -> Path:
    """Write the annotated ``.mp4`` of an analysis already made, without running the pose model again.

    The video is decoded once more and each image gets the overlay of the
    analysed frame nearest in time, so landmarks extracted once serve the
    analysis, the exercise suggestion and the video (the Review page's path).

    Args:
        video: The analysed video file.
        result: Its analysis (for example from :func:`analyze_frames` on the clip's landmarks).
        out_path: The ``.mp4`` to write (atomically).
        progress: Called with (frames done, frames expected) per written frame.
        pad_bottom: A black strip under the picture, as a share of its height (the app's player
            draws its controls there; see :class:`~formcheck.sinks.video.VideoSink`).
        crf: libx264's quality setting (default: the sink's, as ``analyze`` writes).
        each_image: Called with every decoded image (before drawing, not to be changed) and its
            time, so another use of the images shares this decoding (the app's key frames).

    Raises:
        VideoSourceError: The video cannot be decoded.
        OutputError: ``out_path`` cannot be written.

    Example:
        >>> render_annotated("clip.mp4", analyze_frames(frames, "plank"), "out/annotated.mp4")  # doctest: +SKIP
    """
    import bisect

    from formcheck.pose.sources import VideoFileSource
    from formcheck.sinks.overlay import draw_overlay
    from formcheck.sinks.video import CRF, VideoSink

    times = [f.t for f in result.frames]
    done = 0
    with VideoFileSource(video) as src, VideoSink(out_path, fps=src.fps, size=src.size, pad_bottom=pad_bottom,
                                                 crf=CRF if crf is None else crf) as sink:
        for image, t in src:
            if each_image is not None:
                each_image(image, t)
            if times:
                k = bisect.bisect_left(times, t)
                i = min((j for j in (k - 1, k) if 0 <= j < len(times)), key=lambda j: abs(times[j] - t))
                sink.write(draw_overlay(image, result.frames[i], result.feedback[i], result.spec))
            else:
                sink.write(image)
            done += 1
            if progress is not None:
                progress(done, src.frame_count)
    return Path(out_path)
