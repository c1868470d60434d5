"""Benchmark: is pose extraction dominated by the model? (not part of the tests)

Measures on one clip, in one run, side by side:
  * model only   – ``detect_for_video`` on pre-decoded, pre-converted frames;
  * whole path   – decode (OpenCV) + BGR→RGB + model + PoseFrame record,
                   i.e. ``PoseEstimator.run(VideoFileSource(...))``;
and prints ms/frame for each and their ratio (model / whole; target ≥ 0.9).

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


def model_only_ms(model: Path, clip: Path) -> tuple[float, int]:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions
    from mediapipe.tasks.python.vision import (
        PoseLandmarker,
        PoseLandmarkerOptions,
        RunningMode,
    )

    from formcheck.pose.sources import VideoFileSource

    with VideoFileSource(clip) as src:
        decoded = [(mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(img, cv2.COLOR_BGR2RGB)),
                    int(t * 1000)) for img, t in src]
    options = PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model)),
                                    running_mode=RunningMode.VIDEO, num_poses=2)
    with PoseLandmarker.create_from_options(options) as landmarker:
        start = time.perf_counter()
        for image, t_ms in decoded:
            landmarker.detect_for_video(image, t_ms)
        elapsed = time.perf_counter() - start
    return 1000 * elapsed / len(decoded), len(decoded)


def whole_path_ms(model: Path, clip: Path) -> tuple[float, int]:
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.sources import VideoFileSource

    start = time.perf_counter()
    with VideoFileSource(clip) as src, PoseEstimator(model, num_poses=2) as pose:
        n = sum(1 for _ in pose.run(src))
    return 1000 * (time.perf_counter() - start) / n, n


def main() -> None:
    from formcheck.pose.model import resolve_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clip = args.clip or default_clip()
    model = resolve_model().path
    model_runs, whole_runs = [], []
    for _ in range(args.repeat):  # interleaved so machine load hits both alike
        ms, n = model_only_ms(model, clip)
        model_runs.append(ms)
        ms, _ = whole_path_ms(model, clip)
        whole_runs.append(ms)
    m, w = statistics.median(model_runs), statistics.median(whole_runs)
    print(f"clip: {clip.name} ({n} frames), {args.repeat} interleaved runs, medians")
    print(f"model only : {m:7.2f} ms/frame")
    print(f"whole path : {w:7.2f} ms/frame  (decode + convert + model + record)")
    print(f"ratio model/whole: {m / w:.3f}  (target >= 0.9)")


if __name__ == "__main__":
    main()
