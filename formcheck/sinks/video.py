"""Write frames to an ``.mp4`` file atomically (mp4v codec via ``cv2.VideoWriter``).

Frames go to a hidden temp file beside the target; only a clean exit from the
``with`` block renames it into place. An exception inside the block (or a
crash) leaves the previous file, if any, untouched and no half-written video.

Example:
    >>> with VideoSink("out.mp4", fps=30.0, size=(640, 360)) as sink:  # doctest: +SKIP
    ...     for image in images:
    ...         sink.write(image)
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from formcheck.records.atomic import check_output_path, new_temp_file
from formcheck.records.errors import OutputError


class VideoSink:
    """A context manager that writes BGR frames of one size to an mp4 file.

    Args:
        path: Target ``.mp4`` file; its folder must exist.
        fps: Frames per second recorded in the file (clamped to 1..120).
        size: ``(width, height)`` of every frame; frames of another size are resized.
        codec: FourCC; ``mp4v`` ships with every OpenCV build (no H.264 licence needed).

    Raises:
        OutputError: The folder is missing, or OpenCV cannot open a writer.
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
        self._tmp: Path | None = None

    def __enter__(self) -> VideoSink:
        # The temp name keeps the .mp4 suffix: OpenCV picks the container from it.
        self._tmp = new_temp_file(self.path, suffix=".mp4")
        writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter.fourcc(*self.codec), self.fps, self.size)
        if not writer.isOpened():
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot open a {self.codec} video writer for {self.path}")
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

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        writer, tmp = self._writer, self._tmp
        self._writer, self._tmp = None, None
        if writer is not None:
            writer.release()
        if tmp is None:
            return
        try:
            if exc_type is None and self.frames_written > 0:
                os.replace(tmp, self.path)
        except OSError as err:
            raise OutputError(f"cannot write {self.path}: {err}") from err
        finally:
            tmp.unlink(missing_ok=True)
