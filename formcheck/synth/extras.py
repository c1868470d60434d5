"""Motions of the exercises that have a demo but no sample video: cat-cow and the strength extras.

Ranges are the programmes' own cues: a squat sits until the thighs are about level (knees
~75 deg, chest leaning ~40 deg); a lunge lowers the back knee to a hand's width off the
floor with both knees near 90 deg; a good morning hinges until the torso is ~15 deg off
level on soft knees; a single-leg deadlift takes the free leg back in line with the torso;
a curl bends the elbows to ~45 deg with the upper arms still at the sides; cat-cow rounds
the back up with the chin tucked, then lets the belly sag with the head up. Faults are the
form rules of each spec: the chest dropping forward (squat, lunge), the back rounding
(hinges), the free leg staying low, the elbows drifting forward or the torso swinging back
in a curl. The push-up and hip thrust are beside the plank and the bridge they vary, in
:mod:`formcheck.synth.motions`.

Example:
    >>> from formcheck.synth.skeleton import Body
    >>> squat(Body.scaled(1.75), Phase(s=1.0)).pelvis[1] < 0.6
    True
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.keyframes import Move, hinge
from formcheck.synth.motions import Phase, lerp
from formcheck.synth.skeleton import Body, Limb, Pose, forward_kinematics, sagittal


def _v(p: np.ndarray) -> tuple[float, float, float]:
    return float(p[0]), float(p[1]), float(p[2])

#: On hands and knees: from the cat (lower back rounded up, upper back flexed, chin tucked) to the
#: cow (lower back sagging, upper back extended, head up); the hands stay under the shoulders.
cat_cow = Move("fours", {"trunk": (18.0, -12.0), "bend": (40.0, -25.0), "head": (-25.0, 18.0),
                         "hand_fwd": (0.50, 0.50), "hand_up": (0.035, 0.035), "hand_out": (0.17, 0.17)},
               arms="reach", anchor="world")

def _ease(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * float(np.cos(np.pi * u))


def _hanging(abduct: float = 6.0) -> tuple[Limb, Limb]:
    arm = Limb(-90.0, -90.0, abduct=abduct)
    return arm, arm


def _arms_crossed(body: Body, pose: Pose) -> tuple[Limb, Limb]:
    """Arms crossed on the chest, each hand at the other shoulder (placed from the trunk, whatever it does)."""
    j = forward_kinematics(body, pose)
    up = j["neck"] - j["spine"]
    up = up / np.linalg.norm(up)
    front = np.cross(j["left"], up)  # the way the chest faces
    arms = []
    for other, sign, low in (("r", 1.0, 0.04), ("l", -1.0, 0.09)):  # the right forearm under the left
        wrist = j[f"shoulder_{other}"] + 0.13 * front - low * up + 0.02 * sign * j["left"]
        arms.append(Limb(target=_v(wrist), pole=_v(-up + 0.6 * sign * j["left"])))
    return arms[0], arms[1]


def good_morning(body: Body, ph: Phase) -> Pose:
    """Arms crossed on the chest: the hips go back as the torso hinges to ~15 deg off level on soft knees,
    the head in line with it. ``rounded_back`` rounds the upper back and drops the head."""
    s, w = ph.s, ph.w("rounded_back")
    pose = hinge(body, {"trunk": lerp(-3.0, -75.0, s), "knee": lerp(4.0, 20.0, s), "bend": 32.0 * w * s,
                        "head": lerp(0.0, 8.0, s) - 25.0 * w * s})
    return pose.with_(arms=_arms_crossed(body, pose))


def squat(body: Body, ph: Phase) -> Pose:
    """Feet planted a little wider than the hips; the hips sit back and down until the thighs are
    ~10 deg above level (shins ~25 deg forward), the arms rise forward to balance."""
    k, s = body.height / 1.75, ph.s
    ankle = np.array([0.0, body.ankle_height, 0.0])
    knee = ankle + body.shin * sagittal(90.0 - 25.0)  # forward over the toes
    bottom = knee + body.thigh * np.array([np.cos(np.radians(10.0)), np.sin(np.radians(10.0)), 0.0])
    top = np.array([0.02 * k, body.ankle_height + body.leg - 0.005 * k, 0.0])
    pelvis = top + (bottom - top) * s
    trunk = lerp(88.0, 50.0 - 25.0 * ph.w("torso_too_forward"), s)
    reach = lerp(-88.0, -8.0, s)
    arms = Limb(reach, reach, abduct=8.0)
    feet = [Limb(end=0.0, target=(0.0, body.ankle_height, sign * 0.15 * k)) for sign in (1.0, -1.0)]
    return Pose(pelvis=(float(pelvis[0]), float(pelvis[1]), 0.0), trunk=trunk, head=0.5 * (88.0 - trunk),
                arms=(arms, arms), legs=(feet[0], feet[1]))


def lunge(body: Body, ph: Phase) -> Pose:
    """From standing, the working side's foot steps ~0.9 m forward and the body lowers until the front
    thigh is about level and the back knee a hand's width off the floor, back heel up; the torso
    stays upright. The way back is the same in reverse."""
    k, s = body.height / 1.75, ph.s
    front = 1 if ph.side == "right" else 0
    step = _ease(s / 0.55)  # the foot lands before the body sinks
    stride = 0.88 * k
    pelvis_x = -0.5 * stride * _ease(s / 0.6)
    pelvis_y = lerp(body.ankle_height + body.leg - 0.003 * k, body.ankle_height + body.shin + 0.06 * k, s)
    heel_up = _ease((s - 0.4) / 0.6)  # the back foot rolls onto its toes
    legs = []
    for i, sign in ((0, 1.0), (1, -1.0)):
        if i == front:
            at, end = (-stride * step, body.ankle_height + 0.07 * k * np.sin(np.pi * step)), 0.0
        else:
            at, end = (0.03 * k * heel_up, body.ankle_height + 0.05 * k * heel_up), -45.0 * heel_up
        legs.append(Limb(end=end, target=(float(at[0]), float(at[1]), sign * 0.1 * k)))
    trunk = 88.0 - 35.0 * ph.w("torso_too_forward") * s
    return Pose(pelvis=(float(pelvis_x), float(pelvis_y), 0.0), trunk=trunk, head=0.5 * (88.0 - trunk),
                arms=_hanging(), legs=(legs[0], legs[1]))


def single_leg_rdl(body: Body, ph: Phase) -> Pose:
    """On the working side's leg (knee soft), dumbbells hanging: the torso hinges to ~10 deg off level
    while the free leg reaches back in line with it; hips square. ``free_leg_low`` keeps the free
    leg hanging down; ``rounded_back`` rounds the upper back and drops the head."""
    s, rounded = ph.s, ph.w("rounded_back") * ph.s
    lean = lerp(3.0, 80.0, s)
    pose = hinge(body, {"trunk": -lean, "knee": lerp(5.0, 18.0, s), "hips_back": 0.25,  # the free leg balances
                        "bend": 32.0 * rounded, "head": lerp(0.0, 8.0, s) - 25.0 * rounded})
    free = -90.0 - lean * (1.0 - ph.w("free_leg_low"))
    legs = list(pose.legs)
    legs[0 if ph.side == "right" else 1] = Limb(free, free - 8.0 * s, free + 90.0, abduct=2.0)  # side: standing leg
    return pose.with_(arms=_hanging(4.0), legs=(legs[0], legs[1]))


def biceps_curl(body: Body, ph: Phase) -> Pose:
    """Standing tall, elbows at the sides: the forearms curl from hanging to ~45 deg at the elbow.
    ``elbows_drifting`` swings the upper arms ~45 deg forward; ``torso_swinging`` leans back ~18 deg."""
    s = ph.s
    drift = 45.0 * ph.w("elbows_drifting") * s  # the weight still comes up to the shoulder
    arm = Limb(-88.0 + drift, lerp(-84.0, 50.0, s) + drift, abduct=7.0, abduct_lower=4.0)
    return Pose.standing(body).with_(trunk=90.0 + 18.0 * ph.w("torso_swinging") * s, arms=(arm, arm))
