"""Tracker: the one stateful stage, pose frames in, ``Feedback`` out.

``Tracker(spec).update(frame)`` composes the parts, each in its own module:
following the person and side, counting reps, timing holds, judging form rules,
placement guidance and the set summary with its scores.
May import: ``formcheck.records``, ``formcheck.features``, ``formcheck.spec``.
"""

from formcheck.tracker.tracker import Tracker

__all__ = ["Tracker"]
