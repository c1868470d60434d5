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

__version__ = "0.1.0"

from formcheck.errors import (
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
from formcheck.feedback import Cue, Feedback, RepRecord, SetSummary
from formcheck.frame import PoseFrame
from formcheck.landmarks import Landmark
from formcheck.pose import PoseEstimator
from formcheck.sources import VideoFileSource, WebcamSource
from formcheck.spec import ExerciseSpec, list_specs, load_spec
from formcheck.tracker import Tracker

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
