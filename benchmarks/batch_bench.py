"""Benchmark: ``formcheck batch`` with ``-j 2`` against ``-j 1`` on the same clips (not part of the tests).

Runs the real batch (pose model, analysis, reports; no resume: a fresh output
folder each time) over the same clips with 1 and with 2 worker processes, in
one run, and prints wall time, clip-seconds analysed per wall-second (above 1
is faster than real time) and the ratio ``-j 1`` / ``-j 2`` (target >= 1.7 on
a 2-core machine). The load average before each run is printed too: other work
on the machine slows the parallel run most.

Usage: python benchmarks/batch_bench.py [CLIP_OR_FOLDER ...] [--copies N] [--frame-step auto|1|2] [--html]
(default: every clip of sample_videos/ but the idle one; --copies repeats the set)
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gather(targets: list[str], copies: int, into: Path) -> list[Path]:
    from formcheck.pipeline.batch_clips import find_clips

    clips = find_clips(targets).clips if targets else [p for p in sorted((ROOT / "sample_videos").glob("*.mp4"))
                                                 if "idle" not in p.name]
    out = []
    for k in range(copies):
        for clip in clips:
            dst = into / f"{clip.stem}-{k}{clip.suffix}"
            shutil.copy(clip, dst)
            out.append(dst)
    return out


def clip_seconds(clips: list[Path]) -> float:
    from formcheck.pose.sources import VideoFileSource

    total = 0.0
    for clip in clips:
        with VideoFileSource(clip) as src:
            total += (src.frame_count or 0) / src.fps
    return total


def timed_batch(folder: Path, out: Path, jobs: int, frame_step: int | None, html: bool) -> tuple[float, int]:
    from formcheck.pipeline.batch import run_batch

    start = time.perf_counter()
    result = run_batch([folder], "auto", out_dir=out, jobs=jobs, frame_step=frame_step, html=html)
    return time.perf_counter() - start, result.analysed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--frame-step", default="auto", choices=("auto", "1", "2"))
    parser.add_argument("--html", action="store_true")
    args = parser.parse_args()
    step = None if args.frame_step == "auto" else int(args.frame_step)
    with tempfile.TemporaryDirectory(prefix="formcheck-batch-bench-") as tmp:
        folder = Path(tmp) / "clips"
        folder.mkdir()
        clips = gather(args.targets, args.copies, folder)
        seconds = clip_seconds(clips)
        print(f"{len(clips)} clips, {seconds:.0f} s of video, {os.cpu_count()} CPUs, frame step {args.frame_step}")
        times = {}
        for jobs in (1, 2):
            load = os.getloadavg()[0]
            wall, done = timed_batch(folder, Path(tmp) / f"out-j{jobs}", jobs, step, args.html)
            times[jobs] = wall
            print(f"  -j {jobs}: {wall:6.1f} s wall, {seconds / wall:4.2f}x real time, {done} clips "
                  f"(load average before: {load:.2f})")
        print(f"speed-up -j 2 over -j 1: {times[1] / times[2]:.2f}x (target >= 1.7)")


if __name__ == "__main__":
    main()
