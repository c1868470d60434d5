"""The spec's rep signal of a whole set, kept for a second opinion on its count.

:class:`~formcheck.tracker.rep_tracking.RepTracking` logs every frame the body is in view, the
setup pose held or not; :mod:`formcheck.tracker.count_check` counts it without the spec's gates
after the set.

Example:
    >>> log = SignalLog()
    >>> log.add(0.0, {"left": (120.0, True)}); log.add(0.1, {"left": (125.0, False)})
    >>> log.x["left"], log.kept["left"]
    ([120.0, 125.0], [True, False])
"""

from __future__ import annotations

import math


class SignalLog:
    """The spec's rep signal of every frame the body was in view, per counter side, and whether the
    frame kept ``rep.require`` (the spec's test for another movement)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.t: list[float] = []
        self.x: dict[str, list[float]] = {}
        self.kept: dict[str, list[bool]] = {}

    def add(self, t: float, values: dict[str, tuple[float, bool]]) -> None:
        """One frame: each counter side's signal (NaN: not read) and whether ``rep.require`` held."""
        self.t.append(t)
        for side, (v, ok) in values.items():
            self.x.setdefault(side, [math.nan] * (len(self.t) - 1)).append(v)
            self.kept.setdefault(side, [True] * (len(self.t) - 1)).append(ok)
