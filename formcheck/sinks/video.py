"""Write frames to an ``.mp4`` file atomically: H.264 (libx264 through PyAV), web-ready.

Frames go to a hidden temp file beside the target; only a clean exit from the
``with`` block, with every frame readable back, renames it into place.
An exception inside the block (or a crash) leaves the previous file, if any, untouched and no half-written video.

Why H.264 and not OpenCV's ``mp4v``: OpenCV's wheels carry no H.264 encoder, and
its MPEG-4 part 2 writer takes no bitrate or quality setting (the sample clip's
annotated video came out at 4.9x its input's size), and Chromium does not play
``mp4v`` in a page. libx264 at :data:`CRF` writes about the input's size, in the
codec every browser plays, with the index first (``faststart``) so a player
starts before the whole file is there.

Example:
    >>> with VideoSink("out.mp4", fps=30.0, size=(640, 360)) as sink:  # doctest: +SKIP
    ...     for image in images:
    ...         sink.write(image)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from formcheck.records.atomic import atomic_path, check_output_path, describe_os_error
from formcheck.records.errors import OutputError

#: libx264's constant-quality setting (lower: better and larger). 23 is x264's own default:
#: the overlay's small text stays sharp. `formcheck analyze sample_videos/glute_bridge_side.mp4`
#: (320 kB in) writes a 380 kB annotated.mp4, where OpenCV's mp4v wrote 1.56 MB.
CRF = 23
#: The encoder's speed/size trade-off: "veryfast" keeps encoding a small share of an analysis.
PRESET = "veryfast"


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


@contextmanager
def _write_errors(path: Path) -> Iterator[None]:
    """Inside the block, PyAV's and the OS's errors become ``OutputError("cannot write PATH: ...")``."""
    import av

    try:
        yield
    except (av.FFmpegError, OSError) as exc:
        reason = describe_os_error(exc) if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(f"cannot write {path}: {reason}") from exc


class VideoSink:
    """A context manager that writes BGR frames of one size to an H.264 mp4 file.

    The finished temp file is checked to list every frame written before it is
    renamed into place (an encoder or disk error must never pass as a video).

    Args:
        path: Target ``.mp4`` file; its folder must exist.
        fps: Frames per second recorded in the file (clamped to 1..120).
        size: ``(width, height)`` of every frame; frames of another size are resized. H.264
            (4:2:0) needs even sides: an odd last row or column is left out of the file.
        pad_bottom: A black strip added under every picture, as a share of its height (0: none):
            the app's player draws its controls there instead of over the cue banner. Drawn in
            the same pass, so the video is encoded once.
        crf: libx264's constant-quality setting (default :data:`CRF`; the app's player takes 26).

    Raises:
        OutputError: The folder is missing, the size is under 2x2, the encoder cannot be
            opened, a write fails (disk full), or the finished file does not hold the frames.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], *, pad_bottom: float = 0.0,
                 crf: int = CRF) -> None:
        self.path = check_output_path(path)
        self.fps = float(min(max(fps, 1.0), 120.0))
        self.size = (int(size[0]), int(size[1]))
        if self.size[0] < 2 or self.size[1] < 2:
            raise OutputError(f"video size must be at least 2x2 pixels, got {size}")
        #: Rows of the black strip (even: 4:2:0 chroma rows come in pairs).
        self.pad_rows = int(round(self.size[1] // 2 * 2 * max(pad_bottom, 0.0) / 2.0)) * 2
        self._canvas: np.ndarray | None = None  # picture + strip, reused frame after frame
        self.crf = int(crf)
        self.frames_written = 0
        self._container: Any = None  # av.container.OutputContainer while open
        self._stream: Any = None  # its video stream
        self._stack = ExitStack()

    def __enter__(self) -> VideoSink:
        try:
            tmp = self._stack.enter_context(atomic_path(self.path, suffix=".mp4", check=self._check))
            with _write_errors(self.path):
                self._open(tmp)
        except BaseException as error:
            # Also on SIGTERM mid-way: the temp file goes now, not when the garbage collector runs.
            self._fail(error)
            raise
        return self

    def _open(self, tmp: Path) -> None:
        import av

        self._container = av.open(str(tmp), mode="w", format="mp4", container_options={"movflags": "+faststart"})
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = self.size[0] // 2 * 2, self.size[1] // 2 * 2 + self.pad_rows
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(self.crf), "preset": PRESET}
        stream.codec_context.time_base = 1 / rate
        self._stream = stream

    def write(self, image_bgr: np.ndarray) -> None:
        """Append one ``uint8`` BGR frame (resized to the sink's size if needed)."""
        import av

        if self._stream is None:
            raise RuntimeError("VideoSink.write called outside its `with` block")
        if (image_bgr.shape[1], image_bgr.shape[0]) != self.size:
            image_bgr = cv2.resize(image_bgr, self.size, interpolation=cv2.INTER_AREA)
        height, width = self._stream.height - self.pad_rows, self._stream.width
        if self.pad_rows:
            if self._canvas is None:
                self._canvas = np.zeros((self._stream.height, width, 3), np.uint8)
            self._canvas[:height] = image_bgr[:height, :width]  # the strip below stays black
            even = self._canvas
        else:
            even = np.ascontiguousarray(image_bgr[:height, :width], dtype=np.uint8)
        # OpenCV's BGR -> I420 (BT.601, limited range, as swscale's within one level) takes a
        # twentieth of PyAV's reformat: on a 1080x1920 clip that was 14 ms a frame, a third of the pass.
        i420 = np.asarray(cv2.cvtColor(even, cv2.COLOR_BGR2YUV_I420), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(i420, format="yuv420p")
        frame.pts = self.frames_written  # constant frame rate: one tick of 1/fps per frame
        with _write_errors(self.path):
            self._container.mux(self._stream.encode(frame))
        self.frames_written += 1

    def _check(self, tmp: Path) -> None:
        check_frame_count(tmp, self.frames_written, self.path)

    def _finish(self) -> None:
        """Flush the frames the encoder still holds and write the index."""
        with _write_errors(self.path):
            self._container.mux(self._stream.encode(None))
            container, self._container, self._stream = self._container, None, None
            container.close()

    def _fail(self, error: BaseException) -> None:
        """Close the encoder and delete the temp file, for ``error`` (not ``close()``: that would
        finish the file, and its check's "no frames" would replace a SIGTERM)."""
        self._abandon()
        self._stack.__exit__(type(error), error, error.__traceback__)

    def _abandon(self) -> None:
        """Close after a failure: the temp file is deleted anyway, so a close error adds nothing."""
        import av

        container, self._container, self._stream = self._container, None, None
        if container is not None:
            try:
                container.close()
            except (av.FFmpegError, OSError):
                pass

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            try:
                self._finish()
            except BaseException as error:  # a full disk at the index: the temp file goes, the error stays
                self._fail(error)
                raise
        self._abandon()
        self._stack.__exit__(exc_type, exc, tb)  # checks and renames the file, or deletes it
