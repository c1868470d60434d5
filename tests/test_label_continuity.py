"""The model's left and right stay on the same limbs: a brief swap of names is not a second set."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.pipeline.analysis import analyze_frames
from formcheck.records.frame import PoseFrame
from formcheck.synth import synth_track
from formcheck.tracker.label_continuity import LabelContinuity, swap_sides


def _with_brief_swaps(frames: list[PoseFrame], every_s: float = 2.5, lasting_s: float = 0.6) -> list[PoseFrame]:
    """The model naming left right and right left for ``lasting_s`` every ``every_s`` seconds."""
    return [swap_sides(f) if f.t > 1.0 and f.t % every_s < lasting_s else f for f in frames]


@pytest.mark.parametrize("exercise, view", [("one_arm_row", "side"), ("one_arm_row", "45"),
                                            ("bird_dog", "side"), ("bird_dog", "45")])
def test_brief_swaps_of_left_and_right_do_not_add_reps(exercise: str, view: str) -> None:
    frames, _ = synth_track(exercise, seed=5, view=view, reps=6)
    clean = analyze_frames(frames, exercise).summary
    swapped = analyze_frames(_with_brief_swaps(frames), exercise).summary
    assert clean.reps == 6
    # Before: 8-9 reps of the one-arm row (some on the bracing arm), 15 of the bird-dog.
    assert (swapped.reps, swapped.partial_reps) == (6, 0)
    assert swapped.reps_by_side == clean.reps_by_side


def test_a_one_arm_set_named_the_other_way_from_the_start_is_one_side() -> None:
    frames, _ = synth_track("one_arm_row", seed=5, view="side", reps=6)
    summary = analyze_frames([swap_sides(f) for f in frames], "one_arm_row").summary
    assert summary.reps == 6 and summary.reps_by_side == {"right": 6}


def _body(t: float, rng: np.random.Generator, noise: float, shift: float = 0.0) -> PoseFrame:
    """A still body facing the camera: left limbs at +x, right at -x, with jitter."""
    world = np.zeros((33, 3))
    world[11::2, 0], world[12::2, 0] = 0.18, -0.18  # left landmarks (odd from 11), right (even)
    world[:, 1] = np.linspace(-0.6, 0.9, 33)
    world += rng.normal(0, noise, world.shape)
    image = np.clip(0.5 + world * 0.3, 0, 1) + [shift, 0, 0]
    return PoseFrame(t=t, image_wh=(640, 480), image=image.astype(np.float32), world=world.astype(np.float32),
                     visibility=np.ones(33, np.float32), presence=np.ones(33, np.float32))


def test_jitter_is_never_a_swap_and_a_swap_is_undone_at_once() -> None:
    rng = np.random.default_rng(3)
    keep = LabelContinuity()
    for i in range(300):  # 10 s at 30 fps, 2 cm of jitter on every joint
        keep.correct(_body(i / 30, rng, 0.02))
    assert keep.swaps == 0
    swapped = swap_sides(_body(10.0, rng, 0.02))
    assert float(keep.correct(swapped).world[11, 0]) > 0  # the left shoulder back on the left
    assert keep.swaps == 1


def test_after_a_cut_or_a_gap_the_models_names_are_taken_again() -> None:
    rng = np.random.default_rng(4)
    for shift, names_kept in [(0.0, True), (0.3, False)]:  # the same shot, then a cut
        keep = LabelContinuity()
        keep.correct(_body(0.0, rng, 0.0))
        out = keep.correct(swap_sides(_body(1 / 30, rng, 0.0, shift=shift)))
        # A cut: the body's place in the picture jumped, so the model's (swapped) names stand.
        assert (float(out.world[11, 0]) > 0) == names_kept
    keep = LabelContinuity()
    keep.correct(_body(0.0, rng, 0.0))
    out = keep.correct(swap_sides(_body(2.0, rng, 0.0)))  # 2 s later: nothing to pair with
    assert float(out.world[11, 0]) < 0 and keep.swaps == 0


def _one_arm_set(right_lead_s: float) -> dict[str, int]:
    """Complete reps per counter of a one-arm row fed directly: the left arm rows 3 reps from 1.5 s; the
    right arm's reading starts at the far end (40°) and comes down to rest (10°) over ``right_lead_s``,
    then moves 10° once at 11 s (a wobble, under a rep's 15°, that ends its rest)."""
    from formcheck.spec import load_spec
    from formcheck.tracker.rep_tracking import RepTracking

    def left(t: float) -> float:
        k = (t - 1.5) / 2.5
        return 10.0 + 35.0 * np.sin(np.pi * (k % 1.0)) ** 2 if 0 <= k < 3 else 10.0

    def right(t: float) -> float:
        wobble = 10.0 * np.sin(np.pi * (t - 11.0)) ** 2 if 11.0 <= t < 12.0 else 0.0
        return max(10.0, 40.0 - 30.0 * t / right_lead_s) + wobble

    reps = RepTracking(load_spec("one_arm_row"), ("left", "right"))
    counted = {"left": 0, "right": 0}
    for t in np.arange(0.0, 14.0, 1 / 30):
        fed = reps.feed(float(t), {"left:upper_arm_incline_3d": left(t), "right:upper_arm_incline_3d": right(t)},
                        "left", True)
        for ev, side in fed.finished:
            counted[side] += ev.complete
    return counted


def test_a_drift_down_from_the_first_frame_spanning_the_other_arms_reps_is_not_a_rep() -> None:
    # One arm works at a time: while the left arm did whole reps the right one was not coming down
    # from a rep the clip began in; its reading drifted (a bracing arm read anew after a cut).
    assert _one_arm_set(right_lead_s=8.5) == {"left": 3, "right": 0}
    # A clip that began in the right arm's way back, which ended before the left arm started, keeps it.
    assert _one_arm_set(right_lead_s=0.8) == {"left": 3, "right": 1}
