"""Write frames to an ``.mp4`` file atomically (mp4v codec via ``cv2.VideoWriter``).

Frames go to a hidden temp file beside the target; only a clean exit from the
``with`` block, with every frame readable back, renames it into place.
An exception inside the block (or a crash) leaves the previous file, if any, untouched and no half-written video.

Example:
    >>> with VideoSink("out.mp4", fps=30.0, size=(640, 360)) as sink:  # doctest: +SKIP
    ...     for image in images:
    ...         sink.write(image)
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from formcheck.records.atomic import atomic_path, check_output_path
from formcheck.records.errors import OutputError


def count_frames(path: Path) -> int:
    """Frames an mp4 file's index lists (0 when it cannot be opened, e.g. no moov atom).

    Reads the container's index only, not the frames: fast even for long clips.

    Example:
        >>> count_frames(Path("out/annotated.mp4"))  # doctest: +SKIP
        180
    """
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        return max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0) if cap.isOpened() else 0
    finally:
        cap.release()


def check_frame_count(tmp: Path, expected: int, target: Path) -> None:
    """Refuse a finished video file (``OutputError``) unless it lists ``expected`` frames.

    OpenCV's ``VideoWriter`` reports no write error: on a full disk it leaves a
    file without its index ("moov atom not found"). Used as the ``check`` of
    an atomic write, so such a file never replaces ``target``.

    Example:
        >>> atomic_write(out, render, check=lambda tmp: check_frame_count(tmp, 180, out))  # doctest: +SKIP
    """
    if expected <= 0:
        raise OutputError(f"no frames to write to {target}")
    found = count_frames(tmp)
    if found != expected:
        raise OutputError(f"cannot write {target}: the video holds {found} of {expected} frames "
                          "(disk full or file size limit reached?)")


class VideoSink:
    """A context manager that writes BGR frames of one size to an mp4 file.

    OpenCV's writer reports no write error (a full disk gives a file without
    its index), so the finished temp file is decoded and must hold every
    frame written before it is renamed into place.

    Args:
        path: Target ``.mp4`` file; its folder must exist.
        fps: Frames per second recorded in the file (clamped to 1..120).
        size: ``(width, height)`` of every frame; frames of another size are resized.
        codec: FourCC; ``mp4v`` ships with every OpenCV build (no H.264 licence needed).

    Raises:
        OutputError: The folder is missing, OpenCV cannot open a writer, or the
            finished file does not hold the frames written (disk full).
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], codec: str = "mp4v") -> None:
        self.path = check_output_path(path)
        self.fps = float(min(max(fps, 1.0), 120.0))
        self.size = (int(size[0]), int(size[1]))
        if self.size[0] <= 0 or self.size[1] <= 0:
            raise OutputError(f"video size must be positive, got {size}")
        self.codec = codec
        self.frames_written = 0
        self._writer: cv2.VideoWriter | None = None
        self._stack = ExitStack()

    def __enter__(self) -> VideoSink:
        try:
            # The temp name keeps the .mp4 suffix: OpenCV picks the container from it.
            tmp = self._stack.enter_context(atomic_path(self.path, suffix=".mp4", check=self._check))
            writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*self.codec), self.fps, self.size)
            if not writer.isOpened():
                raise OutputError(f"cannot open a {self.codec} video writer for {self.path}")
        except BaseException:
            # Also on SIGTERM mid-way: the temp file goes now, not when the garbage collector runs.
            self._stack.close()
            raise
        self._writer = writer
        return self

    def write(self, image_bgr: np.ndarray) -> None:
        """Append one ``uint8`` BGR frame (resized to the sink's size if needed)."""
        if self._writer is None:
            raise RuntimeError("VideoSink.write called outside its `with` block")
        if (image_bgr.shape[1], image_bgr.shape[0]) != self.size:
            image_bgr = cv2.resize(image_bgr, self.size, interpolation=cv2.INTER_AREA)
        self._writer.write(np.ascontiguousarray(image_bgr, dtype=np.uint8))
        self.frames_written += 1

    def _check(self, tmp: Path) -> None:
        check_frame_count(tmp, self.frames_written, self.path)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.release()
        self._stack.__exit__(exc_type, exc, tb)
