"""Benchmark: what does formcheck's pose extraction cost over the model's one-person floor? (not a test)

Measures on one clip, in one run, side by side (interleaved, so machine load hits all alike):
  * bare loop, one person – a plain MediaPipe Tasks loop with this project's pinned model and
    ``num_poses=1``: decode (OpenCV), BGR→RGB, ``detect_for_video``; nothing else. The floor;
  * bare loop, two people – the same with ``num_poses=2`` (the person detector on every frame);
  * bare loop as a script – the one-person loop in a child process, so that it pays what a
    command pays before its first frame (the interpreter, importing MediaPipe and OpenCV): the
    like-for-like floor of a command's wall time;
  * ``formcheck pose`` – the whole command in a child process (start-up, decoding, the
    estimator with its person selection, the landmarks file written), wall time per frame,
    once with each tracking (``FORMCHECK_POSE=two-person``, the default, and ``one-person``);
and prints ms/frame for each and the ratio of each to the one-person floor (issue 22's
target: at most 1.15).

Usage: python benchmarks/pose_bench.py [CLIP] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent


def default_clip() -> Path:
    real = ROOT.parent / "shared" / "real_clips" / "squat_homegainz_side.mp4"
    samples = sorted((ROOT / "sample_videos").glob("*.mp4"))
    return real if real.is_file() else samples[0]


def bare_loop_ms(model: Path, clip: Path, num_poses: int) -> tuple[float, int]:
    """A plain Tasks loop over the clip: decode, convert, detect; wall ms per frame."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions
    from mediapipe.tasks.python.vision import (
        PoseLandmarker,
        PoseLandmarkerOptions,
        RunningMode,
    )

    options = PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model)),
                                    running_mode=RunningMode.VIDEO, num_poses=num_poses)
    start = time.perf_counter()
    cap = cv2.VideoCapture(str(clip))
    n = 0
    with PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, image = cap.read()
            if not ok:
                break
            frame = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
            landmarker.detect_for_video(frame, int(1000 * n / 30))
            n += 1
    cap.release()
    return 1000 * (time.perf_counter() - start) / max(n, 1), n


def bare_script_ms(model: Path, clip: Path, frames: int) -> float:
    """The one-person bare loop run as ``python -c`` (start-up and imports included): wall ms per frame."""
    import subprocess
    import sys

    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import pose_bench; "
            f"pose_bench.bare_loop_ms(pose_bench.Path({str(model)!r}), pose_bench.Path({str(clip)!r}), 1)")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
    return 1000 * (time.perf_counter() - start) / frames


def formcheck_pose_ms(clip: Path, frames: int, tracking: str) -> float:
    """``formcheck pose CLIP -o tmp.npz`` as a user runs it: wall ms per frame, start-up included."""
    import os
    import subprocess
    import sys
    import tempfile

    env = {**os.environ, "FORMCHECK_POSE": tracking}
    with tempfile.TemporaryDirectory(prefix="pose-bench-") as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "formcheck", "pose", str(clip), "-o", str(Path(tmp) / "x.npz")],
                       check=True, capture_output=True, cwd=ROOT, env=env)
        return 1000 * (time.perf_counter() - start) / frames


def main() -> None:
    from formcheck.pose.model import resolve_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clip = args.clip or default_clip()
    model = resolve_model().path
    one, two, script, whole, tracked = [], [], [], [], []
    n = 0
    for _ in range(args.repeat):
        ms, n = bare_loop_ms(model, clip, 1)
        one.append(ms)
        two.append(bare_loop_ms(model, clip, 2)[0])
        script.append(bare_script_ms(model, clip, n))
        whole.append(formcheck_pose_ms(clip, n, "two-person"))
        tracked.append(formcheck_pose_ms(clip, n, "one-person"))
    a, b, c, w, o = (statistics.median(x) for x in (one, two, script, whole, tracked))
    print(f"clip: {clip.name} ({n} frames), {args.repeat} interleaved runs, medians")
    print(f"bare loop, num_poses=1            : {a:7.2f} ms/frame  (the floor)")
    print(f"bare loop, num_poses=2            : {b:7.2f} ms/frame  ({b / a:.2f}x the floor)")
    print(f"bare loop, num_poses=1, as script : {c:7.2f} ms/frame  ({c / a:.2f}x the floor: start-up and imports)")
    print(f"formcheck pose (two-person)       : {w:7.2f} ms/frame  ({w / a:.2f}x the floor, {w / c:.2f}x the script; "
          "target <= 1.15)")
    print(f"formcheck pose (one-person, exp.) : {o:7.2f} ms/frame  ({o / a:.2f}x the floor, {o / c:.2f}x the script; "
          "target <= 1.15)")


if __name__ == "__main__":
    main()
