"""The features a person rests in before a rep: the baseline of ``baseline: rep_start`` rules.

A rule such as "the shoulders rose 0.06 torso lengths since the rep began" compares each frame
of the rep with where the person was *resting* just before it. One frame of that rest is a poor
reference: its noise adds to the rule's margin, and the frame the rep signal was deepest can
already be where a fault began (a shrug that starts before the squeeze narrows the shoulders).
The median of each feature over the rest's last second is the position the person rested in:
a fault that starts in the last few frames of rest, or a spike, moves it little.

Example:
    >>> rest = RestBaseline()
    >>> for i, v in enumerate([0.52, 0.51, 0.52, 0.50, 0.47]):  # the shrug begins at 0.47
    ...     rest.add(i / 10, {"neck_length": v})
    >>> rest.leave()
    >>> rest.values["neck_length"]
    0.51
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from statistics import median

#: The rest's last this many seconds make the baseline (a held rest is steady over a second;
#: between fast reps the rest is shorter and all of it is used).
REST_WINDOW_S = 1.0


class RestBaseline:
    """Collects the frames at rest and, when a rep leaves rest, holds their per-feature median."""

    def __init__(self, window_s: float = REST_WINDOW_S) -> None:
        self.window_s = window_s
        self._frames: deque[tuple[float, Mapping[str, float]]] = deque()
        #: Each feature's median over the last rest (NaN when never seen there); empty before a rep.
        self.values: dict[str, float] = {}

    def add(self, t: float, values: Mapping[str, float]) -> None:
        """A frame at rest."""
        self._frames.append((t, values))
        while self._frames and self._frames[0][0] < t - self.window_s:
            self._frames.popleft()

    def leave(self) -> None:
        """The rep left rest: the baseline becomes the rest's median (kept until the next rest ends)."""
        if not self._frames:
            return
        names = self._frames[-1][1].keys()
        self.values = {n: _median([f[n] for _, f in self._frames]) for n in names}
        self._frames.clear()

    def clear(self) -> None:
        """Forget the rest and the baseline (the counters started again)."""
        self._frames.clear()
        self.values = {}


def _median(values: list[float]) -> float:
    seen = [v for v in values if not math.isnan(v)]
    return float(median(seen)) if seen else math.nan
