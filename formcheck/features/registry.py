"""The catalogue of named features that exercise specs refer to: what each name measures.

A spec says ``hip_angle``; this module knows that it is the angle
shoulder-hip-knee in the image, on the side the tracker follows. Every name
exists in five forms:

* ``hip_angle``        the side the tracker follows (near side, or the moving side)
* ``left_hip_angle``   the subject's left side, whatever the tracker follows
* ``right_hip_angle``  the subject's right side
* ``hip_angle_asym``   ``|left - right|`` (left/right symmetry)
* ``hip_angle_lesser`` the lesser of the two sides (e.g. the more upright shin)

Side-free features (``pelvis_tilt``, ``shoulder_width``) have one form only.
Here are the definitions and the lookup of a name (``parse_name``); computing the
values for a clip or a frame, with visibility masking and the five forms, is
:mod:`formcheck.features.resolve`'s job, and the landmarks they read are
:mod:`formcheck.features.frames`'.

Example:
    >>> "hip_angle" in feature_names() and "left_knee_angle" in feature_names()
    True
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass

from formcheck.features import body_frame as B
from formcheck.features import geometry as F
from formcheck.features.frames import LANDMARK_AT, SIDES, Frames, SideName, lm, other
from formcheck.features.geometry import Point, Values
from formcheck.records.errors import SpecError
from formcheck.records.landmarks import Landmark

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
    return a.px[LANDMARK_AT[side, part]]


def _w(a: Frames, side: SideName, part: str) -> Point:
    return a.world[LANDMARK_AT[side, part]]


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
    return {s: tuple(LANDMARK_AT[s, p] for p in parts) for s in SIDES}


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
# The trunk with the head it carries: the shoulder landmark rides on the shoulder blade, which a
# row's pull draws back and up (the hip→shoulder line reads 5-15 deg "risen" with the trunk still);
# the ears move with the trunk.
_incl("trunk_incline", "hip", "ear", "hip→ear line (the trunk and the head it carries)")


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
                 for i in (LANDMARK_AT["left", "heel"], LANDMARK_AT["left", "foot_index"], LANDMARK_AT["right", "heel"],
                           LANDMARK_AT["right", "foot_index"]))
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
            out += [f"left_{name}", f"right_{name}", f"{name}_asym", f"{name}_lesser"]
    return sorted(out)


@functools.lru_cache(maxsize=1024)
def parse_name(name: str) -> tuple[FeatureDef, str]:
    """Split a feature name into its definition and mode (``follow|left|right|asym|lesser|none``).

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
    for pair in ("asym", "lesser"):
        if name.endswith(f"_{pair}"):
            d = _REGISTRY.get(name[: -len(pair) - 1])
            if d is not None and d.sided:
                return d, pair
    near = difflib.get_close_matches(name, feature_names(), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    raise SpecError(f"unknown feature {name!r}{hint} (see `formcheck specs features`)")
