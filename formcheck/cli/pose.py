"""``formcheck pose VIDEO -o FILE.npz [--json]``: extract landmarks from a video."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from formcheck.records.frame import PoseFrame


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("pose", help="extract pose landmarks from a video into a .npz file")
    p.add_argument("video", help="video file (or webcam index, e.g. 0)")
    p.add_argument("-o", "--output", help="landmarks file to write (.npz)")
    p.add_argument("--json", action="store_true", help="print one JSON line per frame to stdout")
    p.add_argument("--model", help="pose model .task file")
    p.add_argument("--max-seconds", type=float, default=None, help="stop after this much video")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run)


def frame_json(frame: PoseFrame) -> str:
    """One frame as a JSON line (null landmarks when nobody is in view)."""
    def arr(a: np.ndarray) -> list[Any] | None:
        return None if not frame.has_person else np.round(a.astype(float), 5).tolist()

    return json.dumps({
        "index": frame.index, "t": round(frame.t, 4), "image_wh": list(frame.image_wh),
        "num_people": frame.num_people, "person_switched": frame.person_switched,
        "image": arr(frame.image), "world": arr(frame.world),
        "visibility": arr(frame.visibility), "presence": arr(frame.presence),
    })


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.landmarks_file import NOTES_KEY, save_landmarks
    from formcheck.pose.model import resolve_model
    from formcheck.pose.sources import VideoFileSource, open_source
    from formcheck.records.atomic import check_writable_output
    from formcheck.records.errors import FormcheckError, VideoSourceError

    if not args.output and not args.json:
        raise FormcheckError("say where the landmarks go: -o FILE.npz and/or --json")
    if args.max_seconds is not None and not (math.isfinite(args.max_seconds) and args.max_seconds > 0):
        raise FormcheckError(f"--max-seconds must be a positive number of seconds, got {args.max_seconds:g}")
    if args.output:
        check_writable_output(args.output)  # fail before the model runs over a whole clip
    # Files first, stdout second: with -o the JSON lines follow the saved file, so a reader
    # that stops early (`| head -1`) cannot cost the file. Without -o they stream.
    stream = args.json and not args.output
    frames = []
    with open_source(args.video) as src:  # a bad video fails before the model is looked for
        model = resolve_model(args.model)
        with PoseEstimator(model.path) as pose:
            bar = tqdm(total=src.frame_count, unit="frame", desc=src.name, file=sys.stderr,
                       disable=True if (args.no_progress or args.json) else None)  # None: only on a terminal
            for image, t in src:
                if args.max_seconds is not None and t > args.max_seconds:
                    break
                frame = pose.process(image, t)
                frames.append(frame)
                if stream:
                    print(frame_json(frame), flush=False)
                bar.update(1)
            bar.close()
        meta = {"source": str(args.video), "fps": src.fps, "size": list(src.size),
                "model": str(model.path), "model_sha256": model.sha256}
        ended_early = src.ended_early_note() if isinstance(src, VideoFileSource) else None
        if ended_early is not None:
            meta[NOTES_KEY] = [ended_early]
    if not frames:
        raise VideoSourceError(f"{args.video}: no frame within the first {args.max_seconds:g} s")
    if args.output:
        save_landmarks(args.output, frames, meta)
    if args.json and not stream:
        for frame in frames:
            print(frame_json(frame), flush=False)
    found = sum(f.has_person for f in frames)
    switches = sum(f.person_switched for f in frames)
    crowded = sum(f.num_people > 1 for f in frames)
    summary = f"{len(frames)} frames, person found in {found} ({100.0 * found / max(len(frames), 1):.1f} %)"
    if found == 0:
        summary += ": no person detected"
    if crowded:
        summary += f"; several people in {crowded} frames ({switches} switches of the followed person)"
    if ended_early is not None:
        summary += f"; {ended_early}"
    if args.output:
        summary += f"; wrote {args.output}"
    print(summary, file=sys.stderr)
    return 0
