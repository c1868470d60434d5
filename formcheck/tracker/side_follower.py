"""Which side of the body the tracker follows: the one facing the camera, switched with hysteresis.

A side view shows one side clearly and hides the other; features of the hidden
side are guesses. ``SideFollower.update`` keeps an exponential average of the
left-minus-right visibility and switches only on a clear, lasting difference,
so a turn of the head or one occluded frame does not flip the side.

Example:
    >>> import numpy as np
    >>> f = SideFollower("near")
    >>> vis = np.zeros(33); vis[[12, 14, 16, 24, 26, 28]] = 1.0  # right limbs visible
    >>> f.update(vis)
    'right'
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

import numpy as np

from formcheck.features.frames import SIDE_LANDMARKS, SideName

_LEFT = itemgetter(*SIDE_LANDMARKS["left"])
_RIGHT = itemgetter(*SIDE_LANDMARKS["right"])
_COUNT = len(SIDE_LANDMARKS["left"])
#: Weight of a new frame in the visibility average.
_ALPHA = 0.1
#: Mean visibility difference (0-1) that makes the follower switch side.
_SWITCH = 0.05


class SideFollower:
    """Follows the side facing the camera, or a fixed side when the spec names one.

    Args:
        sides: The spec's ``sides`` field: ``"left"``/``"right"`` are fixed; any
            other value follows the side facing the camera.
    """

    def __init__(self, sides: str) -> None:
        self._fixed: SideName | None = sides if sides in ("left", "right") else None  # type: ignore[assignment]
        self.reset()

    def reset(self) -> None:
        """Forget the history (a new set or a new person)."""
        self.side: SideName = self._fixed or "left"
        self._score = 0.0
        self._seen = 0

    def update(self, vis: Sequence[float] | np.ndarray) -> SideName:
        """Feed one frame's 33 visibilities; returns the side to follow now."""
        if self._fixed is not None:
            return self._fixed
        # Six values a side: Python floats (numpy's per-call cost is most of the work; the same
        # sums: numpy adds fewer than eight values one after the other too).
        row = vis.tolist() if isinstance(vis, np.ndarray) else vis
        diff = (sum(_LEFT(row)) - sum(_RIGHT(row))) / _COUNT
        self._seen += 1
        self._score = diff if self._seen <= 1 else (1 - _ALPHA) * self._score + _ALPHA * diff
        if self._score > _SWITCH:
            self.side = "left"
        elif self._score < -_SWITCH:
            self.side = "right"
        return self.side
