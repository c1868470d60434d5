"""A row's upper arm swinging along the camera's axis, restored from the picture (tracker/picture_depth.py)."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pytest

from formcheck.pipeline.analysis import analyze_frames
from formcheck.records.errors import SpecError
from formcheck.records.frame import PoseFrame
from formcheck.spec import load_spec
from formcheck.spec.schema import ExerciseSpec
from formcheck.synth import synth_track
from formcheck.tracker.picture_depth import LIMBS, PictureDepth
from formcheck.tracker.tracker import Tracker

SHOULDER, ELBOW, WRIST, HIP = 11, 13, 15, 23


def _body(t: float, drop_px: float, elbow: tuple[float, float, float], facing: bool = True,
          shift_px: float = 0.0, scale: float = 1.0) -> PoseFrame:
    """A hinged body whose left upper arm hangs ``drop_px`` below the shoulder in the picture and
    points along ``elbow`` (metres from the shoulder) in the model's world; the shoulder line runs
    across the picture (``facing``) or along the camera's axis (side-on)."""
    world = np.zeros((33, 3), np.float32)
    world[:, 1] = np.linspace(-0.6, 0.9, 33)
    across = np.array([0.2, 0.0, 0.0]) if facing else np.array([0.0, 0.0, 0.2])
    world[11], world[12] = np.array([0.0, -0.5, 0.0]) - across, np.array([0.0, -0.5, 0.0]) + across
    world[23], world[24] = -across, across
    world[ELBOW] = world[SHOULDER] + np.array(elbow)
    world[WRIST] = world[ELBOW] + np.array([0.0, 0.25, 0.0])
    img = np.full((33, 3), 0.5, np.float32)
    img[[11, 12], 1], img[[23, 24], 1] = 0.3, 0.6
    img[[11, 23], 0], img[[12, 24], 0] = 0.45, 0.55
    img[:, :2] = 0.5 + (img[:, :2] - 0.5) * scale
    img[:, 0] += shift_px / 640
    img[ELBOW, 1] = img[SHOULDER, 1] + drop_px * scale / 480
    img[WRIST, 1] = img[ELBOW, 1] + 0.1
    return PoseFrame(t=t, image_wh=(640, 480), image=img, world=world,
                     visibility=np.ones(33, np.float32), presence=np.ones(33, np.float32))


def _from_vertical(frame: PoseFrame, root: int = SHOULDER, end: int = ELBOW) -> float:
    u = frame.world[end].astype(float) - frame.world[root]
    return float(np.degrees(np.arccos(u[1] / np.linalg.norm(u))))


def _hang(depth: PictureDepth, seconds: float = 2.0, **body: typing.Any) -> float:
    """Feed ``seconds`` of the arm hanging (80 px below the shoulder); returns the time reached."""
    t = 0.0
    while t < seconds:
        depth.restore(_body(t, 80.0, (0.0, 0.3, 0.0), **body))
        t += 0.1
    return t


def _pulled(depth: PictureDepth, t: float, **body: typing.Any) -> PoseFrame:
    """Half a second of the arm pulled back to half its drop (60° from the vertical), the model
    reading it 20° (its depth flattened); the last frame out."""
    out = None
    for i in range(5):
        out = depth.restore(_body(t + i / 10, 40.0, (0.0, 0.28, 0.1), **body))
    assert out is not None
    return out


def test_facing_the_camera_the_picture_restores_the_swing_the_model_flattened() -> None:
    depth = PictureDepth(["upper_arm"])
    t = _hang(depth)
    before = _body(t, 40.0, (0.0, 0.28, 0.1))
    out = _pulled(depth, t)
    assert _from_vertical(before) == pytest.approx(19.7, abs=0.5)  # what the model read
    assert _from_vertical(out) == pytest.approx(60.0, abs=1.0)  # arccos(40 / 80)
    # The limb keeps its length and its plane; the wrist turns with it; the trunk is untouched.
    assert np.linalg.norm(out.world[ELBOW] - out.world[SHOULDER]) == pytest.approx(
        np.linalg.norm(before.world[ELBOW] - before.world[SHOULDER]), rel=1e-5)
    assert out.world[ELBOW, 0] == pytest.approx(out.world[SHOULDER, 0], abs=1e-6)
    assert out.world[ELBOW, 2] > before.world[ELBOW, 2]
    assert np.linalg.norm(out.world[WRIST] - out.world[ELBOW]) == pytest.approx(0.25, rel=1e-5)
    assert np.allclose(out.world[[11, 12, 23, 24]], before.world[[11, 12, 23, 24]])


def test_side_on_the_models_own_angle_stands() -> None:
    depth = PictureDepth(["upper_arm"])
    t = _hang(depth, facing=False)
    before = _body(t, 40.0, (0.0, 0.28, 0.1), facing=False)
    out = _pulled(depth, t, facing=False)
    assert np.allclose(out.world, before.world, atol=1e-6)


def test_the_own_drop_starts_again_after_a_cut() -> None:
    depth = PictureDepth(["upper_arm"])
    t = _hang(depth)
    # Another camera, twice as close: the hanging arm now drops 160 px. Against the first
    # camera's 80 px it would read as hanging; measured again it reads 60° when pulled to 80 px.
    for i in range(20):
        depth.restore(_body(t + i / 10, 80.0, (0.0, 0.3, 0.0), scale=2.0, shift_px=200.0))
    out = None
    for i in range(20, 25):
        out = depth.restore(_body(t + i / 10, 40.0, (0.0, 0.28, 0.1), scale=2.0, shift_px=200.0))
    assert out is not None and _from_vertical(out) == pytest.approx(60.0, abs=1.0)


def test_an_elbow_the_picture_lost_keeps_the_models_angle() -> None:
    depth = PictureDepth(["upper_arm"])
    t = _hang(depth)
    lost = _body(t + 1.0, 40.0, (0.0, 0.28, 0.1))  # a second later, the elbow not in the picture
    image = lost.image.copy()
    image[ELBOW, :2] = np.nan
    lost = dataclasses.replace(lost, image=image)
    assert np.allclose(depth.restore(lost).world[ELBOW], lost.world[ELBOW])


def test_another_person_starts_the_own_drop_again() -> None:
    depth = PictureDepth(["upper_arm"])
    t = _hang(depth)
    # Someone smaller at the same place: their arm hangs 40 px; against the first person's 80 px it
    # would read 60° back, measured as their own it reads hanging.
    first = dataclasses.replace(_body(t, 40.0, (0.0, 0.3, 0.0)), person_switched=True)
    out = depth.restore(first)
    assert _from_vertical(out) == pytest.approx(0.0, abs=1.0)


def test_no_person_and_no_limbs_pass_through() -> None:
    empty = PoseFrame.empty(0.0, (640, 480))
    assert PictureDepth(["upper_arm"]).restore(empty) is empty
    frames = [_body(i / 10, 80.0, (0.0, 0.3, 0.0)) for i in range(3)]
    assert PictureDepth([]).restore_all(frames) is frames


def test_the_specs_limbs_are_the_ones_the_stage_knows() -> None:
    allowed = typing.get_args(typing.get_args(ExerciseSpec.model_fields["depth_from_picture"].annotation)[0])
    assert set(allowed) == set(LIMBS)
    with pytest.raises(ValueError, match="unknown limb"):
        PictureDepth(["thigh"])


def test_a_spec_asking_for_an_unknown_limb_is_refused_in_one_line(tmp_path: typing.Any) -> None:
    path = tmp_path / "row.yaml"
    path.write_text("extends: bent_over_row\nname: row_x\ntitle: Row\ndepth_from_picture: [thigh]\n",
                    encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert "depth_from_picture" in str(err.value) and "\n" not in str(err.value).strip()


def _flattened(frames: list[PoseFrame], keep: float = 0.1) -> list[PoseFrame]:
    """The track as the pose model reads arms swinging towards or away from it: each arm's depth
    from its shoulder flattened to ``keep`` of itself (filmed: 11 -> 30° for a true 9 -> 66°)."""
    out = []
    for f in frames:
        world = f.world.copy()
        for shoulder, _, arm in LIMBS["upper_arm"]:
            world[list(arm), 2] = world[shoulder, 2] + (world[list(arm), 2] - world[shoulder, 2]) * keep
        out.append(dataclasses.replace(f, world=world))
    return out


@pytest.mark.parametrize("seed", [2, 3, 6])
def test_a_head_on_row_whose_depth_the_model_flattened_counts_exactly(seed: int) -> None:
    frames, label = synth_track("bent_over_row", seed=seed, view="front", jitter=0.004)
    frames = _flattened(frames)
    spec = load_spec("bent_over_row")
    restored = analyze_frames(frames, spec).summary
    plain = analyze_frames(frames, spec.model_copy(update={"depth_from_picture": []})).summary
    assert label.reps_complete == 4
    assert (restored.reps, restored.partial_reps) == (4, 0)
    assert plain.reps < 4  # the flattened swing alone: 3, 2 and 1


@pytest.mark.parametrize("view", ["side", "45"])
def test_side_on_and_at_45_degrees_the_count_and_cues_stay(view: str) -> None:
    frames, _ = synth_track("bent_over_row", seed=4, view=view, jitter=0.01, fault="torso_rising")
    spec = load_spec("bent_over_row")
    restored = analyze_frames(frames, spec).summary
    plain = analyze_frames(frames, spec.model_copy(update={"depth_from_picture": []})).summary
    assert (restored.reps, restored.partial_reps) == (plain.reps, plain.partial_reps) == (4, 0)
    assert sorted(c.id for c in restored.cues) == sorted(c.id for c in plain.cues)
    assert "torso_rising" in {c.id for c in restored.cues}


def test_live_and_a_clips_replay_restore_alike() -> None:
    frames, _ = synth_track("bent_over_row", seed=3, view="front", jitter=0.004)
    frames = _flattened(frames)
    live = Tracker(load_spec("bent_over_row"))
    fed = [live.update(f) for f in frames]
    replay = Tracker(load_spec("bent_over_row"))
    replayed = replay.process(frames)
    assert live.reps == replay.reps == 4
    assert [f.phase for f in fed] == [f.phase for f in replayed]
