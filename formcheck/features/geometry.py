"""Pure, vectorised geometry on landmarks: angles, inclinations, elevations, distances.

Every function takes points as ``(2,)``/``(3,)`` or ``(n, 2)``/``(n, 3)`` arrays
(one row per frame) and returns a float or an ``(n,)`` array. Nothing here
keeps state, reads files or raises on bad numbers: a NaN in, a NaN out, so a
landmark hidden in one frame costs that frame only.

Image conventions: 2-D points are in *pixels* (x right, y down), so angles are
not distorted by the frame's aspect ratio (see ``PoseFrame.pixels``).

Example:
    >>> import numpy as np
    >>> round(float(joint_angle(np.array([1.0, 0, 0]), np.zeros(3), np.array([0, 1.0, 0]))), 1)
    90.0
"""

from __future__ import annotations

import math
from operator import mul, sub

import numpy as np

_EPS = 1e-9


def _as2d(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a[None, :] if a.ndim == 1 else a


def _out(x: np.ndarray, scalar: bool) -> np.ndarray:
    return x[0] if scalar else x


def _one_row(*arrays: np.ndarray) -> list[list[float]] | None:
    """The single row of each ``(1, k)`` array as floats (the live path), else None.

    One frame at a time, numpy's per-call overhead costs more than the arithmetic: the
    functions below do one row in plain floats, with the same results.
    """
    rows = []
    for x in arrays:  # a loop, not all(...) over a generator: this runs for every feature of every frame
        if not (isinstance(x, np.ndarray) and x.ndim == 2 and x.shape[0] == 1):
            return None
        rows.append(x.tolist()[0])
    return rows


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ``a-b-c`` at vertex ``b`` in degrees, in ``[0, 180]``.

    Works for 2-D (image) or 3-D (world) points, one point or one row per frame.

    Example:
        >>> float(joint_angle(np.array([0.0, -1]), np.zeros(2), np.array([0.0, 1])))
        180.0
    """
    rows = _one_row(a, b, c)
    if rows is not None:
        pa, pb, pc = rows
        u, v = list(map(sub, pa, pb)), list(map(sub, pc, pb))  # map: no generator frames (same sums)
        den = math.sqrt(sum(map(mul, u, u)) * sum(map(mul, v, v)))
        if not den > _EPS * _EPS:  # also NaN
            return np.array([math.nan])
        cos = max(-1.0, min(1.0, sum(map(mul, u, v)) / den))
        return np.array([math.degrees(math.acos(cos))])
    scalar = np.ndim(b) == 1
    a2, b2, c2 = _as2d(a), _as2d(b), _as2d(c)
    u, v = a2 - b2, c2 - b2
    dot = np.einsum("ij,ij->i", u, v)
    den = np.sqrt(np.einsum("ij,ij->i", u, u) * np.einsum("ij,ij->i", v, v))
    # where= instead of np.errstate: no warning for ~0 lengths, and no context switch per call (live path).
    cos = np.divide(dot, den, out=np.full_like(dot, np.nan), where=den > _EPS * _EPS)
    return _out(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), scalar)


def inclination(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the line ``a-b`` from the image vertical, degrees in ``[0, 90]``.

    0 = the segment is vertical (standing torso), 90 = horizontal (plank torso).
    It is a *line* angle, so it does not depend on which way the subject faces.

    Example:
        >>> float(inclination(np.array([0.0, 0]), np.array([5.0, 0])))
        90.0
    """
    scalar = np.ndim(a) == 1
    d = _as2d(b)[:, :2] - _as2d(a)[:, :2]
    ang = np.degrees(np.arctan2(np.abs(d[:, 0]), np.abs(d[:, 1])))
    ang = np.where(np.hypot(d[:, 0], d[:, 1]) < _EPS, np.nan, ang)
    return _out(ang, scalar)


def elevation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed angle of the vector ``a→b`` above the image horizontal, degrees in ``[-90, 90]``.

    Positive when ``b`` is higher in the image than ``a`` (pixel y grows down):
    a bird-dog arm reaching forward level with the shoulder is ~0, hanging down
    is -90, raised overhead is +90. Independent of facing left or right.

    Example:
        >>> float(elevation(np.array([0.0, 0]), np.array([1.0, -1])))
        45.0
    """
    scalar = np.ndim(a) == 1
    d = _as2d(b)[:, :2] - _as2d(a)[:, :2]
    ang = np.degrees(np.arctan2(-d[:, 1], np.abs(d[:, 0])))
    ang = np.where(np.hypot(d[:, 0], d[:, 1]) < _EPS, np.nan, ang)
    return _out(ang, scalar)


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between ``a`` and ``b`` (per row)."""
    rows = _one_row(a, b)
    if rows is not None and len(rows[0]) == 2:  # 3-D: einsum adds the squares in another order
        d1 = list(map(sub, rows[1], rows[0]))
        return np.array([math.sqrt(sum(map(mul, d1, d1)))])
    scalar = np.ndim(a) == 1
    d = _as2d(b) - _as2d(a)
    return _out(np.sqrt(np.einsum("ij,ij->i", d, d)), scalar)


def normalised_distance(a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Distance ``a-b`` divided by a body size (e.g. torso length), NaN if the scale is ~0.

    Dividing by the torso length makes thresholds independent of how far the
    subject stands from the camera.
    """
    d = np.asarray(distance(a, b), dtype=np.float64)
    s = np.broadcast_to(np.asarray(scale, dtype=np.float64), d.shape)
    return np.divide(d, s, out=np.full_like(d, np.nan), where=s > _EPS)


def signed_offset(point: np.ndarray, a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Distance of ``point`` from the line ``a-b``, positive when it lies *below* the line in the image.

    Normalised by ``scale``. Used for hip sag (+) / pike (-) against the
    shoulder-ankle line, whichever way the subject faces.
    """
    scalar = np.ndim(point) == 1
    p, a2, b2 = _as2d(point)[:, :2], _as2d(a)[:, :2], _as2d(b)[:, :2]
    d = b2 - a2
    n = np.stack([-d[:, 1], d[:, 0]], axis=1)  # a normal of the line
    n = np.where((n[:, 1] < 0)[:, None], -n, n)  # make it point down (image y grows down)
    nn = np.hypot(n[:, 0], n[:, 1])
    den = nn * np.broadcast_to(np.asarray(scale, dtype=np.float64), nn.shape)
    num = np.einsum("ij,ij->i", p - a2, n)
    off = np.divide(num, den, out=np.full_like(num, np.nan), where=(nn > _EPS) & (den > _EPS * _EPS))
    return _out(off, scalar)


def signed_bend(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """How far segment ``b→c`` turns *upwards* from the direction ``a→b``, degrees in ``(-180, 180]``.

    0 = ``c`` continues the line ``a-b``; positive when ``c`` is rotated toward
    the image top (e.g. the head lifted above the torso line: neck extension in
    a prone or hinged posture); negative when it drops.
    """
    scalar = np.ndim(b) == 1
    a2, b2, c2 = _as2d(a)[:, :2], _as2d(b)[:, :2], _as2d(c)[:, :2]
    u, v = b2 - a2, c2 - b2
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = np.einsum("ij,ij->i", u, v)
    ang = np.degrees(np.arctan2(cross, dot))  # positive = clockwise on screen (y down)
    # "Up" rotation is clockwise when u points right (x>0) and counter-clockwise when it points left.
    sign = np.where(u[:, 0] >= 0, -1.0, 1.0)
    ang = ang * sign
    bad = (np.hypot(u[:, 0], u[:, 1]) < _EPS) | (np.hypot(v[:, 0], v[:, 1]) < _EPS)
    return _out(np.where(bad, np.nan, ang), scalar)


def symmetry(left: np.ndarray | float, right: np.ndarray | float) -> np.ndarray:
    """Absolute left/right difference of a feature (0 = symmetric); NaN if either is unknown."""
    return np.abs(np.asarray(left, dtype=np.float64) - np.asarray(right, dtype=np.float64))


def tilt_3d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the 3-D segment ``a-b`` out of the horizontal plane, degrees in ``[0, 90]``.

    World landmarks have y pointing down, so this is ``asin(|dy| / |d|)``: the
    roll of the pelvis (hip to hip) or shoulders, seen from any camera angle.
    """
    scalar = np.ndim(a) == 1
    d = _as2d(b) - _as2d(a)
    n = np.sqrt(np.einsum("ij,ij->i", d, d))
    ratio = np.divide(np.abs(d[:, 1]), n, out=np.full_like(n, np.nan), where=n > _EPS)
    return _out(np.degrees(np.arcsin(np.clip(ratio, 0.0, 1.0))), scalar)


def inclination_3d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the 3-D segment ``a-b`` from the vertical, degrees in ``[0, 90]``.

    From world landmarks (y down): 0 = vertical (standing torso), 90 = horizontal
    (plank torso). A turn of a level camera about the vertical axis does not
    change it, unlike the image-plane :func:`inclination` (a 45-degree torso
    filmed from 45 degrees off the side reads ~35 degrees in the image).

    Example:
        >>> float(inclination_3d(np.array([0.0, 0, 0]), np.array([0.0, 0, 2])))
        90.0
    """
    rows = _one_row(a, b)
    if rows is not None:
        dx, dy, dz = (y - x for x, y in zip(*rows))
        h = math.hypot(dx, dz)
        return np.array([math.degrees(math.atan2(h, abs(dy))) if math.hypot(h, dy) >= _EPS else math.nan])
    scalar = np.ndim(a) == 1
    d = _as2d(b) - _as2d(a)
    horiz = np.hypot(d[:, 0], d[:, 2])
    ang = np.degrees(np.arctan2(horiz, np.abs(d[:, 1])))
    ang = np.where(np.hypot(horiz, d[:, 1]) < _EPS, np.nan, ang)
    return _out(ang, scalar)


def elevation_3d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed angle of the 3-D vector ``a→b`` above the horizontal plane, degrees in ``[-90, 90]``.

    From world landmarks (y down), so a level camera's turn does not change it: an
    arm reaching forward level with the shoulder is ~0 from the side and from 45 degrees.

    Example:
        >>> float(elevation_3d(np.array([0.0, 0, 0]), np.array([0.0, -1, 1])))
        45.0
    """
    rows = _one_row(a, b)
    if rows is not None:
        dx, dy, dz = (y - x for x, y in zip(*rows))
        h = math.hypot(dx, dz)
        return np.array([math.degrees(math.atan2(-dy, h)) if math.hypot(h, dy) >= _EPS else math.nan])
    scalar = np.ndim(a) == 1
    d = _as2d(b) - _as2d(a)
    horiz = np.hypot(d[:, 0], d[:, 2])
    ang = np.degrees(np.arctan2(-d[:, 1], horiz))
    ang = np.where(np.hypot(horiz, d[:, 1]) < _EPS, np.nan, ang)
    return _out(ang, scalar)


def vertical_offset_3d(point: np.ndarray, a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """How far ``point`` lies *below* the 3-D line ``a-b`` (world y down), divided by ``scale``.

    The hip against the shoulder-ankle line: + when it sags, - when it pikes, from any
    camera angle (the image-plane version shrinks as the camera turns towards the head).

    Example:
        >>> a, b = np.array([0.0, 0, 0]), np.array([2.0, 0, 0])
        >>> float(vertical_offset_3d(np.array([1.0, 0.5, 0]), a, b, np.array(1.0)))
        0.5
    """
    scalar = np.ndim(point) == 1
    p, a3, b3 = _as2d(point), _as2d(a), _as2d(b)
    d = b3 - a3
    dd = np.einsum("ij,ij->i", d, d)
    s = np.divide(np.einsum("ij,ij->i", p - a3, d), dd, out=np.full_like(dd, np.nan), where=dd > _EPS)
    line_y = a3[:, 1] + s * d[:, 1]
    sc = np.broadcast_to(np.asarray(scale, dtype=np.float64), line_y.shape)
    off = np.divide(p[:, 1] - line_y, sc, out=np.full_like(line_y, np.nan), where=sc > _EPS)
    return _out(off, scalar)


def body_turn_3d(world: np.ndarray) -> np.ndarray:
    """Degrees the body is turned from a side-on view, from world landmarks: 0 side-on, 90 facing.

    World landmarks keep the camera's axes (x right, z away from the camera), so the
    shoulder and hip lines point along z side-on and along x facing the camera (or facing
    away). The mean of both lines, per frame; ``world`` is ``(n, 33, 3)`` (or ``(33, 3)``).

    Example:
        >>> w = np.zeros((33, 3)); w[11] = [0.2, 0, 0]; w[12] = [-0.2, 0, 0]
        >>> w[23] = [0.1, 0.5, 0]; w[24] = [-0.1, 0.5, 0]
        >>> float(body_turn_3d(w))
        90.0
    """
    scalar = np.ndim(world) == 2
    w = world[None] if scalar else world
    angles = []
    for a, b in ((11, 12), (23, 24)):  # shoulders, hips
        d = w[:, a] - w[:, b]
        ang = np.degrees(np.arctan2(np.abs(d[:, 0]), np.abs(d[:, 2])))
        angles.append(np.where(np.hypot(d[:, 0], d[:, 2]) < _EPS, np.nan, ang))
    stacked = np.vstack(angles)
    count = np.sum(~np.isnan(stacked), axis=0)
    total = np.nansum(stacked, axis=0)
    return _out(np.divide(total, count, out=np.full(total.shape, np.nan), where=count > 0), scalar)


def masked(values: np.ndarray, visibility: np.ndarray, min_visibility: float) -> np.ndarray:
    """``values`` with NaN where ``visibility`` (per row) is below ``min_visibility``."""
    return np.where(np.asarray(visibility) >= min_visibility, values, np.nan)
