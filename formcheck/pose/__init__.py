"""Pose: video in, one ``PoseFrame`` per image out.

Sources (video files, webcams), the MediaPipe model file (resolved offline),
the estimator (the only code that knows MediaPipe's types; follows one person),
landmarks files (``.npz``) and the landmarks cache keyed by a clip's hash.
May import: ``formcheck.records``.
"""
