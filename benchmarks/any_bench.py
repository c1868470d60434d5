"""Spec-free counter ("Any exercise") cost per frame on a long landmark track.

Builds a ~10-minute track from the synthetic exerciser (formcheck synth, landmarks only:
bent-over rows, 12 reps per set, again and again),
then times, side by side (best and median of three runs each):

* ``AnyTracker.update`` frame by frame (the live path: learning from the kept frames, then
  the pose along the axis into the rep counter),
* ``AnyTracker.process`` (the whole clip at once: axis, period and peaks of the whole clip),
* the worst stretches of the live path, where it never stops looking for a period (every
  ``LEARN_EVERY_S`` it looks at up to ``KEEP_S`` of frames): a person standing still, and a
  person moving without repeating anything (every landmark wandering at random).

Target: <= 0.3 ms/frame live. Run: ``python benchmarks/any_bench.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.synth.generate import synth_track
from formcheck.tracker.any_tracker import AnyTracker, any_spec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import per_frame  # noqa: E402  (one timing loop for every engine benchmark)


def _live(frames: list[PoseFrame]) -> Callable[[], AnyTracker]:
    def run() -> AnyTracker:
        tr = AnyTracker(any_spec())
        for f in frames:
            tr.update(f)
        return tr
    return run


def _batch(frames: list[PoseFrame]) -> Callable[[], AnyTracker]:
    def run() -> AnyTracker:
        tr = AnyTracker(any_spec())
        tr.process(frames)
        return tr
    return run


def _long_track(minutes: float) -> tuple[list[PoseFrame], float, int]:
    rows, label = synth_track("bent_over_row", reps=12, seed=1)
    fps = label.fps
    frames, t, reps = [], 0.0, 0
    while t < minutes * 60:
        for f in rows:
            frames.append(PoseFrame(t=t + f.t, image_wh=f.image_wh, image=f.image, world=f.world,
                                    visibility=f.visibility, presence=f.presence, index=len(frames)))
        t = frames[-1].t + 1 / fps
        reps += label.reps_complete
    return frames, fps, reps


def main(minutes: float = 10.0, repeats: int = 3) -> None:
    frames, fps, reps = _long_track(minutes)
    n = len(frames)
    live, live_median, tr = per_frame(_live(frames), n, repeats)
    batch, batch_median, tr2 = per_frame(_batch(frames), n, repeats)
    assert isinstance(tr, AnyTracker) and isinstance(tr2, AnyTracker)
    print(f"track: {n} frames ({n / fps / 60:.1f} min at {fps:g} fps), {reps} reps; best and median of {repeats} runs")
    print(f"AnyTracker.update (live, per frame): {live:.3f} ms/frame (median {live_median:.3f})   "
          f"reps counted {tr.reps}")
    print(f"AnyTracker.process (whole clip)    : {batch:.3f} ms/frame (median {batch_median:.3f})   "
          f"reps counted {tr2.reps}")

    still = [PoseFrame(t=i / fps, image_wh=frames[0].image_wh,
                       image=(frames[0].image + np.random.default_rng(i).normal(0, 0.002, (33, 3))).astype(np.float32),
                       world=frames[0].world, visibility=frames[0].visibility, presence=frames[0].presence, index=i)
             for i in range(int(60 * fps))]
    idle, idle_median, tr3 = per_frame(_live(still), len(still), repeats)
    assert isinstance(tr3, AnyTracker)
    print(f"standing still 1 min (never locks) : {idle:.3f} ms/frame (median {idle_median:.3f})   reps {tr3.reps}")
    rng = np.random.default_rng(0)
    walk = np.cumsum(rng.normal(0, 0.004, (len(still), 33, 3)), axis=0)
    wander = [PoseFrame(t=f.t, image_wh=f.image_wh, image=(frames[0].image + walk[i]).astype(np.float32),
                        world=f.world, visibility=f.visibility, presence=f.presence, index=i)
              for i, f in enumerate(still)]
    busy, busy_median, tr4 = per_frame(_live(wander), len(wander), repeats)
    assert isinstance(tr4, AnyTracker)
    print(f"moving at random 1 min             : {busy:.3f} ms/frame (median {busy_median:.3f})   reps {tr4.reps}")
    print(f"target 0.3 ms/frame live: {'met' if max(live, idle, busy) <= 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
