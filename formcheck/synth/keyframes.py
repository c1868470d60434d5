"""Keyframed motions: a posture, named channels at rest and at the top, faults as channel offsets.

The back-care catalogue has many small variations of a few postures (prone raises in a Y,
a T or a W; pull-aparts and face pulls; stretches to either side). Instead of a pose
function each, a :class:`Move` is data: a posture (``prone``, ``bench``, ``standing``, ``seated``,
``child``, ``fours``, ``hinge``), the value of each channel at rest and at the top of the
movement (blended by the rep's progress ``s``), how the arms are placed, and for each fault
the channel offsets it adds at the top (scaled by the fault's weight and ``s``, so a fault
shows while the rep is under way and fades with it).

Channels (missing ones are 0):

* ``trunk``, ``bend``, ``head``: degrees added to the posture's trunk angle, spine flexion
  (negative extends the upper back) and head extension;
* ``head_tilt``, ``head_turn``, ``side_bend``: degrees the head tilts (ear to shoulder),
  the face turns, and the trunk leans sideways, towards the working side;
* ``shrug``, ``retract``: metres the shoulders lift and draw back;
* ``fold``: 0-1, how far a kneeling body sits back onto the heels (``child`` posture);
* ``knee``: degrees the knees bend on planted feet (``hinge`` posture, where ``trunk``
  below 0 hinges forward at the hips), ``hips_back``: the share of the trunk's forward
  reach the hips go back by to keep the weight over the feet (default 0.45);
* aimed arms (``arms="aim"``): ``upper_az``/``upper_el`` and ``lower_az``/``lower_el``,
  the upper arm's and forearm's azimuth (0 = forward, 90 = out to the side, in the plane
  the body lies or stands in) and elevation above it (degrees; the forearm defaults to the
  upper arm: a straight arm);
* reaching arms (``arms="reach"``): ``hand_fwd``/``hand_up``/``hand_out``, the wrist's
  position in metres from the ``anchor`` joint (forward, up, out to its own side), and
  ``pole_fwd``/``pole_up``/``pole_out``, the way the elbow points.

Example:
    >>> from formcheck.synth.motions import Phase
    >>> from formcheck.synth.skeleton import Body
    >>> raise_y = Move("prone", {"upper_az": (35, 35), "upper_el": (-10, 12)})
    >>> raise_y(Body.scaled(1.75), Phase(s=1.0)).arms[0].abduct > 30
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.motions import Phase, bird_dog, lerp
from formcheck.synth.skeleton import Body, F, Limb, Pose, U, forward_kinematics

Pair = tuple[float, float]
Channels = dict[str, float]


def aim(azimuth: float, elevation: float) -> tuple[float, float]:
    """A segment direction as the skeleton's ``(sagittal angle, abduct)`` pair.

    ``azimuth`` turns from forward (0) towards the limb's own side (90), ``elevation``
    lifts out of that plane (towards the body's up for a standing figure, the ceiling for a
    prone one). Example: ``aim(90, 0)`` is an arm straight out to the side.

    Example:
        >>> [round(v, 1) for v in aim(90.0, 0.0)]
        [0.0, 90.0]
    """
    az, el = np.radians(azimuth), np.radians(elevation)
    abduct = np.degrees(np.arcsin(np.clip(np.cos(el) * np.sin(az), -1.0, 1.0)))
    angle = np.degrees(np.arctan2(np.sin(el), np.cos(el) * np.cos(az)))
    return float(angle), float(abduct)


@dataclass(frozen=True)
class Move:
    """A keyframed motion (see the module docstring); call it like a pose function.

    Attributes:
        posture: ``prone``, ``bench`` (over a 45-degree back-extension bench), ``standing``,
            ``seated`` (on the floor, legs forward), ``child``,
            ``fours`` (on hands and knees: ``child`` before it sits back) or ``hinge``.
        keys: Channel → (value at rest, value at the top).
        arms: ``"aim"`` (segment angles), ``"reach"`` (wrist positions, inverse kinematics)
            or ``"rest"`` (the posture's own arms).
        anchor: Joint the reaching wrists are placed from (``shoulder``, ``hip``, ``head``,
            or ``world``: the floor under the pelvis's starting point, hands planted).
        one_arm: Only the working side's arm follows the keys; the other stays at rest.
        faults: Fault id → channel offsets at the top.
    """

    posture: str
    keys: Mapping[str, Pair]
    arms: str = "aim"
    anchor: str = "shoulder"
    one_arm: bool = False
    faults: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def channels(self, ph: Phase, s: float | None = None) -> Channels:
        """Every channel's value at progress ``s`` (default the phase's), faults included."""
        u = ph.s if s is None else s
        out = {name: lerp(rest, top, u) for name, (rest, top) in self.keys.items()}
        for fault, offsets in self.faults.items():
            w = ph.w(fault) * u
            if w <= 0.0:
                continue
            for name, delta in offsets.items():
                out[name] = _get(out, name) + w * delta
        return out

    def __call__(self, body: Body, ph: Phase) -> Pose:
        sign = -1.0 if ph.side == "right" else 1.0
        ch = self.channels(ph)
        shrug = _get(ch, "shrug") * body.height / 1.75
        pose = _POSTURES[self.posture](body, ch)
        pose = pose.with_(head_tilt=sign * _get(ch, "head_tilt"), head_turn=sign * _get(ch, "head_turn"),
                          side_bend=sign * _get(ch, "side_bend"), shrug=(shrug, shrug),
                          retract=_get(ch, "retract") * body.height / 1.75)
        if self.arms == "rest":
            return pose
        rest = self.channels(ph, 0.0) if self.one_arm else ch
        work = 0 if sign > 0 else 1
        arms = [self._arm(body, pose, rest if self.one_arm and i != work else ch, i) for i in (0, 1)]
        return pose.with_(arms=(arms[0], arms[1]))

    def _arm(self, body: Body, pose: Pose, ch: Channels, i: int) -> Limb:
        if self.arms == "aim":
            up_angle, up_abduct = aim(_get(ch, "upper_az"), _get(ch, "upper_el"))
            lo_angle, lo_abduct = aim(_get(ch, "lower_az"), _get(ch, "lower_el"))
            return Limb(up_angle, lo_angle, abduct=up_abduct, abduct_lower=lo_abduct)
        return _reach(body, pose, ch, i, self.anchor)


#: Channels whose value defaults to another channel's (a forearm continues its upper arm)
#: or to a constant other than 0 (an arm hangs).
_FALLBACK = {"lower_az": "upper_az", "lower_el": "upper_el"}
_DEFAULT = {"upper_el": -90.0, "pole_fwd": -0.3, "pole_up": -1.0, "hips_back": 0.45}


def _get(ch: Channels, name: str) -> float:
    """A channel's value, or its fallback channel's, or its default."""
    if name in ch:
        return ch[name]
    if name in _FALLBACK:
        return _get(ch, _FALLBACK[name])
    return _DEFAULT.get(name, 0.0)


def _reach(body: Body, pose: Pose, ch: Channels, i: int, anchor: str) -> Limb:
    """A wrist placed ``hand_*`` metres from the anchor joint, the elbow by inverse kinematics."""
    j = forward_kinematics(body, pose)
    k = body.height / 1.75
    s = "lr"[i]
    out = (1.0 if i == 0 else -1.0) * j["left"]
    if anchor == "world":
        base = np.zeros(3)
    else:
        base = j[f"{anchor}_{s}"] if anchor in ("shoulder", "hip") else j[anchor]
    hand = base + k * (_get(ch, "hand_fwd") * F + _get(ch, "hand_up") * U + _get(ch, "hand_out") * out)
    pole = _get(ch, "pole_fwd") * F + _get(ch, "pole_up") * U + _get(ch, "pole_out") * out
    return Limb(target=(float(hand[0]), float(hand[1]), float(hand[2])),
                pole=(float(pole[0]), float(pole[1]), float(pole[2])))


# --- postures: the body apart from the arms --------------------------------------------------

def _prone(body: Body, ch: Channels) -> Pose:
    """Lying face down, legs straight back on the floor, head towards -X."""
    legs = Limb(184.0, 184.0, 184.0, abduct=3.0)
    return Pose(pelvis=(0.0, body.r_pelvis, 0.0), trunk=_get(ch, "trunk"), bend=_get(ch, "bend"),
                head=_get(ch, "head"), legs=(legs, legs))


def _bench(body: Body, ch: Channels) -> Pose:
    """Face down over a 45-degree back-extension bench: the hips on the pad, the legs straight down
    and back to the anchored feet at 45°, the trunk channel the torso's angle above level (hanging
    over the pad at rest, in line with the legs at the top)."""
    k = body.height / 1.75
    plate = 0.15 * k  # the foot plate above the floor
    legs = Limb(-135.0, -135.0, -45.0, abduct=3.0)
    pelvis_y = plate + body.ankle_height + body.leg * np.sin(np.radians(45.0))
    return Pose(pelvis=(0.0, pelvis_y, 0.0), trunk=_get(ch, "trunk"), bend=_get(ch, "bend"),
                head=_get(ch, "head"), legs=(legs, legs))


def _standing(body: Body, ch: Channels) -> Pose:
    """Standing tall, feet under the hips (the trunk channel leans it: + back, - forward)."""
    return Pose.standing(body).with_(trunk=90.0 + _get(ch, "trunk"), bend=_get(ch, "bend"),
                                     head=_get(ch, "head"))


def _seated(body: Body, ch: Channels) -> Pose:
    """Sitting on the floor, knees a little bent, feet against a footplate in front."""
    k = body.height / 1.75
    feet = _pair_targets(-0.92 * body.leg, body.ankle_height + 0.05 * k, 0.13 * k, end=80.0)  # toes up
    return Pose(pelvis=(0.0, body.r_pelvis, 0.0), trunk=90.0 + _get(ch, "trunk"), bend=_get(ch, "bend"),
                head=_get(ch, "head"), legs=feet)


def _child(body: Body, ch: Channels) -> Pose:
    """From all fours (fold 0) the hips sit back onto the heels (fold 1); knees and feet stay put."""
    fours = bird_dog(body, Phase())
    u = _get(ch, "fold")
    k = body.height / 1.75
    pelvis = np.array(fours.pelvis) + u * np.array([0.36 * k, 0.25 * k - fours.pelvis[1], 0.0])
    trunk = lerp(fours.trunk, -8.0, u) + _get(ch, "trunk")  # chest down onto the thighs
    feet = _pair_targets(body.shin + 0.02 * k, body.ankle_height, body.hip_half, end=-180.0)  # soles up
    return Pose(pelvis=(float(pelvis[0]), float(pelvis[1]), 0.0), trunk=trunk, bend=_get(ch, "bend"),
                head=_get(ch, "head"), legs=feet)


def hinge(body: Body, ch: Channels) -> Pose:
    """Standing on planted feet, hinged forward at the hips by ``-trunk`` degrees, knees bent ``knee``
    degrees; the hips go back by ``hips_back`` (default 45 %) of the trunk's forward reach to keep the
    weight over the feet."""
    k = body.height / 1.75
    lean = -_get(ch, "trunk")
    knee = np.radians(180.0 - _get(ch, "knee"))
    reach = np.sqrt(body.thigh**2 + body.shin**2 - 2 * body.thigh * body.shin * np.cos(knee))
    back = _get(ch, "hips_back") * body.trunk * np.sin(np.radians(lean))
    pelvis_y = body.ankle_height + np.sqrt(max(reach**2 - back**2, 0.0)) - 0.005 * k
    return Pose.standing(body).with_(pelvis=(float(back), float(pelvis_y), 0.0), trunk=90.0 - lean,
                                     bend=_get(ch, "bend"), head=_get(ch, "head"),
                                     legs=_pair_targets(0.0, body.ankle_height, 0.11 * k, end=0.0))


def _pair_targets(x: float, y: float, z: float, end: float) -> tuple[Limb, Limb]:
    """Both feet planted at ``(x, y, ±z)``, the foot at the sagittal angle ``end``."""
    return Limb(end=end, target=(x, y, z)), Limb(end=end, target=(x, y, -z))


_POSTURES = {"prone": _prone, "bench": _bench, "standing": _standing, "seated": _seated, "child": _child,
             "fours": _child, "hinge": hinge}
