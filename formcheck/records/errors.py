"""Errors formcheck raises for problems a user can fix.

Hierarchy::

    FormcheckError                 base: the CLI and the app catch this one only
    ├── VideoSourceError           a video file or camera cannot be opened or decoded
    ├── ModelError                 no usable pose model file could be found or built
    ├── LandmarksFileError         a landmarks (.npz) file is missing, corrupt or of another version
    ├── SpecError                  an exercise spec is unknown or invalid (names file, line, field)
    ├── LabelError                 a ground-truth label file is invalid
    ├── OutputError                an output path cannot be written
    ├── SynthError                 a synthetic clip was asked for with an unknown exercise/fault/option
    └── StoreError                 the history database cannot be read or written

No person in view, several people, or a person leaving the frame are *not*
errors: they are states reported in the frame record and in feedback.
Anything that is not a ``FormcheckError`` is a bug in formcheck.
"""

from __future__ import annotations


class FormcheckError(Exception):
    """Base of every error a user can act on; the message says what and what to do."""


class VideoSourceError(FormcheckError):
    """Raised when a video file or webcam cannot be opened, decoded, or holds no frames."""


class ModelError(FormcheckError):
    """Raised when no pose model file can be resolved, downloaded, built or loaded."""


class LandmarksFileError(FormcheckError):
    """Raised when a landmarks file is missing, unreadable or of an unsupported version."""


class SpecError(FormcheckError):
    """Raised when an exercise spec cannot be found, parsed or validated."""


class LabelError(FormcheckError):
    """Raised when a ground-truth label file does not follow the label schema."""


class OutputError(FormcheckError):
    """Raised when an output file or folder cannot be written (e.g. its folder is missing)."""


class StoreError(FormcheckError):
    """Raised when the history database cannot be opened, read or written."""


class SynthError(FormcheckError):
    """Raised when a synthetic clip is requested with an unknown exercise, fault or an option out of range."""
