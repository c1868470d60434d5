"""Cuts in edited clips: the person's box jumps between two frames.

An edited clip (several camera angles, a trimmed pause) makes the landmarks
teleport: the body's centre or size in the picture changes more in one frame
than any movement can. Angles do not care where the body is, but smoothing
does: its history belongs to the shot before the cut, and a 3-D angle seen from
another camera may step. ``CutDetector`` says when a new shot has begun, so the
tracker restarts its smoothing (counting goes on: a rep may span a cut).

The pose model also misplaces a whole body for a frame or two now and then;
such a glitch jumps back. So a jump is a cut only once the body has stayed at
its new place for ``CONFIRM`` frames.

Example:
    >>> import numpy as np
    >>> d = CutDetector()
    >>> pts = np.zeros((33, 2)); pts[[11, 12], 1] = 100; pts[[23, 24], 1] = 300
    >>> [d.update(p) for p in (pts, pts + 5, pts + 400, pts, pts)]  # a glitch: back at once
    [False, False, False, False, False]
    >>> [d.update(pts + 400) for _ in range(4)]  # a cut: it stays
    [False, False, True, False]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import itemgetter

import numpy as np

#: The torso centre moving more than this many torso lengths in one frame is a cut.
JUMP_TORSOS = 0.8
#: The torso's length in the picture changing by more than this factor in one frame is a cut.
ZOOM = 1.6
#: Frames the body must stay at its new place before a jump counts as a cut.
CONFIRM = 3

_SHOULDERS, _HIPS = (11, 12), (23, 24)
_TORSO = itemgetter(*_SHOULDERS, *_HIPS)


class CutDetector:
    """Compares each frame's torso (centre and length, in pixels) with the previous one."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._shot: Place | None = None  # centre x, y and torso length of the shot
        self._candidate: Place | None = None  # a new place, waiting to be confirmed
        self._seen = 0

    def update(self, pixels: Sequence[Sequence[float]] | np.ndarray) -> bool:
        """Feed one frame's 33 ``[x, y]`` pixel landmarks; True on the frame a new shot is confirmed."""
        here = torso_place(pixels)
        if here is None:
            return False
        if self._shot is None or not jumped(self._shot, here):
            self._shot, self._candidate, self._seen = here, None, 0
            return False
        if self._candidate is None or jumped(self._candidate, here):
            self._candidate, self._seen = here, 1
            return False
        self._candidate, self._seen = here, self._seen + 1
        if self._seen < CONFIRM:
            return False
        self._shot, self._candidate, self._seen = here, None, 0
        return True


#: A torso's place in the picture: its centre's x and y and its length (shoulders' mid to hips' mid).
Place = tuple[float, float, float]


def torso_place(pixels: Sequence[Sequence[float]] | np.ndarray) -> Place | None:
    """The torso's place from a frame's 33 ``[x, y]`` pixel landmarks (None when it cannot be read).

    Example:
        >>> pts = np.zeros((33, 2)); pts[[11, 12], 1] = 100; pts[[23, 24], 1] = 300
        >>> torso_place(pts)
        (0.0, 200.0, 200.0)
    """
    # Four points: Python floats (numpy's per-call cost would be most of the work, every frame).
    rows = pixels.tolist() if isinstance(pixels, np.ndarray) else pixels
    (lsx, lsy), (rsx, rsy), (lhx, lhy), (rhx, rhy) = _TORSO(rows)
    sh, hp = ((lsx + rsx) / 2, (lsy + rsy) / 2), ((lhx + rhx) / 2, (lhy + rhy) / 2)
    here = ((sh[0] + hp[0]) / 2, (sh[1] + hp[1]) / 2, math.hypot(sh[0] - hp[0], sh[1] - hp[1]))
    return here if here[2] > 1e-6 and math.isfinite(here[0]) and math.isfinite(here[1]) else None


def jumped(a: Place, b: Place) -> bool:
    """Further apart, or more different in size, than a body moves in one frame."""
    scale = max(a[2], b[2])
    return math.hypot(a[0] - b[0], a[1] - b[1]) / scale > JUMP_TORSOS or scale / min(a[2], b[2]) > ZOOM
