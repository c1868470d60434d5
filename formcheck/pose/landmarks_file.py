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

Written to a temp file and renamed, so a crash never leaves half a file. Read back
only after every array's shape and type are checked from its ``.npy`` header (a
megabyte of compressed zeros can claim gigabytes), and only the arrays above are
read; the numbers of ``meta`` that formcheck uses are checked too.
"""

from __future__ import annotations

import json
import reprlib
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from formcheck.records.atomic import atomic_write
from formcheck.records.errors import LandmarksFileError
from formcheck.records.frame import PoseFrame
from formcheck.records.input_files import check_readable_file
from formcheck.records.landmarks import NUM_LANDMARKS

FORMAT_NAME = "formcheck-landmarks"
FORMAT_VERSION = 1
#: Most frames a file may hold: two hours at 60 fps. Every frame is kept in memory as a
#: ``PoseFrame`` (about 1.8 kB, and 1.1 kB more of arrays while reading), so this bounds a
#: file to about 1.2 GB in memory; the sessions formcheck analyses are minutes long.
MAX_FRAMES = 2 * 60 * 60 * 60
#: Longest ``meta`` text read: it holds a few paths and names (a few hundred characters).
MAX_META_CHARS = 100_000
#: Frame rates ``meta`` may give: above 0 and below this, as for a video file (``pose.sources``).
MAX_FPS = 1000.0
#: Largest frame width or height in pixels (16K video is 15,360 wide).
MAX_IMAGE_SIDE = 16_384
#: Largest ``frame_step`` of ``meta``: one pose a second at 60 fps; sparser follows no movement.
MAX_FRAME_STEP = 60
#: Errors of a file that is not a readable ``.npz`` (zip, deflate or ``.npy`` header damage).
_UNREADABLE = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)

#: The arrays of a file: their shape (``"n"``: the frame count) and the dtype kinds accepted
#: (``f`` float, ``i``/``u`` integer, ``b`` bool, ``U`` text). Other members are never read.
_LAYOUT: dict[str, tuple[tuple[int | str, ...], str]] = {
    "format": ((), "U"), "version": ((), "iufU"), "meta": ((), "U"),
    "t": (("n",), "f"), "image": (("n", NUM_LANDMARKS, 3), "f"), "world": (("n", NUM_LANDMARKS, 3), "f"),
    "visibility": (("n", NUM_LANDMARKS), "f"), "presence": (("n", NUM_LANDMARKS), "f"),
    "num_people": (("n",), "iu"), "person_switched": (("n",), "b"), "image_wh": ((2,), "iu"),
}
_IDENTITY = ("format", "version")
Header = tuple[tuple[int, ...], np.dtype[Any]]


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


def _npy_header(fh: IO[bytes]) -> Header:
    """Shape and dtype from the start of an ``.npy`` stream, without reading its data."""
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    else:
        raise ValueError(f".npy format version {version} is not one numpy writes for these arrays")
    return tuple(shape), dtype


def _headers(zf: zipfile.ZipFile) -> dict[str, Header]:
    """The header of each array of :data:`_LAYOUT` the file holds (``np.savez`` names them ``KEY.npy``)."""
    names = set(zf.namelist())
    headers: dict[str, Header] = {}
    for key in _LAYOUT:
        if f"{key}.npy" in names:
            with zf.open(f"{key}.npy") as fh:
                headers[key] = _npy_header(fh)
    return headers


def _layout_problem(key: str, shape: tuple[int, ...], dtype: np.dtype[Any]) -> str | None:
    """What is wrong with array ``key`` of this shape and dtype, or None.

    Example:
        >>> _layout_problem("image", (5, 33), np.dtype("f4"))
        "image is (5, 33) float32, expected (frames, 33, 3) of kind 'f'"
    """
    expected, kinds = _LAYOUT[key]
    largest_item = 4 * MAX_META_CHARS if dtype.kind == "U" else 8
    fits = len(shape) == len(expected) and all(e == "n" or s == e for s, e in zip(shape, expected))
    if fits and dtype.kind in kinds and dtype.itemsize <= largest_item:
        return None
    wanted = "(" + ", ".join("frames" if e == "n" else str(e) for e in expected) + ("," if len(expected) == 1 else "")
    return f"{key} is {shape} {dtype}, expected {wanted}) of kind {kinds!r}"


def _check_layout(path: Path, headers: dict[str, Header], keys: Sequence[str]) -> None:
    """Arrays ``keys`` of the shapes and types of the format, of one frame count of at most :data:`MAX_FRAMES`.

    Raises:
        LandmarksFileError: Naming the file and the first array that does not fit.
    """
    counts: dict[str, int] = {}
    for key in keys:
        if key not in headers:
            continue
        shape, dtype = headers[key]
        problem = _layout_problem(key, shape, dtype)
        if problem is not None:
            raise LandmarksFileError(f"{path} is damaged: {problem}")
        if _LAYOUT[key][0][:1] == ("n",):
            counts[key] = shape[0]
    if len(set(counts.values())) > 1:
        said = ", ".join(f"{key} {n}" for key, n in counts.items())
        raise LandmarksFileError(f"{path} is damaged: its arrays disagree on the number of frames ({said})")
    if max(counts.values(), default=0) > MAX_FRAMES:
        raise LandmarksFileError(f"{path} holds {max(counts.values())} frames; formcheck reads at most "
                                 f"{MAX_FRAMES} (2 hours at 60 fps)")


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a landmarks file, each read only once its header fits the format.

    ``format`` and ``version`` come first, so that another version's file says so even
    if its arrays changed shape.

    Raises:
        LandmarksFileError: Not a readable ``.npz``, not a landmarks file, another version,
            or arrays of other shapes or types, or too many frames.
    """
    def read(zf: zipfile.ZipFile, key: str) -> np.ndarray:
        with zf.open(f"{key}.npy") as fh:
            return np.lib.format.read_array(fh, allow_pickle=False)

    try:
        with zipfile.ZipFile(path) as zf:
            headers = _headers(zf)
            _check_layout(path, headers, _IDENTITY)
            _check_identity(path, {key: read(zf, key) for key in _IDENTITY if key in headers})
            _check_layout(path, headers, tuple(headers))
            return {key: read(zf, key) for key in headers}
    except _UNREADABLE as exc:
        raise LandmarksFileError(f"{path} is not a readable landmarks file: {exc}") from exc


def _check_identity(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """A formcheck landmarks file of the version this formcheck reads."""
    if str(arrays.get("format", "")) != FORMAT_NAME:
        raise LandmarksFileError(f"{path} is not a formcheck landmarks file")
    version = _version(arrays.get("version"))
    if version != FORMAT_VERSION:
        raise LandmarksFileError(
            f"{path} is landmarks format version {version}; this formcheck reads version "
            f"{FORMAT_VERSION}. Re-create it with `formcheck pose VIDEO -o FILE.npz`."
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_whole(value: Any, low: int, high: int) -> bool:
    """A whole number from ``low`` to ``high`` (``2.0`` is one; the range is checked first, so NaN,
    infinities and huge numbers are refused without converting them)."""
    return _is_number(value) and low <= value <= high and int(value) == value


def _frame_size(what: str, size: Any) -> tuple[int, int]:
    """``(width, height)`` when ``size`` is two whole numbers of pixels from 1 to :data:`MAX_IMAGE_SIDE`.

    Example:
        >>> _frame_size("size", [640, 360])
        (640, 360)
    """
    if not (isinstance(size, (list, tuple)) and len(size) == 2
            and all(_is_whole(v, 1, MAX_IMAGE_SIDE) for v in size)):
        raise ValueError(f"{what} {reprlib.repr(size)} is not a frame size (width and height, 1 to "
                         f"{MAX_IMAGE_SIDE} pixels)")
    return int(size[0]), int(size[1])


def _check_meta(meta: dict[str, Any]) -> None:
    """The numbers of ``meta`` formcheck uses, each within what it can be (``ValueError`` naming it).

    Example:
        >>> _check_meta({"fps": 30.0, "size": [640, 360], "frame_step": 2, "source": "a.mp4"})
        >>> _check_meta({"fps": -1})
        Traceback (most recent call last):
        ...
        ValueError: meta fps -1 is not a frame rate (a number above 0 and below 1000)
    """
    fps = meta.get("fps")
    if fps is not None and not (_is_number(fps) and 0 < fps < MAX_FPS):
        raise ValueError(f"meta fps {reprlib.repr(fps)} is not a frame rate (a number above 0 and below {MAX_FPS:g})")
    step = meta.get("frame_step")
    if step is not None and not _is_whole(step, 1, MAX_FRAME_STEP):
        raise ValueError(f"meta frame_step {reprlib.repr(step)} is not a whole number from 1 to {MAX_FRAME_STEP}")
    if meta.get("size") is not None:
        _frame_size("meta size", meta["size"])


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
            damaged (missing arrays, arrays of other shapes or types, more than
            :data:`MAX_FRAMES` frames, times that go backwards, a frame rate,
            size or frame step in ``meta`` that cannot be one).
    """
    path = check_readable_file(path, "landmarks file", LandmarksFileError)
    arrays = _read_arrays(path)
    try:
        meta = json.loads(str(arrays["meta"]))
        if not isinstance(meta, dict):
            raise ValueError("its meta is not a JSON object")
        _check_meta(meta)
        image_wh = _frame_size("image_wh", [int(v) for v in arrays["image_wh"]])
        t = np.asarray(arrays["t"], dtype=np.float64)
        _check_times(t)
        frames = [_frame(arrays, i, image_wh) for i in range(len(t))]
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise LandmarksFileError(f"{path} is damaged: {exc}") from exc
    return frames, meta
