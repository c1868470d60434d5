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
