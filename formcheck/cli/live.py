"""``formcheck live --exercise NAME [--camera 0]``: the overlay on your webcam, in a window.

Keys: ``q``/Esc quit, ``r`` start a new set. The set summary is printed at the
end, also when the camera disappears mid-set. ``--video FILE`` plays a file as
if it were a camera (for demos without a webcam).
"""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("live", help="live coaching from a webcam in a desktop window",
                       description="Show skeleton, rep counter, hold timer and form cues on a webcam feed. "
                                   "Keys: q/Esc quit, r new set.")
    p.add_argument("-e", "--exercise", required=True,
                   help="exercise spec id or spec file, or 'any' (count whatever you repeat)")
    p.add_argument("--camera", type=int, default=0, help="webcam index (default 0)")
    p.add_argument("--video", help="play this video file instead of a camera")
    p.add_argument("--model", help="pose model .task file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.pipeline.analysis import resolve_spec
    from formcheck.pipeline.live import (
        LatestFrame,
        LiveSession,
        has_display,
        run_window,
    )
    from formcheck.pose.sources import VideoFileSource, WebcamSource
    from formcheck.records.errors import FormcheckError
    from formcheck.sinks.report import format_summary

    spec = resolve_spec(args.exercise)
    source: VideoFileSource | WebcamSource = (
        VideoFileSource(args.video) if args.video else WebcamSource(args.camera))
    with source:
        if not has_display():
            raise FormcheckError("`formcheck live` needs a display and none is usable here (DISPLAY/WAYLAND_DISPLAY "
                                 "unset or unreachable); run it on a desktop, or use `formcheck app` in a "
                                 "browser or `formcheck analyze VIDEO`")
        with LiveSession(spec, args.model) as session:
            # A camera: process only the newest frame. A file: every frame, in order.
            frames = LatestFrame(source) if isinstance(source, WebcamSource) else source
            try:
                summary, reason = run_window(session, frames)
            finally:
                if isinstance(frames, LatestFrame):
                    frames.stop()  # before the camera is released under the reader thread
            fps = session.fps
    if isinstance(source, WebcamSource) and source.lost:
        print(f"camera {args.camera} stopped delivering frames; the set so far is kept:")
    print(format_summary(summary, spec=session.spec) + f"\n  ({reason}; processed at {fps:.1f} fps)")
    return 0
