"""One clip of a batch, as a worker runs it: pose → exercise → analysis → report texts.

Runs in a worker process (local ``-j N``) or a Ray worker. The pose model is
loaded once per process and reused for every clip it gets
(:func:`worker_estimator`; ``PoseEstimator.new_stream`` gives each clip a
fresh start). A clip that cannot be analysed comes back as an outcome with an
error, never as an exception: one bad file never stops a batch. The outcome
carries the report files as text, so the driver writes them wherever it runs
(a Ray worker on another machine has no access to the output folder).

Example:
    >>> outcome = run_clip_job(ClipJob(path="a.mp4", clip="a.mp4", out_name="a", exercise="auto"))  # doctest: +SKIP
    >>> outcome.row.reps  # doctest: +SKIP
    4
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formcheck.records.errors import FormcheckError, VideoSourceError
from formcheck.sinks.batch_index import BatchRow

if TYPE_CHECKING:
    from formcheck.pose.estimator import PoseEstimator

AUTO = "auto"
#: Clips filmed at this rate or faster are analysed on every other frame when the step is automatic,
#: i.e. still at 25 fps or more: the rate at which the real clips count exactly. Halving 24-30 fps
#: clips changed counts on 2 of 15 and cues on 2 of 15 (docs/trainers.md, "Reduced frame rate").
HALF_RATE_MIN_FPS = 50.0

_ESTIMATORS: dict[str, PoseEstimator] = {}


@dataclass(frozen=True, slots=True)
class ClipJob:
    """What a worker needs to analyse one clip (small and picklable).

    Attributes:
        path: The clip (readable by the worker).
        clip: The clip's name in the summary.
        out_name: Its folder in the batch output.
        exercise: A spec id, or ``"auto"`` for the best-fitting spec.
        frame_step: 1 or 2, or None to choose from the clip's frame rate.
        html: Also render the client report (``report.html``).
        model_path: Pose model file (None: resolved offline).
        data: The clip's bytes, when the worker cannot read ``path`` (another machine).
    """

    path: str
    clip: str
    out_name: str
    exercise: str = AUTO
    frame_step: int | None = None
    html: bool = False
    model_path: str | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class ClipOutcome:
    """A finished clip: its summary row and its report files (name → text)."""

    row: BatchRow
    files: dict[str, str] = field(default_factory=dict)


#: Called with each finished job and its outcome (the driver writes it).
OnDone = Callable[[ClipJob, ClipOutcome], None]
#: A runner analyses jobs and calls ``on_done`` for each, in any order, as each finishes.
Runner = Callable[[Sequence[ClipJob], OnDone], None]


def worker_estimator(model_path: str | None) -> PoseEstimator:
    """This process's pose model, loaded on first use and kept for the next clips."""
    from formcheck.pose.estimator import PoseEstimator

    key = str(model_path or "")
    estimator = _ESTIMATORS.get(key)
    if estimator is None:
        estimator = _ESTIMATORS[key] = PoseEstimator(model_path)
    return estimator


def frame_step_for(fps: float, requested: int | None) -> int:
    """The frame step to analyse at: the requested one, else 2 from :data:`HALF_RATE_MIN_FPS` up.

    Example:
        >>> frame_step_for(60.0, None), frame_step_for(30.0, None), frame_step_for(60.0, 1)
        (2, 1, 1)
    """
    if requested is not None:
        return requested
    return 2 if fps >= HALF_RATE_MIN_FPS else 1


def cue_counts(cues: Any) -> str:
    """``"hips_low×2 too_fast"``: each cue id once, with its count when above one.

    Example:
        >>> from formcheck.records.feedback import Cue
        >>> cue_counts([Cue("a", "", 1, 0.0), Cue("b", "", 1, 1.0), Cue("a", "", 1, 2.0)])
        'a×2 b'
    """
    counts = Counter(c.id for c in cues)
    return " ".join(f"{k}×{v}" if v > 1 else k for k, v in counts.items())


def _analyse(job: ClipJob, path: Path) -> ClipOutcome:
    from formcheck.pipeline.analysis import analyze_frames
    from formcheck.pipeline.recognise import recognise
    from formcheck.pose.cache import run_pose
    from formcheck.pose.landmarks_file import meta_notes
    from formcheck.pose.sources import VideoFileSource
    from formcheck.sinks.report import report_texts
    from formcheck.spec import list_specs

    with VideoFileSource(path) as probe:
        fps = probe.fps
    step = frame_step_for(fps, job.frame_step)
    frames, meta = run_pose(path, frame_step=step, estimator=worker_estimator(job.model_path))
    exercise = job.exercise
    guess: dict[str, Any] = {}
    if exercise == AUTO:
        recognised = recognise(frames, list_specs())
        best = recognised.best
        if best is None or recognised.question() is None and not recognised.confident:
            raise VideoSourceError("no exercise recognised (nobody in view, or no spec's posture and movement)")
        exercise = best.name
        runner = recognised.candidates[1].name if len(recognised.candidates) > 1 else ""
        guess = {"guessed": "yes" if recognised.confident else "unsure",
                 "confidence": round(best.confidence, 3), "alternative": runner}
    result = analyze_frames(frames, exercise, source=job.clip, fps=fps, source_notes=meta_notes(meta))
    files = report_texts(result)
    if job.html:
        from formcheck.sinks.html_report import HTML_REPORT_NAME, ReportMeta, render_client_report
        from formcheck.sinks.key_frames import render_key_frames

        files[HTML_REPORT_NAME] = render_client_report(result, render_key_frames(path, result),
                                                       ReportMeta(clip=Path(job.clip).name))
    s = result.summary
    row = BatchRow(clip=job.clip, exercise=result.exercise, reps=s.reps, partial_reps=s.partial_reps,
                   score=s.score, cues=cue_counts(s.cues), hold_s=round(float(sum(h.good_s for h in s.holds)), 2),
                   duration_s=round(s.duration_s, 2), frame_step=step, report=job.out_name, **guess)
    return ClipOutcome(row, files)


def run_clip_job(job: ClipJob) -> ClipOutcome:
    """Analyse one clip; a clip that cannot be analysed gives an error row, never an exception.

    Only :class:`FormcheckError` (unreadable clip, no exercise recognised...) is turned
    into an error row here; anything else is a bug or a crash, which the driver retries once.
    """
    import tempfile

    started = time.monotonic()
    try:
        if job.data is None:
            outcome = _analyse(job, Path(job.path))
        else:
            with tempfile.TemporaryDirectory(prefix="formcheck-batch-") as tmp:
                local = Path(tmp) / Path(job.path).name
                local.write_bytes(job.data)
                outcome = _analyse(job, local)
    except FormcheckError as exc:
        outcome = ClipOutcome(BatchRow(clip=job.clip, status="error", error=str(exc)))
    return replace(outcome, row=replace(outcome.row, seconds=round(time.monotonic() - started, 2)))
