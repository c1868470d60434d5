"""Draw the tracker's feedback on a video frame (a sink: it only reads records).

Made to be read from 2–3 m away on a small (640×360) frame: few elements,
big type, light text on dark panels, one cue at a time.

Layout::

    ┌────────────┐                               ┌────────────┐
    │ REPS       │        skeleton + key         │ PHASE      │
    │   7        │        angles at joints       │ hold timer │
    │ L 3  R 4   │                               └────────────┘   ▐ range-of-
    └────────────┘                                                ▐ motion bar
    ┌──────────────── active cue (red) or guidance (amber) ─────────────────┐

Example:
    >>> annotated = draw_overlay(image, frame, feedback, spec)  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from formcheck.records.errors import FormcheckError
from formcheck.records.feedback import Feedback
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import POSE_CONNECTIONS, Landmark

FONT = cv2.FONT_HERSHEY_DUPLEX
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
PANEL = (25, 25, 25)
CUE_BG = (40, 40, 215)  # red (BGR)
GUIDE_BG = (0, 190, 255)  # amber
GOOD = (80, 200, 60)  # green
LEFT_COLOUR = (0, 140, 255)  # subject's left: orange
RIGHT_COLOUR = (255, 200, 0)  # subject's right: cyan-blue
MIN_VISIBILITY = 0.35

#: A screen rectangle (x0, y0, x1, y1) in pixels.
Box = tuple[int, int, int, int]

PHASE_TEXT = {
    "not_visible": "NOT IN VIEW", "setup": "GET IN POSITION", "ready": "READY", "start": "START",
    "ascent": "UP", "peak": "TOP", "descent": "DOWN", "hold": "HOLD",
}


def _scale(image: np.ndarray) -> float:
    """Size unit: 1.0 on a 640×360 frame, bigger on bigger frames (portrait too)."""
    h, w = image.shape[:2]
    return float(max(min(w, h) / 360.0, 0.5))


def _panel(image: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int],
           alpha: float = 0.72) -> None:
    """Blend a filled rectangle into ``image`` in place (clipped to the frame)."""
    h, w = image.shape[:2]
    x0, x1 = max(0, x0), min(w, x1)
    y0, y1 = max(0, y0), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return
    roi = image[y0:y1, x0:x1]
    roi[:] = cv2.addWeighted(roi, 1.0 - alpha, np.full_like(roi, colour), alpha, 0.0)


def _text_size(text: str, scale: float, thickness: int) -> tuple[int, int]:
    (tw, th), _ = cv2.getTextSize(text, FONT, scale, thickness)
    return tw, th


def _fit(text: str, max_w: int, scale: float, thickness: int) -> float:
    """Largest scale ≤ ``scale`` at which ``text`` fits in ``max_w`` pixels."""
    tw, _ = _text_size(text, scale, thickness)
    return scale if tw <= max_w else max(scale * max_w / max(tw, 1), 0.3)


def _put(image: np.ndarray, text: str, org: tuple[int, int], scale: float, colour: tuple[int, int, int],
         thickness: int) -> None:
    """Text with a dark outline so it reads on any background."""
    cv2.putText(image, text, org, FONT, scale, BLACK, thickness + max(2, thickness), cv2.LINE_AA)
    cv2.putText(image, text, org, FONT, scale, colour, thickness, cv2.LINE_AA)


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
    side), ``left_hip_angle`` is the left hip; side-free and ``_asym`` features
    have no single joint.
    """
    try:
        from formcheck.features.registry import parse_name

        definition, mode = parse_name(name)
    except (ImportError, FormcheckError):
        return None
    if mode in ("asym", "none"):
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


#: Shorter words for labels on the picture (long labels hide the body).
_SHORT_WORDS = {"diagonal reach": "reach", "upper arm incline": "upper arm", "elevation": "lift"}


def short_name(name: str) -> str:
    """A short label for a feature: ``left_hip_angle`` → ``hip``, ``diagonal_reach_min`` → ``reach min``."""
    for prefix in ("left_", "right_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    if name.endswith("_angle"):
        name = name[: -len("_angle")]
    label = name.replace("_", " ")
    for long, short in _SHORT_WORDS.items():
        label = label.replace(long, short)
    return label


def _fmt_value(name: str, value: float) -> str:
    """Angles as whole degrees, other features with two decimals."""
    if "ratio" in name or "norm" in name or abs(value) < 3.0:
        return f"{value:.2f}"
    return f"{value:.0f}"


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


def draw_key_features(image: np.ndarray, frame: PoseFrame, feedback: Feedback, names: list[str],
                      s: float, reserved: Sequence[Box] = ()) -> list[tuple[str, str]]:
    """Print each key feature at its joint, clear of ``reserved`` boxes; return those without a joint."""
    unplaced: list[tuple[str, str]] = []
    px = frame.pixels() if frame.has_person else None
    h, w = image.shape[:2]
    scale, th = 0.75 * s, max(1, int(round(2 * s)))
    pad = int(4 * s)
    taken: list[Box] = list(reserved)
    for name in names:
        value = feedback.features.get(name, math.nan)
        if not math.isfinite(value):
            continue
        text = f"{short_name(name)} {_fmt_value(name, value)}"
        anchor = feature_anchor(name, frame, feedback.side) if px is not None else None
        if anchor is None or px is None or frame.visibility[anchor] < MIN_VISIBILITY:
            unplaced.append((name, _fmt_value(name, value)))
            continue
        tw, tht = _text_size(text, scale, th)
        x0, y0, x1, y1 = place_label((float(px[anchor, 0]), float(px[anchor, 1])),
                                     (tw + 2 * pad, tht + 2 * pad), taken, (w, h), int(10 * s))
        taken.append((x0, y0, x1, y1))
        _panel(image, x0, y0, x1, y1, PANEL, 0.8)
        cv2.putText(image, text, (x0 + pad, y1 - pad), FONT, scale, WHITE, th, cv2.LINE_AA)
    return unplaced


def draw_counter(image: np.ndarray, feedback: Feedback, s: float, hold: bool = False) -> Box:
    """Top-left big number: reps (per side where relevant), or hold seconds for a hold; returns its box."""
    pad = int(10 * s)
    big, big_t = 2.4 * s, max(2, int(round(5 * s)))
    label_scale, label_t = 0.6 * s, max(1, int(round(1.5 * s)))
    lines = []
    if hold:
        label, number = "HOLD (s)", f"{feedback.hold_s:.0f}"
        target = feedback.hold_target_s
        done = target is not None and feedback.hold_s >= target
        colour = GOOD if done else WHITE
        if target:
            lines.append(f"target {target:.0f} s")
        if feedback.hold_lost_s >= 0.5:
            lines.append(f"lost {feedback.hold_lost_s:.0f} s")
    else:
        label, number, colour = "REPS", str(feedback.reps), WHITE
        if feedback.reps_by_side:
            lines.append("  ".join(f"{k[0].upper()} {v}" for k, v in sorted(feedback.reps_by_side.items())))
        if feedback.partial_reps:
            lines.append(f"+{feedback.partial_reps} partial")
    cw, ch = _text_size(number, big, big_t)
    line_h = _text_size("Ag", 0.75 * s, label_t)[1] + int(8 * s)
    width = max(cw, int(110 * s), *(_text_size(t, 0.75 * s, label_t)[0] for t in lines)) + 2 * pad
    lh = _text_size(label, label_scale, label_t)[1]
    height = pad + lh + pad + ch + pad + line_h * len(lines)
    _panel(image, 0, 0, width, height, PANEL, 0.75)
    _put(image, label, (pad, pad + lh), label_scale, (200, 200, 200), label_t)
    y = pad + lh + pad + ch
    _put(image, number, (pad, y), big, colour, big_t)
    for text in lines:
        y += line_h
        _put(image, text, (pad, y), 0.75 * s, WHITE, label_t)
    return (0, 0, width, height)


def draw_phase(image: np.ndarray, feedback: Feedback, title: str, s: float) -> Box:
    """Top-right: exercise title, phase, and the hold timer vs target; returns its box."""
    h, w = image.shape[:2]
    pad = int(10 * s)
    small_t = max(1, int(round(1.5 * s)))
    phase = PHASE_TEXT.get(feedback.phase, feedback.phase.upper())
    rows: list[tuple[str, float, int, tuple[int, int, int]]] = []
    if title:
        rows.append((title, 0.55 * s, small_t, (200, 200, 200)))
    rows.append((phase, 0.95 * s, max(2, int(round(2 * s))), WHITE))
    hold_bar = feedback.phase == "hold" or feedback.hold_s > 0 or feedback.hold_target_s is not None
    if hold_bar:
        target = feedback.hold_target_s
        timer = f"{feedback.hold_s:.1f} s" + (f" / {target:.0f}" if target else "")
        done = target is not None and feedback.hold_s >= target
        rows.append((timer, 1.2 * s, max(2, int(round(3 * s))), GOOD if done else WHITE))
    max_w = int(w * 0.42)
    fitted = [(t, _fit(t, max_w - 2 * pad, sc, th), th, c) for t, sc, th, c in rows]
    width = max(_text_size(t, sc, th)[0] for t, sc, th, _ in fitted) + 2 * pad
    heights = [_text_size(t, sc, th)[1] + pad for t, sc, th, _ in fitted]
    bar_h = int(10 * s) if hold_bar and feedback.hold_target_s else 0
    height = pad + sum(heights) + (bar_h + pad if bar_h else 0)
    x0 = w - width
    _panel(image, x0, 0, w, height, PANEL, 0.75)
    y = pad
    for (text, sc, th, colour), dh in zip(fitted, heights):
        y += dh - pad
        _put(image, text, (x0 + pad, y), sc, colour, th)
        y += pad
    if bar_h and feedback.hold_target_s:
        frac = min(feedback.hold_s / feedback.hold_target_s, 1.0)
        cv2.rectangle(image, (x0 + pad, y), (w - pad, y + bar_h), (90, 90, 90), -1)
        cv2.rectangle(image, (x0 + pad, y), (x0 + pad + int(frac * (width - 2 * pad)), y + bar_h), GOOD, -1)
    return (x0, 0, w, height)


def draw_rom_bar(image: np.ndarray, feedback: Feedback, top: int, s: float) -> Box | None:
    """Right-edge vertical bar: range of motion of the current rep, a tick at the target."""
    h, w = image.shape[:2]
    bw = int(18 * s)
    x1, x0 = w - int(8 * s), w - int(8 * s) - bw
    y0, y1 = max(top + int(12 * s), int(h * 0.25)), int(h * 0.62)  # clear of a two-line cue banner
    if y1 - y0 < 20:
        return None
    frac = float(np.clip(feedback.rom_fraction, 0.0, 1.2))
    span = y1 - y0
    target_y = y1 - int(span / 1.2)  # 1.0 = the spec's peak threshold
    _panel(image, x0 - 2, y0 - 2, x1 + 2, y1 + 2, PANEL, 0.8)
    fill_y = y1 - int(span * frac / 1.2)
    colour = GOOD if frac >= 1.0 else (0, 200, 255)
    if fill_y < y1:
        cv2.rectangle(image, (x0, fill_y), (x1, y1), colour, -1)
    cv2.line(image, (x0 - int(5 * s), target_y), (x1 + int(5 * s), target_y), WHITE, max(2, int(2 * s)))
    _put(image, "ROM", (x0 - int(14 * s), y1 + int(22 * s)), 0.5 * s, WHITE, max(1, int(round(1.5 * s))))
    return (x0 - int(16 * s), y0 - 2, w, y1 + int(26 * s))


def wrap_text(text: str, max_w: int, scale: float, thickness: int, max_lines: int = 2) -> tuple[list[str], float]:
    """Split ``text`` into at most ``max_lines`` lines that fit ``max_w`` at ``scale``.

    Wrapping keeps the type big (it must read from across a room); only text
    too long for ``max_lines`` lines is shrunk.
    """
    lines: list[str] = []
    for word in text.split():
        if lines and _text_size(f"{lines[-1]} {word}", scale, thickness)[0] <= max_w:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        head = lines[: max_lines - 1]
        lines = head + [" ".join(lines[max_lines - 1:])]
    fitted = min((_fit(line, max_w, scale, thickness) for line in lines), default=scale)
    return lines, fitted


def draw_banner(image: np.ndarray, feedback: Feedback, s: float) -> None:
    """Bottom banner: the top-priority active cue (red), else placement guidance (amber)."""
    if feedback.cues:
        text, bg, fg = feedback.cues[0].message, CUE_BG, WHITE
    elif feedback.guidance:
        text, bg, fg = feedback.guidance, GUIDE_BG, BLACK
    else:
        return
    h, w = image.shape[:2]
    pad = int(10 * s)
    th = max(2, int(round(2.5 * s)))
    lines, scale = wrap_text(text, w - 2 * pad, 1.0 * s, th)
    line_h = _text_size("Ag", scale, th)[1] + pad
    y0 = h - line_h * len(lines) - pad
    _panel(image, 0, y0, w, h, bg, 0.85)
    y = y0
    for line in lines:
        y += line_h
        tw, _ = _text_size(line, scale, th)
        cv2.putText(image, line, ((w - tw) // 2, y), FONT, scale, fg, th, cv2.LINE_AA)


def draw_side_values(image: np.ndarray, values: list[tuple[str, str]], top: int, s: float) -> None:
    """Key features that have no joint on screen, listed under the rep counter."""
    if not values:
        return
    pad = int(8 * s)
    scale, th = 0.55 * s, max(1, int(round(1.5 * s)))
    lines = [f"{name.replace('_', ' ')}: {text}" for name, text in values[:4]]
    lh = _text_size("Ag", scale, th)[1] + pad
    width = max(_text_size(t, scale, th)[0] for t in lines) + 2 * pad
    _panel(image, 0, top + pad, width, top + pad + lh * len(lines) + pad, PANEL, 0.7)
    y = top + pad
    for text in lines:
        y += lh
        _put(image, text, (pad, y), scale, WHITE, th)


def draw_overlay(image_bgr: np.ndarray, frame: PoseFrame, feedback: Feedback, spec: Any) -> np.ndarray:
    """Return a copy of ``image_bgr`` with skeleton, key angles, counter, phase, hold, ROM and cue.

    Args:
        image_bgr: The video frame (``uint8`` HxWx3), left unchanged.
        frame: The pose found in it.
        feedback: The tracker's feedback for it.
        spec: The exercise spec (``title``, ``kind``, ``key_features``); may be None.

    Example:
        >>> out = draw_overlay(image, frame, tracker.update(frame), spec)  # doctest: +SKIP
    """
    out = np.ascontiguousarray(image_bgr.copy())
    s = _scale(out)
    draw_skeleton(out, frame, s)
    is_hold = getattr(spec, "kind", "reps") == "hold"
    counter = draw_counter(out, feedback, s, hold=is_hold)
    phase = draw_phase(out, feedback, str(getattr(spec, "title", "") or ""), s)
    reserved = [counter, phase]
    if not is_hold:
        rom = draw_rom_bar(out, feedback, phase[3], s)
        reserved += [rom] if rom is not None else []
    names = list(getattr(spec, "key_features", None) or [])
    unplaced = draw_key_features(out, frame, feedback, names, s, reserved)
    draw_side_values(out, unplaced, counter[3], s)
    draw_banner(out, feedback, s)
    return out


def draw_fps(image: np.ndarray, fps: float) -> None:
    """Small processing-rate readout at the top centre (live view only), in place."""
    s = _scale(image)
    w = image.shape[1]
    text = f"{fps:.0f} fps"
    scale, th = 0.45 * s, 1
    tw, tht = _text_size(text, scale, th)
    _put(image, text, ((w - tw) // 2, tht + int(6 * s)), scale, (220, 220, 220), th)
