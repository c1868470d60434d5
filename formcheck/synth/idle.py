"""The "not exercising" script: stand, walk in place, kneel down to all fours and back up.

Unlike the exercise scripts it is driven by time, not by rep progress: a
list of keyframe poses blended in turn (:data:`IDLE_SCRIPT`).
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.motions import Phase, bird_dog, lerp
from formcheck.synth.skeleton import Body, Limb, Pose


def _kneel(body: Body) -> Pose:
    y = body.thigh + 0.06
    return Pose(pelvis=(0.0, y, 0.0), trunk=88.0, arms=(Limb(-95, -90, abduct=8), Limb(-95, -90, abduct=8)),
                legs=(Limb(-90, -180, -180), Limb(-90, -180, -180)))


def blend(a: Pose, b: Pose, u: float) -> Pose:
    """Pose between ``a`` (u=0) and ``b`` (u=1), field by field."""
    def limb(x: Limb, y: Limb) -> Limb:
        ends = None if x.end is None or y.end is None else lerp(x.end, y.end, u)
        return Limb(lerp(x.upper, y.upper, u), lerp(x.lower, y.lower, u), ends, lerp(x.abduct, y.abduct, u))
    pa, pb = a.pelvis, b.pelvis
    return Pose(pelvis=(lerp(pa[0], pb[0], u), lerp(pa[1], pb[1], u), lerp(pa[2], pb[2], u)),
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
    for end, what in IDLE_SCRIPT:  # noqa: B007 - `what` is read after the loop
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
