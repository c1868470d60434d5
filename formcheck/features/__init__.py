"""Features: pure, vectorised numbers from landmarks (joint angles, inclinations, distances).

``geometry`` holds the maths on arrays of points, ``registry`` the named
features specs refer to (``hip_angle``, ``left_knee_angle_3d``...), ``smoothing``
the One-Euro filter. No state, no I/O. May import: ``formcheck.records``.
"""
