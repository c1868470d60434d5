"""Layer 3: the real pose model (VIDEO mode) on synthetic clips.

The figure must be detected and its landmarks must agree with the
generator's; the stick figure and the empty scene are controls that must
*not* be detected (so detection is earned by the body's volume, not by the
scene). Accuracy is checked on one sample clip per exercise; the full table is
printed by ``python -m formcheck.synth.validate sample_videos``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.landmarks_file import load_landmarks
from formcheck.synth.generate import SynthOptions, render_clip
from formcheck.synth.validate import compare, model_frames
from tests.landmark_library import LandmarkLibrary

pytestmark = pytest.mark.model

ONE_PER_EXERCISE = ("bird_dog_side", "glute_bridge_side", "superman_side", "superman_hold_side",
                    "bent_over_row_side", "one_arm_row_side", "plank_side", "deadlift_side", "idle_side")


@pytest.mark.parametrize("clip", ONE_PER_EXERCISE)
def test_model_finds_the_figure_where_the_generator_put_it(sample_videos: Path, landmark_library: LandmarkLibrary,
                                                            clip: str) -> None:
    truth, _ = load_landmarks(sample_videos / f"{clip}.npz")
    acc = compare(clip, landmark_library.frames(sample_videos / f"{clip}.mp4"), truth)
    print(acc.row())
    assert acc.frames >= 120
    assert acc.detected >= 0.98, acc.row()
    assert acc.within >= 0.90, acc.row()


@pytest.mark.parametrize("figure", ["stick", "none"])
def test_controls_are_not_detected(tmp_path: Path, model_path: Path, figure: str) -> None:
    short = SynthOptions("glute_bridge", reps=1, seed=1, figure=figure, tempo=(1.0, 0.5, 1.0, 0.0))
    label = render_clip(short, tmp_path / f"{figure}.mp4")
    frames = model_frames(tmp_path / f"{figure}.mp4", model_path)
    assert len(frames) == label.frame_count
    found = sum(f.has_person for f in frames) / len(frames)
    print(f"{figure}: person found in {100 * found:.1f} % of {len(frames)} frames")
    assert found <= 0.05
    if figure == "none":
        assert label.exercise is None and not label.reps


def test_same_short_clip_is_detected_with_volume(tmp_path: Path, model_path: Path) -> None:
    """The positive twin of the controls: same motion, same camera, body drawn with volume."""
    short = SynthOptions("glute_bridge", reps=1, seed=1, tempo=(1.0, 0.5, 1.0, 0.0))
    render_clip(short, tmp_path / "volume.mp4")
    frames = model_frames(tmp_path / "volume.mp4", model_path)
    assert sum(f.has_person for f in frames) / len(frames) >= 0.98


@pytest.mark.parametrize("clip", ["neck_stretch_front_head_turning", "band_pull_apart_front_arms_low"])
def test_a_figure_facing_the_camera_is_not_mirrored(sample_videos: Path, landmark_library: LandmarkLibrary,
                                                    clip: str) -> None:
    """Facing the camera the figure's left is on the image's right; the model must agree.

    A blank head gives the model nothing to tell a front from a back: it then swaps the two
    sides. The face and hair drawn on a head turned towards the camera are what fixes it.
    """
    from formcheck.records.landmarks import Landmark

    truth, _ = load_landmarks(sample_videos / f"{clip}.npz")
    frames = landmark_library.frames(sample_videos / f"{clip}.mp4")
    pairs = [(f.pixels(), g.pixels()) for f, g in zip(frames, truth) if f.has_person]
    same = sum(np.linalg.norm(p[Landmark.LEFT_SHOULDER] - g[Landmark.LEFT_SHOULDER]) < np.linalg.norm(p[Landmark.LEFT_SHOULDER] - g[Landmark.RIGHT_SHOULDER])
               for p, g in pairs)
    print(f"{clip}: left shoulder on the left in {same} of {len(pairs)} frames")
    assert len(pairs) >= 0.98 * len(truth) and same >= 0.95 * len(pairs)
