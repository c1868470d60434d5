"""Benchmark: the Live page at the camera's frame rate, and how long a rep takes to be counted (not a test).

A real ``formcheck app`` server and headless Chromium on the same machine; the
clip, written as a 30 fps ``.y4m`` in a temp folder with each frame's number
drawn in its corner, is Chromium's fake camera (it plays the file in a loop,
slower than 30 fps when the machine is busy). The Live page is
started and watched for ``--seconds``; printed per run:

* **fps**: frames processed per second (the panel's ``data-fps``), median and
  lowest of the readings after the first 5 s;
* **count latency**: for each rep counted, the time the new count appeared in
  the page (a MutationObserver stamps each ``data-count`` change) minus the time
  the camera showed that rep's end. The rep ends are those of ``formcheck
  analyze`` on the same clip (offline, every frame); the page reads each camera
  frame's number and capture time (``requestVideoFrameCallback`` on the camera's
  own stream), so the clip time when a count appeared is the last frame's number
  / 30 + the time since, however the camera's pace wandered. A count is matched
  to the nearest rep end within [-0.5 s, +3 s] of it (``count_latencies``); a
  count with none is printed as unmatched;
* the camera's frame rate asked, shown in the page, and its own pace through the
  clip; the load average before and after; the server's and Chromium's CPU seconds.

``--root DIR`` (repeatable) measures other checkouts in the same run, interleaved
(``git archive main | tar -x -C /tmp/old``; ``--root /tmp/old --root .``); ``--env
K=V`` sets a variable for every server (e.g. ``FORMCHECK_POSE=one-person``), and
``--variant NAME:K=V,K=V`` adds a server configuration to compare beside the plain one.

Usage: python benchmarks/live_bench.py [CLIP] [--exercise ID] [--seconds 60] [--runs 1] [--root DIR ...]
(default clip: ``sample_videos/glute_bridge_side.mp4``, 3 reps in 13.2 s)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from app_bench_server import ROOT, served_app  # noqa: E402
from review_bench import browser_cpu_s, cpu_s, load  # noqa: E402

from tests.live_browser import (  # noqa: E402
    HOOK_TIMING,
    CameraTimes,
    count_changes,
    count_latencies,
    live_page,
    read_panel,
    start,
    webrtc_button,
    write_y4m,
    y4m_seconds,
)

CAMERA_FPS = 30


def rep_ends(clip: Path, exercise: str) -> list[float]:
    """End times (s) of the complete reps ``formcheck analyze`` finds in the clip, every frame."""
    from formcheck.pipeline.analysis import analyze_frames
    from formcheck.pose.cache import cached_pose

    frames, meta = cached_pose(clip)
    result = analyze_frames(frames, exercise, fps=float(str(meta["fps"])))
    return [r.end for r in result.summary.rep_rows if r.complete and r.counted]


def one_run(url: str, server_pid: int, y4m: Path, exercise: str, seconds: float, work: Path) -> dict[str, Any]:
    """START on the Live page, ``seconds`` of watching; the panel's fps, the camera's times, the counts."""
    with live_page({"url": url}, y4m, work, f"exercise={exercise}", init_scripts=[HOOK_TIMING]) as page:
        start(page)
        cpu0, browser0, load0 = cpu_s([server_pid]), browser_cpu_s((server_pid,)), load()
        began, fps, restarts = time.monotonic(), [], 0
        while time.monotonic() - began < seconds:
            page.wait_for_timeout(1000)
            if webrtc_button(page).inner_text().strip().lower() == "start":  # streamlit-webrtc tore it down
                restarts += 1
                start(page)
            panel = read_panel(page)
            if panel is not None and time.monotonic() - began > 5:
                fps.append(float(panel["fps"]))
        cpu, browser_cpu = cpu_s([server_pid]) - cpu0, browser_cpu_s((server_pid,)) - browser0
        camera, counts = CameraTimes.of(page), count_changes(page)
        webrtc_button(page).click()
    return {"fps": fps or [0.0], "camera": camera, "counts": counts, "cpu": cpu, "browser_cpu": browser_cpu,
            "load": f"{load0} -> {load()}", "seconds": time.monotonic() - began, "restarts": restarts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=ROOT / "sample_videos" / "glute_bridge_side.mp4")
    parser.add_argument("--exercise", default="glute_bridge")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--size", default="640x360", help="camera picture size, WxH")
    parser.add_argument("--root", action="append", type=Path, help="checkout to measure (repeatable)")
    parser.add_argument("--env", action="append", default=[], help="K=V for every server (repeatable)")
    parser.add_argument("--variant", action="append", default=[],
                        help="NAME:K=V,K=V, a server configuration measured beside the plain one")
    args = parser.parse_args()
    roots = [r.resolve() for r in args.root] if args.root else [ROOT]
    base_env = dict(kv.split("=", 1) for kv in args.env)
    configs: list[tuple[str, dict[str, str]]] = [("plain", {})]
    for variant in args.variant:
        name, _, pairs = variant.partition(":")
        configs.append((name, dict(kv.split("=", 1) for kv in pairs.split(",") if kv)))
    ends = rep_ends(args.clip, args.exercise)
    width, height = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="formcheck-live-bench-") as tmp:
        y4m = write_y4m([args.clip], Path(tmp) / "camera.y4m", size=(width, height), fps=CAMERA_FPS, stamp=True)
        loop_s = y4m_seconds(y4m)
        print(f"{args.clip.name}: {args.exercise}, rep ends {[round(e, 2) for e in ends]} s offline; camera "
              f"{width}x{height} at {CAMERA_FPS} fps, a {loop_s:.1f} s loop; {os.cpu_count()} CPUs; "
              f"{args.seconds:.0f} s a run; server env {base_env or '{}'}")
        summary: dict[tuple[Path, str], list[tuple[float, float, float]]] = {}
        for run in range(args.runs):
            for root in roots:
                for name, env in configs:
                    work = Path(tmp) / f"{root.name}-{name}-{run}"
                    work.mkdir()
                    with ExitStack() as stack:
                        app = stack.enter_context(served_app(root, work, env={
                            "FORMCHECK_CACHE_DIR": str(work / "cache"), **base_env, **env}))
                        out = one_run(app.url, app.pid, y4m, args.exercise, args.seconds, work)
                    camera = out["camera"]
                    marks = camera.marks if camera is not None else ()
                    lags, unmatched = count_latencies(out["counts"], marks, CAMERA_FPS, loop_s, ends)
                    fps = out["fps"]
                    shown_fps, cam_pace = camera.pace(round(loop_s * CAMERA_FPS)) if camera is not None else (0, 0)
                    med = statistics.median(lags) if lags else float("nan")
                    summary.setdefault((root, name), []).append((statistics.median(fps), med,
                                                                 max(lags) if lags else float("nan")))
                    print(f"  run {run + 1} {root.name:>14} {name:>10}: {statistics.median(fps):5.1f} fps processed "
                          f"(lowest {min(fps):.1f}); count latency median {med:.2f} s, max "
                          f"{max(lags) if lags else float('nan'):.2f} s over {len(lags)} reps "
                          f"({unmatched} counts unmatched; {[round(x, 2) for x in lags]}); camera asked "
                          f"{camera.frame_rate_asked if camera else 0:.0f} fps, shown "
                          f"{shown_fps:.1f} fps in the page, its clip at {cam_pace:.1f} fps; "
                          f"CPU server {out['cpu']:.0f} s, Chromium {out['browser_cpu']:.0f} s "
                          f"in {out['seconds']:.0f} s; START again {out['restarts']}x; "
                          f"load {out['load']}")
        for (root, name), rows in summary.items():
            print(f"{root} {name}: fps {statistics.median(r[0] for r in rows):.1f}, median count latency "
                  f"{statistics.median(r[1] for r in rows):.2f} s, max {max(r[2] for r in rows):.2f} s "
                  f"({len(rows)} runs)")


if __name__ == "__main__":
    main()
