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
