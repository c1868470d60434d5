"""Measure: does analysing every 2nd frame keep counts and cues? (not part of the tests)

Runs the accuracy harness (``formcheck eval``) twice on the same labelled
clips, in one run: the pose model on every frame, and on every 2nd frame
(landmarks of both cached in ``--cache``). Prints, per clip, the frame rate,
the labelled and found counts and the cues at each step, marks every clip
where the two differ, then both totals side by side, split by frame rate
(24 fps and up, where every other frame is still 12-15 analysed frames per second,
and below). ``formcheck batch`` halves by default only clips at 50 fps and up.

Usage: python benchmarks/frame_step_eval.py sample_videos ../shared/real_clips [--cache DIR]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPLIT_FPS = 24.0


def _cues(clip: Any) -> str:
    counts = Counter(c.id for c in clip.cues)
    return " ".join(f"{k}×{v}" if v > 1 else k for k, v in sorted(counts.items())) or "-"


def main() -> None:
    from formcheck.pipeline.evaluate import discover, evaluate
    from formcheck.pose.sources import VideoFileSource

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--cache", help="landmarks cache folder (default: the user cache)")
    args = parser.parse_args()
    fps = {}
    for clip in discover(args.paths):
        try:
            with VideoFileSource(clip.video) as src:
                fps[clip.label.clip] = src.fps
        except Exception:  # a missing clip is reported by the harness itself
            fps[clip.label.clip] = 0.0
    runs = {step: evaluate(args.paths, cache_dir=args.cache, frame_step=step) for step in (1, 2)}
    second = {c.name: c for c in runs[2].clips}
    groups: dict[str, Counter[str]] = {"fast": Counter(), "slow": Counter()}
    print(f"{'clip':46s} {'fps':>5s} {'true':>4s} {'s1':>3s} {'s2':>3s}  cues (every frame | every 2nd)")
    for a in runs[1].clips:
        b = second[a.name]
        if a.status != "ok" or b.status != "ok":
            continue
        same_count = a.pred_reps == b.pred_reps and a.pred_partial == b.pred_partial
        same_cues = _cues(a) == _cues(b)
        group = groups["fast" if fps.get(a.name, 0.0) >= SPLIT_FPS else "slow"]
        group["clips"] += 1
        group["same counts"] += same_count
        group["same cues"] += same_cues
        group["exact s1"] += a.error == 0
        group["exact s2"] += b.error == 0
        mark = "" if same_count and same_cues else "   <-- differs"
        print(f"{a.name[:46]:46s} {fps.get(a.name, 0):5.1f} {a.true_reps:4d} {a.pred_reps:3d} {b.pred_reps:3d}  "
              f"{_cues(a)} | {_cues(b)}{mark}")
    for name, g in groups.items():
        what = f">= {SPLIT_FPS:.0f} fps" if name == "fast" else f"< {SPLIT_FPS:.0f} fps"
        print(f"clips {what}: {g['clips']}; same counts at step 2: {g['same counts']}; same cues: {g['same cues']}; "
              f"exact counts step 1 / step 2: {g['exact s1']} / {g['exact s2']}")
    for step, run in runs.items():
        t = run.totals
        print(f"step {step}: exact {t.exact_rate or 0:.0%}, OBO {t.obo or 0:.0%}, cue precision "
              f"{t.cue_precision or 0:.0%}, recall {t.cue_recall or 0:.0%}, false cues/min {t.false_cues_per_min}")


if __name__ == "__main__":
    main()
