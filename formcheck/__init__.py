"""formcheck: exercise form checking from video.

Pipeline (data flows one way)::

    source → pose → smoothing → features → tracker → feedback → sinks

Example:
    >>> from formcheck import PoseEstimator, VideoFileSource  # doctest: +SKIP
    >>> with VideoFileSource("clip.mp4") as src, PoseEstimator() as pose:
    ...     frames = list(pose.run(src))
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
from formcheck.frame import PoseFrame
from formcheck.landmarks import Landmark

__all__ = [
    "FormcheckError",
    "LabelError",
    "Landmark",
    "LandmarksFileError",
    "ModelError",
    "OutputError",
    "PoseFrame",
    "SpecError",
    "StoreError",
    "SynthError",
    "VideoSourceError",
    "__version__",
]
