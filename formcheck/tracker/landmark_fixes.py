"""What the tracker corrects in a frame's landmarks before any feature is read.

Two corrections, each in its own module, applied in this order to every frame (live) or to a
clip's frames in order (replay), so both paths read the same landmarks:

* :class:`~formcheck.tracker.label_continuity.LabelContinuity`: the model's left and right kept
  on the same limbs (for specs whose two sides count apart);
* :class:`~formcheck.tracker.picture_depth.PictureDepth`: a limb's swing along the camera's axis
  restored from the picture (for specs that ask, ``depth_from_picture``).

Example:
    >>> from formcheck.records.frame import PoseFrame
    >>> from formcheck.spec import load_spec
    >>> fixes = LandmarkFixes(load_spec("bent_over_row"))
    >>> empty = PoseFrame.empty(0.0, (640, 480))
    >>> fixes.frame(empty) is empty
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from formcheck.records.frame import PoseFrame
from formcheck.spec import ExerciseSpec
from formcheck.tracker.label_continuity import LabelContinuity
from formcheck.tracker.picture_depth import PictureDepth


class LandmarkFixes:
    """The corrections a spec's tracker applies to the landmarks, with their state for one set."""

    def __init__(self, spec: ExerciseSpec) -> None:
        self.names = LabelContinuity(enabled=spec.sides == "each")  # each side has its counter
        self.depth = PictureDepth(spec.depth_from_picture)

    def frame(self, frame: PoseFrame) -> PoseFrame:
        """One frame of a live stream, corrected."""
        return self.depth.restore(self.names.correct(frame))

    def clip(self, frames: Sequence[PoseFrame]) -> Sequence[PoseFrame]:
        """A clip's frames, corrected in order."""
        return self.depth.restore_all(self.names.correct_all(frames))
