"""Analyse a library of clips: per-clip reports, ``summary.csv`` and ``index.html``, resumable.

``run_batch`` finds the clips, skips those whose reports are current (see
:mod:`formcheck.pipeline.batch_manifest`), hands the rest to a runner — worker
processes on this machine (:func:`run_local`, each loading the pose model once)
or a Ray cluster (:mod:`formcheck.pipeline.ray_batch`) — and writes each clip's
files, the manifest, ``summary.csv`` and ``index.html`` as soon as that clip
is done. A clip that fails is a row with its error; a clip whose worker
crashes is retried once, alone (:mod:`formcheck.pipeline.batch_pool`). Output layout::

    OUT/summary.csv  OUT/index.html  OUT/manifest.json
    OUT/<clip>/report.json  reps.csv  angles.csv  [report.html]

Example:
    >>> result = run_batch(["clips/"], "auto", out_dir="out", jobs=2)  # doctest: +SKIP
    >>> [r.reps for r in result.rows]  # doctest: +SKIP
    [4, 3, 0]
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.pipeline.batch_clips import find_clips
from formcheck.pipeline.batch_job import AUTO, ClipJob, ClipOutcome, Runner
from formcheck.pipeline.batch_manifest import Manifest, settings_key
from formcheck.pipeline.batch_pool import run_local
from formcheck.records.atomic import atomic_write_texts
from formcheck.records.errors import FormcheckError, OutputError
from formcheck.sinks.batch_index import (
    INDEX_HTML,
    SUMMARY_CSV,
    BatchRow,
    UnreadablePath,
    index_html,
    summary_csv,
)


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: one row per clip (in clip order), the counts, and the paths it could not look at."""

    rows: tuple[BatchRow, ...]
    out_dir: Path
    analysed: int
    skipped: int
    failed: int
    seconds: float
    unreadable: tuple[UnreadablePath, ...] = ()


def _slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._") or "clip"


def plan_jobs(clips: Sequence[Path], exercise: str, *, frame_step: int | None = None, html: bool = False,
              model_path: str | None = None) -> list[ClipJob]:
    """One job per clip, each with its own output folder name (``name``, ``name-2``… on clashes).

    Example:
        >>> [j.out_name for j in plan_jobs([Path("a/x.mp4"), Path("b/x.mp4")], "auto")]
        ['x', 'x-2']
    """
    jobs, used = [], set()
    for clip in clips:
        base = name = _slug(clip)
        k = 2
        while name.lower() in used:
            name, k = f"{base}-{k}", k + 1
        used.add(name.lower())
        jobs.append(ClipJob(path=str(clip.resolve()), clip=str(clip), out_name=name, exercise=exercise,
                            frame_step=frame_step, html=html, model_path=model_path))
    return jobs


def run_batch(targets: Sequence[str | Path], exercise: str, *, out_dir: str | Path, jobs: int = 1,
              html: bool = False, frame_step: int | None = None, model_path: str | Path | None = None,
              recursive: bool = False, runner: Runner | None = None,
              progress: Callable[[BatchRow, int, int], None] | None = None) -> BatchResult:
    """Analyse every clip under ``targets``; write per-clip reports, ``summary.csv`` and ``index.html``.

    Args:
        targets: Clips, folders or glob patterns.
        exercise: A spec id or ``"auto"`` (the best-fitting spec per clip).
        out_dir: Output folder (created if its parent exists).
        jobs: Worker processes on this machine, at most its CPUs (ignored with ``runner``).
        html: Also write each clip's client report (``report.html``).
        frame_step: 1 or 2; None picks 2 for clips at 24 fps or more.
        model_path: Pose model file (None: resolved offline, once, before any work).
        recursive: Look into sub-folders of folder targets (paths it cannot read are in ``unreadable``).
        runner: Where the work runs (default :func:`run_local` with ``jobs``).
        progress: Called with (row, clips done, clips in total) per clip, skipped ones included.

    Raises:
        FormcheckError: Before any work: an unknown exercise, no clip found, an output folder
            that cannot be made, no pose model. A clip that fails later is a row, not an error.
    """
    from formcheck.pipeline.analysis import resolve_spec
    from formcheck.pose.model import resolve_model
    from formcheck.sinks.report import prepare_out_dir

    if jobs < 1:
        raise OutputError(f"-j must be at least 1, got {jobs}")
    if frame_step not in (None, 1, 2):
        raise OutputError(f"--frame-step must be 1 or 2, got {frame_step}")
    if exercise != AUTO:
        exercise = str(resolve_spec(exercise).name)
    search = find_clips(targets, recursive)
    model = str(resolve_model(model_path).path)
    out = prepare_out_dir(out_dir)
    started = time.monotonic()
    todo = plan_jobs([c for c in search.clips if out.resolve() not in c.resolve().parents], exercise,
                     frame_step=frame_step, html=html, model_path=model)
    key = settings_key(exercise, frame_step, html)
    manifest = Manifest.load(out)
    rows: dict[str, BatchRow] = {}
    order = [j.out_name for j in todo]
    counts = {"analysed": 0, "skipped": 0, "failed": 0}

    def publish() -> None:
        done = [rows[n] for n in order if n in rows]
        atomic_write_texts(out, {SUMMARY_CSV: summary_csv(done),
                                 INDEX_HTML: index_html(done, title=f"formcheck batch: {out.name}", html_reports=html,
                                                        unreadable=search.unreadable)})

    def finished(job: ClipJob, row: BatchRow) -> None:
        rows[job.out_name] = row
        publish()
        if progress is not None:
            progress(row, len(rows), len(order))

    def on_done(job: ClipJob, outcome: ClipOutcome) -> None:
        row = outcome.row
        if row.status == "ok":
            folder = out / job.out_name
            try:
                folder.mkdir(exist_ok=True)
                atomic_write_texts(folder, outcome.files)
                manifest.record(job, key, row, list(outcome.files))
                counts["analysed"] += 1
            except (OSError, FormcheckError) as exc:
                row = replace(row, status="error", error=f"cannot write the reports: {exc}")
        if row.status != "ok":
            counts["failed"] += 1
        finished(job, row)

    pending = []
    for job in todo:
        current = manifest.current(job, key)
        if current is not None:
            counts["skipped"] += 1
            finished(job, replace(current, clip=job.clip))
        else:
            pending.append(job)
    if pending:
        (runner or run_local(jobs))(pending, on_done)
    if not rows:
        publish()
    return BatchResult(rows=tuple(rows[n] for n in order if n in rows), out_dir=out, analysed=counts["analysed"],
                       skipped=counts["skipped"], failed=counts["failed"], seconds=time.monotonic() - started,
                       unreadable=tuple(search.unreadable))


def rerun_hint(result: BatchResult) -> str:
    """One line on what happened, for the CLI."""
    unread = f", {len(result.unreadable)} unreadable paths skipped" if result.unreadable else ""
    return (f"{len(result.rows)} clips: {result.analysed} analysed, {result.skipped} already current, "
            f"{result.failed} failed{unread}, in {result.seconds:.1f} s → {result.out_dir / SUMMARY_CSV}")

