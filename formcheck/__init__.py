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
from formcheck.records.version import __version__
from formcheck.spec import ExerciseSpec, list_specs, load_spec
from formcheck.tracker.tracker import Tracker

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
