"""Key frames for a client report: the moment of each fault, with the angle that shows it drawn.

For every cue (one per fault and rep) the report shows the frame where the
rule's feature was furthest past its threshold, the skeleton, and the
feature's own landmarks highlighted with its value ("body line 152°"). A set
without cues gets one frame at the top of its best rep, so the client sees
what good looks like. Images are small JPEGs carried inline as data URIs.

Example:
    >>> moments = key_moments(result)  # doctest: +SKIP
    >>> frames = render_key_frames("clip.mp4", result, moments)  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from formcheck.features.labels import format_value, plain_label
from formcheck.records.feedback import Cue, Feedback
from formcheck.records.frame import PoseFrame
from formcheck.records.result import AnalysisResult
from formcheck.sinks.overlay import draw_skeleton
from formcheck.spec.thresholds import rule_words

#: At most this many key frames per report (one per fault and rep, first ones first).
MAX_KEY_FRAMES = 6
#: Width of a key frame image in the report (pixels).
KEY_FRAME_WIDTH = 560
HIGHLIGHT = (0, 0, 230)  # red (BGR)


@dataclass(frozen=True, slots=True)
class KeyMoment:
    """A moment worth a picture.

    Attributes:
        t: Time in the clip (s).
        title: Heading ("Rep 2 · 4.3 s").
        caption: What it shows, in words, with the feature's value.
        feature: Feature id drawn on the picture ("" for none).
        value: Its value at ``t`` (NaN if unknown).
        cue_id: The cue it illustrates, or "" for a good-form frame.
    """

    t: float
    title: str
    caption: str
    feature: str
    value: float
    cue_id: str = ""


@dataclass(frozen=True, slots=True)
class KeyFrame:
    """A rendered key moment: the moment and its JPEG as a ``data:`` URI."""

    moment: KeyMoment
    data_uri: str


def _rule(spec: Any, cue_id: str) -> Any:
    return next((r for r in getattr(spec, "rules", []) or [] if r.id == cue_id), None)


def _worst_index(feedback: Sequence[Feedback], lo: float, hi: float, feature: str, op: str) -> int | None:
    """Index of the frame in ``[lo, hi]`` where ``feature`` is furthest in the rule's direction."""
    best, best_v = None, math.nan
    sign = 1.0 if op.startswith(">") else -1.0
    for i, fb in enumerate(feedback):
        if fb.t < lo - 1e-9 or fb.t > hi + 1e-9:
            continue
        v = fb.features.get(feature, math.nan)
        if math.isfinite(v) and (best is None or sign * v > sign * best_v):
            best, best_v = i, v
    return best


def _nearest(feedback: Sequence[Feedback], t: float) -> int:
    return int(np.argmin([abs(fb.t - t) for fb in feedback]))


def _cue_moment(result: AnalysisResult, cue: Cue) -> KeyMoment:
    spec, fb = result.spec, result.feedback
    rule = _rule(spec, cue.id)
    end = cue.end if cue.end is not None else cue.start + 2.5
    index: int | None = None
    feature = ""
    if rule is not None:
        cond = rule.conditions()[0]
        feature = cond.feature
        index = _worst_index(fb, cue.start, end, cond.feature, cond.op)
        words = rule_words(rule)
    else:  # a tracker cue (partial rep, too fast): show the rep signal at the rep's top
        rep = next((r for r in result.summary.rep_rows if r.index == cue.rep), None)
        signal = getattr(getattr(spec, "rep", None), "signal", "")
        feature = str(signal or "")
        index = _nearest(fb, rep.peak if rep is not None else cue.start)
        words = cue.id.replace("_", " ")
    if index is None:
        index = _nearest(fb, cue.start)
    t = fb[index].t
    value = fb[index].features.get(feature, math.nan) if feature else math.nan
    where = (f"Rep {cue.rep}" if cue.rep is not None
             else "During the hold" if getattr(spec, "kind", "reps") == "hold" else "Between reps")
    measured = f" — {plain_label(feature)} {format_value(feature, value)}" if feature and math.isfinite(value) else ""
    return KeyMoment(t=t, title=f"{where} · {t:.1f} s", caption=f"{words[:1].upper()}{words[1:]}{measured}. "
                     f"Cue: “{cue.message}”", feature=feature, value=value, cue_id=cue.id)


def _good_moment(result: AnalysisResult) -> KeyMoment | None:
    """The top of the best counted rep, or the middle of the longest hold."""
    fb, summary = result.feedback, result.summary
    signal = str(getattr(getattr(result.spec, "rep", None), "signal", "") or "")
    keys = [str(k) for k in getattr(result.spec, "key_features", []) or []]
    feature = signal or (keys[0] if keys else "")
    reps = [r for r in summary.rep_rows if r.complete and r.counted]
    if reps:
        best = max(reps, key=lambda r: (r.quality, r.rom_fraction))
        t, title = best.peak, f"Rep {best.index} at the top · {best.peak:.1f} s"
    elif summary.holds:
        hold = max(summary.holds, key=lambda h: h.good_s)
        t = (hold.start + hold.end) / 2
        title = f"Holding · {t:.1f} s"
    else:
        return None
    i = _nearest(fb, t)
    value = fb[i].features.get(feature, math.nan) if feature else math.nan
    measured = f": {plain_label(feature)} {format_value(feature, value)}" if feature and math.isfinite(value) else ""
    return KeyMoment(t=fb[i].t, title=title, caption=f"Good form{measured}.", feature=feature, value=value)


def key_moments(result: AnalysisResult, limit: int = MAX_KEY_FRAMES) -> list[KeyMoment]:
    """One moment per cue (per fault and rep, in time order, at most ``limit``), else a good-form moment.

    Example:
        >>> [m.cue_id for m in key_moments(result)]  # doctest: +SKIP
        ['hips_sagging', 'hips_sagging']
    """
    if not result.feedback:
        return []
    seen: set[tuple[str, int | None]] = set()
    moments = []
    for cue in sorted(result.summary.cues, key=lambda c: c.start):
        if (cue.id, cue.rep) in seen:
            continue
        seen.add((cue.id, cue.rep))
        moments.append(_cue_moment(result, cue))
        if len(moments) >= limit:
            break
    if not moments:
        good = _good_moment(result)
        moments = [good] if good is not None else []
    return moments


def _points(frame: PoseFrame, feature: str, side: str | None) -> list[tuple[int, int]]:
    """Pixel positions of the landmarks ``feature`` is measured on (visible ones only)."""
    from formcheck.features.registry import parse_name
    from formcheck.records.errors import SpecError

    try:
        definition, mode = parse_name(feature)
    except SpecError:
        return []
    chosen = mode if mode in ("left", "right") else side if side in ("left", "right") else None
    if chosen is None:
        left, right = definition.indices("left"), definition.indices("right")
        chosen = "left" if frame.visibility[left].sum() >= frame.visibility[right].sum() else "right"
    px = frame.pixels()
    out = []
    for idx in definition.indices(chosen):  # type: ignore[arg-type]
        if frame.visibility[idx] >= 0.3 and np.isfinite(px[idx]).all():
            out.append((int(px[idx, 0]), int(px[idx, 1])))
    return out


def draw_key_frame(image: np.ndarray, frame: PoseFrame, moment: KeyMoment, side: str | None = None) -> np.ndarray:
    """A copy of ``image`` with the skeleton, the feature's landmarks in red and its value written beside them.

    Example:
        >>> picture = draw_key_frame(image, frame, moment)  # doctest: +SKIP
    """
    out = np.ascontiguousarray(image.copy())
    s = max(min(out.shape[:2]) / 360.0, 0.5)
    draw_skeleton(out, frame, s)
    points = _points(frame, moment.feature, side) if moment.feature and frame.has_person else []
    th = max(3, round(4 * s))
    for a, b in itertools.pairwise(points):
        cv2.line(out, a, b, (255, 255, 255), th + 3, cv2.LINE_AA)
        cv2.line(out, a, b, HIGHLIGHT, th, cv2.LINE_AA)
    for p in points:
        cv2.circle(out, p, th + 2, HIGHLIGHT, -1, cv2.LINE_AA)
    if points and math.isfinite(moment.value):
        text = f"{plain_label(moment.feature)} {format_value(moment.feature, moment.value)}"
        anchor = points[len(points) // 2]
        scale, tt = 0.75 * s, max(1, round(1.8 * s))
        (tw, tht), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, tt)
        h, w = out.shape[:2]
        x = int(np.clip(anchor[0] + 12 * s, 0, max(w - tw - 8, 0)))
        y = int(np.clip(anchor[1] - 12 * s, tht + 8, h - 4))
        cv2.rectangle(out, (x - 4, y - tht - 6), (x + tw + 4, y + 6), (25, 25, 25), -1)
        cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_DUPLEX, scale, (255, 255, 255), tt, cv2.LINE_AA)
    return out


def jpeg_data_uri(image: np.ndarray, width: int = KEY_FRAME_WIDTH, quality: int = 82) -> str:
    """``data:image/jpeg;base64,...`` of ``image`` scaled to ``width`` pixels wide.

    Example:
        >>> jpeg_data_uri(np.zeros((36, 64, 3), np.uint8), width=32)[:23]
        'data:image/jpeg;base64,'
    """
    h, w = image.shape[:2]
    if w > width:
        image = cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


class NearestImages:
    """The decoded image nearest each of ``times``, offered frame by frame by any pass over the video.

    The app's drawing pass offers every image it decodes, so the key frames cost no decoding of
    their own (:func:`grab_images` is the pass of this alone).

    Example:
        >>> near = NearestImages([0.5])
        >>> near.offer(np.zeros((2, 2, 3), np.uint8), 0.4); near.offer(np.ones((2, 2, 3), np.uint8), 0.8)
        >>> int(near.images()[0].max())
        0
    """

    def __init__(self, times: Sequence[float]) -> None:
        self.times = list(times)
        #: No image after this time can be nearer to any of ``times``.
        self.stop = max(self.times) + 1.0 if self.times else -math.inf
        self._best: list[tuple[float, np.ndarray | None]] = [(math.inf, None) for _ in self.times]

    def offer(self, image: np.ndarray, t: float) -> None:
        """Keep ``image`` (decoded at ``t`` s) for each time it is the nearest to so far (the first of equals)."""
        for k, want in enumerate(self.times):
            if abs(t - want) < self._best[k][0]:
                self._best[k] = (abs(t - want), image)

    def images(self) -> list[np.ndarray | None]:
        """The image kept for each time, in order (None if none was offered)."""
        return [img for _, img in self._best]


def grab_images(video: str | Path, times: Sequence[float]) -> list[np.ndarray | None]:
    """The decoded frame nearest each time in ``times`` (one pass over the video; None if never reached)."""
    from formcheck.pose.sources import VideoFileSource

    if not times:
        return []
    near = NearestImages(times)
    with VideoFileSource(video) as src:
        for image, t in src:
            near.offer(image, t)
            if t > near.stop:
                break
    return near.images()


def draw_key_frames(result: AnalysisResult, moments: Sequence[KeyMoment],
                    images: Sequence[np.ndarray | None]) -> list[KeyFrame]:
    """Each moment drawn on its image (from :func:`grab_images` or :class:`NearestImages`); None is left out."""
    out = []
    for moment, image in zip(moments, images):
        if image is None:
            continue
        i = int(np.argmin([abs(f.t - moment.t) for f in result.frames]))
        side = result.feedback[i].side if i < len(result.feedback) else None
        out.append(KeyFrame(moment, jpeg_data_uri(draw_key_frame(image, result.frames[i], moment, side))))
    return out


def render_key_frames(video: str | Path, result: AnalysisResult,
                      moments: Sequence[KeyMoment] | None = None) -> list[KeyFrame]:
    """Decode ``video`` once and draw each key moment (default: :func:`key_moments`).

    Raises:
        VideoSourceError: The video cannot be decoded.
    """
    chosen = list(key_moments(result) if moments is None else moments)
    return draw_key_frames(result, chosen, grab_images(video, [m.t for m in chosen]))
