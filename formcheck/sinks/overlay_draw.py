"""Drawing primitives of the overlay: colours, outlined text, translucent panels, wrapping.

:class:`Canvas` wraps the image being annotated with its size unit and keeps
every string drawn on it, so the live app can show the page what the video
says (the overlay and the panel must agree; a test reads both).

Example:
    >>> canvas = Canvas(np.zeros((360, 640, 3), np.uint8))
    >>> canvas.text("3", (10, 60), 2.0, WHITE, 4)
    >>> canvas.texts
    ['3']
"""

from __future__ import annotations

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_DUPLEX
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREY = (200, 200, 200)
PANEL = (25, 25, 25)
CUE_BG = (40, 40, 215)  # red (BGR): a form cue
GUIDE_BG = (0, 190, 255)  # amber: placement guidance
NEXT_BG = (120, 60, 20)  # dark blue: what comes next in a routine
GOOD = (80, 200, 60)  # green: target reached

#: A screen rectangle (x0, y0, x1, y1) in pixels.
Box = tuple[int, int, int, int]


def size_unit(image: np.ndarray) -> float:
    """Size unit: 1.0 on a 640×360 frame, bigger on bigger frames (portrait too)."""
    h, w = image.shape[:2]
    return float(max(min(w, h) / 360.0, 0.5))


def text_size(text: str, scale: float, thickness: int) -> tuple[int, int]:
    """Width and height of ``text`` in pixels."""
    (tw, th), _ = cv2.getTextSize(text, FONT, scale, thickness)
    return tw, th


def fit_scale(text: str, max_w: int, scale: float, thickness: int) -> float:
    """Largest scale ≤ ``scale`` at which ``text`` fits in ``max_w`` pixels."""
    tw, _ = text_size(text, scale, thickness)
    return scale if tw <= max_w else max(scale * max_w / max(tw, 1), 0.3)


def wrap_text(text: str, max_w: int, scale: float, thickness: int, max_lines: int = 2) -> tuple[list[str], float]:
    """Split ``text`` into at most ``max_lines`` lines that fit ``max_w`` at ``scale``.

    Wrapping keeps the type big (it must read from across a room); only text
    too long for ``max_lines`` lines is shrunk.
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_size(f"{lines[-1]} {word}", scale, thickness)[0] <= max_w:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        head = lines[: max_lines - 1]
        lines = head + [" ".join(lines[max_lines - 1:])]
    fitted = min((fit_scale(line, max_w, scale, thickness) for line in lines), default=scale)
    return lines, fitted


class Canvas:
    """An image being annotated in place, its size unit ``s``, and the texts drawn on it.

    Args:
        image: ``uint8`` HxWx3 BGR image, drawn on in place.
    """

    def __init__(self, image: np.ndarray) -> None:
        self.image = image
        self.s = size_unit(image)
        self.texts: list[str] = []

    @property
    def wh(self) -> tuple[int, int]:
        h, w = self.image.shape[:2]
        return w, h

    def text(self, text: str, org: tuple[int, int], scale: float, colour: tuple[int, int, int], thickness: int,
             outline: bool = True) -> None:
        """Text at ``org`` (baseline left); with a dark outline so it reads on any background."""
        if outline:
            cv2.putText(self.image, text, org, FONT, scale, BLACK, thickness + max(2, thickness), cv2.LINE_AA)
        cv2.putText(self.image, text, org, FONT, scale, colour, thickness, cv2.LINE_AA)
        self.texts.append(text)

    def panel(self, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int], alpha: float = 0.72) -> None:
        """Blend a filled rectangle into the image (clipped to the frame)."""
        w, h = self.wh
        x0, x1 = max(0, x0), min(w, x1)
        y0, y1 = max(0, y0), min(h, y1)
        if x1 <= x0 or y1 <= y0:
            return
        roi = self.image[y0:y1, x0:x1]
        roi[:] = cv2.addWeighted(roi, 1.0 - alpha, np.full_like(roi, colour), alpha, 0.0)
