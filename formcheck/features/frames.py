"""What feature formulas read: a clip's or a frame's landmarks, and which side is which.

``LandmarkArrays`` stacks a clip's frames; ``Frames`` turns them (or one live frame's
floats) into points the formulas in :mod:`formcheck.features.registry` take, with the
visibility floor of the call; ``near_side`` and ``side_visibility`` say which side faces
the camera.

Example:
    >>> lm("left", "knee"), other("left")
    (25, 'right')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple, overload

import numpy as np

from formcheck.features.geometry import Values
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark

SideName = Literal["left", "right"]
SIDES: tuple[SideName, SideName] = ("left", "right")


class LandmarkArrays(NamedTuple):
    """Landmarks of ``n`` frames, stacked: what feature functions read.

    Attributes:
        px: ``(n, 33, 2)`` image landmarks in pixels.
        world: ``(n, 33, 3)`` world landmarks in metres (y down).
        vis: ``(n, 33)`` min(visibility, presence): 0 when nobody is in view.
        presence: ``(n, 33)`` the model's presence (the landmark is in the image), for
            placement guidance.
    """

    px: np.ndarray
    world: np.ndarray
    vis: np.ndarray
    presence: np.ndarray

    @classmethod
    def from_frames(cls, frames: Sequence[PoseFrame]) -> LandmarkArrays:
        """Stack frames (an empty frame gives NaN points and zero visibility)."""
        if not frames:
            return cls(np.zeros((0, 33, 2)), np.zeros((0, 33, 3)), np.zeros((0, 33)), np.zeros((0, 33)))
        norm = np.stack([f.image[:, :2] for f in frames]).astype(np.float64)
        wh = np.array([f.image_wh for f in frames], dtype=np.float64)[:, None, :]
        world = np.stack([f.world for f in frames]).astype(np.float64)
        presence = np.stack([f.presence for f in frames]).astype(np.float64)
        vis = np.minimum(np.stack([f.visibility for f in frames]).astype(np.float64), presence)
        return cls(norm * wh, world, in_picture(norm, vis), presence)


#: A landmark placed further than this (share of the image) outside the picture is a guess.
OUTSIDE_MARGIN = 0.03


@overload
def in_picture(norm: np.ndarray, vis: np.ndarray) -> np.ndarray: ...
@overload
def in_picture(norm: Sequence[Sequence[float]], vis: Iterable[float]) -> list[float]: ...
def in_picture(norm: Any, vis: Any) -> Any:
    """Visibility with landmarks placed outside the image set to 0: the model extrapolates a
    hand or foot past the border with a confident visibility, and features from it are guesses.

    ``norm``: normalised ``(x, y, ...)`` landmarks, an ``(..., 33, k)`` array or one frame's rows
    (lists: a frame's 33 rows in one comprehension, cheaper live than numpy's calls).
    """
    lo, hi = -OUTSIDE_MARGIN, 1.0 + OUTSIDE_MARGIN
    if isinstance(norm, np.ndarray):
        ok = (norm[..., :2] >= lo) & (norm[..., :2] <= hi)
        return np.where(ok[..., 0] & ok[..., 1], vis, 0.0)
    return [v if lo <= p[0] <= hi and lo <= p[1] <= hi else 0.0 for p, v in zip(norm, vis)]


#: ``(side, part)`` -> index of every sided landmark, built once: the live path looks up the same
#: few landmarks for every feature of every frame.
LANDMARK_AT: dict[tuple[str, str], int] = {
    (side, lmk.name[len(side) + 1:].lower()): int(lmk)
    for lmk in Landmark for side in ("left", "right") if lmk.name.startswith(f"{side.upper()}_")}


def lm(side: SideName, part: str) -> int:
    """Index of a sided landmark: ``lm("left", "knee") == Landmark.LEFT_KNEE``."""
    idx = LANDMARK_AT.get((side, part))
    return int(Landmark[f"{side.upper()}_{part.upper()}"]) if idx is None else idx  # the error for a bad name


def other(side: SideName) -> SideName:
    """The other side."""
    return "right" if side == "left" else "left"


class Frames:
    """What a feature function reads: the landmarks as points, plus the call's settings.

    ``px[i]``, ``world[i]``: landmark ``i`` as a point (see ``geometry``), ``vis[i]`` its
    visibility. ``Frames(arr, ...)`` gives a clip's columns (``(n,)`` arrays: one formula runs
    on every frame at once); ``Frames.one(...)`` one frame's floats (the live path). The
    feature functions cannot tell the two apart.

    Passed explicitly (never module state) so trackers with different visibility floors can
    run in different threads; ``memo`` shares work between features of one call (the bird-dog
    limbs feed two features) and ``raw`` keeps each feature's values (see ``raw_values``).
    ``share`` gives another threshold's ``Frames`` of the same landmarks: the caches are shared
    (a both-sides signal reads the values the followed side already computed), which is why
    keys that depend on ``min_vis`` include it.
    """

    __slots__ = ("arrays", "memo", "min_vis", "px", "raw", "vis", "world")

    def __init__(self, arr: LandmarkArrays, min_vis: float, share: Frames | None = None) -> None:
        if share is None:
            self._set(_points(arr.px), _points(arr.world), list(arr.vis.T), None)
        else:
            self._set(share.px, share.world, share.vis, share)
        self.arrays: LandmarkArrays | None = arr
        self.min_vis = min_vis

    @classmethod
    def one(cls, px: list[list[float]], world: list[list[float]], vis: list[float], min_vis: float,
            share: Frames | None = None) -> Frames:
        """One frame from its landmarks as floats: ``px`` ``[[x, y]] * 33`` in pixels, ``world``
        ``[[x, y, z]] * 33``, ``vis`` 33 visibilities."""
        fr = cls.__new__(cls)
        fr._set(px, world, vis, share)
        fr.arrays, fr.min_vis = None, min_vis
        return fr

    def _set(self, px: list[Any], world: list[Any], vis: list[Any], share: Frames | None) -> None:
        self.px, self.world, self.vis = px, world, vis
        self.memo: dict[tuple[str, str, float], tuple[Values, Values]] = {} if share is None else share.memo
        self.raw: dict[tuple[str, str, float | None], tuple[Values, Values]] = {} if share is None else share.raw


def _points(a: np.ndarray) -> list[list[np.ndarray]]:
    """``(n, 33, k)`` stacked landmarks as 33 points of ``k`` columns."""
    return [list(cols) for cols in a.transpose(1, 2, 0)]


#: Landmarks whose visibility decides which side faces the camera.
_SIDE_PARTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
_SIDE_IDX = {s: [lm(s, p) for p in _SIDE_PARTS] for s in SIDES}
#: The landmarks of each side used to decide which side faces the camera.
SIDE_LANDMARKS: dict[str, list[int]] = {str(k): v for k, v in _SIDE_IDX.items()}


def side_visibility(arr: LandmarkArrays) -> tuple[np.ndarray, np.ndarray]:
    """Mean visibility of the left and right limbs per frame: the near side scores higher."""
    return arr.vis[:, _SIDE_IDX["left"]].mean(axis=1), arr.vis[:, _SIDE_IDX["right"]].mean(axis=1)


def near_side(arr: LandmarkArrays) -> SideName:
    """The side facing the camera over a whole track (by total visibility)."""
    lv, rv = side_visibility(arr)
    return "left" if float(np.nansum(lv)) >= float(np.nansum(rv)) else "right"
