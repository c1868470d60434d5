"""Engine cost per frame (features + smoothing + tracker, no pose model) on a long landmark track.

Builds a ~10-minute synthetic glute-bridge track (landmark-only, see tests/engine_tracks.py),
then times, in one run and side by side (best and median of three runs each):

* ``Tracker.update`` frame by frame (the live path),
* ``Tracker.process`` (features for the whole clip at once, then the state machine),
* ``feature_table`` alone (vectorised features).

Target: <= 0.2 ms/frame for features + tracker. Run: ``python benchmarks/engine_bench.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from engine_tracks import bird_dog_points, bridge_track, make_frame, ramp  # noqa: E402

from formcheck.features.resolve import feature_table  # noqa: E402
from formcheck.records.frame import PoseFrame  # noqa: E402
from formcheck.spec import ExerciseSpec, load_spec  # noqa: E402
from formcheck.tracker.tracker import Tracker  # noqa: E402


def per_frame(run: Callable[[], object], n: int, repeats: int) -> tuple[float, float, object]:
    """Best and median ms/frame over ``repeats`` runs (other processes only ever add time: the
    best run is the engine's cost, the median shows the machine's noise), and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = run()
        times.append((time.perf_counter() - t0) / n * 1e3)
    times.sort()
    return times[0], times[len(times) // 2], out


def _live(spec: str | ExerciseSpec, frames: list[PoseFrame]) -> Callable[[], Tracker]:
    """``Tracker.update`` on every frame, for a spec id or a spec (a variant of a shipped one)."""
    def run() -> Tracker:
        tr = Tracker(load_spec(spec) if isinstance(spec, str) else spec)
        for f in frames:
            tr.update(f)
        return tr
    return run


def _batch(spec_id: str, frames: list[PoseFrame]) -> Callable[[], Tracker]:
    def run() -> Tracker:
        tr = Tracker(load_spec(spec_id))
        tr.process(frames)
        return tr
    return run


def main(minutes: float = 10.0, fps: float = 30.0, repeats: int = 3) -> None:
    one = [130.0] * int(fps)
    for _ in range(3):
        one += ramp(130, 172, 1.0, fps) + [172.0] * int(fps) + ramp(172, 130, 1.0, fps) + [130.0] * int(fps)
    reps_per_block = 3
    blocks = int(minutes * 60 * fps / len(one))
    frames = bridge_track(one * blocks, fps=fps)
    n = len(frames)

    live, live_median, tr = per_frame(_live("glute_bridge", frames), n, repeats)
    batch, batch_median, tr2 = per_frame(_batch("glute_bridge", frames), n, repeats)
    feats, _, _ = per_frame(lambda: feature_table(frames, load_spec("glute_bridge").feature_names()), n, repeats)
    assert isinstance(tr, Tracker) and isinstance(tr2, Tracker)

    print(f"track: {n} frames ({n / fps / 60:.1f} min at {fps:g} fps), {blocks * reps_per_block} reps; "
          f"best and median of {repeats} runs")
    print(f"Tracker.update (live, per frame): {live:.3f} ms/frame (median {live_median:.3f})   reps counted {tr.reps}")
    print(f"Tracker.process (batch features): {batch:.3f} ms/frame (median {batch_median:.3f})"
          f"   reps counted {tr2.reps}")
    print(f"feature_table only              : {feats:.4f} ms/frame")
    print(f"ratio live/batch = {live / batch:.2f}; target 0.2 ms/frame: "
          f"{'met' if batch <= 0.2 else 'NOT met'} (batch), {'met' if live <= 0.2 else 'NOT met'} (live)")

    # Bird-dog: a counter per side, so both sides' features every frame (the costliest spec).
    reach = ramp(-90, 0, 1.0, fps) + [0.0] * int(2 * fps) + ramp(0, -90, 1.0, fps) + [-90.0] * int(fps)
    seq = [(-90.0, -90.0)] * int(fps) + [(r, -90.0) for r in reach] + [(-90.0, r) for r in reach]
    seq = seq * max(1, n // len(seq))
    dog = [make_frame(i / fps, bird_dog_points(a, b), index=i) for i, (a, b) in enumerate(seq)]
    live_dog, live_dog_median, tr = per_frame(_live("bird_dog", dog), len(dog), repeats)
    batch_dog, _, tr2 = per_frame(_batch("bird_dog", dog), len(dog), repeats)
    assert isinstance(tr, Tracker) and isinstance(tr2, Tracker)
    print(f"bird_dog (both sides): update {live_dog:.3f} ms/frame (median {live_dog_median:.3f}), "
          f"process {batch_dog:.3f} ms/frame, reps {tr.reps} / {tr2.reps} ({tr.reps_by_side})")

    # Bent-over row filmed head-on: the upper arm's depth restored from the picture (picture_depth).
    from formcheck.synth import synth_track

    row, _ = synth_track("bent_over_row", reps=40, seed=1, view="front", fps=fps, jitter=0.004)
    spec = load_spec("bent_over_row")
    plain, _, tr = per_frame(_live(spec.model_copy(update={"depth_from_picture": []}), row), len(row), repeats)
    restored, _, tr2 = per_frame(_live(spec, row), len(row), repeats)
    assert isinstance(tr, Tracker) and isinstance(tr2, Tracker)
    print(f"bent_over_row head-on ({len(row)} frames): update {plain:.3f} ms/frame without the depth restored, "
          f"{restored:.3f} with it (x{restored / plain:.2f}); reps {tr.reps} / {tr2.reps}")


if __name__ == "__main__":
    main()
