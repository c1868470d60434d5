"""``formcheck batch FOLDER_OR_GLOB... --exercise ID|auto [-j N] [--out DIR] [--html] [--ray ADDRESS]``.

Analyses a library of clips into ``--out`` (default ``./formcheck_batch``):
a folder of reports per clip, ``summary.csv`` and ``index.html``. Clips whose
reports are current are skipped, so an interrupted or repeated batch only does
what is left. A clip that fails is a row of the summary (exit code still 0);
a mistake in the command itself (unknown exercise, nothing found, an output
folder that cannot be made) is one ``formcheck: error:`` line and exit 1.
"""

from __future__ import annotations

import argparse
import sys


def _frame_step(text: str) -> int | None:
    if text == "auto":
        return None
    if text in ("1", "2"):
        return int(text)
    raise argparse.ArgumentTypeError(f"must be auto, 1 or 2, got {text!r}")


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("batch", help="analyse many clips: per-clip reports, summary.csv and index.html",
                       description="Analyse every clip of a folder (or glob pattern); resumable: clips whose "
                                   "reports are current are skipped.")
    p.add_argument("targets", nargs="+", metavar="FOLDER_OR_GLOB", help="folders, clips or glob patterns")
    p.add_argument("-e", "--exercise", required=True,
                   help="spec id for every clip, 'auto' to pick the best-fitting spec per clip, or 'any' to "
                        "count whatever is repeated (no spec)")
    p.add_argument("-j", "--jobs", type=_workers, default=1, metavar="N",
                   help="worker processes on this machine, each loading the pose model once (default 1; "
                        "at most one per CPU)")
    p.add_argument("-o", "--out", default="formcheck_batch", help="output folder (default ./formcheck_batch)")
    p.add_argument("--html", action="store_true", help="also write each clip's client report (report.html)")
    p.add_argument("--frame-step", type=_frame_step, default=None, metavar="auto|1|2",
                   help="analyse every frame (1), every other frame (2), or 2 only for clips at 50 fps or "
                        "more (auto, the default; see docs/trainers.md)")
    p.add_argument("-r", "--recursive", action="store_true", help="look into sub-folders too")
    p.add_argument("--ray", metavar="ADDRESS",
                   help="run on a Ray cluster (HOST:6379, ray://HOST:10001) or 'local' to start one here "
                        "(needs `pip install formcheck[cluster]`)")
    p.add_argument("--model", help="pose model .task file")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from formcheck.pipeline.batch import rerun_hint, run_batch
    from formcheck.sinks.batch_index import BatchRow

    runner = None
    if args.ray:
        from formcheck.pipeline.ray_batch import ray_runner

        runner = ray_runner(args.ray)
    bars: list[tqdm] = []  # made on the first clip: a command error prints no bar (nor the note)

    def progress(row: BatchRow, done: int, total: int) -> None:
        if not bars:
            if runner is None:
                _note_worker_cap(args.jobs)
            bars.append(tqdm(total=total, unit="clip", desc="batch", disable=args.no_progress, file=sys.stderr))
        bar = bars[0]
        bar.set_postfix_str(f"{row.clip[-30:]}: {'failed' if row.status != 'ok' else f'{row.reps} reps'}")
        bar.update(done - bar.n)

    try:
        result = run_batch(args.targets, args.exercise, out_dir=args.out, jobs=args.jobs, html=args.html,
                           frame_step=args.frame_step, model_path=args.model, recursive=args.recursive,
                           runner=runner, progress=progress)
    finally:
        for bar in bars:
            bar.close()
    for unread in result.unreadable:
        print(f"  skipped: {unread.path}: {unread.reason}", file=sys.stderr)
    for row in result.rows:
        if row.status != "ok":
            print(f"  failed: {row.clip}: {row.error}", file=sys.stderr)
    print(rerun_hint(result))
    return 0


def _note_worker_cap(asked: int) -> None:
    """Say so when ``-j`` asks for more workers than CPUs: they are capped, not refused.

    Capped rather than refused: the same command then runs on a laptop and on a
    bigger machine, and workers beyond the CPUs would only take memory (each holds
    a pose model; 8 on 2 cores took 2.1 GB and were no faster than 2).
    """
    from formcheck.pipeline.batch_pool import usable_cpus, worker_count

    workers = worker_count(asked)
    if workers < asked:
        print(f"formcheck: note: -j {asked} is more than the {usable_cpus()} CPUs here: using {workers} "
              f"worker{'s' if workers > 1 else ''} (more would only take memory)", file=sys.stderr)
