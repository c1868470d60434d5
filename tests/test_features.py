"""Layer 1: pure, vectorised geometry and the feature registry (no state, NaN instead of errors)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.features import geometry as F
from formcheck.features.registry import (
    LandmarkArrays,
    compute,
    feature_names,
    feature_table,
    parse_name,
)
from formcheck.records.errors import SpecError
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark


class TestJointAngle:
    @pytest.mark.parametrize("c, expected", [((1, 0), 90.0), ((0, -1), 180.0), ((0, 1), 0.0), ((1, 1), 45.0)])
    def test_2d_angles(self, c: tuple[float, float], expected: float) -> None:
        assert F.joint_angle(np.array([0.0, 1.0]), np.zeros(2), np.array(c, float)) == pytest.approx(expected)

    def test_vectorised_matches_rowwise_in_3d(self) -> None:
        rng = np.random.default_rng(0)
        a, b, c = rng.normal(size=(3, 50, 3))
        batch = F.joint_angle(a, b, c)
        assert batch.shape == (50,)
        assert np.allclose(batch, [F.joint_angle(a[i], b[i], c[i]) for i in range(50)])

    def test_nan_and_degenerate_points_give_nan(self) -> None:
        out = F.joint_angle(np.array([[np.nan, 0.0], [1.0, 0.0]]), np.zeros((2, 2)), np.zeros((2, 2)))
        assert np.isnan(out).all()


class TestSegments:
    def test_inclination_is_zero_vertical_ninety_horizontal_either_way(self) -> None:
        a = np.zeros((3, 2))
        b = np.array([[0.0, -1.0], [1.0, 0.0], [-1.0, 0.0]])
        assert np.allclose(F.inclination(a, b), [0.0, 90.0, 90.0])

    def test_elevation_sign_follows_image_up_for_both_facings(self) -> None:
        a = np.zeros((4, 2))
        b = np.array([[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0], [0.0, 1.0]])
        assert np.allclose(F.elevation(a, b), [45.0, 45.0, -45.0, -90.0])

    def test_signed_offset_positive_below_line_whichever_direction(self) -> None:
        below = np.array([0.5, 0.1])  # y grows down
        for a, b in (((0.0, 0.0), (1.0, 0.0)), ((1.0, 0.0), (0.0, 0.0))):
            assert F.signed_offset(below, np.array(a), np.array(b), np.array(0.5)) == pytest.approx(0.2)

    def test_normalised_distance_and_symmetry(self) -> None:
        assert F.normalised_distance(np.zeros(2), np.array([3.0, 4.0]), np.array(2.0)) == pytest.approx(2.5)
        assert np.isnan(F.normalised_distance(np.zeros(2), np.ones(2), np.array(0.0)))
        assert np.allclose(F.symmetry(np.array([10.0, 5.0]), np.array([7.0, np.nan])), [3.0, np.nan],
                           equal_nan=True)

    def test_tilt_3d(self) -> None:
        assert F.tilt_3d(np.zeros(3), np.array([1.0, 1.0, 0.0])) == pytest.approx(45.0)


class TestRegistry:
    def test_every_name_form_resolves(self) -> None:
        names = feature_names()
        for n in ("hip_angle", "left_hip_angle", "right_knee_angle", "elbow_angle_asym", "pelvis_tilt",
                  "hip_angle_3d", "torso_incline", "neck_angle", "shoulder_flexion"):
            assert n in names
            parse_name(n)

    @pytest.mark.parametrize("bad, hint", [("hip_angel", "hip_angle"), ("left_kne_angle", "left_knee_angle")])
    def test_unknown_name_suggests_nearest(self, bad: str, hint: str) -> None:
        with pytest.raises(SpecError, match=hint):
            parse_name(bad)

    def test_low_visibility_gives_nan_not_error(self) -> None:
        img = np.random.default_rng(1).uniform(0.2, 0.8, size=(33, 3))
        vis = np.full(33, 0.9, np.float32)
        vis[25] = 0.1  # left knee hidden
        f = PoseFrame(t=0.0, image_wh=(640, 480), image=img, world=img, visibility=vis, presence=np.ones(33))
        out = compute(LandmarkArrays.from_frames([f]), ["left_knee_angle", "right_knee_angle"], "left")
        assert np.isnan(out["left_knee_angle"][0]) and np.isfinite(out["right_knee_angle"][0])

    def test_empty_frame_gives_nan_for_every_feature(self) -> None:
        arr = LandmarkArrays.from_frames([PoseFrame.empty(0.0, (640, 480))])
        out = compute(arr, [n for n in feature_names() if not n.endswith("_asym")], "right")
        assert all(np.isnan(v).all() for v in out.values())

    def test_feature_table_has_time_and_named_columns(self) -> None:
        frames = [PoseFrame.empty(i * 0.1, (64, 48)) for i in range(3)]
        table = feature_table(frames, ["hip_angle", "torso_incline"])
        assert set(table) == {"t", "hip_angle", "torso_incline"}
        assert np.allclose(table["t"], [0.0, 0.1, 0.2])


class TestWorldFeatures:
    """3-D features: what a turn of a level camera about the vertical must leave unchanged."""

    @staticmethod
    def _turned(points: np.ndarray, deg: float) -> np.ndarray:
        a = np.radians(deg)
        rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
        return points @ rot.T

    @pytest.mark.parametrize("deg", [0.0, 25.0, 45.0, 70.0])
    def test_angles_inclinations_and_elevations_ignore_the_cameras_turn(self, deg: float) -> None:
        rng = np.random.default_rng(3)
        pts = rng.normal(size=(20, 3, 3))
        turned = self._turned(pts, deg)
        for fn, k in ((F.joint_angle, 3), (F.inclination_3d, 2), (F.elevation_3d, 2)):
            a = fn(*(pts[:, j] for j in range(k)))
            b = fn(*(turned[:, j] for j in range(k)))
            assert np.allclose(a, b), fn.__name__

    def test_one_frame_gives_the_same_numbers_as_many(self) -> None:
        rng = np.random.default_rng(4)
        pts = rng.normal(size=(10, 3, 3))
        for fn, k in ((F.joint_angle, 3), (F.inclination_3d, 2), (F.elevation_3d, 2)):
            many = fn(*(pts[:, j] for j in range(k)))
            one = [float(fn(*(pts[i:i + 1, j] for j in range(k)))[0]) for i in range(len(pts))]
            assert np.allclose(many, one), fn.__name__

    def test_vertical_offset_is_positive_below_the_line(self) -> None:
        shoulder, ankle = np.array([[0.0, 0.0, 0.0]]), np.array([[1.5, 0.0, 0.0]])
        sag, pike = np.array([[0.7, 0.2, 0.0]]), np.array([[0.7, -0.2, 0.0]])  # world y points down
        assert F.vertical_offset_3d(sag, shoulder, ankle, np.array(1.0))[0] == pytest.approx(0.2)
        assert F.vertical_offset_3d(pike, shoulder, ankle, np.array(1.0))[0] == pytest.approx(-0.2)

    @pytest.mark.parametrize("deg, expected", [(0.0, 0.0), (45.0, 45.0), (90.0, 90.0)])
    def test_body_turn_reads_the_view(self, deg: float, expected: float) -> None:
        world = np.zeros((33, 3))
        world[[11, 23], 2] = 0.15   # left shoulder and hip nearer... side-on: the lines run along z
        world[[12, 24], 2] = -0.15
        world[[23, 24], 1] = 0.5
        assert float(F.body_turn_3d(self._turned(world, deg))) == pytest.approx(expected, abs=1e-6)
        assert np.isnan(F.body_turn_3d(np.zeros((33, 3))))

    def test_both_sides_mean_weights_by_visibility_and_lesser_takes_the_side_that_moved_less(self) -> None:
        from formcheck.features.registry import both_sides

        frames = [make_bent_knees(left=90.0, right=170.0, left_vis=0.9, right_vis=0.3)]
        arr = LandmarkArrays.from_frames(frames)
        mean = float(both_sides(arr, "knee_angle_3d", 0.5)[0])
        lesser = float(both_sides(arr, "knee_angle_3d", 0.5, combine="lesser", direction=-1)[0])
        assert mean == pytest.approx(90.0, abs=1.0)   # the hidden side (0.3) is left out of the mean
        assert lesser == pytest.approx(170.0, abs=1.0)  # a squat needs both knees: the straighter one counts


def make_bent_knees(left: float, right: float, left_vis: float, right_vis: float) -> PoseFrame:
    """Hips above knees above ankles, each knee bent to the given angle, in the x-y plane."""
    image = np.full((33, 3), 0.5, np.float32)
    world = np.zeros((33, 3), np.float32)
    vis = np.ones(33, np.float32)
    for side, angle, v in (("LEFT", left, left_vis), ("RIGHT", right, right_vis)):
        hip, knee, ankle = (int(Landmark[f"{side}_{p}"]) for p in ("HIP", "KNEE", "ANKLE"))
        world[hip] = (0.0, 0.0, 0.0)
        world[knee] = (0.0, 0.4, 0.0)
        rad = np.radians(180.0 - angle)
        world[ankle] = (0.4 * np.sin(rad), 0.4 + 0.4 * np.cos(rad), 0.0)
        vis[[hip, knee, ankle]] = v
    return PoseFrame(t=0.0, image_wh=(480, 480), image=image, world=world, visibility=vis, presence=np.ones(33, np.float32))
