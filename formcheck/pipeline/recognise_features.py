"""What tells exercises apart, measured on a clip: one vector of posture and movement figures.

Computed from the world landmarks (metres, origin between the hips, y down) and, where the
model's depth is unreliable, from the image; no spec is read and no tracker runs.

* **posture**: the torso's elevation (90°: upright, 0°: level), the thighs' and shins', the
  upper arms' against the torso, the elbows', knees' and hips' angles, whether the chest faces up
  or down (supine, prone), how tall the body stands (lying, on all fours, standing), where the
  hands and feet are against the hips and shoulders: each as the clip's median and its 10th and
  90th percentiles (the start and the far end of the movement);
* **which parts move**: each angle's and each end point's range (5th to 95th percentile), the
  points' normalised by the torso's length; among them each hand's distance from the foot on its
  side, which tells planted hands (a push-up's keep their distance from the planted feet) from
  working ones (a row's, with the chest on a bench or not, travel);
* **one side or both**: each paired range as the larger side and the smaller side's share of it
  (1: both sides alike; 0: one side works), and whether the sides move together or in turn;
* **the dominant movement**: the largest range's share of all ranges, and its tempo (reps a
  minute, time spent at the far end).

Sided figures are given as the larger and the smaller side, so the vector does not change when the
person turns round (filmed from the other side, or working with the other arm).

Example:
    >>> v = clip_features(frames)  # doctest: +SKIP
    >>> v.shape == (len(FEATURE_NAMES),)  # doctest: +SKIP
    True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from formcheck.records.frame import PoseFrame

_NOSE, _SH, _EL, _WR, _HIP, _KN, _AN = 0, (11, 12), (13, 14), (15, 16), (23, 24), (25, 26), (27, 28)
_UP = np.array([0.0, -1.0, 0.0])


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at ``b`` (degrees) of ``(n, 3)`` points."""
    u, v = a - b, c - b
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _elevation(v: np.ndarray) -> np.ndarray:
    """Degrees above level of ``(n, 3)`` vectors (y down): 90 up, -90 down."""
    return np.asarray(np.degrees(np.arcsin(np.clip((v @ _UP) / np.linalg.norm(v, axis=-1), -1.0, 1.0))))


def _image_elevation(v: np.ndarray) -> np.ndarray:
    """Degrees above level in the picture of ``(n, 2)`` vectors (y down)."""
    return np.asarray(np.degrees(np.arctan2(-v[:, 1], np.abs(v[:, 0]))))


def _series(w: np.ndarray, img: np.ndarray, image_wh: tuple[int, int]) -> dict[str, np.ndarray]:
    """Per-frame figures; sided ones under ``name.l`` and ``name.r``."""
    wh = np.array(image_wh, dtype=np.float64)
    img = img * wh / wh[1]  # square pixels: x in units of the picture's height
    sh, hip = w[:, _SH].mean(1), w[:, _HIP].mean(1)
    torso = sh - hip
    scale = np.nanmedian(np.linalg.norm(torso, axis=-1))
    scale = scale if scale > 0.05 else 0.5
    out: dict[str, np.ndarray] = {
        "torso_elev": _elevation(torso),
        "torso_elev_img": _image_elevation(img[:, _SH].mean(1) - img[:, _HIP].mean(1)),
    }
    # The chest's facing: the nose's offset from the torso's axis, up (+1: supine) or down (-1: prone).
    axis = torso / np.linalg.norm(torso, axis=-1, keepdims=True)
    face = w[:, _NOSE] - sh
    face = face - (face * axis).sum(-1, keepdims=True) * axis
    out["facing_up"] = (face @ _UP) / np.maximum(np.linalg.norm(face, axis=-1), 1e-6)
    ys = -w[:, [_NOSE, *_SH, *_WR, *_HIP, *_KN, *_AN]][..., 1]
    out["height"] = (np.nanmax(ys, 1) - np.nanmin(ys, 1)) / scale
    img_y = -img[:, [_NOSE, *_SH, *_HIP, *_KN, *_AN], 1]
    img_x = img[:, [_NOSE, *_SH, *_HIP, *_KN, *_AN], 0]
    out["aspect_img"] = (np.nanmax(img_y, 1) - np.nanmin(img_y, 1)) / np.maximum(
        np.nanmax(img_x, 1) - np.nanmin(img_x, 1), 1e-3)
    # The head against the shoulders: tilted to a side (the ears' line against the shoulders'), turned
    # or shifted sideways (the nose along the shoulders' line), nodded (the nose's height).
    across = w[:, 11] - w[:, 12]
    width = np.maximum(np.linalg.norm(across, axis=-1), 1e-6)
    out["head_tilt"] = _elevation(w[:, 7] - w[:, 8]) - _elevation(across)
    out["nose_side"] = ((w[:, _NOSE] - sh) * across).sum(-1) / width / width
    out["nose_up"] = ((w[:, _NOSE] - sh) @ _UP) / scale
    # Not the hands' distance apart: from the side it lies along the camera's axis, and on the sample
    # renders the model read a prone Y raise's hands 0.07-0.36 m apart (truly 1 m).
    out["knees_apart"] = np.linalg.norm(w[:, 25] - w[:, 26], axis=-1) / scale
    for i, s in enumerate("lr"):
        sh_, el, wr, hp, kn, an = (w[:, p[i]] for p in (_SH, _EL, _WR, _HIP, _KN, _AN))
        out[f"arm_torso.{s}"] = _angle(el, sh_, hp)
        out[f"arm_elev.{s}"] = _elevation(el - sh_)
        out[f"elbow.{s}"] = _angle(sh_, el, wr)
        out[f"hip.{s}"] = _angle(sh_, hp, kn)
        out[f"knee.{s}"] = _angle(hp, kn, an)
        out[f"thigh_elev.{s}"] = _elevation(kn - hp)
        out[f"shin_elev.{s}"] = _elevation(an - kn)
        out[f"wrist_up.{s}"] = ((wr - sh_) @ _UP) / scale
        out[f"wrist_fwd.{s}"] = np.linalg.norm((wr - sh_) - ((wr - sh_) @ _UP)[:, None] * _UP, axis=-1) / scale
        out[f"ankle_up.{s}"] = ((an - hp) @ _UP) / scale
        out[f"wrist_pos.{s}"] = np.linalg.norm(wr - sh_, axis=-1) / scale
        out[f"ankle_pos.{s}"] = np.linalg.norm(an - hp, axis=-1) / scale
        out[f"hand_foot.{s}"] = np.linalg.norm(wr - an, axis=-1) / scale
    return out


#: Figures judged as posture (median, 10th and 90th percentile) and as movement (range).
_POSTURE = ("torso_elev", "torso_elev_img", "facing_up", "height", "aspect_img", "head_tilt", "nose_side", "nose_up",
            "knees_apart", "arm_torso", "arm_elev", "elbow", "hip", "knee", "thigh_elev", "shin_elev",
            "wrist_up", "wrist_fwd", "ankle_up")
_MOVES = ("torso_elev", "torso_elev_img", "head_tilt", "nose_side", "nose_up", "knees_apart",
          "arm_torso", "arm_elev", "elbow", "hip", "knee", "thigh_elev", "shin_elev", "wrist_up", "wrist_pos",
          "ankle_pos", "hand_foot")
_SIDED = {"arm_torso", "arm_elev", "elbow", "hip", "knee", "thigh_elev", "shin_elev", "wrist_up", "wrist_fwd",
          "ankle_up", "wrist_pos", "ankle_pos", "hand_foot"}
#: Figures that are lengths (torso lengths), not angles.
_LENGTHS = frozenset({"knees_apart", "wrist_up", "wrist_pos", "ankle_pos", "hand_foot", "nose_side",
                      "nose_up"})
#: A frame is in the clip's main posture while its standing height is within this many torso lengths
#: of the clip's median (a squat's or a deadlift's bottom stays within it, and a superman's lift;
#: lying down from standing, or kneeling, does not).
_POSTURE_BAND = 1.0
#: Ranges of angles are in degrees; these scales bring them near the point ranges' (torso lengths).
_RANGE_SCALE = 60.0
#: A paired figure whose larger side travels under this (6 degrees, 0.1 torso length) is still; past
#: :data:`_MOVING_RANGE` (18 degrees, 0.3 torso length) it moves.
_STILL_RANGE, _MOVING_RANGE = 0.1, 0.3


def _names() -> tuple[str, ...]:
    names: list[str] = []
    for p in _POSTURE:
        names += [f"{p}:{q}" for q in ("med", "p10", "p90")] + ([f"{p}:side_gap"] if p in _SIDED else [])
    for m in _MOVES:
        names += [f"{m}:range"] + ([f"{m}:range_min_share", f"{m}:together"] if m in _SIDED else [])
    return (*names, "dominant_share", "moving_parts", "still_share", "trips", "trips_per_min", "far_share",
            "far_run_share")


#: The vector's entries, in order.
FEATURE_NAMES: tuple[str, ...] = _names()


def _smooth(v: np.ndarray) -> np.ndarray:
    """A 5-frame running median ignoring NaN (a hidden limb's one-frame spikes go)."""
    if len(v) < 5:
        return v
    pad = np.concatenate([np.full(2, np.nan), v, np.full(2, np.nan)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(np.lib.stride_tricks.sliding_window_view(pad, 5), axis=1))


def _q(v: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    seen = v[~np.isnan(v)]
    return np.quantile(seen, qs) if seen.size >= 3 else np.full(len(qs), np.nan)


def _moves(span: float) -> float:
    """How surely a pair whose larger side travels ``span`` (range units) moves at all: 0 up to
    :data:`_STILL_RANGE`, 1 from :data:`_MOVING_RANGE`.

    Whether two sides move together or in turn tells a superman from an alternating reach only
    when they move: a still pair's correlation is that of noise, or of the whole body rocking
    (a chest lifting off the floor tilts both still legs alike).

    Example:
        >>> _moves(0.05), _moves(0.5)
        (0.0, 1.0)
    """
    t = min(max((span - _STILL_RANGE) / (_MOVING_RANGE - _STILL_RANGE), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def _range(v: np.ndarray, angle: bool) -> float:
    lo, hi = _q(v, (0.05, 0.95))
    return float((hi - lo) / (_RANGE_SCALE if angle else 1.0))


def out_and_back(x: np.ndarray) -> int:
    """Trips of a signal scaled 0 (rest) to 1 (far end) out past 0.7 and back under 0.3 (hysteresis: noise
    around either level is not a trip); unseen (NaN) samples are skipped.

    Example:
        >>> out_and_back(np.array([0.0, 0.8, 0.5, 0.9, 0.1, 0.75, np.nan, 0.2]))
        2
    """
    out, trips = False, 0
    for xi in x[~np.isnan(x)]:
        if not out and xi > 0.7:
            out = True
        elif out and xi < 0.3:
            out, trips = False, trips + 1
    return trips


def longest_run(above: np.ndarray) -> int:
    """The longest run of consecutive True values.

    Example:
        >>> longest_run(np.array([True, False, True, True, False]))
        2
    """
    run = longest = 0
    for a in above:
        run = run + 1 if a else 0
        longest = max(longest, run)
    return longest


def _trips(v: np.ndarray, t: np.ndarray) -> list[float]:
    """The dominant movement's out-and-back trips from its resting end, their rate, and the time far out."""
    lo, hi = _q(v, (0.05, 0.95))
    if not hi - lo > 0:
        return [0.0, 0.0, 0.0, 0.0]
    x = (v - lo) / (hi - lo)
    if np.nanmedian(x) > 0.5:  # it rests at the high end
        x = 1.0 - x
    trips, longest = out_and_back(x), longest_run(x[~np.isnan(x)] > 0.6)
    minutes = max(float(t[-1] - t[0]), 1.0) / 60.0
    seen = max(int((~np.isnan(x)).sum()), 1)
    return [float(min(trips, 8)), trips / minutes / 10.0, float(np.nanmean(x > 0.6)), longest / seen]


def clip_features(frames: Sequence[PoseFrame]) -> np.ndarray:
    """The clip's vector of :data:`FEATURE_NAMES` (NaN where a figure was never seen).

    Example:
        >>> from formcheck.synth import synth_track
        >>> v = clip_features(synth_track("plank", hold=5.0)[0])
        >>> bool(abs(v[FEATURE_NAMES.index("torso_elev:med")]) < 20)
        True
    """
    seen = [f for f in frames if f.has_person]
    if len(seen) < 5:
        return np.full(len(FEATURE_NAMES), np.nan)
    return array_features(np.stack([f.world for f in seen]), np.stack([f.image for f in seen]), seen[0].image_wh,
                          np.array([f.t for f in seen]))


def main_posture(height: np.ndarray) -> slice:
    """The frames from the first to the last in the clip's main posture: a standing height (the
    body's vertical extent, in torso lengths) within :data:`_POSTURE_BAND` torso lengths of the
    clip's median (lying, on all fours, seated, standing), or all of them when under half the frames
    are.

    A clip that opens on the person standing, then lying down for a superman, would otherwise be read
    as one slow movement from standing to lying: its widest figure the torso's, out once and never
    back, like a hold's.

    Example:
        >>> main_posture(np.array([3.3, 3.2, 2.0, 0.4, 0.5, 0.45, 0.4, 0.5, 0.4]))
        slice(3, 9, None)
    """
    lo, hi = np.nanmedian(height) + np.array([-_POSTURE_BAND, _POSTURE_BAND])
    inside = np.flatnonzero((height >= lo) & (height <= hi))
    if inside.size < 0.5 * len(height):
        return slice(0, len(height))
    return slice(int(inside[0]), int(inside[-1]) + 1)


def array_features(world: np.ndarray, image: np.ndarray, image_wh: tuple[int, int], t: np.ndarray) -> np.ndarray:
    """:func:`clip_features` of the frames with a person, as arrays: world ``(n, 33, 3)``, image
    ``(n, 33, 2+)``, the picture's size and the times ``(n,)``; measured over the clip's
    :func:`main_posture`."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        raw = _series(world.astype(np.float64), image[..., :2].astype(np.float64), image_wh)
        span = main_posture(_smooth(raw["height"]))
        raw, t = {k: v[span] for k, v in raw.items()}, t[span]
        s = {k: _smooth(v) for k, v in raw.items()}
        out: list[float] = []
        for p in _POSTURE:
            if p in _SIDED:
                both = np.concatenate([s[f"{p}.l"], s[f"{p}.r"]])
                out += list(_q(both, (0.5, 0.1, 0.9)))
                gap = np.abs(s[f"{p}.l"] - s[f"{p}.r"])
                out.append(float(np.nanmedian(gap)) / (_RANGE_SCALE if p not in ("wrist_up", "wrist_fwd", "ankle_up")
                                                        else 1.0))
            else:
                out += list(_q(s[p], (0.5, 0.1, 0.9)))
        ranges: list[float] = []
        dominant, widest = s["torso_elev"], -1.0
        for m in _MOVES:
            angle = m not in _LENGTHS
            if m in _SIDED:
                a, b = s[f"{m}.l"], s[f"{m}.r"]
                ra, rb = _range(a, angle), _range(b, angle)
                big, small = max(ra, rb), min(ra, rb)
                ok = ~(np.isnan(a) | np.isnan(b))
                together = float(np.corrcoef(a[ok], b[ok])[0, 1]) if ok.sum() > 5 else 0.0
                together = together * _moves(big) if together == together else 0.0
                out += [big, small / big if big > 1e-6 else 1.0, together]
                ranges.append(big)
                if big > widest:
                    dominant, widest = (a if ra >= rb else b), big
            else:
                r = _range(s[m], angle)
                out.append(r)
                ranges.append(r)
                if r > widest:
                    dominant, widest = s[m], r
        rr = np.nan_to_num(np.array(ranges))
        total = rr.sum()
        out += [float(rr.max() / total) if total > 0 else 0.0, float((rr > 0.3).sum()), 0.0]
        torso = s["torso_elev"]
        lo, hi = _q(torso, (0.05, 0.95))
        out[-1] = float(np.mean(np.abs(torso - np.nanmedian(torso)) < 0.2 * (hi - lo + 1e-6)))
        out += _trips(dominant, t)
    return np.asarray(out, dtype=np.float64)
