"""Inverse kinematics for planted hands and feet (two-segment limbs), and joint angles.

Example:
    >>> import numpy as np
    >>> knee = two_link(np.zeros(3), np.array([0.0, -0.8, 0.0]), 0.44, 0.43, np.array([-1.0, 0, 0]))
    >>> bool(knee[0] < 0)  # bends towards the pole
    True
"""

from __future__ import annotations

import numpy as np


def two_link(root: np.ndarray, end: np.ndarray, l1: float, l2: float, pole: np.ndarray) -> np.ndarray:
    """Middle joint of a two-segment chain from ``root`` to a planted ``end``.

    The chain bends towards ``pole`` (a direction, e.g. forward for a knee).
    When ``end`` is out of reach the chain is straight towards it, so a script
    that asks slightly too much gives a locked limb rather than a crash.
    """
    d = end - root
    dist = float(np.linalg.norm(d))
    if dist < 1e-9:
        return root + l1 * pole / max(float(np.linalg.norm(pole)), 1e-9)
    axis = d / dist
    dist = min(dist, l1 + l2 - 1e-6)
    dist = max(dist, abs(l1 - l2) + 1e-6)
    # Law of cosines: distance along the axis to the foot of the middle joint, and its height.
    a = (l1 * l1 - l2 * l2 + dist * dist) / (2.0 * dist)
    h = np.sqrt(max(l1 * l1 - a * a, 0.0))
    side = pole - np.dot(pole, axis) * axis
    n = float(np.linalg.norm(side))
    side = side / n if n > 1e-9 else np.zeros(3)
    return np.asarray(root + a * axis + h * side, dtype=float)


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC in degrees (3-D)."""
    u, v = a - b, c - b
    cos = float(np.dot(u, v) / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-12))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
