"""``formcheck synth``: synthetic exercise clips with exact ground truth.

Examples::

    formcheck synth glute_bridge --reps 5 --view side --fault hips_low --seed 3 -o bridge.mp4
    formcheck synth bird_dog --reps 4 --landmarks-only -o bird_dog.npz   # no video, fast
    formcheck synth --samples -o sample_videos                           # the sample set
    formcheck synth prone_t_raise --setting bench -o incline_t.mp4       # another setting its spec admits
    formcheck synth --list                                               # exercises, faults and settings
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formcheck.records.labels import ClipLabel


def _floats(text: str, n: int, what: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != n:
        raise argparse.ArgumentTypeError(f"{what} needs {n} comma-separated numbers, got {text!r}")
    return values


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 640x360, got {text!r}") from None
    return w, h


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("synth", help="generate a synthetic exercise clip (video + label + landmarks)",
                       description="Generate a synthetic exerciser clip with exact ground truth: "
                                   "CLIP.mp4 + CLIP.json (label) + CLIP.npz (generator landmarks).")
    p.add_argument("exercise", nargs="?", help="exercise id (see --list); idle = no exercise")
    p.add_argument("-o", "--output", help="clip .mp4 (or .npz with --landmarks-only; folder with --samples)")
    p.add_argument("--samples", action="store_true", help="write the whole sample set (default folder sample_videos)")
    p.add_argument("--only", action="append", help="with --samples: render only this clip name (repeatable)")
    p.add_argument("--list", action="store_true", help="list exercises, their fault ids and other settings")
    p.add_argument("--reps", type=int, help="number of reps (default per exercise)")
    p.add_argument("--view", default="side",
                   help="side, 45, front or rear_oblique (the generator checks it: the parser stays light)")
    p.add_argument("--fault", help="form fault id to show (see --list)")
    p.add_argument("--setting", help="another setting the exercise's spec admits (see --list), e.g. bench: "
                                     "a row with the chest on an incline bench")
    p.add_argument("--fault-reps", help="0-based reps the fault affects, e.g. 1,3 (default every other rep)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--side", choices=("left", "right"), help="working side (bird-dog arm; one-arm row arm; "
                   "lunge front leg; single-leg RDL standing leg)")
    p.add_argument("--tempo", type=lambda t: _floats(t, 4, "--tempo"), help="UP,HOLD,DOWN,REST seconds")
    p.add_argument("--hold", type=float, help="hold time at the top (hold exercises: the hold), seconds")
    p.add_argument("--rom", type=float, default=1.0, help="range of motion 0.3-1 (below 1: partial reps)")
    p.add_argument("--height", type=float, default=1.75, help="body height in metres")
    p.add_argument("--fps", type=float, default=15.0)
    p.add_argument("--size", type=_size, default=(640, 360), help="WIDTHxHEIGHT, e.g. 960x540")
    p.add_argument("--camera-height", type=float, help="camera height above the floor, metres")
    p.add_argument("--camera-distance", type=float, help="camera distance from the body, metres")
    p.add_argument("--camera-yaw", type=float, default=0.0,
                   help="degrees the camera turns from the view towards the figure's front (oblique side view)")
    p.add_argument("--camera-pitch", type=float, help="degrees the camera looks down (a phone on a shelf)")
    p.add_argument("--cut-to", help="a second view (as --view) the clip cuts to half-way (an edited clip)")
    p.add_argument("--travel", type=float, default=0.0,
                   help="metres the body moves towards its front over the clip (negative: backwards)")
    p.add_argument("--figure", default="volume", choices=("volume", "stick", "none"),
                   help="stick/none: controls the pose model should not detect")
    p.add_argument("--landmarks-only", action="store_true", help="write landmark track .npz + .json, no video")
    p.add_argument("--jitter", type=float, default=0.0, help="landmark noise std, metres (0 = exact)")
    p.add_argument("--duration", type=float, help="idle clips: length in seconds")
    p.set_defaults(func=run)


def _summary(label: ClipLabel) -> str:
    parts = [f"{label.duration_s:.1f} s, {label.frame_count} frames"]
    if label.reps:
        parts.append(f"{label.reps_complete} complete + {label.reps_partial} partial reps")
    if label.holds:
        parts.append(", ".join(f"hold {h.start:.1f}-{h.end:.1f} s" for h in label.holds))
    if label.faults:
        parts.append("faults " + ", ".join(f"{f.id} {f.start:.1f}-{f.end:.1f} s" for f in label.faults))
    return "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    from formcheck.records.errors import FormcheckError
    from formcheck.synth.exercises import EXERCISES
    from formcheck.synth.generate import SynthOptions, render_clip, write_track

    if args.list:
        width = max(len(ex.id) for ex in EXERCISES.values())
        for ex in EXERCISES.values():
            settings = f"  settings: {', '.join(ex.settings)}" if ex.settings else ""
            print(f"{ex.id:<{width}} {ex.kind:<5} faults: {', '.join(ex.all_faults) or '-'}{settings}")
        return 0
    if args.samples:
        from formcheck.synth.samples import write_samples

        folder = args.output or "sample_videos"
        write_samples(folder, args.only, report=lambda name, lab: print(f"{name}: {_summary(lab)}", file=sys.stderr))
        print(f"wrote the sample set to {folder}", file=sys.stderr)
        return 0
    if not args.exercise:
        raise FormcheckError("name an exercise (see `formcheck synth --list`) or use --samples")
    if not args.output:
        raise FormcheckError("say where to write the clip: -o CLIP.mp4 (or -o TRACK.npz with --landmarks-only)")
    if args.fault_reps and not args.fault:
        raise FormcheckError("--fault-reps says which reps show a fault: add --fault ID (see --list)")
    try:
        fault_reps = tuple(int(v) for v in args.fault_reps.split(",")) if args.fault_reps else None
    except ValueError:
        raise FormcheckError(f"--fault-reps must be comma-separated integers, got {args.fault_reps!r}") from None
    opts = SynthOptions(exercise=args.exercise, reps=args.reps, fault=args.fault, seed=args.seed, side=args.side,
                        view=args.view, tempo=args.tempo, hold=args.hold, rom=args.rom, height=args.height,
                        fps=args.fps, size=args.size, camera_height=args.camera_height,
                        camera_distance=args.camera_distance, camera_yaw=args.camera_yaw,
                        camera_pitch=args.camera_pitch, cut_to=args.cut_to, travel=args.travel,
                        fault_reps=fault_reps, figure=args.figure, setting=args.setting,
                        jitter=args.jitter, duration=args.duration)
    if args.landmarks_only:
        label = write_track(opts, args.output)
    else:
        label = render_clip(opts, args.output)
    print(f"wrote {args.output} (+ .json label{'' if args.landmarks_only else ', .npz landmarks'}): "
          f"{_summary(label)}", file=sys.stderr)
    return 0
