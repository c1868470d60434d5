"""A 3-D kinematic skeleton: body proportions, a pose record, forward kinematics.

World frame (metres): ``+X`` points backwards from the figure's facing
direction, so the figure faces ``-X``; ``+Y`` is up; ``+Z`` is lateral. The
floor is ``y = 0``. A side camera sits on ``+Z`` (the subject's left side for a
standing or prone figure, the right side for a supine one, like our filmed
clips), so the head is on the image's left.

Angles in a :class:`Pose` are degrees in the sagittal plane, measured from the
figure's *forward* direction ``F = -X`` towards *up* ``U = +Y``: 0 is forward,
90 straight up, -90 straight down, 180 backwards. Limb angles are absolute (a
hanging arm is -90 whatever the trunk does), which keeps exercise scripts
short; limbs with a planted end use inverse kinematics instead
(:func:`formcheck.synth.ik.two_link`).

Example:
    >>> body = Body.scaled(1.75)
    >>> joints = forward_kinematics(body, Pose.standing(body))
    >>> round(float(joints["head"][1]), 2) > 1.5
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.synth.ik import two_link

F = np.array([-1.0, 0.0, 0.0])
U = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])

Joints = dict[str, np.ndarray]
#: Entries of :data:`Joints` that are unit directions (the head's and body's axes), not points.
DIRECTIONS = ("face", "head_up", "left", "head_left")


def moved(j: Joints, offset: np.ndarray) -> Joints:
    """The same pose ``offset`` metres away: every point moves, the directions stay."""
    return {k: v if k in DIRECTIONS else v + offset for k, v in j.items()}


def sagittal(angle_deg: float) -> np.ndarray:
    """Unit vector at ``angle_deg`` from forward towards up (see module docstring)."""
    a = np.radians(angle_deg)
    return np.asarray(np.cos(a) * F + np.sin(a) * U, dtype=float)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


@dataclass(frozen=True)
class Body:
    """Segment lengths and radii in metres (adult proportions, scaled by height)."""

    height: float = 1.75
    hip_half: float = 0.09       # hip joint centre to pelvis centre
    shoulder_half: float = 0.18  # shoulder joint to the neck base
    lumbar: float = 0.25         # pelvis centre to mid-spine
    thoracic: float = 0.26       # mid-spine to neck base (shoulder line)
    neck_head: float = 0.22      # neck base to head centre
    upper_arm: float = 0.30
    forearm: float = 0.26
    hand: float = 0.09
    thigh: float = 0.44
    shin: float = 0.43
    ankle_height: float = 0.08
    foot: float = 0.17           # ankle to toe tip, along the foot
    heel: float = 0.05
    # radii of the rendered volumes
    r_pelvis: float = 0.125
    r_chest: float = 0.135
    r_neck: float = 0.055
    r_head: float = 0.105
    r_upper_arm: float = 0.052
    r_forearm: float = 0.042
    r_hand: float = 0.035
    r_thigh: float = 0.078
    r_shin: float = 0.056
    r_foot: float = 0.038

    @classmethod
    def scaled(cls, height: float = 1.75) -> Body:
        """Default proportions scaled to a body ``height`` in metres."""
        if not 1.0 <= height <= 2.3:
            raise ValueError(f"body height must be 1.0-2.3 m, got {height}")
        k = height / 1.75
        base = cls()
        values = {name: getattr(base, name) * k for name in base.__dataclass_fields__ if name != "height"}
        return cls(height=height, **values)

    @property
    def trunk(self) -> float:
        """Pelvis centre to shoulder line when the spine is straight."""
        return self.lumbar + self.thoracic

    @property
    def leg(self) -> float:
        return self.thigh + self.shin

    @property
    def arm(self) -> float:
        return self.upper_arm + self.forearm


@dataclass(frozen=True)
class Limb:
    """One arm or leg: absolute sagittal angles of its two segments and its end.

    Attributes:
        upper: Angle of the upper segment (shoulder→elbow, hip→knee).
        lower: Angle of the lower segment (elbow→wrist, knee→ankle).
        end: Angle of the hand (wrist→fingertips) or foot (ankle→toes); None
            continues the forearm for a hand and is perpendicular to the shin
            (toes forward) for a foot.
        abduct: Sideways tilt away from the body, degrees.
        target: Planted end (wrist or ankle) position; when set, the middle
            joint comes from inverse kinematics and the angles are ignored.
        abduct_lower: Sideways tilt of the lower segment; None: half of ``abduct``.
        pole: Direction the middle joint bends towards when ``target`` is set
            (e.g. elbows out and up for a face pull); None: the limb's default.
    """

    upper: float = -90.0
    lower: float = -90.0
    end: float | None = None
    abduct: float = 0.0
    target: tuple[float, float, float] | None = None
    abduct_lower: float | None = None
    pole: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Pose:
    """Everything needed to place the skeleton in one frame.

    Attributes:
        pelvis: Pelvis centre (world, metres).
        trunk: Angle of pelvis→mid-spine.
        bend: Flexion of the upper spine towards the chest (rounded back), degrees.
        head: Extension of the head relative to the upper spine (positive =
            chin up / looking forward when prone), degrees.
        roll: Rotation of the pelvis about the spine (positive lifts the left hip
            for a prone figure), degrees.
        supine: Chest facing up (lying on the back) instead of forward/down.
        arms, legs: ``(left, right)`` limbs.
        head_tilt: Sideways bend of the head (ear towards the shoulder), degrees;
            positive towards the left shoulder.
        head_turn: Rotation of the head about its own axis, degrees; positive
            turns the face towards the left.
        side_bend: Sideways lean of the whole trunk from the pelvis, degrees;
            positive towards the left.
        shrug: ``(left, right)`` shoulder lift along the spine, metres (a shrug).
        retract: How far both shoulders draw back (and a little in), metres
            (shoulder blades squeezed together).
    """

    pelvis: tuple[float, float, float]
    trunk: float = 90.0
    bend: float = 0.0
    head: float = 0.0
    roll: float = 0.0
    supine: bool = False
    arms: tuple[Limb, Limb] = field(default_factory=lambda: (Limb(), Limb()))
    legs: tuple[Limb, Limb] = field(default_factory=lambda: (Limb(), Limb()))
    head_tilt: float = 0.0
    head_turn: float = 0.0
    side_bend: float = 0.0
    shrug: tuple[float, float] = (0.0, 0.0)
    retract: float = 0.0

    @classmethod
    def standing(cls, body: Body, x: float = 0.0) -> Pose:
        """Upright, arms hanging, feet under the hips."""
        y = body.ankle_height + body.leg - 0.01
        return cls(pelvis=(x, y, 0.0), arms=(Limb(-92, -90, abduct=6), Limb(-92, -90, abduct=6)),
                   legs=(Limb(-90, -90, 0.0, abduct=2), Limb(-90, -90, 0.0, abduct=2)))

    def with_(self, **changes: object) -> Pose:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _limb_dir(angle: float, abduct: float, outward: np.ndarray) -> np.ndarray:
    a = np.radians(abduct)
    return _unit(np.cos(a) * sagittal(angle) + np.sin(a) * outward)


def _place_limb(root: np.ndarray, limb: Limb, l1: float, l2: float, outward: np.ndarray,
                pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Middle and end joint of a limb, by angles or by IK to a planted target."""
    if limb.target is not None:
        end = np.asarray(limb.target, dtype=float)
        bend_to = pole if limb.pole is None else np.asarray(limb.pole, dtype=float)
        return two_link(root, end, l1, l2, bend_to), end
    mid = root + l1 * _limb_dir(limb.upper, limb.abduct, outward)
    lower_abduct = limb.abduct * 0.5 if limb.abduct_lower is None else limb.abduct_lower
    return mid, mid + l2 * _limb_dir(limb.lower, lower_abduct, outward)


def forward_kinematics(body: Body, pose: Pose) -> Joints:
    """Joint centres (world metres) of ``pose``.

    Returns a dict with ``pelvis, spine, neck, head, face`` (face = unit vector
    the face looks along), ``head_up`` (unit, crown direction), ``left`` (the
    body's left), ``head_left`` (the head's left, tilted with it) and per side
    ``s`` in ``l``/``r``: ``hip_s, knee_s, ankle_s, heel_s, toe_s,
    shoulder_s, elbow_s, wrist_s, hand_s``.
    """
    pelvis = np.asarray(pose.pelvis, dtype=float)
    up = sagittal(pose.trunk)
    front = sagittal(pose.trunk + 90.0) if pose.supine else sagittal(pose.trunk - 90.0)
    left = _unit(np.cross(up, front))
    b = np.radians(pose.bend)
    up_hi = np.cos(b) * up + np.sin(b) * front
    front_hi = np.cos(b) * front - np.sin(b) * up
    r = np.radians(pose.roll)
    hip_axis = np.cos(r) * left - np.sin(r) * front
    h = np.radians(pose.head)
    head_up = np.cos(h) * up_hi - np.sin(h) * front_hi
    face = np.cos(h) * front_hi + np.sin(h) * up_hi
    head_left = left
    if pose.head_tilt:  # ear towards the shoulder: the crown turns about the face direction
        tilt = np.radians(pose.head_tilt)
        head_up, head_left = np.cos(tilt) * head_up + np.sin(tilt) * left, np.cos(tilt) * left - np.sin(tilt) * head_up
    if pose.head_turn:  # the face turns towards one shoulder about the head's axis
        turn = np.radians(pose.head_turn)
        face, head_left = np.cos(turn) * face + np.sin(turn) * head_left, np.cos(turn) * head_left - np.sin(turn) * face

    spine = pelvis + body.lumbar * up
    neck = spine + body.thoracic * up_hi
    j: Joints = {"pelvis": pelvis, "spine": spine, "neck": neck, "head": neck + body.neck_head * head_up,
                 "face": face, "head_up": head_up, "left": left, "head_left": head_left}
    for i, (s, sign) in enumerate((("l", 1.0), ("r", -1.0))):
        outward = sign * left
        arm, leg = pose.arms[i], pose.legs[i]
        # Raising an arm overhead lifts the shoulder girdle (scapular elevation): up to ~6 cm.
        raise_dir = _unit(arm.target - neck) if arm.target is not None else sagittal(arm.upper)
        elevation = float(np.clip((np.degrees(np.arccos(np.clip(np.dot(raise_dir, -up_hi), -1, 1))) - 90) / 80, 0, 1))
        shoulder = neck + sign * body.shoulder_half * left + (0.065 * elevation - 0.02) * up_hi * body.height / 1.75
        if pose.shrug[i] or pose.retract:  # scapulae: lifted along the spine, drawn back and in
            shoulder = shoulder + pose.shrug[i] * up_hi - pose.retract * (front_hi + 0.4 * sign * left)
        hip = pelvis + sign * body.hip_half * hip_axis
        elbow, wrist = _place_limb(shoulder, arm, body.upper_arm, body.forearm, outward, pole=-up - 0.3 * front)
        knee, ankle = _place_limb(hip, leg, body.thigh, body.shin, outward, pole=front + 0.2 * up)
        hand_dir = sagittal(arm.end) if arm.end is not None else _unit(wrist - elbow)
        shin_dir = _unit(ankle - knee)
        foot_dir = sagittal(leg.end) if leg.end is not None else _unit(np.cross(outward * sign, shin_dir) * -1)
        foot_up = _unit(np.cross(foot_dir, left))  # sole normal, towards the shin
        if float(np.dot(foot_up, -shin_dir)) < 0:
            foot_up = -foot_up
        j.update({
            f"shoulder_{s}": shoulder, f"elbow_{s}": elbow, f"wrist_{s}": wrist,
            f"hand_{s}": wrist + body.hand * hand_dir,
            f"hip_{s}": hip, f"knee_{s}": knee, f"ankle_{s}": ankle,
            f"heel_{s}": ankle - body.heel * foot_dir - 0.6 * body.ankle_height * foot_up,
            f"toe_{s}": ankle + body.foot * foot_dir - 0.6 * body.ankle_height * foot_up,
        })
    if pose.side_bend:
        _lean_upper_body(j, pelvis, front, np.radians(pose.side_bend))
    return j


_UPPER_POINTS = ("spine", "neck", "head", *(f"{p}_{s}" for p in ("shoulder", "elbow", "wrist", "hand") for s in "lr"))


def _lean_upper_body(j: Joints, pelvis: np.ndarray, front: np.ndarray, angle: float) -> None:
    """Turn everything above the pelvis about the ``front`` axis through it (a sideways lean), in place."""
    k = -_unit(front)  # left = up × front, so a positive turn about -front takes up towards left
    cross = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
    rot = np.eye(3) + np.sin(angle) * cross + (1.0 - np.cos(angle)) * cross @ cross  # Rodrigues
    for name in _UPPER_POINTS:
        j[name] = pelvis + rot @ (j[name] - pelvis)
    for name in ("face", "head_up", "head_left"):
        j[name] = rot @ j[name]
