"""A torso seen end-on (a prone raise filmed from the head end) is counted but not judged.

Its length and direction in the picture then come from the pose model's depth, which the model
compresses (filmed head-on, a clean prone T raise read `partial_rep`, `short_range` and
`neck_cranked`): every angle against the torso is a guess. The generator's landmarks are exact, so
its head-end tracks show what is given up: a cranked neck that the side view cues.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.features.single_frame import LandmarkRows
from formcheck.pipeline.analysis import analyze_frames
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark
from formcheck.spec import load_spec
from formcheck.synth import synth_track
from formcheck.tracker.guidance import END_ON_SHARE, Guide


def _frame(t: float, torso_depth_share: float) -> PoseFrame:
    """A frame whose hip-to-shoulder line has ``torso_depth_share`` of its length along the camera's axis."""
    world = np.zeros((33, 3), dtype=np.float32)
    along, across = torso_depth_share * 0.5, math.sqrt(1 - torso_depth_share ** 2) * 0.5
    for i, x in ((Landmark.LEFT_SHOULDER, 0.2), (Landmark.RIGHT_SHOULDER, -0.2)):
        world[i] = [x + across, 0.0, along]
    for i, x in ((Landmark.LEFT_HIP, 0.1), (Landmark.RIGHT_HIP, -0.1)):
        world[i] = [x, 0.0, 0.0]
    image = np.full((33, 3), 0.5, dtype=np.float32)
    ones = np.ones(33, dtype=np.float32)
    return PoseFrame(t=t, image=image, world=world, visibility=ones, presence=ones, image_wh=(640, 480))


def _see(guide: Guide, start: float, seconds: float, share: float) -> None:
    """``guide.check`` on ``seconds`` of frames at 30 fps whose torso has ``share`` along the camera's axis."""
    for k in range(round(seconds * 30)):
        frame = _frame(start + k / 30, share)
        assert guide.check(frame, "left", LandmarkRows.from_frame(frame))[0]


@pytest.mark.parametrize("share, end_on", [(0.95, True), (END_ON_SHARE + 0.05, True),
                                           (END_ON_SHARE - 0.05, False), (0.1, False)])
def test_the_guide_reads_the_torso_end_on_past_the_share(share: float, end_on: bool) -> None:
    guide = Guide(load_spec("prone_t_raise"))
    _see(guide, 0.0, 1.0, share)
    assert guide.seen_end_on is end_on
    assert guide.across_from(0.5) is not end_on


def test_a_moment_end_on_is_smoothed_over_and_judging_resumes_after_it() -> None:
    guide = Guide(load_spec("prone_t_raise"))
    _see(guide, 0.0, 1.0, 0.1)
    _see(guide, 1.0, 0.07, 0.99)
    assert not guide.seen_end_on  # two frames' glitch
    _see(guide, 2.0, 2.0, 0.99)
    assert guide.seen_end_on and not guide.across_from(2.5)
    _see(guide, 4.0, 3.0, 0.1)
    assert not guide.seen_end_on and guide.across_from(6.0) and not guide.across_from(3.0)


@pytest.mark.parametrize("exercise", ["prone_t_raise", "back_extension"])
def test_a_cranked_neck_is_cued_side_on_and_not_judged_from_the_head_end(exercise: str) -> None:
    side_frames, label = synth_track(exercise, seed=1, view="side", fault="neck_cranked")
    side = analyze_frames(side_frames, exercise)
    assert "neck_cranked" in {c.id for c in side.summary.cues}
    head_frames, label = synth_track(exercise, seed=1, view="front", fault="neck_cranked")
    head = analyze_frames(head_frames, exercise)
    assert head.summary.reps == label.reps_complete  # still counted
    assert head.summary.cues == ()
    # The user is told why: the advice to turn, once the torso has been end-on for a while, and the
    # set's note (a set without cues is not a set judged clean).
    assert "turn side-on to the camera" in {fb.guidance for fb in head.feedback}
    assert any(n.startswith("form not judged in ") for n in head.summary.notes)
    assert not any(n.startswith("form not judged") for n in side.summary.notes)
