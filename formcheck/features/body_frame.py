"""Pure, vectorised measures in the body's own frame: signed lean, lateral head tilt, heights.

:mod:`~formcheck.features.geometry` measures segments against the image or the world
vertical. Some movements are only readable against the body itself: a head tilted
towards one shoulder (the ear line against the shoulder line), a torso leaning back
rather than forward (which needs the way the chest faces: the horizontal normal of the
shoulder line), a shoulder dropped below the other one, the nose between the ears.

Every function takes ``(n, 2)`` image points (pixels, y down) or ``(n, 3)`` world points
(metres, y down) and returns ``(n,)`` values, NaN where a point is NaN or a segment has no
length: a hidden landmark costs its frame only.

Example:
    >>> import numpy as np
    >>> l_hip, r_hip = np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]])
    >>> round(float(side_lean(l_hip, r_hip, np.array([[0.0, -2.0]]))[0]), 1)  # upright
    0.0
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-9


def _rows(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a[None, :] if a.ndim == 1 else a


def _norm(v: np.ndarray) -> np.ndarray:
    return np.asarray(np.sqrt(np.einsum("ij,ij->i", v, v)))


def _unit(v: np.ndarray) -> np.ndarray:
    n = _norm(v)
    return np.asarray(np.divide(v, n[:, None], out=np.full_like(v, np.nan), where=n[:, None] > _EPS))


def lean_back_3d(l_shoulder: np.ndarray, r_shoulder: np.ndarray, l_hip: np.ndarray,
                 r_hip: np.ndarray) -> np.ndarray:
    """Torso (hip midpoint → shoulder midpoint) from the world vertical, signed by the chest's facing.

    Positive = leaning back (the shoulders behind the hips), negative = leaning forward,
    degrees in ``[-180, 180]``; 0 = upright. The facing comes from the shoulder line, so the
    sign is right from any camera angle, where an image inclination (0-90, unsigned) cannot
    tell a lean back from a lean forward.

    Example:
        >>> ls, rs = np.array([[0.2, -0.5, 0.2]]), np.array([[-0.2, -0.5, 0.2]])  # shoulders behind
        >>> lh, rh = np.array([[0.1, 0.0, 0.0]]), np.array([[-0.1, 0.0, 0.0]])    # (camera in front)
        >>> round(float(lean_back_3d(ls, rs, lh, rh)[0]), 1)
        21.8
    """
    sh = 0.5 * (_rows(l_shoulder) + _rows(r_shoulder))
    hip = 0.5 * (_rows(l_hip) + _rows(r_hip))
    d = sh - hip
    right = _unit(_rows(r_shoulder) - _rows(l_shoulder))
    vertical = np.broadcast_to(np.array([0.0, -1.0, 0.0]), d.shape)
    # The horizontal way the chest faces: vertical × right (not the torso axis, which tilts).
    facing = _unit(np.cross(vertical, right))
    ang = np.degrees(np.arctan2(-np.einsum("ij,ij->i", d, facing), -d[:, 1]))
    return np.asarray(np.where(_norm(d) < _EPS, np.nan, ang))


def lateral_tilt(line_from: np.ndarray, line_to: np.ndarray, ref_from: np.ndarray, ref_to: np.ndarray,
                 down: np.ndarray) -> np.ndarray:
    """Tilt of the line ``line_from→line_to`` against the reference line ``ref_from→ref_to``, degrees.

    Both lines point towards the same side of the body (e.g. other ear → this ear, other
    shoulder → this shoulder). Positive when the ``line_to`` end is lowered towards ``down``
    (the direction from the shoulders to the hips) relative to the reference line: a head
    tilted towards this side's shoulder. Measured in the plane of the reference line and
    ``down``, so a head turned or poked forward adds little. 2-D or 3-D points.

    Example:
        >>> z = np.zeros((1, 2))
        >>> ear_to = np.array([[1.0, 1.0]])        # this ear lower (y down) than the other
        >>> sh_to, down = np.array([[2.0, 0.0]]), np.array([[0.0, 1.0]])
        >>> round(float(lateral_tilt(z, ear_to, z, sh_to, down)[0]), 1)
        45.0
    """
    line = _rows(line_to) - _rows(line_from)
    ref = _unit(_rows(ref_to) - _rows(ref_from))
    d = _rows(down)
    # "Down" made perpendicular to the reference line, so a leaning torso does not bias the tilt.
    perp = _unit(d - np.einsum("ij,ij->i", d, ref)[:, None] * ref)
    ang = np.degrees(np.arctan2(np.einsum("ij,ij->i", line, perp), np.einsum("ij,ij->i", line, ref)))
    return np.asarray(np.where(_norm(line) < _EPS, np.nan, ang))


def side_lean(hip_other: np.ndarray, hip_this: np.ndarray, shoulder_mid: np.ndarray) -> np.ndarray:
    """Torso (hip midpoint → shoulder midpoint) leaning towards ``hip_this``'s side, degrees (signed).

    Measured against the normal of the hip line, so it is the sideways lean alone (a lean
    forward or back adds nothing). 2-D from the front, or 3-D.

    Example:
        >>> lean = side_lean(np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[1.0, -1.0]]))
        >>> round(float(lean[0]), 1)
        45.0
    """
    lat = _unit(_rows(hip_this) - _rows(hip_other))
    d = _rows(shoulder_mid) - 0.5 * (_rows(hip_this) + _rows(hip_other))
    along = np.einsum("ij,ij->i", d, lat)
    across = _norm(d - along[:, None] * lat)
    return np.asarray(np.where(_norm(d) < _EPS, np.nan, np.degrees(np.arctan2(along, across))))


#: A head's nose lies ~1.33 ear half-widths in front of the ear axis (MediaPipe's landmarks on
#: an adult head: nose ~10 cm forward, ears ~7.5 cm to each side).
NOSE_OVER_EAR = 1.33


def head_turn(nose: np.ndarray, ear_this: np.ndarray, ear_other: np.ndarray) -> np.ndarray:
    """Face turned towards ``ear_this``'s side, approximate degrees, from image points (front view).

    Facing the camera, the nose sits midway between the ears; turned by θ it moves towards
    one ear by ``NOSE_OVER_EAR · tan θ`` half ear-distances. NaN when the ears coincide (a
    side view, where this measure means nothing).

    Example:
        >>> ear_l, ear_r = np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]])
        >>> round(float(head_turn(np.array([[0.0, 0.0]]), ear_r, ear_l)[0]), 1)
        0.0
    """
    e = _rows(ear_this) - _rows(ear_other)
    half = 0.5 * np.einsum("ij,ij->i", e, e)
    offset = np.einsum("ij,ij->i", _rows(nose) - 0.5 * (_rows(ear_this) + _rows(ear_other)), e)
    q = np.divide(offset, half, out=np.full_like(half, np.nan), where=half > _EPS)
    return np.asarray(np.degrees(np.arctan(q / NOSE_OVER_EAR)))


def height_along(point: np.ndarray, base: np.ndarray, up: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """How far ``point`` lies above ``base`` along the direction ``up``, divided by ``scale``.

    With ``up`` the torso axis, the ear midpoint above the shoulder midpoint measures the
    neck's length (a shrug shortens it) whether the subject stands, sits or lies. NaN when
    ``scale`` is ~0.

    Example:
        >>> round(float(height_along(np.array([[0.0, -3.0]]), np.zeros((1, 2)), np.array([[0.0, -1.0]]),
        ...                          np.array([2.0]))[0]), 2)
        1.5
    """
    u = _unit(_rows(up))
    h = np.einsum("ij,ij->i", _rows(point) - _rows(base), u)
    s = np.broadcast_to(np.asarray(scale, dtype=np.float64), h.shape)
    return np.asarray(np.divide(h, s, out=np.full_like(h, np.nan), where=s > _EPS))
