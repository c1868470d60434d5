"""``AnalysisResult``: everything one analysed clip produced (what report and app sinks read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.frame import PoseFrame


@dataclass(frozen=True)
class AnalysisResult:
    """Everything one analysed clip produced.

    Attributes:
        spec: The exercise spec used (``formcheck.spec.ExerciseSpec``).
        frames: Pose of every frame, in order.
        feedback: The tracker's feedback for every frame (same length as ``frames``).
        summary: The set summary at the end of the clip.
        source: The video or landmarks file analysed (or a caller's name for in-memory frames).
        fps: Frame rate of the source (frames per second).
    """

    spec: Any
    frames: tuple[PoseFrame, ...]
    feedback: tuple[Feedback, ...]
    summary: SetSummary
    source: str
    fps: float

    @property
    def exercise(self) -> str:
        """The spec id (e.g. ``"glute_bridge"``)."""
        return str(self.summary.exercise)
