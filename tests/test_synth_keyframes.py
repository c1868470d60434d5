"""Layer 1: keyframed motions and the skeleton's new degrees of freedom (no pose model).

The back-care motions are data (:mod:`formcheck.synth.back_care`) read by
:class:`~formcheck.synth.keyframes.Move`; the skeleton gained a sideways head tilt, a head
turn, a trunk side bend, shrugs and shoulder retraction. Zero values must leave every
existing pose exactly as it was (the older sample clips are byte-for-byte reproducible).
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.synth.keyframes import Move, aim
from formcheck.synth.motions import Phase
from formcheck.synth.skeleton import Body, F, Limb, Pose, U, Z, forward_kinematics

BODY = Body.scaled(1.75)


@pytest.mark.parametrize(("azimuth", "elevation"), [(0.0, 0.0), (90.0, 0.0), (35.0, 12.0), (135.0, -8.0)])
def test_aim_points_the_segment_at_the_asked_azimuth_and_elevation(azimuth: float, elevation: float) -> None:
    angle, abduct = aim(azimuth, elevation)
    pose = Pose.standing(BODY).with_(arms=(Limb(angle, angle, abduct=abduct, abduct_lower=abduct), Limb()))
    j = forward_kinematics(BODY, pose)
    d = j["wrist_l"] - j["shoulder_l"]
    d /= np.linalg.norm(d)
    # Standing, forward is F, up is U and the left arm's outward side is +Z.
    a, e = np.radians(azimuth), np.radians(elevation)
    expected = np.cos(e) * (np.cos(a) * F + np.sin(a) * Z) + np.sin(e) * U
    assert np.allclose(d, expected, atol=1e-9)


def test_channels_blend_with_progress_and_faults_scale_with_weight_and_progress() -> None:
    move = Move("standing", {"trunk": (0.0, 10.0)}, faults={"lean": {"trunk": 20.0, "head": 30.0}})
    assert move.channels(Phase(s=0.5)) == {"trunk": 5.0}
    hit = move.channels(Phase(s=0.5, weights={"lean": 0.5}))
    assert hit["trunk"] == pytest.approx(5.0 + 0.5 * 0.5 * 20.0) and hit["head"] == pytest.approx(7.5)
    assert move.channels(Phase(s=0.0, weights={"lean": 1.0})) == {"trunk": 0.0}  # faults fade out at rest


def test_a_fault_on_the_forearm_starts_from_the_upper_arm_it_continues() -> None:
    move = Move("standing", {"upper_az": (80.0, 80.0), "upper_el": (0.0, 0.0)}, faults={"bent": {"lower_az": -50.0}})
    clean = forward_kinematics(BODY, move(BODY, Phase(s=1.0)))
    bent = forward_kinematics(BODY, move(BODY, Phase(s=1.0, weights={"bent": 1.0})))

    def elbow(j: dict[str, np.ndarray]) -> float:
        u, v = j["shoulder_l"] - j["elbow_l"], j["wrist_l"] - j["elbow_l"]
        return float(np.degrees(np.arccos(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v))))

    assert elbow(clean) == pytest.approx(180.0, abs=0.01)  # no lower_az channel: a straight arm
    assert elbow(bent) == pytest.approx(130.0, abs=0.5)


def test_zero_new_degrees_of_freedom_leave_the_joints_unchanged() -> None:
    base = Pose.standing(BODY)
    same = base.with_(head_tilt=0.0, head_turn=0.0, side_bend=0.0, shrug=(0.0, 0.0), retract=0.0,
                      arms=(Limb(-92, -90, abduct=6, abduct_lower=None, pole=None), Limb(-92, -90, abduct=6)))
    a, b = forward_kinematics(BODY, base), forward_kinematics(BODY, same)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_head_tilt_and_turn_move_the_head_towards_the_left() -> None:
    base = forward_kinematics(BODY, Pose.standing(BODY))
    tilted = forward_kinematics(BODY, Pose.standing(BODY).with_(head_tilt=30.0))
    turned = forward_kinematics(BODY, Pose.standing(BODY).with_(head_turn=30.0))
    # Tilted: the crown leans to the left (+Z) by the tilt; the head's own left axis tips down.
    assert np.degrees(np.arctan2(tilted["head_up"][2], tilted["head_up"][1])) == pytest.approx(30.0)
    assert tilted["head_left"][1] < 0 and np.array_equal(tilted["face"], base["face"])
    # Turned: the face turns 30 deg to the left, the crown stays up.
    assert np.degrees(np.arctan2(turned["face"][2], -turned["face"][0])) == pytest.approx(30.0)
    assert np.allclose(turned["head_up"], base["head_up"])


def test_side_bend_shrug_and_retraction_move_the_shoulders() -> None:
    base = forward_kinematics(BODY, Pose.standing(BODY))
    bent = forward_kinematics(BODY, Pose.standing(BODY).with_(side_bend=20.0))
    lean = bent["neck"] - bent["pelvis"]
    assert np.degrees(np.arctan2(lean[2], lean[1])) == pytest.approx(20.0)  # towards the left (+Z)
    assert np.array_equal(bent["hip_l"], base["hip_l"]) and np.array_equal(bent["ankle_r"], base["ankle_r"])
    shrug = forward_kinematics(BODY, Pose.standing(BODY).with_(shrug=(0.05, 0.0)))
    assert shrug["shoulder_l"][1] - base["shoulder_l"][1] == pytest.approx(0.05)
    assert np.array_equal(shrug["shoulder_r"], base["shoulder_r"])
    back = forward_kinematics(BODY, Pose.standing(BODY).with_(retract=0.03))
    width = np.linalg.norm(back["shoulder_l"] - back["shoulder_r"])
    assert width == pytest.approx(np.linalg.norm(base["shoulder_l"] - base["shoulder_r"]) - 2 * 0.4 * 0.03)
    assert back["shoulder_l"][0] - base["shoulder_l"][0] == pytest.approx(0.03)  # +X is backwards


def test_working_side_mirrors_the_tilt_and_the_one_arm() -> None:
    move = Move("standing", {"head_tilt": (0.0, 30.0), "hand_up": (-0.56, 0.3)}, arms="reach", one_arm=True)
    left = forward_kinematics(BODY, move(BODY, Phase(s=1.0, side="left")))
    right = forward_kinematics(BODY, move(BODY, Phase(s=1.0, side="right")))
    assert left["head_up"][2] > 0 > right["head_up"][2]
    assert left["wrist_l"][1] > left["shoulder_l"][1] and left["wrist_r"][1] < left["shoulder_r"][1]
    assert right["wrist_r"][1] > right["shoulder_r"][1] and right["wrist_l"][1] < right["shoulder_l"][1]
