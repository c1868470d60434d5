"""The overlay's panels, each drawing fields of one :class:`Presentation` (never raw feedback).

Made to be read from 2–3 m away on a small (640×360) frame: few elements,
big type, light text on dark panels, one message at a time::

    ┌────────────┐                               ┌────────────┐
    │  7         │                               │ title      │
    │ reps of 10 │                               │ PHASE      │
    │ left 3 ·.. │                               │ ▬▬▬▬ hold  │   ▐ range-of-
    └────────────┘                               └────────────┘   ▐ motion bar
    ┌────────── message: cue (red), guidance (amber), next (blue) ──────────┐

Example:
    >>> from formcheck.sinks.presentation import rest_view
    >>> canvas = Canvas(np.zeros((360, 640, 3), np.uint8))
    >>> _ = draw_counter(canvas, rest_view(5, "Plank", "", ""))
    >>> canvas.texts
    ['5', 's']
"""

from __future__ import annotations

import numpy as np

from formcheck.sinks.overlay_draw import (
    CUE_BG,
    GOOD,
    GREY,
    GUIDE_BG,
    NEXT_BG,
    PANEL,
    WHITE,
    Box,
    Canvas,
    fit_scale,
    text_size,
    wrap_text,
)
from formcheck.sinks.presentation import Presentation

_BANNER = {"form": (CUE_BG, WHITE), "guide": (GUIDE_BG, (0, 0, 0)), "next": (NEXT_BG, WHITE)}


def draw_counter(canvas: Canvas, view: Presentation) -> Box:
    """Top-left: the big number, its unit and target, per-side counts, the extra figure; returns its box."""
    s = canvas.s
    pad = int(10 * s)
    big, big_t = 2.4 * s, max(2, int(round(5 * s)))
    small, small_t = 0.75 * s, max(1, int(round(1.5 * s)))
    max_w = int(canvas.wh[0] * 0.45)
    lines = [t for t in (f"{view.unit} {view.target}".strip(), view.sides, view.extra) if t]
    scales = [fit_scale(t, max_w - 2 * pad, small, small_t) for t in lines]
    cw, ch = text_size(view.big, big, big_t)
    line_h = text_size("Ag", small, small_t)[1] + int(8 * s)
    width = min(max(cw, int(110 * s), *(text_size(t, sc, small_t)[0] for t, sc in zip(lines, scales))) + 2 * pad,
                max_w)
    height = pad + ch + pad + line_h * len(lines)
    canvas.panel(0, 0, width, height, PANEL, 0.75)
    y = pad + ch
    canvas.text(view.big, (pad, y), big, GOOD if view.done else WHITE, big_t)
    for text, sc in zip(lines, scales):
        y += line_h
        canvas.text(text, (pad, y), sc, WHITE if text != lines[0] else GREY, small_t)
    return (0, 0, width, height)


def draw_phase(canvas: Canvas, view: Presentation) -> Box:
    """Top-right: title, routine detail, the phase word, and a progress bar for holds and rests."""
    s = canvas.s
    w = canvas.wh[0]
    pad = int(10 * s)
    small_t = max(1, int(round(1.5 * s)))
    rows: list[tuple[str, float, int, tuple[int, int, int]]] = []
    for text in (view.title, view.detail):
        if text:
            rows.append((text, 0.55 * s, small_t, GREY))
    rows.append((view.phase, 0.95 * s, max(2, int(round(2 * s))), GOOD if view.done else WHITE))
    max_w = int(w * 0.42)
    fitted = [(t, fit_scale(t, max_w - 2 * pad, sc, th), th, c) for t, sc, th, c in rows]
    width = max(text_size(t, sc, th)[0] for t, sc, th, _ in fitted) + 2 * pad
    heights = [text_size(t, sc, th)[1] + pad for t, sc, th, _ in fitted]
    bar_h = int(10 * s) if view.mode in ("hold", "rest") and view.progress is not None else 0
    width = max(width, int(140 * s)) if bar_h else width
    height = pad + sum(heights) + (bar_h + pad if bar_h else 0)
    x0 = w - width
    canvas.panel(x0, 0, w, height, PANEL, 0.75)
    y = pad
    for (text, sc, th, colour), dh in zip(fitted, heights):
        y += dh - pad
        canvas.text(text, (x0 + pad, y), sc, colour, th)
        y += pad
    if bar_h and view.progress is not None:
        import cv2

        frac = float(np.clip(view.progress, 0.0, 1.0))
        cv2.rectangle(canvas.image, (x0 + pad, y), (w - pad, y + bar_h), (90, 90, 90), -1)
        cv2.rectangle(canvas.image, (x0 + pad, y), (x0 + pad + int(frac * (width - 2 * pad)), y + bar_h), GOOD, -1)
    return (x0, 0, w, height)


def draw_rom_bar(canvas: Canvas, view: Presentation, top: int) -> Box | None:
    """Right-edge vertical bar: range of motion of the current rep, a tick at the target."""
    import cv2

    s = canvas.s
    w, h = canvas.wh
    bw = int(18 * s)
    x1, x0 = w - int(8 * s), w - int(8 * s) - bw
    y0, y1 = max(top + int(12 * s), int(h * 0.25)), int(h * 0.62)  # clear of a two-line banner
    if y1 - y0 < 20 or view.progress is None:
        return None
    frac = float(np.clip(view.progress, 0.0, 1.2))
    span = y1 - y0
    target_y = y1 - int(span / 1.2)  # 1.0 = the spec's peak threshold
    canvas.panel(x0 - 2, y0 - 2, x1 + 2, y1 + 2, PANEL, 0.8)
    fill_y = y1 - int(span * frac / 1.2)
    if fill_y < y1:
        cv2.rectangle(canvas.image, (x0, fill_y), (x1, y1), GOOD if frac >= 1.0 else (0, 200, 255), -1)
    cv2.line(canvas.image, (x0 - int(5 * s), target_y), (x1 + int(5 * s), target_y), WHITE, max(2, int(2 * s)))
    return (x0 - int(16 * s), y0 - 2, w, y1 + int(8 * s))


def draw_banner(canvas: Canvas, view: Presentation) -> None:
    """Bottom banner: the view's one message, coloured by its tone (cue, guidance, what is next)."""
    if not view.message or view.tone not in _BANNER:
        return
    bg, fg = _BANNER[view.tone]
    s = canvas.s
    w, h = canvas.wh
    pad = int(10 * s)
    th = max(2, int(round(2.5 * s)))
    lines, scale = wrap_text(view.message, w - 2 * pad, 1.0 * s, th)
    line_h = text_size("Ag", scale, th)[1] + pad
    y0 = h - line_h * len(lines) - pad
    canvas.panel(0, y0, w, h, bg, 0.85)
    y = y0
    for line in lines:
        y += line_h
        tw, _ = text_size(line, scale, th)
        canvas.text(line, ((w - tw) // 2, y), scale, fg, th, outline=False)
