"""Benchmark: ``formcheck batch`` with ``-j 2`` (and ``-j 1``) on the same clips (not part of the tests).

Runs the real batch (pose model, analysis, reports; no resume: a fresh output
folder each time) as ``python -m formcheck batch`` subprocesses, and prints per
run the wall time, clip-seconds analysed per wall-second (above 1 is faster than
real time), the CPU seconds of the batch and its workers, the load average
before and after, and the ratio ``-j 1`` / ``-j 2`` (target >= 1.7 on a 2-core
machine). The CPU seconds say what a quiet machine would take: with the 2 cores
to itself, ``-j 2`` needs about half of them in wall time. Other work on the
machine slows the parallel run most.

``--root DIR`` (repeatable) measures other checkouts in the same run, interleaved
(``git archive main | tar -x -C /tmp/old``; ``--root /tmp/old --root .``), and the
counts each found are compared clip by clip (they must be identical).

Usage: python benchmarks/batch_bench.py [CLIP_OR_FOLDER ...] [--jobs 1,2] [--runs 1] [--copies N]
       [--frame-step auto|1|2] [--html] [--root DIR ...]
(default: the 33 clips of sample_videos/, the idle one included)
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gather(targets: list[str], copies: int, into: Path) -> list[Path]:
    from formcheck.pipeline.batch_clips import find_clips

    clips = find_clips(targets).clips if targets else sorted((ROOT / "sample_videos").glob("*.mp4"))
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


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed_batch(root: Path, folder: Path, out: Path, jobs: int, frame_step: str,
                html: bool) -> tuple[float, float, dict[str, tuple[str, str]]]:
    """Wall and CPU seconds (the batch and its workers) of ``formcheck batch`` of ``root``; each clip's
    (exercise, reps) from its summary."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "formcheck", "batch", str(folder), "-e", "auto", "-j", str(jobs),
               "-o", str(out), "--frame-step", frame_step, "--no-progress", *(["--html"] if html else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    with (out / "summary.csv").open(newline="") as f:
        counts = {row["clip"]: (row["exercise"], row["reps"]) for row in csv.DictReader(f)}
    return wall, cpu, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--jobs", default="1,2", help="worker counts to run, e.g. 2 or 1,2")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--frame-step", default="auto", choices=("auto", "1", "2"))
    parser.add_argument("--html", action="store_true")
    parser.add_argument("--root", action="append", type=Path, help="checkout to measure (repeatable)")
    args = parser.parse_args()
    roots = [r.resolve() for r in args.root] if args.root else [ROOT]
    jobs_list = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="formcheck-batch-bench-") as tmp:
        folder = Path(tmp) / "clips"
        folder.mkdir()
        clips = gather(args.targets, args.copies, folder)
        seconds = clip_seconds(clips)
        print(f"{len(clips)} clips, {seconds:.0f} s of video, {os.cpu_count()} CPUs, frame step {args.frame_step}")
        times: dict[tuple[Path, int], list[float]] = {}
        counts: dict[Path, dict[str, tuple[str, str]]] = {}
        for run in range(args.runs):
            for jobs in jobs_list:
                for root in roots:
                    before = load()
                    out = Path(tmp) / f"out-{root.name}-j{jobs}-{run}"
                    wall, cpu, found = timed_batch(root, folder, out, jobs, args.frame_step, args.html)
                    times.setdefault((root, jobs), []).append(wall)
                    first = counts.setdefault(root, found)
                    if first != found:
                        differ = {c: (first.get(c), found.get(c)) for c in sorted(set(first) | set(found))
                                  if first.get(c) != found.get(c)}
                        print(f"  !! {root.name}: (exercise, reps) differ from its first run: {differ}")
                    print(f"  run {run + 1} {root.name:>14} -j {jobs}: {wall:6.1f} s wall, {seconds / wall:4.2f}x "
                          f"real time, CPU {cpu:6.1f} s ({seconds / cpu * 2:4.2f}x real time on 2 free cores); "
                          f"load {before} -> {load()}")
        for root in roots:
            walls = {j: min(times[(root, j)]) for j in jobs_list}
            both = {1, 2} <= set(walls)
            ratio = f"; speed-up -j 2 over -j 1: {walls[1] / walls[2]:.2f}x (target >= 1.7)" if both else ""
            print(f"{root}: best wall " + ", ".join(f"-j {j} {w:.1f} s ({seconds / w:.2f}x real time)"
                                                   for j, w in walls.items()) + ratio)
        first = counts[roots[0]]
        for root in roots[1:]:
            differ = sorted(c for c in first if counts[root].get(c) != first[c])
            print(f"counts of {root.name} against {roots[0].name}: "
                  + ("identical" if not differ else f"{len(differ)} clips differ: {differ}"))


if __name__ == "__main__":
    main()
