"""Landmarks files: a compact, versioned ``.npz`` of pose frames.

A landmarks file replays a clip's pose without the model (tests, benchmarks,
re-analysis). Arrays, one row per frame:

===============  ===========  ============================================
key              shape/dtype  meaning
===============  ===========  ============================================
format           ()  str      ``"formcheck-landmarks"``
version          ()  int      :data:`FORMAT_VERSION`
t                (n,) f8      seconds
image            (n,33,3) f4  normalised image landmarks (NaN: no person)
world            (n,33,3) f4  world landmarks in metres (NaN: no person)
visibility       (n,33) f4
presence         (n,33) f4
num_people       (n,) i2
person_switched  (n,) bool
image_wh         (2,) i4      frame width, height
meta             () str       JSON: source, fps, model, generator, notes, ...
===============  ===========  ============================================

``meta["notes"]`` (optional) lists what a report should say about the source,
such as a video that ended before its container's frame count (:func:`meta_notes`).

Written to a temp file and renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.records.atomic import atomic_write
from formcheck.records.errors import LandmarksFileError
from formcheck.records.frame import PoseFrame
from formcheck.records.input_files import check_readable_file
from formcheck.records.landmarks import NUM_LANDMARKS

FORMAT_NAME = "formcheck-landmarks"
FORMAT_VERSION = 1


#: Key of the metadata that lists notes about the source, carried into the report.
NOTES_KEY = "notes"


def meta_notes(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The notes about the source recorded in a landmarks file's (or a pose run's) metadata.

    Example:
        >>> meta_notes({"fps": 30.0, "notes": ["the video ended early: 90 of 198 frames decoded"]})
        ('the video ended early: 90 of 198 frames decoded',)
        >>> meta_notes({"fps": 30.0})
        ()
    """
    notes = meta.get(NOTES_KEY)
    return tuple(str(n) for n in notes) if isinstance(notes, (list, tuple)) else ()


def frames_to_arrays(frames: Sequence[PoseFrame]) -> dict[str, np.ndarray]:
    """Stack frame records into the arrays of a landmarks file."""
    n = len(frames)
    return {
        "t": np.array([f.t for f in frames], dtype=np.float64),
        "image": np.stack([f.image for f in frames]) if n else np.zeros((0, NUM_LANDMARKS, 3), np.float32),
        "world": np.stack([f.world for f in frames]) if n else np.zeros((0, NUM_LANDMARKS, 3), np.float32),
        "visibility": np.stack([f.visibility for f in frames]) if n else np.zeros((0, NUM_LANDMARKS), np.float32),
        "presence": np.stack([f.presence for f in frames]) if n else np.zeros((0, NUM_LANDMARKS), np.float32),
        "num_people": np.array([f.num_people for f in frames], dtype=np.int16),
        "person_switched": np.array([f.person_switched for f in frames], dtype=bool),
    }


def save_landmarks(path: str | Path, frames: Iterable[PoseFrame], meta: dict[str, Any] | None = None) -> Path:
    """Write frames to a landmarks file atomically; returns the path.

    Raises:
        OutputError: The folder is missing or the file cannot be written.
        ValueError: ``frames`` is empty (a file needs its frame size).
    """
    frames = list(frames)
    if not frames:
        raise ValueError("save_landmarks: no frames to save")
    arrays = frames_to_arrays(frames)
    arrays["image_wh"] = np.array(frames[0].image_wh, dtype=np.int32)
    arrays["format"] = np.array(FORMAT_NAME)
    arrays["version"] = np.array(FORMAT_VERSION)
    arrays["meta"] = np.array(json.dumps(meta or {}))
    path = Path(path)

    payload: dict[str, Any] = arrays  # numpy's stub types **kwds like its own keyword arguments

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **payload)

    atomic_write(path, write, suffix=".npz")
    return path


def _version(value: Any) -> int | str:
    """The file's format version, or its text when it is not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return repr(str(value)) if value is not None else "(none)"


def _check_times(t: np.ndarray) -> None:
    """Times must be finite and strictly increasing (else durations and rates are wrong)."""
    if not np.isfinite(t).all():
        raise ValueError(f"frame {int(np.argmin(np.isfinite(t)))} has no valid time")
    back = np.flatnonzero(np.diff(t) <= 0)
    if back.size:
        i = int(back[0]) + 1
        raise ValueError(f"time goes backwards at frame {i} ({t[i - 1]:.3f} s then {t[i]:.3f} s)")


def _frame(arrays: dict[str, np.ndarray], i: int, image_wh: tuple[int, int]) -> PoseFrame:
    """Frame ``i`` of a file; a person whose landmarks are all NaN is no person."""
    t = float(arrays["t"][i])
    image = arrays["image"][i]
    if int(arrays["num_people"][i]) > 0 and not np.isfinite(image).any():
        return PoseFrame.empty(t=t, image_wh=image_wh, index=i)
    return PoseFrame(t=t, image_wh=image_wh, image=image, world=arrays["world"][i],
                     visibility=arrays["visibility"][i], presence=arrays["presence"][i],
                     num_people=int(arrays["num_people"][i]),
                     person_switched=bool(arrays["person_switched"][i]), index=i)


def load_landmarks(path: str | Path) -> tuple[list[PoseFrame], dict[str, Any]]:
    """Read a landmarks file back into frame records and its metadata.

    Times must be strictly increasing; a frame whose person has only NaN
    landmarks is read as a frame without a person.

    Raises:
        LandmarksFileError: Missing, not a landmarks file, another version, or
            damaged (missing arrays, times that go backwards).
    """
    path = check_readable_file(path, "landmarks file", LandmarksFileError)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise LandmarksFileError(f"{path} is not a readable landmarks file: {exc}") from exc
    if str(arrays.get("format", "")) != FORMAT_NAME:
        raise LandmarksFileError(f"{path} is not a formcheck landmarks file")
    version = _version(arrays.get("version"))
    if version != FORMAT_VERSION:
        raise LandmarksFileError(
            f"{path} is landmarks format version {version}; this formcheck reads version "
            f"{FORMAT_VERSION}. Re-create it with `formcheck pose VIDEO -o FILE.npz`."
        )
    try:
        meta = json.loads(str(arrays["meta"]))
        w, h = (int(v) for v in arrays["image_wh"])
        t = np.asarray(arrays["t"], dtype=np.float64)
        _check_times(t)
        frames = [_frame(arrays, i, (w, h)) for i in range(len(t))]
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise LandmarksFileError(f"{path} is damaged: {exc}") from exc
    if not isinstance(meta, dict):
        raise LandmarksFileError(f"{path} is damaged: its meta is not a JSON object")
    return frames, meta
