"""Keep "left" and "right" on the same limbs from frame to frame.

The pose model names each limb left or right anew on every frame, and from the side, the back or
at an angle it swaps the names now and then for a frame or a second: the arm that was "left" is
reported as "right". For a one-arm row, where each arm has its own counter, the working arm's
movement then lands on the other counter and one set is counted as two (10 reps for 5 on a
filmed clip edited from several angles). A body does not move its shoulders, hips and limbs by a
body's width in a thirtieth of a second, but a swap of names does exactly that. So each frame's
shoulders and hips (world landmarks, centred on the hips) are paired with the previous frame's
both ways: when the named pairing moved the trunk by half its own width or more and the crossed
pairing explains the frame at least twice as well, the names were swapped, and every left/right
pair of the frame is swapped back. The trunk decides, not the limbs: its two sides are a
shoulder width apart and move little, where a hand the model loses for a frame can land anywhere.

The names kept are the first frame's, for as long as the frames follow each other: what a
counter needs is one limb's path without jumps, and when the model keeps swapped names for a
while (its reading of the trunk can turn through side-on and snap back), taking its names again
would put one jump back into each counter's signal. Across a gap or a cut (another camera: the
body's place or size in the picture jumps: ``tracker.cuts.jumped``) nothing can be paired, and the
model's names are taken again.

Causal and per frame: live and a clip's replay correct alike (``Tracker.update`` and
``Tracker.process`` both call :meth:`LabelContinuity.correct` frame by frame).

Example:
    >>> import numpy as np
    >>> from formcheck.records.frame import PoseFrame
    >>> rng = np.random.default_rng(0)
    >>> world = rng.normal(0, 0.3, (33, 3)).astype(np.float32)
    >>> a = PoseFrame(t=0.0, image_wh=(640, 480), image=world, world=world,
    ...               visibility=np.ones(33, np.float32), presence=np.ones(33, np.float32))
    >>> b = dataclasses.replace(swap_sides(a), t=1 / 30)
    >>> keep = LabelContinuity()
    >>> _ = keep.correct(a)
    >>> bool(np.allclose(keep.correct(b).world, a.world))
    True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark
from formcheck.tracker.cuts import Place, jumped, torso_place

#: Every landmark's index with left and right exchanged (the nose and other middle points stay).
_MIRROR = np.arange(len(Landmark))
for _mark in Landmark:
    if _mark.name.startswith("LEFT_"):
        _other = Landmark["RIGHT_" + _mark.name[len("LEFT_"):]]
        _MIRROR[_mark], _MIRROR[_other] = _other, _mark
#: The joints whose frame-to-frame paths decide: the trunk's corners.
_PARTS = ("SHOULDER", "HIP")
_LEFT = np.array([Landmark["LEFT_" + p] for p in _PARTS])
_RIGHT = np.array([Landmark["RIGHT_" + p] for p in _PARTS])
#: The crossed pairing must move the joints less than this share of the named pairing's movement
#: (noise moves both pairings alike) ...
SWAP_SHARE = 0.5
#: ... and the named pairing must move them by at least this share of the trunk's own width (the
#: two shoulders' and two hips' distances): no body does that between two frames.
JUMP_SHARE = 0.5
#: Frames further apart than this (s) are not compared: the body may really have turned.
MAX_GAP_S = 0.5


def swap_sides(frame: PoseFrame) -> PoseFrame:
    """``frame`` with every left/right landmark pair exchanged."""
    return dataclasses.replace(frame, image=frame.image[_MIRROR], world=frame.world[_MIRROR],
                               visibility=frame.visibility[_MIRROR], presence=frame.presence[_MIRROR])


class LabelContinuity:
    """Swaps a frame's left and right back when the model swapped their names (see the module).

    Args:
        enabled: False passes every frame through (the tracker of a spec whose two sides do not
            count apart: there a swap of names changes nothing, and costs nothing).
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new set)."""
        self._forget()
        #: Swaps of the model's names corrected so far.
        self.swaps = 0

    def _forget(self) -> None:
        """Nothing to pair the next frame with: the model's names are taken as they come."""
        self._left: np.ndarray | None = None
        self._right: np.ndarray | None = None
        self._t = -math.inf
        self._place: Place | None = None
        self._flipped = False  # the frames out are the model's with left and right exchanged

    def correct(self, frame: PoseFrame) -> PoseFrame:
        """The frame with its limbs named as in the previous frame (unchanged when they already are)."""
        if not (self.enabled and frame.has_person):
            return frame
        place = torso_place(frame.image[:, :2] * np.asarray(frame.image_wh, dtype=np.float32))
        cut = place is None or (self._place is not None and jumped(self._place, place))
        if frame.person_switched or frame.t - self._t > MAX_GAP_S or cut:
            self._forget()  # another person, a gap or a cut: the model's names, from here on
        out = swap_sides(frame) if self._flipped else frame
        left, right = out.world[_LEFT], out.world[_RIGHT]
        if self._left is not None and self._right is not None:
            named = _path(left, self._left) + _path(right, self._right)
            crossed = _path(left, self._right) + _path(right, self._left)
            width = _path(self._left, self._right)
            if crossed < SWAP_SHARE * named and named > JUMP_SHARE * width:
                self._flipped = not self._flipped
                out = swap_sides(frame) if self._flipped else frame
                left, right = right, left
                self.swaps += 1
        self._left, self._right, self._t, self._place = left, right, frame.t, place
        return out

    def correct_all(self, frames: Sequence[PoseFrame]) -> Sequence[PoseFrame]:
        """:meth:`correct` on each frame of a clip, in order (the frames themselves when disabled)."""
        return [self.correct(f) for f in frames] if self.enabled else frames


def _path(now: np.ndarray, before: np.ndarray) -> float:
    """Summed distance the joints moved (NaN joints left out)."""
    d = np.linalg.norm(now.astype(np.float64) - before, axis=1)
    return float(np.nansum(d))
