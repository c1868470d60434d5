"""Feature values of one frame as Python floats: the live path.

Live, the tracker asks for a handful of features of a single frame. On ``n = 1`` arrays
numpy's cost per call (a few microseconds, whatever the size) would be most of the work,
so here everything runs on floats: the landmarks are Python lists (``Frames.one``), each
feature's own formula is the registry's ``fn`` (``geometry`` runs the same formula on
floats or on a clip's columns), and so are the visibility minimum, the masking and the
combination of both sides (``resolve.combine_sides``, which the whole-clip path vectorises).

Every value is computed once per frame, whoever asks: the followed side, the other
side's counter and the both-sides signal share it.

Example:
    >>> from formcheck.features.registry import parse_name
    >>> from formcheck.records.frame import PoseFrame
    >>> one = SingleFrame([("left:hip_angle", *parse_name("hip_angle"), "left")],
    ...                   [("both:knee_angle_3d", "knee_angle_3d", "mean", 1)], 0.5)
    >>> one.values(LandmarkRows.from_frame(PoseFrame.empty(0.0, (64, 48))))
    {'left:hip_angle': nan, 'both:knee_angle_3d': nan}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import NamedTuple

from formcheck.features.frames import Frames, LandmarkArrays, SideName, in_picture
from formcheck.features.geometry import PAIRS
from formcheck.features.registry import FeatureDef
from formcheck.features.resolve import combine_sides, resolve_form, sided_definition
from formcheck.records.frame import PoseFrame


class LandmarkRows(NamedTuple):
    """One frame's landmarks as Python floats: ``LandmarkArrays`` for a single frame.

    Attributes:
        px: 33 ``[x, y]`` image landmarks in pixels.
        world: 33 ``[x, y, z]`` world landmarks in metres (y down).
        vis: 33 visibilities: min(visibility, presence), 0 for a landmark placed outside the
            picture (see ``frames.OUTSIDE_MARGIN``).
        presence: 33 presences (the model's: the landmark is in the image).
    """

    px: list[list[float]]
    world: list[list[float]]
    vis: list[float]
    presence: list[float]

    @classmethod
    def from_frame(cls, f: PoseFrame) -> LandmarkRows:
        """The same numbers as ``LandmarkArrays.from_frames([f])``.

        One ``tolist`` per array, then Python: live, each numpy call costs more than its work
        on 33 rows (a frame's arrays are new to the caches).
        """
        norm = f.image.tolist()
        w, h = f.image_wh
        presence = f.presence.tolist()
        low = [v if v <= p else p for v, p in zip(f.visibility.tolist(), presence)]
        return cls([[x * w, y * h] for x, y, _ in norm], f.world.tolist(), in_picture(norm, low), presence)

    @classmethod
    def of(cls, arr: LandmarkArrays, i: int) -> LandmarkRows:
        """Frame ``i`` of ``arr``."""
        return cls(arr.px[i].tolist(), arr.world[i].tolist(), arr.vis[i].tolist(), arr.presence[i].tolist())

class SingleFrame:
    """The features a stream reads, computed frame by frame from landmarks as floats.

    Made once for a list of names (the spec's, on the sides wanted): each landmark reading
    (feature, side, and the threshold where the feature masks its own landmarks) appears
    once, so a frame computes each raw value once, whoever asks: the followed side, the
    other side's counter and the both-sides signal share it. A frame is then three list
    comprehensions and a dict: no lookups by name.

    Args:
        wanted: ``(key, definition, form, followed side)`` per value (see ``registry.parse_name``).
        combined: ``(key, sided name, combine, direction)`` per both-sides value (see
            ``resolve.both_sides``).
        min_vis: Landmarks below this visibility give NaN.
    """

    def __init__(self, wanted: Iterable[tuple[str, FeatureDef, str, SideName]],
                 combined: Iterable[tuple[str, str, str, int]], min_vis: float) -> None:
        self.min_vis = min_vis
        main = Frames.one([], [], [], min_vis)
        # A feature that masks its own landmarks reads them at the caller's threshold; the
        # both-sides signal weighs each side by visibility itself, so it reads them all (0).
        self._frames = [main] + ([Frames.one([], [], [], 0.0, share=main)] if min_vis != 0.0 else [])
        self._slot: dict[tuple[str, SideName, float | None], int] = {}
        self._calls: list[tuple[Callable[[Frames, SideName], float], Frames, SideName]] = []
        self._picks: list[Callable[[list[float]], tuple[float, ...]]] = []

        def at(threshold: float) -> Callable[[FeatureDef, SideName], Slots]:
            def slot(d: FeatureDef, side: SideName) -> Slots:
                key = (d.name, side, threshold if d.own_mask else None)
                if key not in self._slot:
                    self._slot[key] = len(self._calls)
                    self._calls.append((d.fn, self._frames[0 if threshold == min_vis else -1], side))
                    idx = d.indices(side)
                    self._picks.append(itemgetter(*idx, *idx))  # a tuple even for one landmark
                return self._slot[key], -1, ""
            return slot

        # The forms resolved once, by ``resolve_form`` on slots.
        self._out = [(key, *resolve_form(d, mode, side, at(min_vis), _pair)) for key, d, mode, side in wanted]
        slot0 = at(0.0)
        self._combined = [(key, slot0(d, "left")[0], slot0(d, "right")[0], how, direction)
                          for key, d, how, direction in ((k, sided_definition(n), h, dr) for k, n, h, dr in combined)]

    def values(self, rows: LandmarkRows) -> dict[str, float]:
        """``{key: value}`` of this frame."""
        for fr in self._frames:
            fr.px, fr.world, fr.vis = rows.px, rows.world, rows.vis
        self._frames[0].memo.clear()  # shared by both
        vis, mv, nan = rows.vis, self.min_vis, math.nan
        raw = [fn(fr, side) for fn, fr, side in self._calls]
        low = [min(pick(vis)) for pick in self._picks]
        val = [v if lv >= mv else nan for v, lv in zip(raw, low)]
        out = {key: val[i] if j < 0 else PAIRS[form](val[i], val[j]) for key, i, j, form in self._out}
        for key, i, j, how, direction in self._combined:
            out[key] = combine_sides(raw[i] if low[i] >= 0.0 else nan, raw[j] if low[j] >= 0.0 else nan,
                                     low[i], low[j], mv, how, direction)
        return out


#: Where a value comes from: ``(i, -1, "")`` raw value ``i``, ``(i, j, form)`` the two-sided form
#: (``asym``, ``lesser``: :data:`~formcheck.features.geometry.PAIRS`) of ``i`` and ``j``.
Slots = tuple[int, int, str]


def _pair(form: str, left: Slots, right: Slots) -> Slots:
    """A two-sided form on slots: the two to combine, and how."""
    return left[0], right[0], form
