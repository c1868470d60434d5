"""Feature values from landmarks: a name of the catalogue, resolved for a clip or a frame.

Values are NaN where any landmark a feature uses is less visible than
``min_visibility``: a hidden limb never produces a number. ``resolve`` is the one
place that knows the four forms of a name (followed side, ``left_``, ``right_``,
``_asym``); ``compute``/``compute_sides`` run it over a clip, ``both_sides`` and
``combine_sides`` make one value from both sides, ``feature_table`` gives a clip's
table for charts and CSV. The live path (:mod:`formcheck.features.single_frame`)
uses the same ``resolve`` and ``combine_sides`` on floats.

Example:
    >>> from formcheck.records.frame import PoseFrame
    >>> feature_table([PoseFrame.empty(0.0, (64, 48))], ["hip_angle"])["hip_angle"].shape
    (1,)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from formcheck.features import geometry as F
from formcheck.features.frames import SIDES, Frames, LandmarkArrays, SideName, near_side
from formcheck.features.registry import FeatureDef, parse_name
from formcheck.records.errors import SpecError
from formcheck.records.frame import PoseFrame


def raw_values(fr: Frames, d: FeatureDef, side: SideName) -> tuple[np.ndarray, np.ndarray]:
    """``d``'s values on ``side`` before masking, and the lowest visibility of the landmarks it
    reads; computed once per ``Frames`` (and the ``Frames`` sharing its caches)."""
    key = (d.name, side, fr.min_vis if d.own_mask else None)
    hit = fr.raw.get(key)
    if hit is None:
        assert fr.arrays is not None, "a clip's Frames (one frame: single_frame.SingleFrame)"
        hit = fr.raw[key] = (d.fn(fr, side), fr.arrays.vis[:, d.indices(side)].min(axis=1))
    return hit


def _sided_values(fr: Frames, d: FeatureDef, side: SideName) -> np.ndarray:
    vals, vis = raw_values(fr, d, side)
    return np.asarray(F.masked(vals, vis, fr.min_vis))


V = TypeVar("V")  # arrays (a clip), floats (a frame), or where the values will be (single_frame)


def resolve(name: str, side: SideName, get: Callable[[FeatureDef, SideName], V],
            pair: Callable[[str, V, V], V]) -> V:
    """The value of ``name`` (any of the five forms) when ``side`` is followed, from
    ``get(definition, side)`` and, for the two-sided forms, ``pair(form, left, right)``: one place
    that knows the forms, for arrays and for floats."""
    d, mode = parse_name(name)
    return resolve_form(d, mode, side, get, pair)


def resolve_form(d: FeatureDef, mode: str, side: SideName, get: Callable[[FeatureDef, SideName], V],
                 pair: Callable[[str, V, V], V]) -> V:
    """``resolve`` for a name already parsed (``parse_name``): the live path parses once per set."""
    if mode == "follow":
        return get(d, side)
    if mode == "none":
        return get(d, "left")
    if mode in F.PAIRS:
        return pair(mode, get(d, "left"), get(d, "right"))
    return get(d, "left" if mode == "left" else "right")


def _pair(form: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.asarray(F.PAIRS[form](left, right))


def compute(arr: LandmarkArrays, names: Sequence[str], side: SideName | np.ndarray,
            min_visibility: float = 0.5) -> dict[str, np.ndarray]:
    """Values of ``names`` for every frame in ``arr``.

    Args:
        arr: Stacked landmarks of ``n`` frames.
        names: Feature names (any of the four forms).
        side: Side that un-prefixed sided names follow: one side for all frames,
            or an ``(n,)`` array of ``"left"``/``"right"`` (one per frame).
        min_visibility: Landmarks below this make the value NaN.

    Returns:
        ``name -> (n,)`` float arrays, NaN where unknown.
    """
    if isinstance(side, str):
        return compute_sides(arr, names, (side,), min_visibility)[side]
    both = compute_sides(arr, names, SIDES, min_visibility)
    pick = np.asarray(side) == "left"
    return {n: np.where(pick, both["left"][n], both["right"][n]) for n in names}


def compute_sides(arr: LandmarkArrays, names: Sequence[str], sides: Sequence[SideName],
                  min_visibility: float = 0.5, frames: Frames | None = None) -> dict[str, dict[str, np.ndarray]]:
    """``compute`` for several followed sides at once: ``{side: {name: (n,)}}``.

    Side-free, ``left_``/``right_``, ``_asym`` and ``_lesser`` names do not depend on the followed side,
    so they are computed once and shared (the tracker asks for both sides every frame for
    exercises counted per side). ``frames``: a ``Frames`` of ``arr`` whose caches to share.
    """
    fr = Frames(arr, min_visibility, share=frames)
    cache: dict[tuple[str, str], np.ndarray] = {}

    def get(d: FeatureDef, s: SideName) -> np.ndarray:
        key = (d.name, s)
        if key not in cache:
            cache[key] = _sided_values(fr, d, s)
        return cache[key]

    return {s: {name: resolve(name, s, get, _pair) for name in names} for s in sides}


def both_sides(arr: LandmarkArrays, name: str, min_visibility: float = 0.5, combine: str = "mean",
               direction: int = 1, frames: Frames | None = None) -> np.ndarray:
    """One value per frame from both sides of a sided feature (see ``combine_sides``).

    ``frames``: a ``Frames`` of ``arr`` whose caches to share (values already computed).

    Example:
        >>> from formcheck.records.frame import PoseFrame
        >>> both_sides(LandmarkArrays.from_frames([PoseFrame.empty(0.0, (64, 48))]), "knee_angle_3d")
        array([nan])
    """
    d = sided_definition(name)
    fr = Frames(arr, 0.0, share=frames)
    (left, lvis), (right, rvis) = (raw_values(fr, d, s) for s in SIDES)
    # One formula for a clip and for a single live frame: element by element (~1 us a frame).
    combined = np.vectorize(combine_sides, otypes=[np.float64])
    return np.asarray(combined(F.masked(left, lvis, 0.0), F.masked(right, rvis, 0.0), lvis, rvis,
                               min_visibility, combine, direction))


def sided_definition(name: str) -> FeatureDef:
    """The definition of ``name``, which must follow a side (to be combined over both).

    Raises:
        SpecError: a side-free, ``left_``/``right_``, ``_asym`` or ``_lesser`` name.
    """
    d, mode = parse_name(name)
    if mode != "follow":
        raise SpecError(f"{name!r} does not follow a side: it cannot be combined over both sides")
    return d


def combine_sides(left: float, right: float, left_vis: float, right_vis: float, min_visibility: float,
                  combine: str = "mean", direction: int = 1) -> float:
    """One value from both sides' values of a sided feature and their visibilities.

    A frame counts only when at least one side is seen clearly (``min_visibility``). Then:

    * ``"mean"``: the sides' mean weighted by how visible each is (the side facing the camera
      dominates; a side below ``min_visibility`` is left out);
    * ``"lesser"``: the side nearer the start end (``direction`` +1: the lower value), the
      hidden side's guess included: both sides must move (a squat bends both knees, walking
      one at a time), and the model's guess of a hidden leg still tells which.

    Plain floats: the live path calls it once a frame, where numpy's per-call cost would dominate.
    NaN is found with ``math.isnan``, never by comparing: Python 3.11's specialised float
    comparison sets the CPU's "invalid" flag on a NaN operand (even ``x != x``), and numpy,
    running this inside ``np.vectorize`` for a clip, reported that flag as a ``RuntimeWarning``.
    A visibility that is NaN counts as not seen.

    Example:
        >>> combine_sides(100.0, 140.0, 0.9, 0.3, 0.5), combine_sides(100.0, 140.0, 0.9, 0.3, 0.5, "lesser")
        (100.0, 100.0)
    """
    vis = (_seen(left_vis), _seen(right_vis))
    if vis[0] < min_visibility and vis[1] < min_visibility:
        return math.nan
    if combine == "lesser":
        x = [direction * v for v, vi in zip((left, right), vis) if vi > 0.0 and not math.isnan(v)]
        return direction * min(x) if x else math.nan
    w = [0.0 if math.isnan(v) or vi < min_visibility else vi for v, vi in zip((left, right), vis)]
    total = w[0] + w[1]
    # The same sum as the vectorised form had: 0 + each side's share (np.nan_to_num clips an infinity).
    acc = sum(max(-_BIG, min(_BIG, v)) * wi if wi > 0 else 0.0 for v, wi in zip((left, right), w))
    return acc / total if total > 0 else math.nan


def _seen(visibility: float) -> float:
    """A visibility to compare: NaN (unknown) becomes -inf, below any threshold."""
    return -math.inf if math.isnan(visibility) else visibility


_BIG = sys.float_info.max


def feature_table(frames: Sequence[PoseFrame], names: Sequence[str], side: SideName | None = None,
                  min_visibility: float = 0.5) -> dict[str, np.ndarray]:
    """Feature values for a list of frames (for angles.csv and charts).

    Args:
        frames: The clip's frames.
        names: Feature names, e.g. ``spec.key_features``.
        side: Side to follow; None picks the side facing the camera over the clip.
        min_visibility: Landmarks below this give NaN.

    Returns:
        ``{"t": (n,), name: (n,), ...}``.

    Example:
        >>> from formcheck.records.frame import PoseFrame
        >>> feature_table([PoseFrame.empty(0.0, (64, 48))], ["hip_angle"])["hip_angle"].shape
        (1,)
    """
    arr = LandmarkArrays.from_frames(frames)
    s = side or near_side(arr)
    out = {"t": np.array([f.t for f in frames], dtype=np.float64)}
    out.update(compute(arr, names, s, min_visibility))
    return out
