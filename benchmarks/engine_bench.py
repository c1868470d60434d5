"""Engine cost per frame (features + smoothing + tracker, no pose model) on a long landmark track.

Builds a ~10-minute synthetic glute-bridge track (landmark-only, see tests/engine_tracks.py),
then times, in one run and side by side:

* ``Tracker.update`` frame by frame (the live path),
* ``Tracker.process`` (features for the whole clip at once, then the state machine),
* ``feature_table`` alone (vectorised features).

Target: <= 0.2 ms/frame for features + tracker. Run: ``python benchmarks/engine_bench.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from engine_tracks import bird_dog_points, bridge_track, make_frame, ramp  # noqa: E402

from formcheck.features.registry import feature_table  # noqa: E402
from formcheck.spec import load_spec  # noqa: E402
from formcheck.tracker.tracker import Tracker  # noqa: E402


def main(minutes: float = 10.0, fps: float = 30.0) -> None:
    one = [130.0] * int(fps)
    for _ in range(3):
        one += ramp(130, 172, 1.0, fps) + [172.0] * int(fps) + ramp(172, 130, 1.0, fps) + [130.0] * int(fps)
    reps_per_block = 3
    blocks = int(minutes * 60 * fps / len(one))
    frames = bridge_track(one * blocks, fps=fps)
    n = len(frames)
    spec = load_spec("glute_bridge")

    t0 = time.perf_counter()
    tr = Tracker(spec)
    for f in frames:
        tr.update(f)
    live = (time.perf_counter() - t0) / n * 1e3
    reps_live = tr.reps

    t0 = time.perf_counter()
    tr2 = Tracker(spec)
    tr2.process(frames)
    batch = (time.perf_counter() - t0) / n * 1e3

    t0 = time.perf_counter()
    feature_table(frames, spec.feature_names())
    feats = (time.perf_counter() - t0) / n * 1e3

    print(f"track: {n} frames ({n / fps / 60:.1f} min at {fps:g} fps), {blocks * reps_per_block} reps")
    print(f"Tracker.update (live, per frame): {live:.3f} ms/frame   reps counted {reps_live}")
    print(f"Tracker.process (batch features): {batch:.3f} ms/frame   reps counted {tr2.reps}")
    print(f"feature_table only              : {feats:.4f} ms/frame")
    print(f"ratio live/batch = {live / batch:.2f}; target 0.2 ms/frame: "
          f"{'met' if batch <= 0.2 else 'NOT met'} (batch), {'met' if live <= 0.2 else 'NOT met'} (live)")

    # Bird-dog: a counter per side, so both sides' features every frame (the costliest spec).
    reach = ramp(-90, 0, 1.0, fps) + [0.0] * int(2 * fps) + ramp(0, -90, 1.0, fps) + [-90.0] * int(fps)
    seq = [(-90.0, -90.0)] * int(fps) + [(r, -90.0) for r in reach] + [(-90.0, r) for r in reach]
    seq = seq * max(1, n // len(seq))
    dog = [make_frame(i / fps, bird_dog_points(a, b), index=i) for i, (a, b) in enumerate(seq)]
    spec = load_spec("bird_dog")
    t0 = time.perf_counter()
    tr = Tracker(spec)
    for f in dog:
        tr.update(f)
    live_dog = (time.perf_counter() - t0) / len(dog) * 1e3
    t0 = time.perf_counter()
    tr2 = Tracker(spec)
    tr2.process(dog)
    batch_dog = (time.perf_counter() - t0) / len(dog) * 1e3
    print(f"bird_dog (both sides): update {live_dog:.3f} ms/frame, process {batch_dog:.3f} ms/frame, "
          f"reps {tr.reps} / {tr2.reps} ({tr.reps_by_side})")


if __name__ == "__main__":
    main()
