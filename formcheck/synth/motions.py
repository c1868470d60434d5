"""Exercise motion scripts: one small pose function per exercise, plus its data.

A pose function maps a :class:`Phase` (progress ``s`` from rest 0 to top 1,
moving side, fault weights 0-1) to a :class:`~formcheck.synth.skeleton.Pose`.
Ranges of motion are anatomical goals (e.g. "hip angle 175° at the top of a
bridge"); where a goal depends on planted hands or feet, the parameter that
reaches it is solved for (:func:`~formcheck.synth.ik.solve_increasing`).
Faults change the goal or add a posture change, scaled by their weight, so a
fault can fade in and out around the reps it affects.

Timing, reps and faults are in :mod:`formcheck.synth.timeline`; the table of
exercises is :data:`EXERCISES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from formcheck.synth.ik import angle_at, solve_increasing, two_link
from formcheck.synth.skeleton import F, U, Body, Limb, Pose, forward_kinematics, sagittal


@dataclass(frozen=True)
class Phase:
    """Where a clip is at one instant: the input of a pose function."""

    t: float = 0.0
    s: float = 0.0
    side: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)

    def w(self, fault: str) -> float:
        """Weight (0-1) of ``fault`` now."""
        return float(self.weights.get(fault, 0.0))


PoseFn = Callable[[Body, Phase], Pose]


def lerp(a: float, b: float, u: float) -> float:
    return a + (b - a) * u


def _xy(p: np.ndarray) -> tuple[float, float]:
    return float(p[0]), float(p[1])


def _angle_of(v: np.ndarray) -> float:
    """Sagittal angle of a world vector (inverse of :func:`sagittal`)."""
    return float(np.degrees(np.arctan2(np.dot(v, U), np.dot(v, F))))


def _lat(supine: bool) -> float:
    """World z of the body's left side (+1 prone/standing, -1 supine)."""
    return -1.0 if supine else 1.0


# --- glute bridge: supine, shoulders and feet planted, hips lift ---------------------------------

def _bridge_pose(body: Body, theta: float) -> Pose:
    neck = np.array([0.0, 0.11, 0.0])
    pelvis = neck - body.trunk * sagittal(theta)
    ankle_x, z = body.trunk + 0.55 * body.height / 1.75, _lat(True) * 0.15  # feet ~0.5 m behind the resting pelvis, hip-width
    feet = tuple(Limb(end=180.0, target=(ankle_x, body.ankle_height, sign * z)) for sign in (1, -1))
    arms = (Limb(184, 181, 180, abduct=22), Limb(184, 181, 180, abduct=22))  # palms down beside the hips
    return Pose(pelvis=tuple(pelvis), trunk=theta, head=theta, supine=True, arms=arms, legs=feet)  # type: ignore[arg-type]


def _hip_angle(body: Body, pose: Pose) -> float:
    """Shoulder-hip-knee angle of one side in the sagittal plane (as seen from the side)."""
    j = forward_kinematics(body, pose)
    flat = np.array([1.0, 1.0, 0.0])
    return angle_at(j["shoulder_l"] * flat, j["hip_l"] * flat, j["knee_l"] * flat)


@lru_cache(maxsize=8)
def _bridge_range(body: Body) -> tuple[float, float, float]:
    """Trunk angle lying down, trunk angle of the straightest bridge, hip angle lying down."""
    theta0 = -float(np.degrees(np.arcsin((body.r_pelvis - 0.11) / body.trunk)))
    grid = np.arange(theta0, -45.0, -1.0)
    best = float(grid[int(np.argmax([_hip_angle(body, _bridge_pose(body, th)) for th in grid]))])
    return theta0, best, _hip_angle(body, _bridge_pose(body, theta0))


def glute_bridge(body: Body, ph: Phase) -> Pose:
    theta0, theta_max, rest_angle = _bridge_range(body)
    top_angle = 175.0 - 25.0 * ph.w("hips_low")  # hips_low tops out at ~150°
    target = lerp(rest_angle, top_angle, ph.s)
    theta = solve_increasing(lambda th: _hip_angle(body, _bridge_pose(body, th)), target, theta0, theta_max, iters=22)
    return _bridge_pose(body, theta)


# --- bird-dog: quadruped, one arm forward and the opposite leg back -----------------------------

def bird_dog(body: Body, ph: Phase) -> Pose:
    shoulder_y = body.arm + 0.03 + 0.02
    pelvis_y = body.thigh + 0.06
    trunk = float(np.degrees(np.arcsin((shoulder_y - pelvis_y) / body.trunk)))
    arm_side = 0 if ph.side != "right" else 1
    leg_side = 1 - arm_side
    short = 30.0 * ph.w("limb_not_horizontal")  # arm and leg stop ~30° below horizontal
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
    roll = 22.0 * rot * (1.0 if leg_side == 0 else -1.0)
    return Pose(pelvis=(0.0, pelvis_y, 0.0), trunk=trunk, roll=roll, arms=tuple(arms), legs=tuple(legs))  # type: ignore[arg-type]


# --- superman: prone, chest, arms and legs lift -----------------------------------------------

def superman(body: Body, ph: Phase) -> Pose:
    s = ph.s
    arm = lerp(-5.0, 24.0, s)
    leg = lerp(184.0, 163.0, s)
    head = 40.0 * ph.w("neck_cranked") * (0.4 + 0.6 * s)  # chin up, looking forward
    return Pose(pelvis=(0.0, body.r_pelvis, 0.0), trunk=lerp(0.0, 5.0, s), bend=lerp(0.0, -18.0, s), head=head,
                arms=(Limb(arm, arm, arm, abduct=10), Limb(arm, arm, arm, abduct=10)),
                legs=(Limb(leg, leg, leg, abduct=3), Limb(leg, leg, leg, abduct=3)))


# --- plank: forearms and toes planted; hips may sag or pike --------------------------------------

def plank(body: Body, ph: Phase) -> Pose:
    neck_y, ankle = 0.02 + body.upper_arm + 0.045, np.array([1.36 * body.height / 1.75, 0.13, 0.0])
    dev = 2.0 + 18.0 * ph.w("hips_sagging") + 23.0 * ph.w("hips_piked")  # 180 - body-line angle at the hip
    pole = -U if ph.w("hips_sagging") > ph.w("hips_piked") else U
    reach = np.sqrt(body.trunk**2 + body.leg**2 - 2 * body.trunk * body.leg * np.cos(np.radians(180.0 - dev)))
    neck = np.array([ankle[0] - np.sqrt(reach**2 - (neck_y - ankle[1]) ** 2), neck_y, 0.0])
    top = two_link(neck, ankle, body.trunk, body.leg, pole)
    lying = np.array([neck[0] + np.sqrt(body.trunk**2 - (neck_y - body.r_pelvis) ** 2), body.r_pelvis, 0.0])
    pelvis = lying + (top - lying) * ph.s
    trunk = _angle_of(neck - pelvis)
    elbow = np.array([neck[0] - 0.02, 0.045, 0.0])
    upper = _angle_of(elbow - (neck - 0.02 * sagittal(trunk)))
    arms = (Limb(upper, 0.0, 0.0, abduct=4), Limb(upper, 0.0, 0.0, abduct=4))
    legs = tuple(Limb(target=(ankle[0], ankle[1], sign * 0.1)) for sign in (1, -1))
    return Pose(pelvis=tuple(pelvis), trunk=trunk, head=5.0, arms=arms, legs=legs)  # type: ignore[arg-type]


# --- bent-over row (two-arm and one-arm): hinged torso, elbows pull back ------------------------

def _row(body: Body, ph: Phase, one_arm: bool) -> Pose:
    s = ph.s
    knee_deg = 155.0
    d = np.sqrt(body.thigh**2 + body.shin**2 - 2 * body.thigh * body.shin * np.cos(np.radians(knee_deg)))
    pelvis = (0.15, body.ankle_height + np.sqrt(d * d - 0.15**2), 0.0)
    trunk = 45.0 + 22.0 * ph.w("torso_rising") * s   # the torso lifts during the pull
    bend = 28.0 * ph.w("rounded_back")
    pull = Limb(lerp(-80.0, -150.0, s), lerp(-95.0, -45.0, s), abduct=8)  # elbow 165° → 75°
    hang = Limb(-82, -95, abduct=8)
    legs = tuple(Limb(end=0.0, target=(-0.02, body.ankle_height, sign * 0.2)) for sign in (1, -1))
    pose = Pose(pelvis=pelvis, trunk=trunk, bend=bend, head=12.0 + 0.6 * bend, arms=(pull, pull), legs=legs)  # type: ignore[arg-type]
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
    arms[1 - row_side] = Limb(end=-80.0, target=tuple(brace))  # type: ignore[arg-type]
    return pose.with_(arms=tuple(arms))


def bent_over_row(body: Body, ph: Phase) -> Pose:
    return _row(body, ph, one_arm=False)


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
    legs = tuple(Limb(end=0.0, target=(0.0, body.ankle_height, sign * 0.13)) for sign in (1, -1))
    arms = (Limb(-90, -90, abduct=5), Limb(-90, -90, abduct=5))
    return Pose(pelvis=tuple(pelvis), trunk=trunk, bend=bend, head=lerp(25.0, 0.0, s) - 0.5 * bend,  # type: ignore[arg-type]
                arms=arms, legs=legs)


# --- idle: stand, walk in place, kneel down to all fours and back up ----------------------------

def _kneel(body: Body) -> Pose:
    y = body.thigh + 0.06
    return Pose(pelvis=(0.0, y, 0.0), trunk=88.0, arms=(Limb(-95, -90, abduct=8), Limb(-95, -90, abduct=8)),
                legs=(Limb(-90, -180, -180), Limb(-90, -180, -180)))


def blend(a: Pose, b: Pose, u: float) -> Pose:
    """Pose between ``a`` (u=0) and ``b`` (u=1), field by field."""
    def limb(x: Limb, y: Limb) -> Limb:
        ends = None if x.end is None or y.end is None else lerp(x.end, y.end, u)
        return Limb(lerp(x.upper, y.upper, u), lerp(x.lower, y.lower, u), ends, lerp(x.abduct, y.abduct, u))
    return Pose(pelvis=tuple(lerp(p, q, u) for p, q in zip(a.pelvis, b.pelvis)),  # type: ignore[arg-type]
                trunk=lerp(a.trunk, b.trunk, u), bend=lerp(a.bend, b.bend, u), head=lerp(a.head, b.head, u),
                roll=lerp(a.roll, b.roll, u), supine=a.supine,
                arms=(limb(a.arms[0], b.arms[0]), limb(a.arms[1], b.arms[1])),
                legs=(limb(a.legs[0], b.legs[0]), limb(a.legs[1], b.legs[1])))


def _smooth(u: float) -> float:
    u = float(np.clip(u, 0.0, 1.0))
    return u * u * (3 - 2 * u)


#: Idle script: (end time in s, what happens). Times are from the clip start.
IDLE_SCRIPT: tuple[tuple[float, str], ...] = (
    (2.0, "stand"), (6.5, "walk"), (7.5, "stand"), (9.0, "kneel"), (10.5, "all_fours"),
    (11.5, "hold"), (13.0, "kneel_up"), (14.5, "stand_up"), (15.5, "stand"),
)


def idle(body: Body, ph: Phase) -> Pose:
    stand, kneel = Pose.standing(body), _kneel(body)
    fours = bird_dog(body, Phase())
    fours = Pose(pelvis=fours.pelvis, trunk=fours.trunk, arms=(Limb(-90, -90, 0.0), Limb(-90, -90, 0.0)),
                 legs=(Limb(-90, -180, -180), Limb(-90, -180, -180)))
    start = 0.0
    for end, what in IDLE_SCRIPT:
        if ph.t <= end or end == IDLE_SCRIPT[-1][0]:
            u = _smooth((ph.t - start) / (end - start))
            break
        start = end
    if what == "walk":
        cycle = np.sin(2 * np.pi * 0.9 * (ph.t - start))  # ~1.8 steps per second
        def leg(sign: float) -> Limb:
            lift = 38.0 * max(0.0, sign * cycle)
            return Limb(-90 + lift, -90 - 0.6 * lift, -0.5 * lift, abduct=2)
        swing = 18.0 * cycle
        return stand.with_(legs=(leg(1.0), leg(-1.0)), arms=(Limb(-92 - swing, -80 - swing, abduct=6),
                                                           Limb(-92 + swing, -80 + swing, abduct=6)))
    table = {"stand": (stand, stand), "kneel": (stand, kneel), "all_fours": (kneel, fours), "hold": (fours, fours),
             "kneel_up": (fours, kneel), "stand_up": (kneel, stand)}
    a, b = table[what]
    return blend(a, b, u)


@dataclass(frozen=True)
class Exercise:
    """One exercise's script and defaults.

    Attributes:
        id: Spec id (``None`` label for ``idle``).
        kind: ``"reps"``, ``"hold"`` or ``"idle"``.
        pose: Pose function.
        faults: Fault ids this script can show (``partial_rep`` and
            ``too_fast`` are added for rep exercises).
        alternating: Reps alternate sides (label ``side`` per rep).
        sided: Has a working side (``--side``); the label records it.
        tempo: Default (up, hold at top, down, rest between reps) seconds.
        reps: Default number of reps (hold exercises: hold seconds).
        prop: ``"bar"``, ``"dumbbell"`` or None (drawn in the hands).
    """

    id: str
    kind: str
    pose: PoseFn
    faults: tuple[str, ...] = ()
    alternating: bool = False
    sided: bool = False
    tempo: tuple[float, float, float, float] = (1.2, 0.8, 1.2, 0.6)
    reps: int = 5
    prop: str | None = None

    @property
    def all_faults(self) -> tuple[str, ...]:
        return self.faults + (("partial_rep", "too_fast") if self.kind == "reps" else ())


EXERCISES: dict[str, Exercise] = {e.id: e for e in (
    Exercise("glute_bridge", "reps", glute_bridge, ("hips_low",), tempo=(1.1, 0.9, 1.2, 0.5), reps=3),
    Exercise("bird_dog", "reps", bird_dog, ("hips_rotating", "limb_not_horizontal"), alternating=True,
             sided=True, tempo=(1.0, 1.0, 1.0, 0.5), reps=4),
    Exercise("superman", "reps", superman, ("neck_cranked",), tempo=(1.0, 0.7, 1.0, 0.5), reps=4),
    Exercise("superman_hold", "hold", superman, ("neck_cranked",), tempo=(1.5, 7.0, 1.5, 0.0), reps=1),
    Exercise("bent_over_row", "reps", bent_over_row, ("torso_rising", "rounded_back"),
             tempo=(0.9, 0.4, 1.1, 0.5), reps=4, prop="bar"),
    Exercise("one_arm_row", "reps", one_arm_row, ("torso_rising", "rounded_back"), sided=True,
             tempo=(0.9, 0.4, 1.1, 0.5), reps=4, prop="dumbbell"),
    Exercise("plank", "hold", plank, ("hips_sagging", "hips_piked"), tempo=(1.8, 8.0, 1.5, 0.0), reps=1),
    Exercise("deadlift", "reps", deadlift, ("rounded_back",), tempo=(1.3, 0.7, 1.5, 0.7), reps=3, prop="bar"),
    Exercise("idle", "idle", idle, reps=0),
)}
