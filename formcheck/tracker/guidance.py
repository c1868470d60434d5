"""Placement guidance: can this frame be counted, and what should the user change?

``Guide.check(frame, side)`` answers with ``(visible, guidance, view_ok)``:
"step back: feet not visible", "turn side-on to the camera", "only one person
please". Pure of tracker state (it keeps only its own debounce timer).
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark
from formcheck.spec import ExerciseSpec

#: A landmark counts as in frame when its presence is at least this.
MIN_PRESENCE = 0.5
#: How far outside the image (fraction of its size) a required landmark may be placed.
FRAME_MARGIN = 0.05
#: Shoulder width / torso length above which the subject faces the camera (side-on is ~0.1-0.4).
FACING_RATIO = 0.65
#: Seconds a wrong view must last before "turn side-on" is shown (a turn of the head is not enough).
VIEW_DEBOUNCE_S = 0.7

_LOWER = {"knee", "ankle", "heel", "foot_index"}
_HEAD = {"nose", "ear"}


def _in_frame(frame: PoseFrame, i: int) -> bool:
    """The model says the landmark is in the image (presence) and its position agrees.

    The model extrapolates landmarks past the border with a high presence now and then, so a
    point placed more than ``FRAME_MARGIN`` outside the image also counts as out of frame.
    """
    x, y = float(frame.image[i, 0]), float(frame.image[i, 1])
    return (frame.presence[i] >= MIN_PRESENCE and -FRAME_MARGIN <= x <= 1 + FRAME_MARGIN
            and -FRAME_MARGIN <= y <= 1 + FRAME_MARGIN)


def _index(part: str, side: str) -> int:
    return int(Landmark.NOSE) if part == "nose" else int(Landmark[f"{side.upper()}_{part.upper()}"])


class Guide:
    """Visibility and placement checks for one spec."""

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self.setup_hint = "get into the start position"
        self._view_bad_since: float | None = None

    def check(self, frame: PoseFrame, side: str) -> tuple[bool, str | None, bool]:
        """``(visible, guidance, view_ok)`` for this frame, following ``side``."""
        if not frame.has_person:
            self._view_bad_since = None
            return False, "no person in view: step into the frame", True
        guidance = "only one person please" if frame.num_people > 1 else None
        missing = [p for p in self.spec.visible if not _in_frame(frame, _index(p, side))]
        if missing:
            if _LOWER & set(missing):
                return False, "step back: feet not visible", True
            if _HEAD & set(missing):
                return False, "step back: head not visible", True
            return False, f"move into the frame: {', '.join(missing)} not visible", True
        view_ok, show = self._view_ok(frame)
        if show and guidance is None:
            guidance = "turn side-on to the camera" if self.spec.view == "side" else "face the camera"
        return True, guidance, view_ok

    def _view_ok(self, frame: PoseFrame) -> tuple[bool, bool]:
        """``(view_ok, show_guidance)``: a wrong view blocks the setup at once; the advice
        appears only once it has lasted ``VIEW_DEBOUNCE_S`` (a turn of the head is not enough)."""
        if self.spec.view == "any":
            return True, False
        px = frame.pixels()
        sw = float(np.hypot(*(px[Landmark.LEFT_SHOULDER] - px[Landmark.RIGHT_SHOULDER])))
        torso = max(float(np.hypot(*(px[Landmark.LEFT_SHOULDER] - px[Landmark.LEFT_HIP]))),
                    float(np.hypot(*(px[Landmark.RIGHT_SHOULDER] - px[Landmark.RIGHT_HIP]))), 1e-6)
        ratio = sw / torso
        bad = ratio > FACING_RATIO if self.spec.view == "side" else ratio < 0.35
        if not bad or math.isnan(ratio):
            self._view_bad_since = None
            return True, False
        if self._view_bad_since is None:
            self._view_bad_since = frame.t
        return False, frame.t - self._view_bad_since >= VIEW_DEBOUNCE_S

    def reset(self) -> None:
        self._view_bad_since = None
