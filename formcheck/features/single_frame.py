"""Feature values of one frame as Python floats: the live path.

Live, the tracker asks for a handful of features of a single frame. On ``n = 1`` arrays
numpy's cost per call (a few microseconds, whatever the size) is most of the work, so
here the bookkeeping around each feature runs on floats: the visibility minimum, the
masking and the combination of both sides (``registry.combine_sides``, the same function
the whole-clip path vectorises). Each feature's own formula is still the registry's
``fn``, and ``geometry`` does a single row in floats where it matters.

Every value is computed once per frame, whoever asks: the followed side, the other
side's counter and the both-sides signal share it.

Example:
    >>> from formcheck.records.frame import PoseFrame
    >>> one = SingleFrame(LandmarkArrays.from_frame(PoseFrame.empty(0.0, (64, 48))))
    >>> one.value("hip_angle", "left", 0.5), one.combined("knee_angle_3d", 0.5)
    (nan, nan)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from formcheck.features.geometry import symmetry
from formcheck.features.registry import (
    SIDES,
    FeatureDef,
    Frames,
    LandmarkArrays,
    SideName,
    combine_sides,
    resolve,
    sided_definition,
)

#: Each feature's landmarks per side as an ``itemgetter``: their visibilities in one call.
_PICK: dict[tuple[str, SideName], Callable[[list[float]], Any]] = {}


class SingleFrame:
    """The features of frame ``i`` of ``arr`` (the live path: ``arr`` holds one frame)."""

    def __init__(self, arr: LandmarkArrays, i: int = 0) -> None:
        if len(arr.px) != 1:
            arr = LandmarkArrays(arr.px[i:i + 1], arr.world[i:i + 1], arr.vis[i:i + 1])
        self._arr = arr
        self._vis: list[float] = arr.vis[0].tolist()
        self._frames: dict[float, Frames] = {}  # per visibility threshold, sharing their caches
        self._raw: dict[tuple[str, SideName, float | None], tuple[float, float]] = {}
        self._getters: dict[float, Callable[[FeatureDef, SideName], float]] = {}

    def _frames_at(self, min_vis: float) -> Frames:
        fr = self._frames.get(min_vis)
        if fr is None:
            share = next(iter(self._frames.values()), None)
            fr = self._frames[min_vis] = Frames(self._arr, min_vis, share=share)
        return fr

    def _raw_value(self, d: FeatureDef, side: SideName, min_vis: float) -> tuple[float, float]:
        """``d``'s value before masking and the lowest visibility of its landmarks."""
        key = (d.name, side, min_vis if d.own_mask else None)
        hit = self._raw.get(key)
        if hit is None:
            pick = _PICK.get((d.name, side))
            if pick is None:
                pick = _PICK[(d.name, side)] = itemgetter(*d.indices(side))
            vis = pick(self._vis)  # a tuple, or one float for a single landmark
            fr = self._frames.get(min_vis) or self._frames_at(min_vis)
            hit = self._raw[key] = (float(d.fn(fr, side)[0]),
                                    min(vis) if isinstance(vis, tuple) else vis)
        return hit

    def sided(self, d: FeatureDef, side: SideName, min_vis: float) -> float:
        """``d`` on ``side``, NaN when a landmark it reads is below ``min_vis``."""
        value, vis = self._raw_value(d, side, min_vis)
        return value if vis >= min_vis else math.nan

    def value(self, name: str, side: SideName, min_vis: float) -> float:
        """Feature ``name`` (any of the four forms) with ``side`` followed."""
        get = self._getters.get(min_vis)
        if get is None:  # one getter per threshold, not a new closure per value
            get = self._getters[min_vis] = lambda d, s: self.sided(d, s, min_vis)
        return resolve(name, side, get, _symmetry)

    def combined(self, name: str, min_vis: float, combine: str = "mean", direction: int = 1) -> float:
        """``registry.both_sides`` for this frame."""
        d = sided_definition(name)
        (left, lvis), (right, rvis) = (self._raw_value(d, s, 0.0) for s in SIDES)
        return combine_sides(left if lvis >= 0.0 else math.nan, right if rvis >= 0.0 else math.nan,
                             lvis, rvis, min_vis, combine, direction)


def _symmetry(left: float, right: float) -> float:
    return float(symmetry(left, right))
