"""Named features that exercise specs refer to, computed for a chosen side.

A spec says ``hip_angle``; this module knows that it is the angle
shoulder-hip-knee in the image, on the side the tracker follows. Every name
exists in four forms:

* ``hip_angle``        the side the tracker follows (near side, or the moving side)
* ``left_hip_angle``   the subject's left side, whatever the tracker follows
* ``right_hip_angle``  the subject's right side
* ``hip_angle_asym``   ``|left - right|`` (left/right symmetry)

Side-free features (``pelvis_tilt``, ``shoulder_width``) have one form only.
Values are NaN where any landmark they use is less visible than
``min_visibility``: a hidden limb never produces a number.

Example:
    >>> "hip_angle" in feature_names() and "left_knee_angle" in feature_names()
    True
"""

from __future__ import annotations

import difflib
import functools
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar, overload

import numpy as np

from formcheck.features import body_frame as B
from formcheck.features import geometry as F
from formcheck.features.geometry import Point, Values
from formcheck.records.errors import SpecError
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
_LM: dict[tuple[str, str], int] = {
    (side, lmk.name[len(side) + 1:].lower()): int(lmk)
    for lmk in Landmark for side in ("left", "right") if lmk.name.startswith(f"{side.upper()}_")}


def lm(side: SideName, part: str) -> int:
    """Index of a sided landmark: ``lm("left", "knee") == Landmark.LEFT_KNEE``."""
    idx = _LM.get((side, part))
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


Fn = Callable[[Frames, SideName], Values]
_IDX: dict[tuple[str, str], list[int]] = {}


@dataclass(frozen=True)
class FeatureDef:
    """A named feature.

    Attributes:
        name: Base name used in specs.
        fn: ``fn(arrays, side) -> (n,)`` raw values (before visibility masking).
        parts: ``(side, part)`` landmarks it reads; side ``"same"``/``"other"``
            is relative to the side asked for, ``"left"``/``"right"`` absolute.
        unit: ``"deg"`` or ``"torso"`` (torso lengths) etc., for charts.
        sided: False for side-free features.
        description: One line for ``formcheck specs features``.
        own_mask: ``fn`` masks some of its landmarks itself with ``Frames.min_vis``, so its
            values depend on the threshold (cached per threshold).
        masked: The landmarks ``fn`` also reads but masks itself (not in ``parts``, whose
            visibility masks the whole value): the limbs a bird-dog's reach follows.
    """

    name: str
    fn: Fn
    parts: tuple[tuple[str, str], ...]
    unit: str
    sided: bool
    description: str
    own_mask: bool = False
    masked: tuple[tuple[str, str], ...] = ()

    def indices(self, side: SideName) -> list[int]:
        cached = _IDX.get((self.name, side))
        if cached is not None:
            return cached
        out = []
        for rel, part in self.parts:
            s: SideName = side if rel == "same" else other(side) if rel == "other" else rel  # type: ignore[assignment]
            out.append(lm(s, part) if part not in ("nose",) else int(Landmark.NOSE))
        _IDX[(self.name, side)] = out
        return out


def _p(a: Frames, side: SideName, part: str) -> Point:
    return a.px[_LM[side, part]]


def _w(a: Frames, side: SideName, part: str) -> Point:
    return a.world[_LM[side, part]]


def _torso(a: Frames, side: SideName) -> Values:
    return F.distance(_p(a, side, "shoulder"), _p(a, side, "hip"))


_REGISTRY: dict[str, FeatureDef] = {}


def _parts(parts: str) -> tuple[tuple[str, str], ...]:
    """``"shoulder other:hip"`` → ``(("same", "shoulder"), ("other", "hip"))``."""
    return tuple(tuple(p.split(":")) if ":" in p else ("same", p) for p in parts.split())  # type: ignore[misc]


def _reg(name: str, parts: str, unit: str, description: str, sided: bool = True,
         own_mask: bool = False, masked: str = "") -> Callable[[Fn], Fn]:
    def deco(fn: Fn) -> Fn:
        _REGISTRY[name] = FeatureDef(name, fn, _parts(parts), unit, sided, description, own_mask, _parts(masked))
        return fn
    return deco


def _at(*parts: str) -> dict[str, tuple[int, ...]]:
    """The indices of ``parts`` on each side, looked up once (every frame reads them again)."""
    return {s: tuple(_LM[s, p] for p in parts) for s in SIDES}


def _angle(name: str, a: str, b: str, c: str, what: str) -> None:
    """Register ``name`` (2-D, image) and ``name_3d`` (world) for the angle a-b-c."""
    at = _at(a, b, c)

    def image(arr: Frames, s: SideName) -> Values:
        i, j, k = at[s]
        return F.joint_angle(arr.px[i], arr.px[j], arr.px[k])

    def world(arr: Frames, s: SideName) -> Values:
        i, j, k = at[s]
        return F.joint_angle(arr.world[i], arr.world[j], arr.world[k])

    _reg(name, f"{a} {b} {c}", "deg", f"{what}: angle {a}-{b}-{c} in the image (2-D)")(image)
    _reg(name + "_3d", f"{a} {b} {c}", "deg", f"{what}: angle {a}-{b}-{c} from world landmarks (3-D)")(world)


_angle("hip_angle", "shoulder", "hip", "knee", "hip flexion/extension (180 = straight)")
_angle("knee_angle", "hip", "knee", "ankle", "knee (180 = straight)")
_angle("elbow_angle", "shoulder", "elbow", "wrist", "elbow (180 = straight)")
_angle("shoulder_flexion", "hip", "shoulder", "elbow", "upper arm against the torso (0 = arm at side)")
_angle("ankle_angle", "knee", "ankle", "foot_index", "ankle")
_angle("body_line", "shoulder", "hip", "ankle", "straightness shoulder-hip-ankle (180 = straight)")


SegmentFn = Callable[[Point, Point], Values]


def _segment(name: str, a: str, b: str, image: SegmentFn, world: SegmentFn, image_what: str, world_what: str) -> None:
    """Register ``name`` (image) and ``name_3d`` (world landmarks: the same whatever the camera's turn) for a→b."""
    at = _at(a, b)

    def in_image(arr: Frames, s: SideName) -> Values:
        i, j = at[s]
        return image(arr.px[i], arr.px[j])

    def in_world(arr: Frames, s: SideName) -> Values:
        i, j = at[s]
        return world(arr.world[i], arr.world[j])

    _reg(name, f"{a} {b}", "deg", image_what)(in_image)
    _reg(name + "_3d", f"{a} {b}", "deg", world_what)(in_world)


def _incl(name: str, a: str, b: str, what: str) -> None:
    _segment(name, a, b, F.inclination, F.inclination_3d,
             f"{what} from the image vertical (0 = vertical, 90 = horizontal)",
             f"{what} from the vertical in 3-D (world landmarks; 0 = vertical)")


_incl("torso_incline", "hip", "shoulder", "torso")
_incl("thigh_incline", "hip", "knee", "thigh")
_incl("shin_incline", "knee", "ankle", "shin")
_incl("upper_arm_incline", "shoulder", "elbow", "upper arm")
_incl("forearm_incline", "elbow", "wrist", "forearm")


@_reg("arm_elevation", "shoulder wrist", "deg", "shoulder→wrist above the horizontal (0 = level, -90 = hanging)")
def _arm_elev(a: Frames, s: SideName) -> Values:
    return F.elevation(_p(a, s, "shoulder"), _p(a, s, "wrist"))


@_reg("leg_elevation", "hip ankle", "deg", "hip→ankle above the horizontal (0 = level)")
def _leg_elev(a: Frames, s: SideName) -> Values:
    return F.elevation(_p(a, s, "hip"), _p(a, s, "ankle"))


@_reg("thigh_elevation", "hip knee", "deg", "hip→knee above the horizontal")
def _thigh_elev(a: Frames, s: SideName) -> Values:
    return F.elevation(_p(a, s, "hip"), _p(a, s, "knee"))


def _torso3d(a: Frames, side: SideName) -> Values:
    return F.distance(_w(a, side, "shoulder"), _w(a, side, "hip"))


def _elev3d(name: str, a: str, b: str, what: str) -> None:
    _reg(name, f"{a} {b}", "deg", f"{what} above the horizontal in 3-D (world landmarks; 0 = level, -90 = hanging)")(
        lambda arr, s: F.elevation_3d(_w(arr, s, a), _w(arr, s, b)))


_elev3d("arm_elevation_3d", "shoulder", "wrist", "shoulder→wrist")
_elev3d("thigh_elevation_3d", "hip", "knee", "hip→knee")
_elev3d("leg_elevation_3d", "hip", "ankle", "hip→ankle")


@_reg("hip_sag_3d", "shoulder hip ankle", "torso",
      "hip below (+, sag) or above (-, pike) the 3-D shoulder-ankle line, in torso lengths (any camera angle)")
def _hip_sag_3d(a: Frames, s: SideName) -> Values:
    return F.vertical_offset_3d(_w(a, s, "hip"), _w(a, s, "shoulder"), _w(a, s, "ankle"), _torso3d(a, s))


def _height_3d(name: str, part: str, above: str, what: str) -> None:
    """Register ``name``: how far ``part`` is above ``above`` in 3-D (world y), in torso lengths."""
    @_reg(name, f"shoulder hip {part} {above}", "torso", what)
    def fn(a: Frames, s: SideName) -> Values:
        return F.ratio(_w(a, s, above)[1] - _w(a, s, part)[1], _torso3d(a, s))  # world y points down


_height_3d("hip_height_3d", "hip", "ankle",
           "hip above (+) the ankle in 3-D, in torso lengths (~0 lying on the floor, any camera angle)")
_height_3d("shoulder_height_3d", "shoulder", "ankle",
           "shoulder above (+) the ankle in 3-D, in torso lengths (a plank holds it up, lying drops it)")
_height_3d("wrist_lift_3d", "wrist", "shoulder",
           "wrist height relative to the shoulder in 3-D, in torso lengths (0 = level, -1 = a torso length below)")


@_reg("neck_lift_3d", "hip shoulder ear", "deg",
      "head raised (+) or dropped (-) against the torso line in 3-D (prone, hinged or on all fours)")
def _neck_lift_3d(a: Frames, s: SideName) -> Values:
    return F.elevation_3d(_w(a, s, "shoulder"), _w(a, s, "ear")) - F.elevation_3d(_w(a, s, "hip"), _w(a, s, "shoulder"))


@_reg("hip_sag", "shoulder hip ankle", "torso",
      "hip below (+, sag) or above (-, pike) the shoulder-ankle line, in torso lengths")
def _hip_sag(a: Frames, s: SideName) -> Values:
    return F.signed_offset(_p(a, s, "hip"), _p(a, s, "shoulder"), _p(a, s, "ankle"), _torso(a, s))


@_reg("hip_lift", "shoulder hip knee", "torso",
      "hip above (+) or below (-) the shoulder-knee line, in torso lengths (bridge height)")
def _hip_lift(a: Frames, s: SideName) -> Values:
    return -F.signed_offset(_p(a, s, "hip"), _p(a, s, "shoulder"), _p(a, s, "knee"), _torso(a, s))


@_reg("hip_height", "shoulder hip ankle", "torso",
      "hip above (+) the ankle in the image, in torso lengths (~0 lying on the floor)")
def _hip_height(a: Frames, s: SideName) -> Values:
    return F.ratio(_p(a, s, "ankle")[1] - _p(a, s, "hip")[1], _torso(a, s))


@_reg("neck_angle", "hip shoulder ear", "deg",
      "head turned up (+, neck extension) or down (-) from the torso line hip→shoulder")
def _neck(a: Frames, s: SideName) -> Values:
    return F.signed_bend(_p(a, s, "hip"), _p(a, s, "shoulder"), _p(a, s, "ear"))


@_reg("wrist_to_shoulder", "shoulder hip wrist", "torso", "wrist-shoulder distance in torso lengths")
def _wrist_sh(a: Frames, s: SideName) -> Values:
    return F.normalised_distance(_p(a, s, "wrist"), _p(a, s, "shoulder"), _torso(a, s))


@_reg("wrist_to_hip", "shoulder hip wrist", "torso", "wrist-hip distance in torso lengths")
def _wrist_hip(a: Frames, s: SideName) -> Values:
    return F.normalised_distance(_p(a, s, "wrist"), _p(a, s, "hip"), _torso(a, s))


def _diag_parts(a: Frames, s: SideName, world: bool = False) -> tuple[Values, Values]:
    """This arm's and the opposite thigh's elevation, each NaN when its own landmarks are hidden."""
    key = ("diag3d" if world else "diag", s, a.min_vis)
    hit = a.memo.get(key)
    if hit is not None:
        return hit
    elev = F.elevation_3d if world else F.elevation
    pts = a.world if world else a.px
    (sh, wr), (hip, knee) = _DIAG_LIMBS[s]
    arm = F.masked(elev(pts[sh], pts[wr]), (a.vis[sh], a.vis[wr]), a.min_vis)
    thigh = F.masked(elev(pts[hip], pts[knee]), (a.vis[hip], a.vis[knee]), a.min_vis)
    a.memo[key] = (arm, thigh)
    return arm, thigh


#: Per side: this arm's (shoulder, wrist) and the opposite thigh's (hip, knee) landmarks.
_DIAG_LIMBS = {s: (_at("shoulder", "wrist")[s], _at("hip", "knee")[other(s)]) for s in SIDES}
#: The limbs' own landmarks, which the reach masks itself (see ``FeatureDef.masked``).
_DIAG_MASKED = "wrist other:knee"



# Bird-dog limbs: the arm of side s reaches forward while the opposite leg reaches back. The
# thigh (hip→knee) is used for the leg because it hangs vertical (-90) when kneeling, like the
# arm, whereas hip→ankle already points ~45 deg back at rest. Either limb may be hidden behind
# the body in a side view, so each is masked on its own and the other one carries the signal.
# Parts list only the shared torso landmarks: the limbs are masked inside.
@_reg("diagonal_reach", "shoulder other:hip", "deg",
      "bird-dog reach: the higher of this arm's and the opposite thigh's elevation (0 = horizontal)", own_mask=True,
      masked=_DIAG_MASKED)
def _diag(a: Frames, s: SideName) -> Values:
    arm, thigh = _diag_parts(a, s)
    return F.fmax(arm, thigh)


@_reg("diagonal_reach_min", "shoulder other:hip", "deg",
      "bird-dog: the lower of this arm's and the opposite thigh's elevation (the limb that falls short)", own_mask=True,
      masked=_DIAG_MASKED)
def _diag_min(a: Frames, s: SideName) -> Values:
    arm, thigh = _diag_parts(a, s)
    return F.fmin(arm, thigh)


@_reg("diagonal_reach_3d", "shoulder other:hip", "deg",
      "bird-dog reach in 3-D: the higher of this arm's and the opposite thigh's elevation (0 = level)", own_mask=True,
      masked=_DIAG_MASKED)
def _diag3d(a: Frames, s: SideName) -> Values:
    arm, thigh = _diag_parts(a, s, world=True)
    return F.fmax(arm, thigh)


@_reg("diagonal_reach_min_3d", "shoulder other:hip", "deg",
      "bird-dog in 3-D: the lower of this arm's and the opposite thigh's elevation (the limb that falls short)",
      own_mask=True, masked=_DIAG_MASKED)
def _diag_min3d(a: Frames, s: SideName) -> Values:
    arm, thigh = _diag_parts(a, s, world=True)
    return F.fmin(arm, thigh)


@_reg("body_turn_3d", "left:shoulder right:shoulder left:hip right:hip", "deg",
      "how far the body is turned from a side-on view (0 = side-on, 90 = facing or back to the camera)",
      sided=False)
def _body_turn(a: Frames, s: SideName) -> Values:
    return F.turn_from_side_3d(*(a.world[int(i)] for i in (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER,
                                                             Landmark.LEFT_HIP, Landmark.RIGHT_HIP)))


@_reg("pelvis_tilt", "left:hip right:hip", "deg", "hip-to-hip line out of level in 3-D (pelvis roll)", sided=False)
def _pelvis(a: Frames, s: SideName) -> Values:
    return F.tilt_3d(a.world[int(Landmark.LEFT_HIP)], a.world[int(Landmark.RIGHT_HIP)])


@_reg("pelvis_drop", "left:hip right:hip left:shoulder right:shoulder", "torso",
      "image height difference of the two hips in torso lengths (side view: ~0 with square hips)", sided=False)
def _pelvis_drop(a: Frames, s: SideName) -> Values:
    torso = F.fmax(_torso(a, "left"), _torso(a, "right"))
    return F.ratio(abs(a.px[int(Landmark.LEFT_HIP)][1] - a.px[int(Landmark.RIGHT_HIP)][1]), torso)


@_reg("shoulder_tilt", "left:shoulder right:shoulder", "deg", "shoulder line out of level in 3-D", sided=False)
def _sh_tilt(a: Frames, s: SideName) -> Values:
    return F.tilt_3d(a.world[int(Landmark.LEFT_SHOULDER)], a.world[int(Landmark.RIGHT_SHOULDER)])


@_reg("shoulder_width", "left:shoulder right:shoulder left:hip right:hip", "torso",
      "image distance between the shoulders in torso lengths (~0.1-0.3 side-on, ~0.7+ facing the camera)",
      sided=False)
def _sh_width(a: Frames, s: SideName) -> Values:
    torso = F.fmax(_torso(a, "left"), _torso(a, "right"))
    return F.normalised_distance(a.px[int(Landmark.LEFT_SHOULDER)], a.px[int(Landmark.RIGHT_SHOULDER)], torso)




# --- Signed elevations, front-view measures and the body's own frame (see body_frame.py) --------

for _name, _a, _b, _what in (("torso_elevation", "hip", "shoulder", "torso hip→shoulder"),
                              ("upper_arm_elevation", "shoulder", "elbow", "shoulder→elbow (elbow height)")):
    _segment(_name, _a, _b, F.elevation, F.elevation_3d, f"{_what} above the image horizontal (signed, 0 = level)",
             f"{_what} above the horizontal in 3-D (world landmarks; signed)")


@_reg("trunk_lift_3d", "shoulder hip knee", "deg",
      "trunk raised above (+) or dropped below (-) the line of the thigh, 0 = straight (3-D; face down or "
      "standing: hip extension +, a hinge -)")
def _trunk_lift(a: Frames, s: SideName) -> Values:
    # The difference of two elevations keeps the sign the unsigned hip angle loses: a prone chest
    # lift or an over-arched back extension reads +, a hinge -, a straight body 0, on floor or bench.
    # It is referred to gravity, not to the body: lying on the back, sitting up also reads +.
    return F.elevation_3d(_w(a, s, "hip"), _w(a, s, "shoulder")) - F.elevation_3d(_w(a, s, "knee"), _w(a, s, "hip"))


def _xy(a: Frames, world: bool) -> list[Point]:
    return a.world if world else a.px


def _mid(a: Frames, part: str, world: bool) -> Point:
    pts = _xy(a, world)
    return F.midpoint(pts[lm("left", part)], pts[lm("right", part)])


def _head_tilt(world: bool) -> Fn:
    def fn(a: Frames, s: SideName) -> Values:
        pts, o = _xy(a, world), other(s)
        return B.lateral_tilt(pts[lm(o, "ear")], pts[lm(s, "ear")], pts[lm(o, "shoulder")], pts[lm(s, "shoulder")],
                              F.vector(_mid(a, "shoulder", world), _mid(a, "hip", world)))
    return fn


def _shoulder_drop(world: bool) -> Fn:
    def fn(a: Frames, s: SideName) -> Values:
        pts, elev = _xy(a, world), F.elevation_3d if world else F.elevation
        return -elev(pts[lm(other(s), "shoulder")], pts[lm(s, "shoulder")])
    return fn


def _wrist_spread(world: bool) -> Fn:
    def fn(a: Frames, s: SideName) -> Values:
        pts = _xy(a, world)
        width = F.distance(pts[int(Landmark.LEFT_SHOULDER)], pts[int(Landmark.RIGHT_SHOULDER)])
        return F.normalised_distance(pts[int(Landmark.LEFT_WRIST)], pts[int(Landmark.RIGHT_WRIST)], width)
    return fn


def _neck_length(world: bool) -> Fn:
    def fn(a: Frames, s: SideName) -> Values:
        sh, hip = _mid(a, "shoulder", world), _mid(a, "hip", world)
        return B.height_along(_mid(a, "ear", world), sh, F.vector(hip, sh), F.distance(sh, hip))
    return fn


def _side_lean(world: bool) -> Fn:
    def fn(a: Frames, s: SideName) -> Values:
        pts = _xy(a, world)
        return B.side_lean(pts[lm(other(s), "hip")], pts[lm(s, "hip")], _mid(a, "shoulder", world))
    return fn


@_reg("head_turn", "nose ear other:ear", "deg",
      "face turned towards this side (+), approximate degrees from the nose between the ears (front view)")
def _head_turn(a: Frames, s: SideName) -> Values:
    return B.head_turn(a.px[int(Landmark.NOSE)], _p(a, s, "ear"), _p(a, other(s), "ear"))


for _suffix, _world in (("", False), ("_3d", True)):
    _where = "from world landmarks (3-D)" if _world else "in the image (front view)"
    _reg("head_tilt" + _suffix, "ear other:ear shoulder other:shoulder hip other:hip", "deg",
         f"head tilted towards this side's shoulder (+): ear line against the shoulder line, {_where}")(
        _head_tilt(_world))
    _reg("shoulder_drop" + _suffix, "shoulder other:shoulder", "deg",
         f"this shoulder below (+) or above (-) the other one: shoulder line out of level, {_where}")(
        _shoulder_drop(_world))
    _reg("wrist_spread" + _suffix, "left:wrist right:wrist left:shoulder right:shoulder", "x shoulder width",
         f"distance between the wrists in shoulder widths (hands pulled apart), {_where}", sided=False)(
        _wrist_spread(_world))
    _reg("torso_side_lean" + _suffix, "hip other:hip shoulder other:shoulder", "deg",
         f"torso leaning sideways towards this side (+) against the hip line, {_where}")(_side_lean(_world))
    _reg("neck_length" + _suffix, "left:ear right:ear left:shoulder right:shoulder left:hip right:hip", "torso",
         f"ears above the shoulders along the torso, in torso lengths (a shrug shortens it), {_where}",
         sided=False)(_neck_length(_world))


@_reg("shoulder_width_3d", "left:shoulder right:shoulder left:hip right:hip", "torso",
      "distance between the shoulders in 3-D in torso lengths (drawing the blades together narrows it)",
      sided=False)
def _sh_width_3d(a: Frames, s: SideName) -> Values:
    sh, hip = _mid(a, "shoulder", True), _mid(a, "hip", True)
    return F.normalised_distance(_w(a, "left", "shoulder"), _w(a, "right", "shoulder"), F.distance(sh, hip))


# Parts list only the torso: the feet (which keep the facing the right way round) are masked inside.
@_reg("torso_lean_3d", "left:shoulder right:shoulder left:hip right:hip", "deg",
      "torso from the vertical, leaning back (+) or forward (-), facing from the shoulder line and the feet (3-D)",
      sided=False, own_mask=True)
def _lean(a: Frames, s: SideName) -> Values:
    feet = tuple([F.masked(c, a.vis[i], a.min_vis) for c in F.coords(a.world[i])]
                 for i in (_LM["left", "heel"], _LM["left", "foot_index"], _LM["right", "heel"],
                           _LM["right", "foot_index"]))
    return B.lean_back_3d(_w(a, "left", "shoulder"), _w(a, "right", "shoulder"), _w(a, "left", "hip"),
                          _w(a, "right", "hip"), feet)  # type: ignore[arg-type]


#: Side-free features computed from world landmarks.
_WORLD_SIDE_FREE = frozenset({"pelvis_tilt", "shoulder_tilt", "body_turn_3d"})


def view_invariant(name: str) -> bool:
    """True for features from world landmarks (``*_3d``), which a turn of the camera leaves alone.

    Image-plane features (angles and distances in the picture) are only trustworthy from the
    view a spec asks for.

    Example:
        >>> view_invariant("hip_angle_3d"), view_invariant("knee_angle_3d_asym"), view_invariant("hip_angle")
        (True, True, False)
    """
    d, _ = parse_name(name)
    return d.name.endswith("_3d") or d.name in _WORLD_SIDE_FREE


def base_features() -> dict[str, FeatureDef]:
    """The registered base features (read-only view by convention)."""
    return dict(_REGISTRY)


def feature_names() -> list[str]:
    """Every valid feature name a spec may use, sorted."""
    out = []
    for name, d in _REGISTRY.items():
        out.append(name)
        if d.sided:
            out += [f"left_{name}", f"right_{name}", f"{name}_asym"]
    return sorted(out)


@functools.lru_cache(maxsize=1024)
def parse_name(name: str) -> tuple[FeatureDef, str]:
    """Split a feature name into its definition and mode (``follow|left|right|asym|none``).

    Raises:
        SpecError: unknown name, with the nearest valid names.
    """
    d = _REGISTRY.get(name)
    if d is not None:
        return d, "follow" if d.sided else "none"
    for prefix in ("left_", "right_"):
        if name.startswith(prefix):
            d = _REGISTRY.get(name[len(prefix):])
            if d is not None and d.sided:
                return d, prefix[:-1]
    if name.endswith("_asym"):
        d = _REGISTRY.get(name[: -len("_asym")])
        if d is not None and d.sided:
            return d, "asym"
    near = difflib.get_close_matches(name, feature_names(), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    raise SpecError(f"unknown feature {name!r}{hint} (see `formcheck specs features`)")


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
            symmetry: Callable[[V, V], V]) -> V:
    """The value of ``name`` (any of the four forms) when ``side`` is followed, from
    ``get(definition, side)``: one place that knows the forms, for arrays and for floats."""
    d, mode = parse_name(name)
    return resolve_form(d, mode, side, get, symmetry)


def resolve_form(d: FeatureDef, mode: str, side: SideName, get: Callable[[FeatureDef, SideName], V],
                 symmetry: Callable[[V, V], V]) -> V:
    """``resolve`` for a name already parsed (``parse_name``): the live path parses once per set."""
    if mode == "follow":
        return get(d, side)
    if mode == "none":
        return get(d, "left")
    if mode == "asym":
        return symmetry(get(d, "left"), get(d, "right"))
    return get(d, "left" if mode == "left" else "right")


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

    Side-free, ``left_``/``right_`` and ``_asym`` names do not depend on the followed side,
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

    return {s: {name: resolve(name, s, get, F.symmetry) for name in names} for s in sides}


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
        SpecError: a side-free, ``left_``/``right_`` or ``_asym`` name.
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
