"""Feature values of one frame as Python floats: the live path.

Live, the tracker asks for a handful of features of a single frame. On ``n = 1`` arrays
numpy's cost per call (a few microseconds, whatever the size) would be most of the work,
so here everything runs on floats: the landmarks are Python lists (``Frames.one``), each
feature's own formula is the registry's ``fn`` (``geometry`` runs the same formula on
floats or on a clip's columns), and so are the visibility minimum, the masking and the
combination of both sides (``registry.combine_sides``, which the whole-clip path vectorises).

Every value is computed once per frame, whoever asks: the followed side, the other
side's counter and the both-sides signal share it.

Example:
    >>> from formcheck.records.frame import PoseFrame
    >>> one = SingleFrame(LandmarkRows.from_frame(PoseFrame.empty(0.0, (64, 48))))
    >>> one.value("hip_angle", "left", 0.5), one.combined("knee_angle_3d", 0.5)
    (nan, nan)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import NamedTuple

from formcheck.features.geometry import symmetry
from formcheck.features.registry import (
    SIDES,
    FeatureDef,
    Frames,
    LandmarkArrays,
    SideName,
    combine_sides,
    in_picture,
    resolve,
    resolve_form,
    sided_definition,
)
from formcheck.records.frame import PoseFrame


class LandmarkRows(NamedTuple):
    """One frame's landmarks as Python floats: ``LandmarkArrays`` for a single frame.

    Attributes:
        px: 33 ``[x, y]`` image landmarks in pixels.
        world: 33 ``[x, y, z]`` world landmarks in metres (y down).
        vis: 33 visibilities: min(visibility, presence), 0 for a landmark placed outside the
            picture (see ``registry.OUTSIDE_MARGIN``).
    """

    px: list[list[float]]
    world: list[list[float]]
    vis: list[float]

    @classmethod
    def from_frame(cls, f: PoseFrame) -> LandmarkRows:
        """The same numbers as ``LandmarkArrays.from_frames([f])``.

        One ``tolist`` per array, then Python: live, each numpy call costs more than its work
        on 33 rows (a frame's arrays are new to the caches).
        """
        norm = f.image.tolist()
        w, h = f.image_wh
        low = [v if v <= p else p for v, p in zip(f.visibility.tolist(), f.presence.tolist())]
        return cls([[x * w, y * h] for x, y, _ in norm], f.world.tolist(), in_picture(norm, low))

    @classmethod
    def of(cls, arr: LandmarkArrays, i: int) -> LandmarkRows:
        """Frame ``i`` of ``arr``."""
        return cls(arr.px[i].tolist(), arr.world[i].tolist(), arr.vis[i].tolist())

#: Per feature and side: the lowest visibility of its landmarks (from a frame's 33), the feature's
#: function, and whether it masks its own landmarks (then its value depends on the threshold).
_HOW: dict[tuple[str, SideName], tuple[Callable[[list[float]], float], Callable[[Frames, SideName], float], bool]] = {}


def _lowest(indices: list[int]) -> Callable[[list[float]], float]:
    """The lowest of the values at ``indices`` (one ``itemgetter`` call for several)."""
    if len(indices) == 1:
        return itemgetter(indices[0])
    pick = itemgetter(*indices)
    return lambda vis: min(pick(vis))


class SingleFrame:
    """The features of one frame, from its landmarks as floats.

    A live stream keeps one and loads each frame into it (``load``): its caches and getters are
    made once, not every frame.
    """

    def __init__(self, rows: LandmarkRows | None = None) -> None:
        self._frames: dict[float, Frames] = {}  # per visibility threshold, sharing their caches
        self._first: Frames | None = None  # the first made: features that do not mask themselves read it
        self._raw: dict[tuple[str, SideName, float | None], tuple[float, float]] = {}
        self._getters: dict[float, Callable[[FeatureDef, SideName], float]] = {}
        if rows is not None:
            self.load(rows)

    def load(self, rows: LandmarkRows) -> SingleFrame:
        """Read features of this frame from now on (the previous frame's values are forgotten)."""
        self._rows, self._vis = rows, rows.vis
        for fr in self._frames.values():  # kept (made once per threshold), with this frame's landmarks
            fr.px, fr.world, fr.vis = rows
            fr.memo.clear()  # shared by all of them
        self._raw.clear()
        return self

    def _frames_at(self, min_vis: float) -> Frames:
        fr = self._frames.get(min_vis)
        if fr is None:
            share = next(iter(self._frames.values()), None)
            fr = self._frames[min_vis] = Frames.one(*self._rows, min_vis, share=share)
            self._first = self._first or fr
        return fr

    def _raw_value(self, d: FeatureDef, side: SideName, min_vis: float) -> tuple[float, float]:
        """``d``'s value before masking and the lowest visibility of its landmarks."""
        how = _HOW.get((d.name, side))
        if how is None:
            how = _HOW[(d.name, side)] = (_lowest(d.indices(side)), d.fn, d.own_mask)
        lowest, fn, own_mask = how
        key = (d.name, side, min_vis if own_mask else None)
        hit = self._raw.get(key)
        if hit is None:
            # The threshold matters only to a feature that masks its own landmarks: any Frames will do for the rest.
            fr = self._frames.get(min_vis) if own_mask else self._first
            hit = self._raw[key] = (fn(fr or self._frames_at(min_vis), side), lowest(self._vis))
        return hit

    def getter(self, min_vis: float) -> Callable[[FeatureDef, SideName], float]:
        """A feature's value at ``min_vis`` as a function of ``(definition, side)`` (NaN when a
        landmark it reads is less visible), made once per threshold."""
        get = self._getters.get(min_vis)
        if get is None:
            compute = self._raw_value

            def get(d: FeatureDef, side: SideName) -> float:
                value, vis = compute(d, side, min_vis)
                return value if vis >= min_vis else math.nan
            self._getters[min_vis] = get
        return get

    def value(self, name: str, side: SideName, min_vis: float) -> float:
        """Feature ``name`` (any of the four forms) with ``side`` followed."""
        return float(resolve(name, side, self.getter(min_vis), symmetry))

    def values(self, wanted: Iterable[tuple[str, FeatureDef, str, SideName]], min_vis: float) -> dict[str, float]:
        """``{key: value}`` for names already parsed: ``(key, definition, form, followed side)``
        (see ``registry.parse_name``); the live path parses the spec's names once."""
        get = self.getter(min_vis)
        return {key: resolve_form(d, mode, side, get, symmetry) for key, d, mode, side in wanted}

    def combined(self, name: str, min_vis: float, combine: str = "mean", direction: int = 1) -> float:
        """``registry.both_sides`` for this frame."""
        d = sided_definition(name)
        (left, lvis), (right, rvis) = (self._raw_value(d, s, 0.0) for s in SIDES)
        return combine_sides(left if lvis >= 0.0 else math.nan, right if rvis >= 0.0 else math.nan,
                             lvis, rvis, min_vis, combine, direction)

