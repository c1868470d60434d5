"""Features: pure, vectorised numbers from landmarks (joint angles, inclinations, distances).

``geometry`` holds the maths on arrays of points, ``frames`` the landmarks a
formula reads (a clip's arrays or one frame's floats, which side is which),
``registry`` the catalogue of named features specs refer to (``hip_angle``,
``left_knee_angle_3d``...), ``resolve`` the machinery that turns a name into values
(the four forms, visibility masking, both sides combined), ``smoothing`` the
One-Euro filter. No state, no I/O. May import: ``formcheck.records``.
"""
