"""Placement guidance: can this frame be counted, and what should the user change?

``Guide.check(frame, side, rows)`` answers with ``(visible, guidance, view_ok)``:
"step back: feet not visible", "turn side-on to the camera", "only one person
please". Pure of tracker state (it keeps only its own debounce timer).
"""

from __future__ import annotations

import math
from operator import itemgetter

from formcheck.features.frames import SIDES, SideName
from formcheck.features.geometry import torso_depth_share_3d, turn_from_side_3d
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
#: The torso seen end-on: at least this share of its hip-to-shoulder length lies along the camera's
#: axis, as the model reads it (three quarters: the line within ~40 deg of the lens). The model
#: compresses depth, so a prone body filmed from the head end reads 0.8-0.95 and a hinge filmed from
#: the front 0.65-0.75, against 0.5-0.6 at 45 deg and under 0.2 side-on. End-on, the torso's length
#: and direction come from that compressed depth and every angle against it is a guess: nothing is
#: judged (no form rule, no range or tempo), whatever the spec's view; counting goes on.
END_ON_SHARE = 0.75
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
        #: The torso's depth share (smoothed): 0 across the picture, 1 pointing at the camera; NaN until seen.
        self.end_on: float = math.nan
        #: Since when the torso has not been seen end-on (None: it is now).
        self.across_since: float | None = -math.inf
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
            facing = self.spec.view == "front" and not self.seen_end_on
            guidance = "face the camera" if facing else "turn side-on to the camera"
        return True, guidance, view_ok

    def _view_ok(self, frame: PoseFrame, world: list[list[float]]) -> tuple[bool, bool]:
        """``(judge_ok, show_guidance)`` from the body's turn against the camera (3-D, smoothed).

        Counting never depends on it. Image-plane judging needs the spec's view: side-on within
        ``JUDGE_TURN`` degrees, facing beyond ``90 - JUDGE_TURN``; and nothing is judged while the
        torso is seen end-on (``END_ON_SHARE``), whatever the view. The advice to turn appears
        once the body has been clearly the wrong way (``GUIDE_TURN``), or end-on, for ``VIEW_DEBOUNCE_S``.
        """
        end_on = self._end_on(world)
        if end_on:
            self.across_since = None
        elif self.across_since is None:
            self.across_since = frame.t
        off = 0.0  # a spec for any view, or shoulders and hips on top of each other: no turn to judge
        if self.spec.view != "any":
            turn = float(turn_from_side_3d(*_TORSO(world)))
            if not math.isnan(turn):
                self.turn = turn if math.isnan(self.turn) else self.turn + TURN_SMOOTHING * (turn - self.turn)
                off = self.turn if self.spec.view == "side" else 90.0 - self.turn
        if off > RANGE_TURN or end_on:
            self.in_view_since = None
        elif self.in_view_since is None:
            self.in_view_since = frame.t
        if off <= GUIDE_TURN and not end_on:
            self._view_bad_since = None
        elif self._view_bad_since is None:
            self._view_bad_since = frame.t
        show = self._view_bad_since is not None and frame.t - self._view_bad_since >= VIEW_DEBOUNCE_S
        return off <= JUDGE_TURN and not end_on, show

    @property
    def seen_end_on(self) -> bool:
        """The torso is seen end-on now (``END_ON_SHARE``): no rule can be judged, 3-D or not."""
        return self.end_on > END_ON_SHARE

    def _end_on(self, world: list[list[float]]) -> bool:
        """Update the smoothed depth share; whether the torso is now seen end-on."""
        share = float(torso_depth_share_3d(*_TORSO(world)))
        if not math.isnan(share):
            self.end_on = share if math.isnan(self.end_on) else self.end_on + TURN_SMOOTHING * (share - self.end_on)
        return self.seen_end_on

    def in_view_from(self, t: float) -> bool:
        """The body has been within ``RANGE_TURN`` of the spec's view since ``t`` (or before)."""
        return self.in_view_since is not None and self.in_view_since <= t

    def across_from(self, t: float) -> bool:
        """The torso has not been seen end-on since ``t`` (or before)."""
        return self.across_since is not None and self.across_since <= t

    def reset(self) -> None:
        self._view_bad_since = None
        # A spec for any view judges a rep's range from before the clip's first frame, until the
        # torso is first seen end-on.
        self.in_view_since = -math.inf if self.spec.view == "any" else None
        self.turn = math.nan
        self.end_on = math.nan
        self.across_since = -math.inf
