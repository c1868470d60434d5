"""Draw the tracker's feedback on a video frame (a sink: it only reads records).

The skeleton and the key features sit on the body; the counter, the phase and
the message come from one :class:`~formcheck.sinks.presentation.Presentation`
(``overlay_panels``), the same one the live app's panel prints, so the video
and the page always show the same count, phase and words.

Example:
    >>> annotated = draw_overlay(image, frame, feedback, spec)  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from formcheck.features.labels import short_label
from formcheck.records.errors import FormcheckError
from formcheck.records.feedback import Feedback
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import POSE_CONNECTIONS, Landmark
from formcheck.sinks.overlay_draw import (
    BLACK,
    PANEL,
    WHITE,
    Box,
    Canvas,
    size_unit,
    text_size,
    wrap_text,
)
from formcheck.sinks.overlay_panels import (
    draw_banner,
    draw_counter,
    draw_phase,
    draw_rom_bar,
)
from formcheck.sinks.presentation import (
    Presentation,
    feature_value,
    present,
)

__all__ = ["draw_fps", "draw_overlay", "draw_view", "feature_anchor", "place_label", "wrap_text"]

LEFT_COLOUR = (0, 140, 255)  # subject's left: orange
RIGHT_COLOUR = (255, 200, 0)  # subject's right: cyan-blue
MIN_VISIBILITY = 0.35


def draw_skeleton(image: np.ndarray, frame: PoseFrame, s: float) -> None:
    """Bones and joints of the followed person, coloured by the subject's side."""
    if not frame.has_person:
        return
    px = frame.pixels()
    ok = (frame.visibility >= MIN_VISIBILITY) & np.isfinite(px).all(axis=1)
    t = max(2, int(round(3 * s)))
    for a, b in POSE_CONNECTIONS:
        if ok[a] and ok[b]:
            side = a.name + b.name
            colour = LEFT_COLOUR if "LEFT" in side and "RIGHT" not in side else (
                RIGHT_COLOUR if "RIGHT" in side and "LEFT" not in side else WHITE)
            p, q = tuple(int(v) for v in px[a]), tuple(int(v) for v in px[b])
            cv2.line(image, p, q, BLACK, t + 2, cv2.LINE_AA)
            cv2.line(image, p, q, colour, t, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        if i > Landmark.NOSE and i < Landmark.LEFT_SHOULDER:  # face points only clutter
            continue
        cv2.circle(image, (int(px[i, 0]), int(px[i, 1])), t + 1, WHITE, -1, cv2.LINE_AA)


def feature_anchor(name: str, frame: PoseFrame, side: str | None = None) -> Landmark | None:
    """The joint a feature is measured at, to print its value there (None: show it in a panel).

    Uses the engine's feature registry: an angle a-b-c sits at b, a segment at
    its second point; ``hip_angle`` follows ``side`` (else the more visible
    side), ``left_hip_angle`` is the left hip; side-free, ``_asym`` and ``_lesser`` features
    have no single joint.
    """
    try:
        from formcheck.features.registry import parse_name

        definition, mode = parse_name(name)
    except (ImportError, FormcheckError):
        return None
    if mode in ("asym", "lesser", "none"):
        return None
    if mode in ("left", "right"):
        chosen = mode
    elif side in ("left", "right"):
        chosen = side
    else:
        left, right = definition.indices("left"), definition.indices("right")
        chosen = "left" if frame.visibility[left].sum() >= frame.visibility[right].sum() else "right"
    idx = definition.indices(chosen)  # type: ignore[arg-type]
    return Landmark(idx[1] if len(idx) >= 2 else idx[0])


def _hits(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_label(joint: tuple[float, float], size: tuple[int, int], taken: Sequence[Box], frame_wh: tuple[int, int],
                gap: int) -> Box:
    """Box for a label beside a joint, clear of ``taken`` boxes when at all possible.

    Tries right of the joint, left of it, then the same two slid up and down
    by whole label heights. Two features measured at one joint (``hip_angle``
    and ``hip_lift``) would otherwise print on top of each other.
    """
    (jx, jy), (tw, th), (w, h) = joint, size, frame_wh
    xs = (jx + gap, jx - gap - tw, jx - tw / 2)
    boxes = []
    for k in (0, 1, -1, 2, -2, 3, -3, 4, -4):
        for x in xs:
            x_i = int(np.clip(x, 0, max(w - tw, 0)))
            y_i = int(np.clip(jy - th / 2 + k * (th + 2), 0, max(h - th, 0)))
            boxes.append((x_i, y_i, x_i + tw, y_i + th))
    for box in boxes:
        if not any(_hits(box, t) for t in taken):
            return box
    return boxes[0]


def draw_key_features(canvas: Canvas, frame: PoseFrame, feedback: Feedback, names: list[str],
                      reserved: Sequence[Box] = ()) -> list[tuple[str, str]]:
    """Print each key feature at its joint in plain words ("hip 130°"), clear of ``reserved`` boxes;
    return the ``(label, value)`` of those without a joint on screen."""
    unplaced: list[tuple[str, str]] = []
    px = frame.pixels() if frame.has_person else None
    w, h = canvas.wh
    s = canvas.s
    scale, th = 0.75 * s, max(1, int(round(2 * s)))
    pad = int(4 * s)
    taken: list[Box] = list(reserved)
    labels: set[str] = set()
    for name in names:
        value = feedback.features.get(name, math.nan)
        label = short_label(name)
        if not math.isfinite(value) or label in labels:
            continue  # hip_angle_3d and hip_angle both read "hip": the first one is enough
        labels.add(label)
        shown = feature_value(name, value)
        anchor = feature_anchor(name, frame, feedback.side) if px is not None else None
        if anchor is None or px is None or frame.visibility[anchor] < MIN_VISIBILITY:
            unplaced.append((label, shown))
            continue
        text = f"{label} {shown}"
        tw, tht = text_size(text, scale, th)
        x0, y0, x1, y1 = place_label((float(px[anchor, 0]), float(px[anchor, 1])),
                                     (tw + 2 * pad, tht + 2 * pad), taken, (w, h), int(10 * s))
        taken.append((x0, y0, x1, y1))
        canvas.panel(x0, y0, x1, y1, PANEL, 0.8)
        canvas.text(text, (x0 + pad, y1 - pad), scale, WHITE, th, outline=False)
    return unplaced


def draw_side_values(canvas: Canvas, values: list[tuple[str, str]], top: int) -> None:
    """Key features that have no joint on screen, listed under the counter."""
    if not values:
        return
    s = canvas.s
    pad = int(8 * s)
    scale, th = 0.55 * s, max(1, int(round(1.5 * s)))
    lines = [f"{label}: {text}" for label, text in values[:4]]
    lh = text_size("Ag", scale, th)[1] + pad
    width = max(text_size(t, scale, th)[0] for t in lines) + 2 * pad
    canvas.panel(0, top + pad, width, top + pad + lh * len(lines) + pad, PANEL, 0.7)
    y = top + pad
    for text in lines:
        y += lh
        canvas.text(text, (pad, y), scale, WHITE, th)


def annotate(image_bgr: np.ndarray, frame: PoseFrame, feedback: Feedback, spec: Any,
             view: Presentation | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """:func:`draw_overlay`, also returning every string drawn (what the video says, for the page).

    Example:
        >>> out, texts = annotate(image, frame, feedback, spec)  # doctest: +SKIP
    """
    view = view if view is not None else present(feedback, spec)
    canvas = Canvas(np.ascontiguousarray(image_bgr.copy()))
    draw_skeleton(canvas.image, frame, canvas.s)
    counter = draw_counter(canvas, view)
    phase = draw_phase(canvas, view)
    reserved = [counter, phase]
    if view.mode == "reps":
        rom = draw_rom_bar(canvas, view, phase[3])
        reserved += [rom] if rom is not None else []
    names = list(getattr(spec, "key_features", None) or [])
    unplaced = draw_key_features(canvas, frame, feedback, names, reserved)
    draw_side_values(canvas, unplaced, counter[3])
    draw_banner(canvas, view)
    return canvas.image, tuple(canvas.texts)


def draw_overlay(image_bgr: np.ndarray, frame: PoseFrame, feedback: Feedback, spec: Any,
                 view: Presentation | None = None) -> np.ndarray:
    """Return a copy of ``image_bgr`` with skeleton, key features, counter, phase, ROM bar and message.

    Args:
        image_bgr: The video frame (``uint8`` HxWx3), left unchanged.
        frame: The pose found in it.
        feedback: The tracker's feedback for it.
        spec: The exercise spec (``title``, ``kind``, ``key_features``); may be None.
        view: The words and numbers to show (default: ``present(feedback, spec)``); the live app
            passes the one its panel prints.

    Example:
        >>> out = draw_overlay(image, frame, tracker.update(frame), spec)  # doctest: +SKIP
    """
    return annotate(image_bgr, frame, feedback, spec, view)[0]


def draw_view(image_bgr: np.ndarray, view: Presentation) -> tuple[np.ndarray, tuple[str, ...]]:
    """A copy of ``image_bgr`` with only the counter, phase and message of ``view`` (a routine's rest),
    and the strings drawn.

    Example:
        >>> out, texts = draw_view(image, rest_view(8, "Plank", "", ""))  # doctest: +SKIP
    """
    canvas = Canvas(np.ascontiguousarray(image_bgr.copy()))
    draw_counter(canvas, view)
    draw_phase(canvas, view)
    draw_banner(canvas, view)
    return canvas.image, tuple(canvas.texts)


def draw_fps(image: np.ndarray, fps: float) -> None:
    """Processing-rate readout at the top centre (desktop live window), in place, big enough to read."""
    s = size_unit(image)
    w = image.shape[1]
    text = f"{fps:.0f} fps"
    scale, th = 0.7 * s, max(2, int(round(2 * s)))
    tw, tht = text_size(text, scale, th)
    Canvas(image).text(text, ((w - tw) // 2, tht + int(8 * s)), scale, WHITE, th)
