"""Exercise motion scripts: one small pose function per exercise, plus its data.

A pose function maps a :class:`Phase` (progress ``s`` from rest 0 to top 1,
moving side, fault weights 0-1) to a :class:`~formcheck.synth.skeleton.Pose`.
Ranges of motion are anatomical goals (e.g. "hip angle 175° at the top of a
bridge"); where a goal depends on planted hands or feet, the parameter that
reaches it is looked up in a table of that parameter against the goal.
Faults change the goal or add a posture change, scaled by their weight, so a
fault can fade in and out around the reps it affects.

Timing, reps and faults are in :mod:`formcheck.synth.timeline`; the table of
exercises is :data:`formcheck.synth.exercises.EXERCISES`; the no-exercise
script is :mod:`formcheck.synth.idle`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from formcheck.synth.ik import angle_at, two_link
from formcheck.synth.skeleton import (
    Body,
    F,
    Limb,
    Pose,
    U,
    forward_kinematics,
    sagittal,
)


@dataclass(frozen=True)
class Phase:
    """Where a clip is at one instant: the input of a pose function."""

    t: float = 0.0
    s: float = 0.0
    side: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    rep: int = 0  # the rep under way (0-based; the last one started, between reps)

    def w(self, fault: str) -> float:
        """Weight (0-1) of ``fault`` now."""
        return float(self.weights.get(fault, 0.0))


PoseFn = Callable[[Body, Phase], Pose]


def lerp(a: float, b: float, u: float) -> float:
    return a + (b - a) * u


Vec3 = tuple[float, float, float]


def _v(p: np.ndarray | tuple[float, ...]) -> Vec3:
    """A world point as the plain tuple a Pose stores."""
    return float(p[0]), float(p[1]), float(p[2])


def _pair(limbs: list[Limb] | tuple[Limb, ...]) -> tuple[Limb, Limb]:
    return limbs[0], limbs[1]


def _angle_of(v: np.ndarray) -> float:
    """Sagittal angle of a world vector (inverse of :func:`sagittal`)."""
    return float(np.degrees(np.arctan2(np.dot(v, U), np.dot(v, F))))


def _lat(supine: bool) -> float:
    """World z of the body's left side (+1 prone/standing, -1 supine)."""
    return -1.0 if supine else 1.0


# --- glute bridge and hip thrust: supine, shoulders and feet planted, hips lift ------------------

#: Shoulder line height, heel distance beyond the trunk and half the heels' spacing (m at 1.75 m)
#: of a bridge on the floor and of a hip thrust with the upper back on a bench edge (its top
#: ~0.45 m; the shins vertical at the top).
FLOOR_BRIDGE = (0.11, 0.40, 0.15)
BENCH_BRIDGE = (0.58, 0.44, 0.09)


def _bridge_pose(body: Body, theta: float, setup: tuple[float, float, float] = FLOOR_BRIDGE,
                 head: float | None = None) -> Pose:
    """Lying on the back, the upper back at ``setup``'s height, the trunk ``theta`` degrees from level.

    ``head``: the head's extension against the upper spine; None keeps it level (resting on the floor).
    """
    neck_y, feet_x, feet_z = setup
    neck = np.array([0.0, neck_y, 0.0])
    pelvis = neck - body.trunk * sagittal(theta)
    # Heels ~0.4 m from the resting pelvis, feet hip-width apart.
    k = body.height / 1.75
    ankle_x, z = body.trunk + feet_x * k, _lat(True) * feet_z * k
    feet = _pair([Limb(end=180.0, target=(ankle_x, body.ankle_height, sign * z)) for sign in (1, -1)])
    arms = (Limb(184, 181, 180, abduct=22), Limb(184, 181, 180, abduct=22))  # palms down beside the hips
    return Pose(pelvis=_v(pelvis), trunk=theta, head=theta if head is None else head, supine=True, arms=arms,
                legs=feet)


def _hip_angle(body: Body, pose: Pose) -> float:
    """Shoulder-hip-knee angle of one side in the sagittal plane (as seen from the side)."""
    j = forward_kinematics(body, pose)
    flat = np.array([1.0, 1.0, 0.0])
    return angle_at(j["shoulder_l"] * flat, j["hip_l"] * flat, j["knee_l"] * flat)


@lru_cache(maxsize=8)
def _bridge_table(body: Body) -> tuple[np.ndarray, np.ndarray]:
    """Hip angle (rising) and the trunk angle giving it, from lying down to the straightest bridge."""
    theta0 = -float(np.degrees(np.arcsin((body.r_pelvis - 0.11) / body.trunk)))
    grid = np.arange(theta0, -45.0, -0.25)
    angles = np.array([_hip_angle(body, _bridge_pose(body, th)) for th in grid])
    top = int(np.argmax(angles)) + 1
    return angles[:top], grid[:top]


def _bridge(body: Body, ph: Phase, top_angle: float) -> Pose:
    angles, thetas = _bridge_table(body)
    target = lerp(float(angles[0]), top_angle, ph.s)
    return _bridge_pose(body, float(np.interp(target, angles, thetas)))


def glute_bridge(body: Body, ph: Phase) -> Pose:
    # hips_low tops out at ~149°: a complete rep (half the set's range, 147° as the pose model reads
    # this clip) short of the spec's 153° line. The window between is narrow, so the fault sits in
    # its middle: at 150° (175 - 25) the model read it 0.7° under the line, on it.
    return _bridge(body, ph, 175.0 - 26.0 * ph.w("hips_low"))


def glute_bridge_hold(body: Body, ph: Phase) -> Pose:
    """The bridge, held; ``hips_low`` sinks 70 % as far as in a rep (~158°): low, yet still a bridge.

    Half as far (~162°) put the 3-D hip angle a degree under the spec's line, within the jitter;
    a fault a cue must name lies clearly past it (``formcheck.tracker.noise``)."""
    return _bridge(body, ph, 175.0 - 17.5 * ph.w("hips_low"))


def hip_thrust(body: Body, ph: Phase) -> Pose:
    """Upper back on a bench edge, feet hip-width: the hips rise from a hand's width off the floor
    until the torso is nearly level (shoulders still ~7° above the hips, shins vertical); the hands
    hold a bar across the hips. ``hips_low`` stops ~12° short.

    The head is off the bench, chin tucked, eyes down the body to the knees (20° of flexion against
    the upper spine), the face on the chest's side as filmed people hold it; kept level with the
    floor, as a floor bridge's head lies, it hung back 35-50° at the bottom, facing the wall behind.
    """
    neck_y = BENCH_BRIDGE[0] * body.height / 1.75
    low = float(np.degrees(np.arcsin((neck_y - body.r_pelvis - 0.06) / body.trunk)))
    pose = _bridge_pose(body, lerp(low, 7.0 + 12.0 * ph.w("hips_low"), ph.s), BENCH_BRIDGE, head=-20.0)
    j = forward_kinematics(body, pose)
    # Fists on the bar in the hip crease, knuckles towards the feet.
    grips = [j[f"hip_{s}"] + (body.r_pelvis + 0.03) * U + 0.14 * sign * j["left"] for s, sign in (("l", 1), ("r", -1))]
    return pose.with_(arms=_pair([Limb(end=180.0, target=_v(g), pole=(0.6, 0.3, 0.8 * sign))
                                  for g, sign in zip(grips, (1.0, -1.0))]))


# --- bird-dog: quadruped, one arm forward and the opposite leg back -----------------------------

def bird_dog(body: Body, ph: Phase) -> Pose:
    shoulder_y = body.arm + 0.03 + 0.02
    pelvis_y = body.thigh + 0.06
    trunk = float(np.degrees(np.arcsin((shoulder_y - pelvis_y) / body.trunk)))
    arm_side = 0 if ph.side != "right" else 1
    leg_side = 1 - arm_side
    # Arm and leg stop ~40° below horizontal: clearly past the spec's 30° line (on the line, the
    # fault was within the jitter: formcheck.tracker.noise).
    short = 40.0 * ph.w("limb_not_horizontal")
    arm_reach = lerp(-90.0, 0.0 - short, ph.s)
    leg_reach = lerp(-90.0, -180.0 + short, ph.s)
    support_arm, support_leg = Limb(-90, -90, 0.0), Limb(-90, -180, -180)
    moving_arm = Limb(arm_reach, arm_reach, lerp(0.0, arm_reach, ph.s))
    rot = ph.w("hips_rotating") * ph.s
    moving_leg = Limb(leg_reach, lerp(-180.0, leg_reach, ph.s), lerp(-180.0, leg_reach, ph.s), abduct=12.0 * rot)
    arms = [support_arm, support_arm]
    legs = [support_leg, support_leg]
    arms[arm_side], legs[leg_side] = moving_arm, moving_leg
    # The lifted leg's hip opens upwards: roll towards that side (positive lifts the left hip).
    roll = 30.0 * rot * (1.0 if leg_side == 0 else -1.0)
    return Pose(pelvis=(0.0, pelvis_y, 0.0), trunk=trunk, roll=roll, arms=_pair(arms), legs=_pair(legs))


# --- superman: prone, chest, arms and legs lift -----------------------------------------------

def superman(body: Body, ph: Phase) -> Pose:
    return _superman(body, ph, (1.0, 1.0), (1.0, 1.0))


def alternating_superman(body: Body, ph: Phase) -> Pose:
    """The superman lifting one arm and the opposite leg each rep, the other pair next rep (the
    chest lifts as in the superman)."""
    left = 1.0 if ph.rep % 2 == 0 else 0.0
    return _superman(body, ph, (left, 1.0 - left), (1.0 - left, left))


def _superman(body: Body, ph: Phase, arms: tuple[float, float], legs: tuple[float, float]) -> Pose:
    """Prone, the chest lifting with the rep; each arm and leg lifts by its share (1: all the way)."""
    s = ph.s
    arm = [lerp(-5.0, 24.0, s * k) for k in arms]
    leg = [lerp(184.0, 163.0, s * k) for k in legs]
    head = 40.0 * ph.w("neck_cranked") * (0.4 + 0.6 * s)  # chin up, looking forward
    return Pose(pelvis=(0.0, body.r_pelvis, 0.0), trunk=lerp(0.0, 5.0, s), bend=lerp(0.0, -18.0, s), head=head,
                arms=(Limb(arm[0], arm[0], arm[0], abduct=10), Limb(arm[1], arm[1], arm[1], abduct=10)),
                legs=(Limb(leg[0], leg[0], leg[0], abduct=3), Limb(leg[1], leg[1], leg[1], abduct=3)))


# --- plank: forearms and toes planted; hips may sag or pike --------------------------------------

def _body_line(body: Body, neck_y: float, ankle: np.ndarray, dev: float, pole: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Neck and pelvis of a body held in a line from the planted feet, the neck at height ``neck_y``
    and the hip bent ``dev`` degrees off straight towards ``pole`` (down: sagging, up: piked)."""
    reach = np.sqrt(body.trunk**2 + body.leg**2 - 2 * body.trunk * body.leg * np.cos(np.radians(180.0 - dev)))
    neck = np.array([ankle[0] - np.sqrt(reach**2 - (neck_y - ankle[1]) ** 2), neck_y, 0.0])
    return neck, two_link(neck, ankle, body.trunk, body.leg, pole)


def _line_dev(ph: Phase) -> tuple[float, np.ndarray]:
    """180 - the body-line angle at the hip, and the way the hip bends, of a plank or push-up."""
    dev = 2.0 + 18.0 * ph.w("hips_sagging") + 23.0 * ph.w("hips_piked")
    return dev, (-U if ph.w("hips_sagging") > ph.w("hips_piked") else U)


def plank(body: Body, ph: Phase) -> Pose:
    neck_y, ankle = 0.02 + body.upper_arm + 0.045, np.array([1.36 * body.height / 1.75, 0.13, 0.0])
    neck, top = _body_line(body, neck_y, ankle, *_line_dev(ph))
    lying = np.array([neck[0] + np.sqrt(body.trunk**2 - (neck_y - body.r_pelvis) ** 2), body.r_pelvis, 0.0])
    pelvis = lying + (top - lying) * ph.s
    trunk = _angle_of(neck - pelvis)
    elbow = np.array([neck[0] - 0.02, 0.045, 0.0])
    upper = _angle_of(elbow - (neck - 0.02 * sagittal(trunk)))
    arms = (Limb(upper, 0.0, 0.0, abduct=4), Limb(upper, 0.0, 0.0, abduct=4))
    legs = _pair([Limb(target=(float(ankle[0]), float(ankle[1]), sign * 0.1)) for sign in (1, -1)])
    return Pose(pelvis=_v(pelvis), trunk=trunk, head=5.0, arms=arms, legs=legs)


def push_up(body: Body, ph: Phase) -> Pose:
    """A plank on straight arms, hands under the shoulders; the body, kept in one line, pivots on the
    toes until the chest is a hand's width off the floor (elbows ~45 deg out from the body)."""
    k = body.height / 1.75
    ankle, wrist_y = np.array([1.36 * k, 0.13, 0.0]), 0.04
    dev, pole = _line_dev(ph)
    dev += 14.0 * ph.w("hips_piked")  # near the floor a pike must bend further to lift the hips as far
    top, _ = _body_line(body, wrist_y + body.arm, ankle, 2.0, U)
    neck, pelvis = _body_line(body, lerp(wrist_y + body.arm, 0.29 * k, ph.s), ankle, dev, pole)
    hands = [Limb(end=0.0, target=(float(top[0]) + 0.02 * k, wrist_y, sign * 0.22 * k), pole=(0.8, 0.5, sign * 0.7))
             for sign in (1.0, -1.0)]
    legs = _pair([Limb(target=(float(ankle[0]), float(ankle[1]), sign * 0.1)) for sign in (1, -1)])
    return Pose(pelvis=_v(pelvis), trunk=_angle_of(neck - pelvis), head=5.0, arms=_pair(hands), legs=legs)


# --- bent-over row (two-arm and one-arm): hinged torso, elbows pull back ------------------------

def _leg_reach(body: Body, knee_deg: float) -> float:
    """Hip-to-ankle distance with the knee bent to ``knee_deg`` (law of cosines)."""
    return float(np.sqrt(body.thigh**2 + body.shin**2 - 2 * body.thigh * body.shin * np.cos(np.radians(knee_deg))))


def _row_pull(s: float, upper_top: float = -150.0) -> Limb:
    """A row's pulling arm at progress ``s``: hanging, to the elbow drawn back (165° → 75° at the elbow)."""
    return Limb(lerp(-80.0, upper_top, s), lerp(-95.0, -45.0, s), abduct=8)


def _row(body: Body, ph: Phase, one_arm: bool) -> Pose:
    s = ph.s
    d = _leg_reach(body, 155.0)
    pelvis = (0.15, body.ankle_height + np.sqrt(d * d - 0.15**2), 0.0)
    trunk = 45.0 + 22.0 * ph.w("torso_rising") * s   # the torso lifts during the pull
    bend = 28.0 * ph.w("rounded_back")
    pull = _row_pull(s)
    hang = Limb(-82, -95, abduct=8)
    legs = _pair([Limb(end=0.0, target=(-0.02, body.ankle_height, sign * 0.2)) for sign in (1, -1)])
    pose = Pose(pelvis=_v(pelvis), trunk=trunk, bend=bend, head=12.0 + 0.6 * bend, arms=(pull, pull), legs=legs)
    if not one_arm:
        return pose
    row_side = 0 if ph.side != "right" else 1
    arms = [hang, hang]
    arms[row_side] = pull
    # The free hand rests on the front of its thigh (a braced, staggered stance hides the far
    # leg and arm behind the near ones from the side, so the model cannot place them).
    j = forward_kinematics(body, pose)
    s_free = "r" if row_side == 0 else "l"
    brace = j[f"hip_{s_free}"] + 0.55 * (j[f"knee_{s_free}"] - j[f"hip_{s_free}"]) + 0.09 * F
    arms[1 - row_side] = Limb(end=-80.0, target=_v(brace))
    return pose.with_(arms=_pair(arms))


def bent_over_row(body: Body, ph: Phase) -> Pose:
    return _row(body, ph, one_arm=False)


def _on_incline_bench(body: Body) -> tuple[Vec3, tuple[Limb, Limb]]:
    """Pelvis and legs of a body lying chest-down on an incline bench (the torso ~35° above level):
    the legs reach back to the floor, shins ~50° from vertical, feet hip-width."""
    k = body.height / 1.75
    leg_from_vertical = 50.0
    reach = _leg_reach(body, 160.0)
    drop = reach * np.cos(np.radians(leg_from_vertical))
    back = reach * np.sin(np.radians(leg_from_vertical))
    legs = _pair([Limb(end=-60.0, target=(back, body.ankle_height, sign * 0.14 * k)) for sign in (1, -1)])
    return (0.0, body.ankle_height + drop, 0.0), legs


def chest_supported_row(body: Body, ph: Phase) -> Pose:
    """The bent-over row with the chest on an incline bench (bent_over_row.yaml admits it): the torso
    rests ~35° above level, the legs reach back to the floor, and only the arms pull;
    ``torso_rising`` lifts the chest off the pad, ``rounded_back`` rounds it over."""
    pelvis, legs = _on_incline_bench(body)
    trunk = 35.0 + 15.0 * ph.w("torso_rising") * ph.s
    bend = 28.0 * ph.w("rounded_back")
    pull = _row_pull(ph.s, upper_top=-155.0)
    return Pose(pelvis=pelvis, trunk=trunk, bend=bend, head=12.0 + 0.6 * bend, arms=(pull, pull), legs=legs)


def incline_t_raise(body: Body, ph: Phase) -> Pose:
    """The prone T raise with the chest on an incline bench (prone_t_raise.yaml counts it): straight
    arms hang under the shoulders, then rise out to the sides to ~8° above level, as high as on the
    floor (the T lies in the back's plane, which the bench tilts about the level shoulder line); the
    torso stays on the pad. ``chest_lifting`` lifts it off (~12°) and arches the upper back;
    ``neck_cranked`` lifts the chin as on the floor."""
    pelvis, legs = _on_incline_bench(body)
    chest = ph.w("chest_lifting") * ph.s
    lift = lerp(6.0, 98.0, ph.s)
    arm = Limb(-90.0, -90.0, abduct=lift, abduct_lower=lift)  # straight: the forearm follows the upper arm
    head = 12.0 + 38.0 * ph.w("neck_cranked") * (0.4 + 0.6 * ph.s)
    return Pose(pelvis=pelvis, trunk=35.0 + 12.0 * chest, bend=-15.0 * chest, head=head, arms=(arm, arm), legs=legs)


def one_arm_row(body: Body, ph: Phase) -> Pose:
    return _row(body, ph, one_arm=True)


# --- deadlift: from the floor to lockout -------------------------------------------------------

def deadlift(body: Body, ph: Phase) -> Pose:
    s = ph.s
    bar_floor = 0.225 + 0.05
    neck_bottom = np.array([-0.08, bar_floor + body.arm + 0.02, 0.0])
    trunk = lerp(22.0, 88.0, s)
    bottom = neck_bottom - body.trunk * sagittal(22.0)
    top = np.array([0.02, body.ankle_height + body.leg - 0.015, 0.0])
    # Hips lead the first half (knees extend), the torso rises in the second: a smooth hinge.
    u = float(np.clip(s * 1.3, 0.0, 1.0))
    pelvis = bottom + (top - bottom) * np.array([s, u * (2 - u), 0.0])
    bend = 30.0 * ph.w("rounded_back") * (1.0 - s)
    legs = _pair([Limb(end=0.0, target=(0.0, body.ankle_height, sign * 0.13)) for sign in (1, -1)])
    arms = (Limb(-90, -90, abduct=5), Limb(-90, -90, abduct=5))
    return Pose(pelvis=_v(pelvis), trunk=trunk, bend=bend, head=lerp(25.0, 0.0, s) - 0.5 * bend, arms=arms, legs=legs)
