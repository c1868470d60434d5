"""Landmark-only synthetic tracks for engine tests: poses drawn from a few 2-D joint positions.

Images are square (480 x 480) so normalised and pixel angles agree. Both sides get the same
points (a side view), unless a side's point is given explicitly.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark

WH = (480, 480)


def make_frame(t: float, points: dict[str, tuple[float, float]], *, num_people: int = 1,
               visibility: float = 0.99, index: int = 0) -> PoseFrame:
    """A frame from ``{"hip": (x, y), "left_wrist": (x, y), ...}`` in normalised image coordinates."""
    image = np.zeros((33, 3), np.float32)
    image[:, :2] = 0.5
    for name, (x, y) in points.items():
        targets = [name] if name.startswith(("left_", "right_")) or name == "nose" else [f"left_{name}", f"right_{name}"]
        for tname in targets:
            image[int(Landmark[tname.upper()])] = (x, y, 0.0)
    world = image.copy()
    world[:, :2] = (image[:, :2] - 0.5) * 2.0
    vis = np.full(33, visibility, np.float32)
    return PoseFrame(t=t, image_wh=WH, image=image, world=world, visibility=vis, presence=np.ones(33, np.float32),
                     num_people=num_people, index=index)


def bridge_points(hip_angle: float, torso_up: float = 0.0) -> dict[str, tuple[float, float]]:
    """Glute bridge seen from the side: shoulder-hip-knee angle ``hip_angle`` (deg).

    ``torso_up`` tilts the torso (deg from horizontal), 90 = standing upright.
    """
    hip = (0.5, 0.7)
    a = math.radians(torso_up)
    shoulder = (hip[0] - 0.25 * math.cos(a), hip[1] - 0.25 * math.sin(a))
    sv = (shoulder[0] - hip[0], shoulder[1] - hip[1])
    base = math.atan2(sv[1], sv[0])
    k = base + math.radians(hip_angle)  # rotate the shoulder direction by the hip angle
    knee = (hip[0] + 0.2 * math.cos(k), hip[1] + 0.2 * math.sin(k))
    ankle = (knee[0] + 0.03, knee[1] + 0.18)
    return {"shoulder": shoulder, "hip": hip, "knee": knee, "ankle": ankle, "ear": (shoulder[0] - 0.05, shoulder[1]),
            "elbow": (shoulder[0] + 0.05, hip[1]), "wrist": (shoulder[0] + 0.15, hip[1])}


def bridge_track(angles: list[float], fps: float = 15.0, t0: float = 0.0, **kw: float) -> list[PoseFrame]:
    """One frame per hip angle, ``fps`` apart."""
    return [make_frame(t0 + i / fps, bridge_points(a, **kw), index=i) for i, a in enumerate(angles)]


def ramp(a: float, b: float, seconds: float, fps: float = 15.0) -> list[float]:
    n = max(2, int(round(seconds * fps)))
    return list(np.linspace(a, b, n))


def bird_dog_points(left_reach: float, right_reach: float) -> dict[str, tuple[float, float]]:
    """On all fours, head to the left. ``left_reach`` lifts the left arm and the right thigh from
    hanging (-90 deg elevation) towards level (0 deg); ``right_reach`` the other diagonal."""
    sh, hip = (0.3, 0.5), (0.6, 0.5)
    pts: dict[str, tuple[float, float]] = {"shoulder": sh, "hip": hip, "ear": (0.25, 0.47)}
    for side, reach in (("left", left_reach), ("right", right_reach)):
        arm = math.radians(reach)
        pts[f"{side}_elbow"] = (sh[0] - 0.1 * math.cos(arm), sh[1] - 0.1 * math.sin(arm))
        pts[f"{side}_wrist"] = (sh[0] - 0.2 * math.cos(arm), sh[1] - 0.2 * math.sin(arm))
        other = "right" if side == "left" else "left"
        knee = (hip[0] + 0.2 * math.cos(arm), hip[1] - 0.2 * math.sin(arm))
        pts[f"{other}_knee"] = knee
        pts[f"{other}_ankle"] = (knee[0] + 0.2, knee[1]) if reach < -45 else (knee[0] + 0.2 * math.cos(arm),
                                                                              knee[1] - 0.2 * math.sin(arm))
    return pts


def plank_points(sag: float = 0.0, lying: bool = False) -> dict[str, tuple[float, float]]:
    """Side-view forearm plank, head to the left. ``sag`` moves the hip down (+) or up (-) from
    the shoulder-ankle line, in torso lengths; ``lying`` drops the hips to the floor."""
    sh, ankle = (0.2, 0.45), (0.85, 0.6)
    torso = 0.25
    hx = 0.2 + torso
    line_y = sh[1] + (ankle[1] - sh[1]) * (hx - sh[0]) / (ankle[0] - sh[0])
    hip = (hx, line_y + (0.12 if lying else sag * torso))
    knee = ((hip[0] + ankle[0]) / 2, (hip[1] + ankle[1]) / 2)
    return {"shoulder": sh, "hip": hip, "knee": knee, "ankle": ankle, "elbow": (0.22, 0.6), "wrist": (0.3, 0.6),
            "ear": (0.12, 0.48), "heel": (0.87, 0.54), "foot_index": (0.86, 0.58)}
