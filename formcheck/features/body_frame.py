"""Pure measures in the body's own frame: signed lean, lateral head tilt, heights.

:mod:`~formcheck.features.geometry` measures segments against the image or the world
vertical. Some movements are only readable against the body itself: a head tilted
towards one shoulder (the ear line against the shoulder line), a torso leaning back
rather than forward (which needs the way the chest faces: the horizontal normal of the
shoulder line), a shoulder dropped below the other one, the nose between the ears.

Every function takes image points (pixels, y down) or world points (metres, y down) in
any form :mod:`~formcheck.features.geometry` accepts (one frame's floats or a clip's
columns) and returns a float or ``(n,)`` values, NaN where a point is NaN or a segment has
no length: a hidden landmark costs its frame only.

Example:
    >>> import numpy as np
    >>> l_hip, r_hip = np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]])
    >>> round(float(side_lean(l_hip, r_hip, np.array([[0.0, -2.0]]))[0]), 1)  # upright
    0.0
"""

from __future__ import annotations

import math

from formcheck.features.geometry import Point, Values, coords, dot, midpoint, norm, ops, ratio, unit, vector

_EPS = 1e-9


def lean_back_3d(l_shoulder: Point, r_shoulder: Point, l_hip: Point,
                 r_hip: Point, feet: tuple[Point, Point, Point, Point] | None = None) -> Values:
    """Torso (hip midpoint → shoulder midpoint) from the world vertical, signed by the chest's facing.

    Positive = leaning back (the shoulders behind the hips), negative = leaning forward,
    degrees in ``[-180, 180]``; 0 = upright. The facing comes from the shoulder line, so the
    sign is right from any camera angle, where an image inclination (0-90, unsigned) cannot
    tell a lean back from a lean forward.

    ``feet`` (left heel, left toes, right heel, right toes; NaN where unseen) give the facing
    where they are seen: standing, sitting or lying back the feet point the way the chest faces.
    Seen side-on, the shoulder line's world length collapses to a few centimetres (the model
    cannot tell the depth of the far shoulder) and its direction turns with the noise, or with
    the pose model swapping the left and right labels; the mean of the two heel→toe
    directions is steady and does not change with the labels.

    Example:
        >>> import numpy as np
        >>> ls, rs = np.array([[0.2, -0.5, 0.2]]), np.array([[-0.2, -0.5, 0.2]])  # shoulders behind
        >>> lh, rh = np.array([[0.1, 0.0, 0.0]]), np.array([[-0.1, 0.0, 0.0]])    # (camera in front)
        >>> round(float(lean_back_3d(ls, rs, lh, rh)[0]), 1)
        21.8
    """
    sh, hip = midpoint(l_shoulder, r_shoulder), midpoint(l_hip, r_hip)
    d = vector(hip, sh)
    right = unit(vector(l_shoulder, r_shoulder))
    # The horizontal way the chest faces: vertical (0, -1, 0) × right (not the torso axis, which tilts).
    vx, vy, vz = 0.0, -1.0, 0.0
    facing = unit([vy * right[2] - vz * right[1], vz * right[0] - vx * right[2], vx * right[1] - vy * right[0]])
    forward = -dot(d, facing)
    m = ops(d[0], forward)
    if feet is not None:
        l_heel, l_toe, r_heel, r_toe = feet
        toes = [a + b for a, b in zip(vector(l_heel, l_toe), vector(r_heel, r_toe))]
        by_feet = -dot(d, unit([toes[0], 0.0 * toes[1], toes[2]]))  # along the feet's horizontal direction
        forward = m.where(by_feet == by_feet, by_feet, forward)  # NaN (a foot unseen): the shoulders'
    return m.where(norm(d) < _EPS, math.nan, m.degrees(m.atan2(forward, -d[1])))


def lateral_tilt(line_from: Point, line_to: Point, ref_from: Point, ref_to: Point,
                 down: Point) -> Values:
    """Tilt of the line ``line_from→line_to`` against the reference line ``ref_from→ref_to``, degrees.

    Both lines point towards the same side of the body (e.g. other ear → this ear, other
    shoulder → this shoulder). Positive when the ``line_to`` end is lowered towards ``down``
    (the direction from the shoulders to the hips) relative to the reference line: a head
    tilted towards this side's shoulder. Measured in the plane of the reference line and
    ``down``, so a head turned or poked forward adds little. 2-D or 3-D points.

    Example:
        >>> import numpy as np
        >>> z = np.zeros((1, 2))
        >>> ear_to = np.array([[1.0, 1.0]])        # this ear lower (y down) than the other
        >>> sh_to, down = np.array([[2.0, 0.0]]), np.array([[0.0, 1.0]])
        >>> round(float(lateral_tilt(z, ear_to, z, sh_to, down)[0]), 1)
        45.0
    """
    line = vector(line_from, line_to)
    ref = unit(vector(ref_from, ref_to))
    d = coords(down)
    # "Down" made perpendicular to the reference line, so a leaning torso does not bias the tilt.
    along = dot(d, ref)
    perp = unit([x - along * r for x, r in zip(d, ref)])
    across, length = dot(line, perp), norm(line)
    m = ops(across, length)
    return m.where(length < _EPS, math.nan, m.degrees(m.atan2(across, dot(line, ref))))


def side_lean(hip_other: Point, hip_this: Point, shoulder_mid: Point) -> Values:
    """Torso (hip midpoint → shoulder midpoint) leaning towards ``hip_this``'s side, degrees (signed).

    Measured against the normal of the hip line, so it is the sideways lean alone (a lean
    forward or back adds nothing). 2-D from the front, or 3-D.

    Example:
        >>> import numpy as np
        >>> lean = side_lean(np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[1.0, -1.0]]))
        >>> round(float(lean[0]), 1)
        45.0
    """
    lat = unit(vector(hip_other, hip_this))
    d = vector(midpoint(hip_this, hip_other), shoulder_mid)
    along = dot(d, lat)
    across = norm([x - along * u for x, u in zip(d, lat)])
    m = ops(d[0])
    return m.where(norm(d) < _EPS, math.nan, m.degrees(m.atan2(along, across)))


#: A head's nose lies ~1.33 ear half-widths in front of the ear axis (MediaPipe's landmarks on
#: an adult head: nose ~10 cm forward, ears ~7.5 cm to each side).
NOSE_OVER_EAR = 1.33


def head_turn(nose: Point, ear_this: Point, ear_other: Point) -> Values:
    """Face turned towards ``ear_this``'s side, approximate degrees, from image points (front view).

    Facing the camera, the nose sits midway between the ears; turned by θ it moves towards
    one ear by ``NOSE_OVER_EAR · tan θ`` half ear-distances. NaN when the ears coincide (a
    side view, where this measure means nothing).

    Example:
        >>> import numpy as np
        >>> ear_l, ear_r = np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]])
        >>> round(float(head_turn(np.array([[0.0, 0.0]]), ear_r, ear_l)[0]), 1)
        0.0
    """
    e = vector(ear_other, ear_this)
    half = 0.5 * dot(e, e)
    q = ratio(dot(vector(midpoint(ear_this, ear_other), nose), e), half)
    m = ops(q)
    return m.degrees(m.atan(q / NOSE_OVER_EAR))


def height_along(point: Point, base: Point, up: Point, scale: Values) -> Values:
    """How far ``point`` lies above ``base`` along the direction ``up``, divided by ``scale``.

    With ``up`` the torso axis, the ear midpoint above the shoulder midpoint measures the
    neck's length (a shrug shortens it) whether the subject stands, sits or lies. NaN when
    ``scale`` is ~0.

    Example:
        >>> import numpy as np
        >>> round(float(height_along(np.array([[0.0, -3.0]]), np.zeros((1, 2)), np.array([[0.0, -1.0]]),
        ...                          np.array([2.0]))[0]), 2)
        1.5
    """
    return ratio(dot(vector(base, point), unit(coords(up))), scale)
