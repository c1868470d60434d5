"""Placement guidance: can this frame be counted, and what should the user change?

``Guide.check(frame, side, rows)`` answers with ``(visible, guidance, view_ok)``:
"step back: feet not visible", "turn side-on to the camera", "only one person
please". Pure of tracker state (it keeps only its own debounce timer).
"""

from __future__ import annotations

import math
from operator import itemgetter

from formcheck.features.frames import SIDES, SideName
from formcheck.features.geometry import turn_from_side_3d
from formcheck.features.single_frame import LandmarkRows
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark
from formcheck.spec import ExerciseSpec

#: A landmark counts as in frame when its presence is at least this.
MIN_PRESENCE = 0.5
#: How far outside the image (fraction of its size) a required landmark may be placed.
FRAME_MARGIN = 0.05
#: Image-plane judging needs the spec's view within this many degrees (side-on: 0; facing: 90).
JUDGE_TURN = 40.0
#: A rep's range is judged against the spec's absolute target only if the body stayed within this
#: many degrees of the spec's view for the whole rep: MediaPipe's 3-D depth shrinks as it turns.
RANGE_TURN = 25.0
#: Beyond this many degrees from the spec's view the user is asked to turn (counting goes on).
GUIDE_TURN = 60.0
#: Seconds a wrong view must last before "turn side-on" is shown (a turn of the head is not enough).
VIEW_DEBOUNCE_S = 0.7
#: Weight of a new frame in the smoothed body turn (~0.7 s at 30 fps: bodies and cameras turn slowly).
TURN_SMOOTHING = 0.05

_LOWER = {"knee", "ankle", "heel", "foot_index"}
#: The shoulders' and hips' landmarks (left, right), whose lines give the body's turn.
_TORSO = itemgetter(int(Landmark.LEFT_SHOULDER), int(Landmark.RIGHT_SHOULDER), int(Landmark.LEFT_HIP),
                    int(Landmark.RIGHT_HIP))
_HEAD = {"nose", "ear"}


def _in_frame(rows: LandmarkRows, image_wh: tuple[int, int], i: int) -> bool:
    """The model says the landmark is in the image (presence) and its position agrees.

    The model extrapolates landmarks past the border with a high presence now and then, so a
    point placed more than ``FRAME_MARGIN`` outside the image also counts as out of frame.
    (A pixel coordinate divided by the image's size is the model's normalised one exactly:
    a float32 times a size of a few thousand pixels is exact in float64.)
    """
    x, y = rows.px[i]
    w, h = image_wh
    return (rows.presence[i] >= MIN_PRESENCE and -FRAME_MARGIN <= x / w <= 1 + FRAME_MARGIN
            and -FRAME_MARGIN <= y / h <= 1 + FRAME_MARGIN)


def _index(part: str, side: str) -> int:
    return int(Landmark.NOSE) if part == "nose" else int(Landmark[f"{side.upper()}_{part.upper()}"])


class Guide:
    """Visibility and placement checks for one spec."""

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self.setup_hint = "get into the start position"
        self._view_bad_since: float | None = None
        #: The body's turn from side-on in degrees (smoothed); NaN until seen.
        self.turn: float = math.nan
        #: Since when the body has been within ``RANGE_TURN`` of the spec's view (None: it is not).
        self.in_view_since: float | None = None
        #: Per followed side: the landmarks that must be in the picture, ``(part, index)``.
        self._required = {s: [(p, _index(p, s)) for p in spec.visible] for s in SIDES}
        self.reset()

    def check(self, frame: PoseFrame, side: SideName, rows: LandmarkRows) -> tuple[bool, str | None, bool]:
        """``(visible, guidance, view_ok)`` for this frame (its landmarks as floats: ``rows``),
        following ``side``."""
        if not frame.has_person:
            self._view_bad_since = None
            return False, "no person in view: step into the frame", True
        guidance = "only one person please" if frame.num_people > 1 else None
        wh = frame.image_wh
        missing = [p for p, i in self._required[side] if not _in_frame(rows, wh, i)]
        if missing:
            if _LOWER & set(missing):
                return False, "step back: feet not visible", True
            if _HEAD & set(missing):
                return False, "step back: head not visible", True
            return False, f"move into the frame: {', '.join(missing)} not visible", True
        view_ok, show = self._view_ok(frame, rows.world)
        if show and guidance is None:
            guidance = "turn side-on to the camera" if self.spec.view == "side" else "face the camera"
        return True, guidance, view_ok

    def _view_ok(self, frame: PoseFrame, world: list[list[float]]) -> tuple[bool, bool]:
        """``(judge_ok, show_guidance)`` from the body's turn against the camera (3-D, smoothed).

        Counting never depends on it. Image-plane judging needs the spec's view: side-on within
        ``JUDGE_TURN`` degrees, facing beyond ``90 - JUDGE_TURN``. The advice to turn appears
        once the body has been clearly the wrong way (``GUIDE_TURN``) for ``VIEW_DEBOUNCE_S``.
        """
        if self.spec.view == "any":
            self.in_view_since = -math.inf
            return True, False
        turn = float(turn_from_side_3d(*_TORSO(world)))
        if math.isnan(turn):  # shoulders and hips on top of each other: no turn to measure
            if self.in_view_since is None:
                self.in_view_since = frame.t
            return True, False
        self.turn = turn if math.isnan(self.turn) else self.turn + TURN_SMOOTHING * (turn - self.turn)
        off = self.turn if self.spec.view == "side" else 90.0 - self.turn
        if off > RANGE_TURN:
            self.in_view_since = None
        elif self.in_view_since is None:
            self.in_view_since = frame.t
        if off <= GUIDE_TURN:
            self._view_bad_since = None
        elif self._view_bad_since is None:
            self._view_bad_since = frame.t
        show = self._view_bad_since is not None and frame.t - self._view_bad_since >= VIEW_DEBOUNCE_S
        return off <= JUDGE_TURN, show

    def in_view_from(self, t: float) -> bool:
        """The body has been within ``RANGE_TURN`` of the spec's view since ``t`` (or before)."""
        return self.in_view_since is not None and self.in_view_since <= t

    def reset(self) -> None:
        self._view_bad_since = None
        self.in_view_since = None
        self.turn = math.nan
