"""Cost of the output stages per frame next to the pose model, on one sample clip.

Times, in one run and side by side, on the same decoded frames:

* pose model alone (``PoseEstimator.process``),
* the full live step (``LiveSession.process``: pose + tracker + overlay),
* overlay alone (``draw_overlay``) and the mp4v video sink alone,
* the eval replay (``analyze_frames`` on cached landmarks).

Prints ms/frame and each stage's share of the live step, and the live fps
this machine reaches. Run: ``python benchmarks/outputs_bench.py [CLIP] [EXERCISE]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import cv2

from formcheck.pipeline.analysis import analyze_frames
from formcheck.pipeline.live import LiveSession
from formcheck.pose.estimator import PoseEstimator
from formcheck.sinks.overlay import draw_overlay
from formcheck.sinks.video import VideoSink
from formcheck.spec import load_spec
from formcheck.tracker.tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent


def main(clip: Path, exercise: str) -> None:
    cap = cv2.VideoCapture(str(clip))
    images = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        images.append(img)
    cap.release()
    n = len(images)
    fps = 15.0
    times = [i / fps for i in range(n)]
    spec = load_spec(exercise)

    t0 = time.perf_counter()
    with PoseEstimator() as pose:
        frames = [pose.process(img, t) for img, t in zip(images, times)]
    pose_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    with LiveSession(spec, show_fps=True) as live:
        for img, t in zip(images, times):
            live.process(img, t)
    live_s = time.perf_counter() - t0

    tracker = Tracker(spec)
    feedback = [tracker.update(f) for f in frames]
    t0 = time.perf_counter()
    annotated = [draw_overlay(img, f, fb, spec) for img, f, fb in zip(images, frames, feedback)]
    overlay_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        h, w = images[0].shape[:2]
        t0 = time.perf_counter()
        with VideoSink(Path(tmp) / "a.mp4", fps=fps, size=(w, h)) as sink:
            for img in annotated:
                sink.write(img)
        sink_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    analyze_frames(frames, spec)
    replay_s = time.perf_counter() - t0

    def row(name: str, seconds: float) -> str:
        return f"{name:<34} {1000 * seconds / n:8.2f} ms/frame  {100 * seconds / live_s:6.1f} % of live"

    print(f"{clip.name}: {n} frames {images[0].shape[1]}x{images[0].shape[0]}, exercise {exercise}")
    print(row("live step (pose+tracker+overlay)", live_s))
    print(row("pose model alone", pose_s))
    print(row("overlay alone", overlay_s))
    print(row("video sink (mp4v) alone", sink_s))
    print(row("eval replay (analyze_frames)", replay_s))
    print(f"live processing rate: {n / live_s:.1f} fps; pose alone {n / pose_s:.1f} fps")


if __name__ == "__main__":
    clip = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "sample_videos" / "glute_bridge_side.mp4"
    main(clip, sys.argv[2] if len(sys.argv) > 2 else "glute_bridge")
