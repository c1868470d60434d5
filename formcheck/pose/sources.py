"""Frame sources: video files, webcams and in-memory iterators.

Every source yields ``(image_bgr, t)`` pairs: an upright ``uint8`` BGR image
and its time in seconds from the start of the stream. Timestamps come from
the source itself (container timestamps, the camera clock, or the caller),
never from counting frames, and are strictly increasing.

Example:
    >>> with open_source("clip.mp4") as src:  # doctest: +SKIP
    ...     for image, t in src:
    ...         ...
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from formcheck.records.errors import VideoSourceError
from formcheck.records.input_files import check_readable_file

# OpenCV's own warnings ("can't be used to capture by name") only repeat what
# our error messages say more clearly.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)

#: Smallest step used to nudge a repeated/backwards timestamp forward.
_MIN_STEP_S = 0.001
#: A file whose frames run out before this share of its container's frame count is reported as
#: ending early. Containers without an index (WebM, some AVI) only estimate the count: a few
#: frames either way are normal, a tenth missing is not.
ENDED_EARLY_SHARE = 0.9


class FrameSource(Protocol):
    """What the pipeline needs from a source of frames."""

    name: str
    fps: float
    frame_count: int | None
    size: tuple[int, int]

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]: ...
    def close(self) -> None: ...


class _Monotonic:
    """Makes a timestamp sequence strictly increasing (VIDEO mode needs it)."""

    def __init__(self) -> None:
        self.last: float | None = None

    def __call__(self, t: float) -> float:
        if self.last is not None and t <= self.last:
            t = self.last + _MIN_STEP_S
        self.last = t
        return t


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


def _is_still_image(path: Path) -> bool:
    """True for PNG/JPEG/GIF/BMP/TIFF/WebP content, whatever the file is named.

    OpenCV opens images as one-frame "videos"; users who pick a photo by
    mistake deserve a plain answer instead.
    """
    with open(path, "rb") as fh:
        head = fh.read(16)
    return head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


class VideoFileSource:
    """Decode a video file with OpenCV, honouring a phone clip's rotation flag.

    Raises:
        VideoSourceError: The file is missing, a folder, unreadable (permissions),
            not a video, corrupt, or holds no decodable frame.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        check_readable_file(self.path, "video", VideoSourceError)  # missing, a folder, no permission
        if self.path.stat().st_size == 0:
            raise VideoSourceError(f"{self.path} is empty (0 bytes)")
        if _is_still_image(self.path):
            raise VideoSourceError(f"{self.path} is a still image, not a video")
        # We rotate ourselves from the metadata so the result does not depend
        # on the OpenCV build's default for automatic orientation.
        self._cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not self._cap.isOpened():
            self._cap.release()
            raise VideoSourceError(
                f"cannot open {self.path} as a video (not a video file, corrupt, or holds no frames)")
        self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
        self.rotation = int(self._cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0.0 < fps < 1000.0 else 30.0
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.frame_count: int | None = count if count > 0 else None
        # Decode the first frame now: an image or a truncated file fails here,
        # with a clear message, instead of yielding nothing later.
        ok, first = self._cap.read()
        if not ok or first is None or first.ndim != 3 or first.shape[0] < 2:
            self._cap.release()
            raise VideoSourceError(f"{self.path} holds no decodable video frame (empty, truncated or not a video)")
        self._first: np.ndarray | None = self._upright(first)
        self._first_t = max(0.0, float(self._cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0)
        h, w = self._first.shape[:2]
        self.size = (w, h)
        #: Frames decoded or skipped once the file ran out (None until then, e.g. a caller stopped early).
        self.frames_at_end: int | None = None

    def _upright(self, image: np.ndarray) -> np.ndarray:
        code = _ROTATIONS.get(self.rotation)
        return cv2.rotate(image, code) if code is not None else image

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]:
        return self.every(1)

    def every(self, step: int) -> Iterator[tuple[np.ndarray, float]]:
        """Frames 0, ``step``, 2·``step``, … with their own timestamps.

        Skipped frames are only demuxed (``grab``), not converted to images, so
        analysing at a reduced frame rate also saves most of the decoding work.

        Example:
            >>> with VideoFileSource("clip.mp4") as src:  # doctest: +SKIP
            ...     times = [t for _, t in src.every(2)]
        """
        if step < 1:
            raise ValueError(f"step must be >= 1, got {step}")
        mono = _Monotonic()
        if self._first is None:
            raise VideoSourceError(f"{self.path}: a video file source can be iterated once")
        image, self._first = self._first, None
        index = 0
        yield image, mono(self._first_t)
        while True:
            index += 1
            if index % step:
                if not self._cap.grab():
                    break
                continue
            ok, frame = self._cap.read()
            if not ok or frame is None:
                break
            pos = float(self._cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
            t = pos if pos > 0.0 else index / self.fps
            yield self._upright(frame), mono(t)
        self.frames_at_end = index  # frames 0 .. index-1 were there; frame `index` was not

    def ended_early_note(self) -> str | None:
        """A note for the report when the file ran out clearly before its container's frame count.

        A cut-off download or a damaged file often still opens: its index lists every
        frame, but the data stops part way, and decoding just ends. None while frames
        remain unread, when the count is unknown, or when it was about right
        (see :data:`ENDED_EARLY_SHARE`).

        Example:
            >>> with VideoFileSource("cut_off.mp4") as src:  # doctest: +SKIP
            ...     frames = list(src)
            ...     src.ended_early_note()
            'the video ended early: 90 of 198 frames decoded (is the file cut off or damaged?)'
        """
        read, listed = self.frames_at_end, self.frame_count
        if read is None or not listed or read >= ENDED_EARLY_SHARE * listed:
            return None
        return f"the video ended early: {read} of {listed} frames decoded (is the file cut off or damaged?)"

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: Largest webcam index tried (OpenCV's indices from 200 on pick a capture backend, not a camera).
MAX_CAMERA_INDEX = 99


def _index_shown(index: int) -> str:
    text = str(index)
    return text if len(text) <= 12 else text[:12] + "..."


class WebcamSource:
    """Frames from a local camera by index; time from the monotonic clock.

    Raises:
        VideoSourceError: The camera does not exist or delivers no frame.
    """

    def __init__(self, index: int = 0, fps: float | None = None) -> None:
        self.name = f"camera {index}"
        if not 0 <= index <= MAX_CAMERA_INDEX:
            # OpenCV crashes on -1 (a segmentation fault) and overflows on indices past a C int.
            raise VideoSourceError(f"no webcam at index {_index_shown(index)}: camera indices are 0 to "
                                   f"{MAX_CAMERA_INDEX} (try --camera 0, 1, ...)")
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            raise VideoSourceError(f"no webcam at index {index} (try --camera 0, 1, ...)")
        if fps:
            self._cap.set(cv2.CAP_PROP_FPS, fps)
        ok, first = self._cap.read()
        if not ok or first is None:
            self._cap.release()
            raise VideoSourceError(f"webcam {index} opened but delivered no frame (in use or denied?)")
        self._first: np.ndarray | None = first
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self.frame_count = None
        self.size = (first.shape[1], first.shape[0])
        self.lost = False

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]:
        mono = _Monotonic()
        start = time.monotonic()
        if self._first is not None:
            first, self._first = self._first, None
            yield first, mono(0.0)
        while True:
            ok, frame = self._cap.read()
            if not ok or frame is None:
                # A camera that disappears ends the stream; callers keep what they have.
                self.lost = True
                break
            yield frame, mono(time.monotonic() - start)

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> WebcamSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FrameIteratorSource:
    """Wrap an iterable of ``(image_bgr, t)`` pairs (e.g. frames from a browser)."""

    def __init__(self, frames: Iterable[tuple[np.ndarray, float]], fps: float = 30.0,
                 size: tuple[int, int] = (0, 0), name: str = "frames") -> None:
        self._frames = frames
        self.fps = fps
        self.frame_count = len(frames) if isinstance(frames, (list, tuple)) else None
        self.size = size
        self.name = name

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]:
        mono = _Monotonic()
        for image, t in self._frames:
            if image is None or image.ndim != 3:
                raise VideoSourceError(f"{self.name}: expected an HxWx3 image, got {getattr(image, 'shape', None)}")
            if self.size == (0, 0):
                self.size = (image.shape[1], image.shape[0])
            yield image, mono(float(t))

    def close(self) -> None:
        pass

    def __enter__(self) -> FrameIteratorSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(spec: str | Path | int) -> VideoFileSource | WebcamSource:
    """Open a video file by path, or a webcam by integer index (``"0"`` too)."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return WebcamSource(int(spec))
    return VideoFileSource(spec)
