"""The live set's tracker: the spec's tracker, with attempts that look like another exercise vetoed.

What the live session (``formcheck live`` and the app's Live page) runs on each frame, and what
a test can run on a clip's cached landmarks without the pose model: the same composition.

Example:
    >>> from formcheck.spec import load_spec
    >>> from formcheck.records.frame import PoseFrame
    >>> live = LiveTracker(load_spec("glute_bridge"))
    >>> live.update(PoseFrame.empty(0.0, (640, 360))).phase
    'not_visible'
"""

from __future__ import annotations

from typing import Literal

from formcheck.pipeline.exercise_check import ExerciseCheck
from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.spec import ExerciseSpec
from formcheck.tracker.tracker import Tracker


class LiveTracker:
    """A live set: a movement under way at START is not counted, another exercise's is vetoed.

    Args:
        spec: The set's exercise.
    """

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self.check = ExerciseCheck(spec)
        self.tracker = Tracker(spec, count_leading=False, veto=self.check)

    def update(self, frame: PoseFrame) -> Feedback:
        """One frame: kept for the check, then tracked."""
        self.check.see(frame)
        return self.tracker.update(frame)

    def summary(self, unfinished: Literal["partial", "ignore"] = "partial") -> SetSummary:
        """The set so far (see :meth:`Tracker.summary`)."""
        return self.tracker.summary(unfinished)
