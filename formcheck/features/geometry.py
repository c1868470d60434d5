"""Pure geometry on landmarks: angles, inclinations, elevations, distances; one formula for a frame or a clip.

A point is its coordinates ``(x, y)`` or ``(x, y, z)``. Each coordinate is either a float
(one frame: the live path) or an ``(n,)`` array (one value per frame: a whole clip), and
each function returns the same kind: a float or an ``(n,)`` array. ``(k,)`` and ``(n, k)``
arrays are accepted as points too. The formulas use Python's arithmetic, which numpy
arrays share, and take the few functions they need (square root, arc tangent, …) from
:func:`ops`: ``math`` for floats, numpy for arrays. So a live frame costs microseconds
(numpy's cost per call would dominate one row) and gives the same numbers as the clip.

Nothing here keeps state, reads files or raises on bad numbers: a NaN in, a NaN out, so a
landmark hidden in one frame costs that frame only.

Image conventions: 2-D points are in *pixels* (x right, y down), so angles are
not distorted by the frame's aspect ratio (see ``PoseFrame.pixels``).

Example:
    >>> import numpy as np
    >>> round(float(joint_angle(np.array([1.0, 0, 0]), np.zeros(3), np.array([0, 1.0, 0]))), 1)
    90.0
    >>> joint_angle([1.0, 0.0], [0.0, 0.0], [0.0, 1.0])
    90.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import sub
from typing import Any, TypeAlias

import numpy as np

_EPS = 1e-9
_EPS2 = _EPS * _EPS

#: A value per frame: a float (one frame) or an ``(n,)`` float array (one per frame).
Values: TypeAlias = Any
#: A point: ``(x, y)`` or ``(x, y, z)``, each coordinate ``Values`` (or a ``(k,)``/``(n, k)`` array).
Point: TypeAlias = Any


class _FloatOps:
    """The functions the formulas need, on one frame's floats."""

    sqrt = staticmethod(math.sqrt)
    atan2 = staticmethod(math.atan2)
    atan = staticmethod(math.atan)
    acos = staticmethod(math.acos)
    asin = staticmethod(math.asin)
    degrees = staticmethod(math.degrees)

    @staticmethod
    def where(cond: bool, x: float, y: float) -> float:
        return x if cond else y

    @staticmethod
    def div(num: float, den: float, ok: bool) -> float:
        """``num / den`` where ``ok``, else NaN (never a division by ~0)."""
        return num / den if ok else math.nan

    @staticmethod
    def clip(x: float, lo: float, hi: float) -> float:
        return x if x != x else lo if x < lo else hi if x > hi else x  # NaN stays NaN, as in numpy

    @staticmethod
    def fmax(a: float, b: float) -> float:
        """The larger, a NaN losing (``np.fmax``)."""
        return b if a != a else a if b != b or a >= b else b

    @staticmethod
    def fmin(a: float, b: float) -> float:
        """The smaller, a NaN losing (``np.fmin``)."""
        return b if a != a else a if b != b or a <= b else b

    @staticmethod
    def nanmean2(a: float, b: float) -> float:
        """The mean of two values, leaving out a NaN."""
        return b if a != a else a if b != b else (a + b) / 2


class _ArrayOps:
    """The same functions on ``(n,)`` arrays (numpy)."""

    sqrt = staticmethod(np.sqrt)
    atan2 = staticmethod(np.arctan2)
    atan = staticmethod(np.arctan)
    acos = staticmethod(np.arccos)
    asin = staticmethod(np.arcsin)
    degrees = staticmethod(np.degrees)
    where = staticmethod(np.where)
    clip = staticmethod(np.clip)
    fmax = staticmethod(np.fmax)
    fmin = staticmethod(np.fmin)

    @staticmethod
    def div(num: np.ndarray, den: np.ndarray, ok: np.ndarray) -> np.ndarray:
        return np.where(ok, num / np.where(ok, den, 1.0), np.nan)  # no warning where den is ~0

    @staticmethod
    def nanmean2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(a != a, b, np.where(b != b, a, (a + b) / 2))


#: `_FloatOps` or `_ArrayOps` (typed loosely: each function takes floats or arrays, like the formulas).
Ops: TypeAlias = Any


def ops(value: Values, *more: Values) -> Ops:
    """The functions for these values: numpy if any is an array, ``math`` for floats.

    The formulas below mostly ask with one value that every input went into (a float point
    with a clip's columns gives columns): one check per call.
    """
    if more:
        for v in more:
            if isinstance(v, np.ndarray):
                return _ArrayOps
    return _ArrayOps if isinstance(value, np.ndarray) else _FloatOps


def coords(p: Point) -> Sequence[Values]:
    """``p`` as its coordinates: a ``(k,)`` array gives floats, an ``(n, k)`` array columns."""
    if isinstance(p, np.ndarray):
        p = np.asarray(p, dtype=np.float64)
        return p.tolist() if p.ndim == 1 else [p[:, j] for j in range(p.shape[1])]
    return p  # type: ignore[no-any-return]


def _scalar(x: Values) -> Values:
    """A 0-d array as a float (a scale given as ``np.array(0.5)``)."""
    return float(x) if isinstance(x, np.ndarray) and x.ndim == 0 else x


def vector(a: Point, b: Point) -> list[Values]:
    """The vector ``a→b``: ``b - a`` per coordinate."""
    return list(map(sub, coords(b), coords(a)))


def midpoint(a: Point, b: Point) -> list[Values]:
    """The point halfway between ``a`` and ``b``."""
    return [0.5 * (x + y) for x, y in zip(coords(a), coords(b))]


def dot(u: Sequence[Values], v: Sequence[Values]) -> Values:
    """``u · v``, coordinate by coordinate in order (the same sum for a frame and a clip)."""
    s = u[0] * v[0] + u[1] * v[1]
    return s + u[2] * v[2] if len(u) > 2 else s


def norm(u: Sequence[Values]) -> Values:
    """The length of the vector ``u``."""
    sq = dot(u, u)
    return ops(sq).sqrt(sq)


def unit(u: Sequence[Values]) -> list[Values]:
    """``u`` divided by its length; NaN where it has none."""
    n = norm(u)
    m = ops(n)
    return [m.div(x, n, n > _EPS) for x in u]


def ratio(num: Values, den: Values) -> Values:
    """``num / den``, NaN where ``den`` is ~0 (a body size that collapsed)."""
    den = _scalar(den)
    return ops(num, den).div(num, den, den > _EPS)


def fmax(a: Values, b: Values) -> Values:
    """The larger of ``a`` and ``b`` per frame, a NaN losing."""
    return ops(a, b).fmax(a, b)


def fmin(a: Values, b: Values) -> Values:
    """The smaller of ``a`` and ``b`` per frame, a NaN losing."""
    return ops(a, b).fmin(a, b)


def joint_angle(a: Point, b: Point, c: Point) -> Values:
    """Angle ``a-b-c`` at vertex ``b`` in degrees, in ``[0, 180]``.

    Works for 2-D (image) or 3-D (world) points, one point or one row per frame.

    Example:
        >>> float(joint_angle(np.array([0.0, -1]), np.zeros(2), np.array([0.0, 1])))
        180.0
    """
    a, b, c = coords(a), coords(b), coords(c)
    u, v = list(map(sub, a, b)), list(map(sub, c, b))
    sq = dot(u, u) * dot(v, v)
    m = ops(sq)
    den = m.sqrt(sq)
    cos = m.div(dot(u, v), den, den > _EPS2)
    return m.degrees(m.acos(m.clip(cos, -1.0, 1.0)))


def inclination(a: Point, b: Point) -> Values:
    """Angle of the line ``a-b`` from the image vertical, degrees in ``[0, 90]``.

    0 = the segment is vertical (standing torso), 90 = horizontal (plank torso).
    It is a *line* angle, so it does not depend on which way the subject faces.

    Example:
        >>> float(inclination(np.array([0.0, 0]), np.array([5.0, 0])))
        90.0
    """
    dx, dy = vector(a, b)[:2]
    sq = dx * dx + dy * dy
    m = ops(sq)
    return m.where(m.sqrt(sq) < _EPS, math.nan, m.degrees(m.atan2(abs(dx), abs(dy))))


def elevation(a: Point, b: Point) -> Values:
    """Signed angle of the vector ``a→b`` above the image horizontal, degrees in ``[-90, 90]``.

    Positive when ``b`` is higher in the image than ``a`` (pixel y grows down):
    a bird-dog arm reaching forward level with the shoulder is ~0, hanging down
    is -90, raised overhead is +90. Independent of facing left or right.

    Example:
        >>> float(elevation(np.array([0.0, 0]), np.array([1.0, -1])))
        45.0
    """
    dx, dy = vector(a, b)[:2]
    sq = dx * dx + dy * dy
    m = ops(sq)
    return m.where(m.sqrt(sq) < _EPS, math.nan, m.degrees(m.atan2(-dy, abs(dx))))


def distance(a: Point, b: Point) -> Values:
    """Euclidean distance between ``a`` and ``b`` (per row)."""
    return norm(vector(a, b))


def normalised_distance(a: Point, b: Point, scale: Values) -> Values:
    """Distance ``a-b`` divided by a body size (e.g. torso length), NaN if the scale is ~0.

    Dividing by the torso length makes thresholds independent of how far the
    subject stands from the camera.
    """
    return ratio(distance(a, b), scale)


def signed_offset(point: Point, a: Point, b: Point, scale: Values) -> Values:
    """Distance of ``point`` from the line ``a-b``, positive when it lies *below* the line in the image.

    Normalised by ``scale``. Used for hip sag (+) / pike (-) against the
    shoulder-ankle line, whichever way the subject faces.
    """
    dx, dy = vector(a, b)[:2]
    px, py = vector(a, point)[:2]
    scale = _scalar(scale)
    m = ops(dx, px, scale)
    flip = m.where(dx < 0, -1.0, 1.0)  # the normal (-dy, dx) made to point down (image y grows down)
    nx, ny = -dy * flip, dx * flip
    nn = m.sqrt(nx * nx + ny * ny)
    den = nn * scale
    return m.div(px * nx + py * ny, den, (nn > _EPS) & (den > _EPS2))


def signed_bend(a: Point, b: Point, c: Point) -> Values:
    """How far segment ``b→c`` turns *upwards* from the direction ``a→b``, degrees in ``(-180, 180]``.

    0 = ``c`` continues the line ``a-b``; positive when ``c`` is rotated toward
    the image top (e.g. the head lifted above the torso line: neck extension in
    a prone or hinged posture); negative when it drops.
    """
    u, v = vector(a, b)[:2], vector(b, c)[:2]
    cross = u[0] * v[1] - u[1] * v[0]
    m = ops(cross)
    ang = m.degrees(m.atan2(cross, dot(u, v)))  # positive = clockwise on screen (y down)
    # "Up" rotation is clockwise when u points right (x>0) and counter-clockwise when it points left.
    ang = ang * m.where(u[0] >= 0, -1.0, 1.0)
    return m.where((norm(u) < _EPS) | (norm(v) < _EPS), math.nan, ang)


def symmetry(left: Values, right: Values) -> Values:
    """Absolute left/right difference of a feature (0 = symmetric); NaN if either is unknown."""
    if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
        return np.abs(np.asarray(left, dtype=np.float64) - np.asarray(right, dtype=np.float64))
    return abs(left - right)


def lesser(left: Values, right: Values) -> Values:
    """The lesser of a feature's two sides (the seen one when only one is seen; NaN if neither).

    "At least one shin upright" is ``shin_incline_3d_lesser < 60``: a lunge's front leg, whichever
    side it is, while kneeling lays both shins flat.

    Example:
        >>> lesser(70.0, 20.0), lesser(float("nan"), 20.0)
        (20.0, 20.0)
    """
    if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
        return np.fmin(np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64))
    if math.isnan(left):
        return right
    return left if math.isnan(right) else min(left, right)


#: The two-sided name forms (``hip_angle_asym``, ``shin_incline_3d_lesser``) and their functions.
PAIRS = {"asym": symmetry, "lesser": lesser}


def tilt_3d(a: Point, b: Point) -> Values:
    """Angle of the 3-D segment ``a-b`` out of the horizontal plane, degrees in ``[0, 90]``.

    World landmarks have y pointing down, so this is ``asin(|dy| / |d|)``: the
    roll of the pelvis (hip to hip) or shoulders, seen from any camera angle.
    """
    d = vector(a, b)
    n = norm(d)
    m = ops(n)
    return m.degrees(m.asin(m.clip(m.div(abs(d[1]), n, n > _EPS), 0.0, 1.0)))


def inclination_3d(a: Point, b: Point) -> Values:
    """Angle of the 3-D segment ``a-b`` from the vertical, degrees in ``[0, 90]``.

    From world landmarks (y down): 0 = vertical (standing torso), 90 = horizontal
    (plank torso). A turn of a level camera about the vertical axis does not
    change it, unlike the image-plane :func:`inclination` (a 45-degree torso
    filmed from 45 degrees off the side reads ~35 degrees in the image).

    Example:
        >>> float(inclination_3d(np.array([0.0, 0, 0]), np.array([0.0, 0, 2])))
        90.0
    """
    dx, dy, dz = vector(a, b)
    sq = dx * dx + dz * dz
    m = ops(sq)  # every coordinate of a→b is an array if either point's is
    horiz = m.sqrt(sq)
    return m.where(m.sqrt(horiz * horiz + dy * dy) < _EPS, math.nan, m.degrees(m.atan2(horiz, abs(dy))))


def elevation_3d(a: Point, b: Point) -> Values:
    """Signed angle of the 3-D vector ``a→b`` above the horizontal plane, degrees in ``[-90, 90]``.

    From world landmarks (y down), so a level camera's turn does not change it: an
    arm reaching forward level with the shoulder is ~0 from the side and from 45 degrees.

    Example:
        >>> float(elevation_3d(np.array([0.0, 0, 0]), np.array([0.0, -1, 1])))
        45.0
    """
    dx, dy, dz = vector(a, b)
    sq = dx * dx + dz * dz
    m = ops(sq)  # every coordinate of a→b is an array if either point's is
    horiz = m.sqrt(sq)
    return m.where(m.sqrt(horiz * horiz + dy * dy) < _EPS, math.nan, m.degrees(m.atan2(-dy, horiz)))


def vertical_offset_3d(point: Point, a: Point, b: Point, scale: Values) -> Values:
    """How far ``point`` lies *below* the 3-D line ``a-b`` (world y down), divided by ``scale``.

    The hip against the shoulder-ankle line: + when it sags, - when it pikes, from any
    camera angle (the image-plane version shrinks as the camera turns towards the head).

    Example:
        >>> a, b = np.array([0.0, 0, 0]), np.array([2.0, 0, 0])
        >>> float(vertical_offset_3d(np.array([1.0, 0.5, 0]), a, b, np.array(1.0)))
        0.5
    """
    d, p = vector(a, b), coords(point)
    dd, along = dot(d, d), dot(vector(a, p), d)
    s = ops(along).div(along, dd, dd > _EPS)
    line_y = coords(a)[1] + s * d[1]
    return ratio(p[1] - line_y, scale)


#: World landmark indices of the shoulders and hips (left, right), for the body's turn.
_SHOULDERS, _HIPS = (11, 12), (23, 24)


def turn_from_side_3d(l_shoulder: Point, r_shoulder: Point, l_hip: Point, r_hip: Point) -> Values:
    """Degrees the body is turned from a side-on view (0 side-on, 90 facing), from world points.

    World landmarks keep the camera's axes (x right, z away from the camera), so the shoulder
    and hip lines point along z side-on and along x facing the camera (or facing away): the
    mean of both lines' angles, a line without length left out.
    """
    angles = []
    for a, b in ((r_shoulder, l_shoulder), (r_hip, l_hip)):
        dx, _, dz = vector(a, b)
        sq = dx * dx + dz * dz
        m = ops(sq)
        angles.append(m.where(m.sqrt(sq) < _EPS, math.nan, m.degrees(m.atan2(abs(dx), abs(dz)))))
    return ops(*angles).nanmean2(*angles)


def torso_depth_share_3d(l_shoulder: Point, r_shoulder: Point, l_hip: Point, r_hip: Point) -> Values:
    """Share of the hip-to-shoulder line's length along the camera's axis (0: across the picture, 1:
    pointing at the camera), from world points; NaN where the line has no length.

    Example:
        >>> round(float(torso_depth_share_3d([0.2, -0.4, 0.3], [-0.2, -0.4, 0.3], [0.1, 0, 0], [-0.1, 0, 0])), 6)
        0.6
    """
    v = vector(midpoint(l_hip, r_hip), midpoint(l_shoulder, r_shoulder))
    n = norm(v)
    return ops(n).div(abs(v[2]), n, n > _EPS)


def body_turn_3d(world: np.ndarray) -> Values:
    """:func:`turn_from_side_3d` from a frame's world landmarks ``(33, 3)`` or a clip's ``(n, 33, 3)``.

    Example:
        >>> w = np.zeros((33, 3)); w[11] = [0.2, 0, 0]; w[12] = [-0.2, 0, 0]
        >>> w[23] = [0.1, 0.5, 0]; w[24] = [-0.1, 0.5, 0]
        >>> float(body_turn_3d(w))
        90.0
    """
    w = np.asarray(world, dtype=np.float64)
    return turn_from_side_3d(*(w[..., i, :] for i in (*_SHOULDERS, *_HIPS)))


def masked(values: Values, visibility: Values | Sequence[Values], min_visibility: float) -> Values:
    """``values`` with NaN where ``visibility`` (per row; or each of several) is below ``min_visibility``."""
    if isinstance(visibility, (list, tuple)):
        seen: Values = True
        for v in visibility:
            seen = seen & (v >= min_visibility)
    else:
        seen = np.asarray(visibility) >= min_visibility if not isinstance(visibility, float) \
            else visibility >= min_visibility
    return ops(values, seen).where(seen, values, math.nan)
