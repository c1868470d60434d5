"""formcheck: exercise form checking from video.

Pipeline (data flows one way)::

    source → pose → smoothing → features → tracker → feedback → sinks

Example:
    >>> from formcheck import PoseEstimator, Tracker, VideoFileSource, load_spec  # doctest: +SKIP
    >>> tracker = Tracker(load_spec("glute_bridge"))
    >>> with VideoFileSource("clip.mp4") as src, PoseEstimator() as pose:
    ...     for frame in pose.run(src):
    ...         feedback = tracker.update(frame)
    >>> tracker.summary().reps
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from formcheck.records.version import __version__

if TYPE_CHECKING:
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.sources import VideoFileSource, WebcamSource
    from formcheck.records.errors import (
        FormcheckError,
        LabelError,
        LandmarksFileError,
        ModelError,
        OutputError,
        SpecError,
        StoreError,
        SynthError,
        VideoSourceError,
    )
    from formcheck.records.feedback import Cue, Feedback, RepRecord, SetSummary
    from formcheck.records.frame import PoseFrame
    from formcheck.records.landmarks import Landmark
    from formcheck.spec import ExerciseSpec, list_specs, load_spec
    from formcheck.tracker.tracker import Tracker

#: Where each public name lives: imported on first use (PEP 562), so ``import formcheck``
#: and ``python -m formcheck`` start without OpenCV, pydantic and NumPy (Ctrl+C during
#: start-up then reaches the CLI's own handling instead of printing a traceback).
_HOMES = {
    "PoseEstimator": "formcheck.pose.estimator",
    "VideoFileSource": "formcheck.pose.sources",
    "WebcamSource": "formcheck.pose.sources",
    **dict.fromkeys(["FormcheckError", "LabelError", "LandmarksFileError", "ModelError", "OutputError", "SpecError",
                     "StoreError", "SynthError", "VideoSourceError"], "formcheck.records.errors"),
    **dict.fromkeys(["Cue", "Feedback", "RepRecord", "SetSummary"], "formcheck.records.feedback"),
    "PoseFrame": "formcheck.records.frame",
    "Landmark": "formcheck.records.landmarks",
    **dict.fromkeys(["ExerciseSpec", "list_specs", "load_spec"], "formcheck.spec"),
    "Tracker": "formcheck.tracker.tracker",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'formcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "Cue",
    "ExerciseSpec",
    "Feedback",
    "FormcheckError",
    "LabelError",
    "Landmark",
    "LandmarksFileError",
    "ModelError",
    "OutputError",
    "PoseEstimator",
    "PoseFrame",
    "RepRecord",
    "SetSummary",
    "SpecError",
    "StoreError",
    "SynthError",
    "Tracker",
    "VideoFileSource",
    "VideoSourceError",
    "WebcamSource",
    "list_specs",
    "load_spec",
    "__version__",
]
