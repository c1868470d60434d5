"""Layer 1: pure, vectorised geometry and the feature registry (no state, NaN instead of errors)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from formcheck.features import body_frame as B
from formcheck.features import geometry as F
from formcheck.features.frames import LandmarkArrays
from formcheck.features.registry import feature_names, parse_name
from formcheck.features.resolve import both_sides, compute, feature_table
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

    @pytest.mark.parametrize("combine", ["lesser", "mean"])
    def test_a_hidden_side_over_a_clip_raises_no_numpy_warning(self, combine: str) -> None:
        """One side seen, the other hidden (visibility 0) for a whole clip, as in a side-on clip of a
        squat: the combined signal is the seen side's, and numpy warns of no "invalid value" (Python
        3.11 flags a NaN compared inside the vectorised loop once the comparison is warmed up)."""
        rng = np.random.default_rng(3)
        vis = np.full(33, 0.95, np.float32)
        vis[[Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE]] = 0.0
        frames = [PoseFrame(t=i / 30, image_wh=(640, 480), image=rng.uniform(0.2, 0.8, (33, 3)),
                            world=rng.uniform(-0.5, 0.5, (33, 3)), visibility=vis, presence=np.ones(33))
                  for i in range(60)]
        arr = LandmarkArrays.from_frames(frames)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            combined = both_sides(arr, "knee_angle_3d", 0.5, combine, -1)
        left = compute(arr, ["left_knee_angle_3d"], "left", 0.5)["left_knee_angle_3d"]
        assert np.allclose(combined, left) and np.isfinite(combined).all()

    def test_feature_table_has_time_and_named_columns(self) -> None:
        frames = [PoseFrame.empty(i * 0.1, (64, 48)) for i in range(3)]
        table = feature_table(frames, ["hip_angle", "torso_incline"])
        assert set(table) == {"t", "hip_angle", "torso_incline"}
        assert np.allclose(table["t"], [0.0, 0.1, 0.2])


class TestBodyFrame:
    """The body's own frame: signed lean, sideways tilt of a line, heights along the torso."""

    def test_lean_back_is_positive_behind_the_hips_whichever_way_the_subject_faces(self) -> None:
        hips = (np.array([[0.1, 0.0, 0.0]]), np.array([[-0.1, 0.0, 0.0]]))
        # Facing the camera (-z): the subject's left shoulder is on the image right (+x).
        back = B.lean_back_3d(np.array([[0.2, -0.5, 0.2]]), np.array([[-0.2, -0.5, 0.2]]), *hips)
        fwd = B.lean_back_3d(np.array([[0.2, -0.5, -0.2]]), np.array([[-0.2, -0.5, -0.2]]), *hips)
        assert back[0] == pytest.approx(np.degrees(np.arctan2(0.2, 0.5)))
        assert fwd[0] == pytest.approx(-np.degrees(np.arctan2(0.2, 0.5)))
        # Back to the camera (facing +z): left shoulder on the image left; z + is now in front.
        turned = B.lean_back_3d(np.array([[-0.2, -0.5, 0.2]]), np.array([[0.2, -0.5, 0.2]]),
                                np.array([[-0.1, 0.0, 0.0]]), np.array([[0.1, 0.0, 0.0]]))
        assert turned[0] == pytest.approx(-np.degrees(np.arctan2(0.2, 0.5)))

    def test_a_swapped_left_and_right_does_not_turn_the_lean_round_where_the_feet_are_seen(self) -> None:
        """Side-on, the model may swap the shoulder labels for a frame: the shoulder line points the
        other way and so would the lean's sign; the feet (whose mean direction ignores labels) do not."""
        hips = (np.array([[0.0, 0.0, 0.02]]), np.array([[0.0, 0.0, -0.02]]))
        shoulders = (np.array([[-0.2, -0.5, 0.03]]), np.array([[-0.2, -0.5, -0.03]]))  # leaning back, -x
        feet = (np.array([[0.0, 0.9, 0.1]]), np.array([[0.2, 0.9, 0.1]]), np.array([[0.0, 0.9, -0.1]]),
                np.array([[0.2, 0.9, -0.1]]))  # heels and toes: the feet point +x, the way the chest faces
        right = B.lean_back_3d(*shoulders, *hips, feet)
        swapped = B.lean_back_3d(shoulders[1], shoulders[0], hips[1], hips[0], (feet[2], feet[3], feet[0], feet[1]))
        assert right[0] == pytest.approx(swapped[0]) == pytest.approx(np.degrees(np.arctan2(0.2, 0.5)))
        # Without the feet the swap turns the sign (what the feet are there for).
        assert B.lean_back_3d(shoulders[1], shoulders[0], hips[1], hips[0])[0] == pytest.approx(-right[0])

    @pytest.mark.parametrize("tilt", [0.0, 20.0, -35.0])
    def test_lateral_tilt_measures_the_line_against_the_reference_not_the_image(self, tilt: float) -> None:
        lean = np.radians(10.0)  # the whole body leans 10 deg: the reference line turns with it
        rot = np.array([[np.cos(lean), -np.sin(lean)], [np.sin(lean), np.cos(lean)]])
        a = np.radians(tilt)
        ear_to = rot @ np.array([np.cos(a), np.sin(a)])  # y down: + tilt drops the "to" end
        ref_to, down = rot @ np.array([1.0, 0.0]), rot @ np.array([0.0, 1.0])
        z = np.zeros((1, 2))
        assert B.lateral_tilt(z, ear_to[None], z, ref_to[None], down[None])[0] == pytest.approx(tilt)

    def test_side_lean_ignores_a_forward_lean_in_3d(self) -> None:
        hips = (np.array([[-0.1, 0.0, 0.0]]), np.array([[0.1, 0.0, 0.0]]))
        forward_only = B.side_lean(*hips, np.array([[0.0, -0.5, -0.3]]))
        sideways = B.side_lean(*hips, np.array([[0.1, -0.5, -0.3]]))
        assert forward_only[0] == pytest.approx(0.0)
        assert sideways[0] == pytest.approx(np.degrees(np.arctan2(0.1, np.hypot(0.5, 0.3))))

    @pytest.mark.parametrize("turn", [0.0, 25.0, -40.0])
    def test_head_turn_recovers_the_angle_of_a_standard_head(self, turn: float) -> None:
        t = np.radians(turn)
        half, nose_fwd = 1.0, B.NOSE_OVER_EAR  # ear half-width 1, nose 1.33 in front of the ear axis
        ear_this, ear_other = np.array([[half * np.cos(t), 0.0]]), np.array([[-half * np.cos(t), 0.0]])
        nose = np.array([[nose_fwd * np.sin(t), 0.3]])  # projected; its height does not matter
        assert B.head_turn(nose, ear_this, ear_other)[0] == pytest.approx(turn)

    def test_height_along_and_degenerate_inputs_give_nan(self) -> None:
        up = np.array([[0.0, -1.0]])
        assert B.height_along(np.array([[0.3, -2.0]]), np.zeros((1, 2)), up, np.array([4.0]))[0] == pytest.approx(0.5)
        assert np.isnan(B.height_along(np.array([[0.0, -2.0]]), np.zeros((1, 2)), up, np.array([0.0]))[0])
        assert np.isnan(B.lateral_tilt(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)), np.ones((1, 2)),
                                       up)[0])
        assert np.isnan(B.lean_back_3d(*(np.full((1, 3), np.nan),) * 4)[0])


def _facing(head_tilt: float = 0.0, head_turn: float = 0.0, left_shoulder_down: float = 0.0,
            shrug: float = 0.0, wrist_x: float = 0.3, lean_side: float = 0.0) -> PoseFrame:
    """A person facing the camera, built from plain numbers (metres; 1 px = 1 mm in the image).

    Their left side is on the image's right (+x). World landmarks share the image axes (x right,
    y down) with z away from the camera.
    """
    pts = np.zeros((33, 3))
    pts[Landmark.LEFT_HIP], pts[Landmark.RIGHT_HIP] = (0.1, 0.0, 0.0), (-0.1, 0.0, 0.0)
    pts[Landmark.LEFT_SHOULDER] = (0.18 + lean_side, -0.5 - shrug + left_shoulder_down, 0.0)
    pts[Landmark.RIGHT_SHOULDER] = (-0.18 + lean_side, -0.5 - shrug, 0.0)
    neck = np.array([lean_side, -0.52, 0.0])
    t, y = np.radians(head_tilt), np.radians(head_turn)
    across = np.array([np.cos(t), np.sin(t), 0.0])  # the head's left, tilted: + drops the left ear
    up = np.array([np.sin(t), -np.cos(t), 0.0])
    head = neck + 0.2 * up
    pts[Landmark.LEFT_EAR] = head + 0.075 * np.cos(y) * across
    pts[Landmark.RIGHT_EAR] = head - 0.075 * np.cos(y) * across
    nose = 0.075 * B.NOSE_OVER_EAR  # a standard head: the nose 1.33 ear half-widths forward
    pts[Landmark.NOSE] = head + nose * np.sin(y) * across + np.array([0.0, 0.0, -nose * np.cos(y)])
    pts[Landmark.LEFT_WRIST], pts[Landmark.RIGHT_WRIST] = (wrist_x, -0.45, -0.5), (-wrist_x, -0.45, -0.5)
    pts[Landmark.LEFT_ELBOW], pts[Landmark.RIGHT_ELBOW] = (0.25, -0.47, -0.25), (-0.25, -0.47, -0.25)
    image = np.c_[(pts[:, :2] * 1000.0 + [640.0, 800.0]) / [1280.0, 960.0], np.zeros(33)]  # all in the picture
    return PoseFrame(t=0.0, image_wh=(1280, 960), image=image, world=pts, visibility=np.ones(33),
                     presence=np.ones(33))


def _one(frame: PoseFrame, names: list[str], side: str = "left") -> dict[str, float]:
    out = compute(LandmarkArrays.from_frames([frame]), names, side)  # type: ignore[arg-type]
    return {n: float(v[0]) for n, v in out.items()}


class TestFrontViewFeatures:
    """Features for exercises filmed facing the camera, on hand-built landmarks."""

    @pytest.mark.parametrize("suffix", ["", "_3d"])
    def test_head_tilt_is_positive_towards_the_side_it_names(self, suffix: str) -> None:
        v = _one(_facing(head_tilt=30.0), [f"left_head_tilt{suffix}", f"right_head_tilt{suffix}"])
        assert v[f"left_head_tilt{suffix}"] == pytest.approx(30.0, abs=0.01)
        assert v[f"right_head_tilt{suffix}"] == pytest.approx(-30.0, abs=0.01)
        assert _one(_facing(), [f"head_tilt{suffix}"])[f"head_tilt{suffix}"] == pytest.approx(0.0, abs=1e-6)

    def test_head_tilt_is_against_the_shoulders_not_the_image(self) -> None:
        # Shoulders 10 deg out of level with the head tilted 10 deg with them: no tilt against them.
        drop = 0.36 * np.tan(np.radians(10.0))
        v = _one(_facing(head_tilt=10.0, left_shoulder_down=drop), ["left_head_tilt", "left_shoulder_drop"])
        assert v["left_head_tilt"] == pytest.approx(0.0, abs=0.01)
        assert v["left_shoulder_drop"] == pytest.approx(10.0, abs=0.01)

    def test_head_turn_and_shoulder_drop_sign_by_side(self) -> None:
        v = _one(_facing(head_turn=30.0), ["left_head_turn", "right_head_turn"])
        assert v["left_head_turn"] == pytest.approx(30.0, abs=0.01) and v["right_head_turn"] < -29.9
        drop = _one(_facing(left_shoulder_down=0.05), ["left_shoulder_drop", "right_shoulder_drop"])
        expected = np.degrees(np.arctan2(0.05, 0.36))
        assert drop["left_shoulder_drop"] == pytest.approx(expected) and drop["right_shoulder_drop"] == pytest.approx(
            -expected)

    @pytest.mark.parametrize("suffix", ["", "_3d"])
    def test_wrist_spread_in_shoulder_widths(self, suffix: str) -> None:
        assert _one(_facing(wrist_x=0.54), [f"wrist_spread{suffix}"])[f"wrist_spread{suffix}"] == pytest.approx(3.0)

    def test_shrug_shortens_the_neck_by_its_height_over_the_torso(self) -> None:
        rest = _one(_facing(), ["neck_length", "neck_length_3d"])
        shrug = _one(_facing(shrug=0.05), ["neck_length", "neck_length_3d"])
        torso_rest, torso_shrug = 0.5, 0.55
        assert rest["neck_length"] == pytest.approx(0.22 / torso_rest)
        assert shrug["neck_length_3d"] == pytest.approx(0.17 / torso_shrug)

    def test_torso_side_lean_and_shoulder_width_3d(self) -> None:
        v = _one(_facing(lean_side=0.1), ["left_torso_side_lean", "right_torso_side_lean_3d", "shoulder_width_3d"])
        assert v["left_torso_side_lean"] == pytest.approx(np.degrees(np.arctan2(0.1, 0.5)))
        assert v["right_torso_side_lean_3d"] == pytest.approx(-np.degrees(np.arctan2(0.1, 0.5)))
        assert _one(_facing(), ["shoulder_width_3d"])["shoulder_width_3d"] == pytest.approx(0.36 / 0.5)

    def test_hidden_ear_gives_nan_head_tilt(self) -> None:
        f = _facing(head_tilt=20.0)
        vis = np.ones(33)
        vis[Landmark.RIGHT_EAR] = 0.1
        hidden = PoseFrame(t=0.0, image_wh=f.image_wh, image=f.image, world=f.world, visibility=vis,
                           presence=np.ones(33))
        v = _one(hidden, ["left_head_tilt", "left_shoulder_drop"])
        assert np.isnan(v["left_head_tilt"]) and np.isfinite(v["left_shoulder_drop"])

    def test_trunk_lift_and_torso_elevation_read_a_prone_chest_lift_and_a_hinge(self) -> None:
        def side_view(shoulder: tuple[float, float]) -> PoseFrame:
            pts = np.zeros((33, 3))
            for side in ("LEFT", "RIGHT"):
                pts[Landmark[f"{side}_HIP"]] = (0.0, 0.0, 0.0)
                pts[Landmark[f"{side}_KNEE"]] = (0.45, 0.0, 0.0)  # thigh level: lying face down, head at -x
                pts[Landmark[f"{side}_SHOULDER"]] = (shoulder[0], shoulder[1], 0.0)
            image = np.c_[(pts[:, :2] * 1000.0 + [640.0, 480.0]) / [1280.0, 960.0], np.zeros(33)]
            return PoseFrame(t=0.0, image_wh=(1280, 960), image=image, world=pts, visibility=np.ones(33),
                             presence=np.ones(33))
        lift = np.radians(15.0)
        chest_up = _one(side_view((-0.5 * np.cos(lift), -0.5 * np.sin(lift))), ["trunk_lift_3d", "torso_elevation_3d"])
        assert chest_up["trunk_lift_3d"] == pytest.approx(15.0) and chest_up["torso_elevation_3d"] == pytest.approx(15.0)
        hinge = _one(side_view((-0.5 * np.cos(lift), 0.5 * np.sin(lift))), ["trunk_lift_3d"])
        assert hinge["trunk_lift_3d"] == pytest.approx(-15.0)
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
        from formcheck.features.resolve import both_sides

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


def test_the_lesser_form_is_the_lesser_side_the_same_for_a_clip_and_a_live_frame() -> None:
    from formcheck.features.single_frame import LandmarkRows, SingleFrame

    rng = np.random.default_rng(5)
    vis = np.full(33, 0.95, np.float32)
    frames = [PoseFrame(t=i / 30, image_wh=(640, 480), image=rng.uniform(0.2, 0.8, (33, 3)),
                        world=rng.uniform(-0.5, 0.5, (33, 3)), visibility=vis, presence=np.ones(33))
              for i in range(20)]
    hidden = vis.copy()
    hidden[[Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE]] = 0.0  # the right shin unseen: the left one's value
    frames.append(PoseFrame(t=1.0, image_wh=(640, 480), image=rng.uniform(0.2, 0.8, (33, 3)),
                            world=rng.uniform(-0.5, 0.5, (33, 3)), visibility=hidden, presence=np.ones(33)))
    arr = LandmarkArrays.from_frames(frames)
    names = ["left_shin_incline_3d", "right_shin_incline_3d", "shin_incline_3d_lesser"]
    clip = compute(arr, names, "right")
    left, right, least = (clip[n] for n in names)
    assert np.allclose(least[:-1], np.minimum(left[:-1], right[:-1]))
    assert np.isnan(right[-1]) and least[-1] == pytest.approx(left[-1])
    live = SingleFrame([(n, *parse_name(n), "right") for n in names], [], 0.5)
    for i in range(len(frames)):
        one = live.values(LandmarkRows.of(arr, i))
        assert one["shin_incline_3d_lesser"] == pytest.approx(least[i], nan_ok=True)
    assert "shin_incline_3d_lesser" in feature_names() and parse_name("knee_angle_lesser")[1] == "lesser"


def test_the_trunk_line_runs_through_the_ears_so_a_shoulder_drawn_back_and_up_leaves_it_alone() -> None:
    """A row's pull draws the shoulder blade, and the shoulder landmark on it, back and up: the
    hip→shoulder line reads a "risen" torso while the hip→ear line (the trunk) stays put."""
    hinged = np.zeros((33, 3))
    for hip, shoulder, ear in ((Landmark.LEFT_HIP, Landmark.LEFT_SHOULDER, Landmark.LEFT_EAR),
                               (Landmark.RIGHT_HIP, Landmark.RIGHT_SHOULDER, Landmark.RIGHT_EAR)):
        hinged[hip] = (0.0, 0.0, 0.0)
        hinged[shoulder] = (0.35, -0.35, 0.0)  # 45 deg forward of vertical (y down)
        hinged[ear] = (0.49, -0.49, 0.0)       # the head carried on the same line
    pulled = hinged.copy()
    for shoulder in (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER):
        pulled[shoulder] += (-0.05, -0.05, 0.0)  # drawn back and up with the blade

    def read(world: np.ndarray) -> dict[str, float]:
        image = np.c_[(world[:, :2] * 500.0 + [300.0, 500.0]) / [1000.0, 1000.0], np.zeros(33)]
        frame = PoseFrame(t=0.0, image_wh=(1000, 1000), image=image, world=world, visibility=np.ones(33),
                          presence=np.ones(33))
        return _one(frame, ["torso_incline_3d", "trunk_incline_3d", "trunk_incline"])

    before, after = read(hinged), read(pulled)
    assert before["trunk_incline_3d"] == pytest.approx(45.0) and before["trunk_incline"] == pytest.approx(45.0)
    assert after["trunk_incline_3d"] == pytest.approx(45.0)
    assert before["torso_incline_3d"] - after["torso_incline_3d"] > 8.0  # the shoulder line reads the blade
