"""The command's console: native libraries kept quiet, standard output errors made plain.

MediaPipe, LiteRT, absl and OpenCV's ffmpeg write dozens of lines straight to
file descriptor 2 ("Sparsity tensors may not yet be fully supported", XNNPACK
INFO, "moov atom not found") before formcheck says anything. Environment
variables silence some of them; the C++ loggers ignore those once loaded, so
:func:`native_logs_hidden` points descriptor 2 at ``/dev/null`` and gives
Python's ``sys.stderr`` (formcheck's own messages, tracebacks, progress bars) a
copy of the real one. ``--verbose`` skips all of this.

:class:`StdoutGuard` turns a failed write to standard output (``> /dev/full``)
into one ``OutputError`` line instead of a traceback.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from formcheck.records.atomic import describe_os_error
from formcheck.records.errors import OutputError

#: Set (unless already set) before the native libraries log anything.
QUIET_ENV = {
    "GLOG_minloglevel": "2",        # glog: errors only
    "TF_CPP_MIN_LOG_LEVEL": "3",    # TensorFlow Lite / LiteRT
    "OPENCV_LOG_LEVEL": "ERROR",     # OpenCV's own [ WARN ] lines
    "OPENCV_FFMPEG_LOGLEVEL": "-8",  # ffmpeg inside OpenCV: quiet ("moov atom not found")
}


def _real_fd(stream: Any) -> int | None:
    try:
        return int(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


@contextmanager
def native_logs_hidden(enabled: bool = True) -> Iterator[None]:
    """Inside the block, native libraries' writes to fd 2 go to ``/dev/null``; Python's don't.

    When ``sys.stderr`` writes to fd 2 it is swapped for a stream on a copy of
    the original descriptor, so formcheck's messages still reach the terminal.
    (Under pytest's capture ``sys.stderr`` is not fd 2 and is left alone.)

    Example:
        >>> with native_logs_hidden():
        ...     print("formcheck's own line", file=sys.stderr)  # doctest: +SKIP
    """
    if not enabled:
        yield
        return
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except OSError:  # no fd 2 at all (a daemon): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    old_stderr = sys.stderr
    if _real_fd(old_stderr) == 2:
        sys.stderr = open(saved, "w", buffering=1, encoding=getattr(old_stderr, "encoding", None) or "utf-8",
                          errors="backslashreplace", closefd=False)
    try:
        yield
    finally:
        if sys.stderr is not old_stderr:
            try:
                sys.stderr.flush()
            except OSError:
                pass
            sys.stderr = old_stderr
        os.dup2(saved, 2)
        os.close(saved)


class StdoutGuard(io.TextIOBase):
    """Standard output whose write errors (disk full, I/O error) raise ``OutputError``.

    A closed pipe (``| head``) still raises ``BrokenPipeError``: the CLI treats
    that as the reader having had enough, not as an error.

    Example:
        >>> StdoutGuard(open("/dev/full", "w")).write("x" * 100_000)  # doctest: +SKIP
        Traceback (most recent call last):
        formcheck.records.errors.OutputError: cannot write to standard output: No space left on device ...
    """

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner

    def _guarded(self, exc: OSError) -> Exception:
        if isinstance(exc, BrokenPipeError):
            return exc
        return OutputError(f"cannot write to standard output: {describe_os_error(exc)}")

    def write(self, text: str) -> int:
        try:
            return self.inner.write(text)
        except OSError as exc:
            raise self._guarded(exc) from exc

    def flush(self) -> None:
        try:
            self.inner.flush()
        except OSError as exc:
            raise self._guarded(exc) from exc

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.inner.fileno()

    def isatty(self) -> bool:
        return self.inner.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # typeshed: an attribute; io: a read-only property
        return str(getattr(self.inner, "encoding", "utf-8"))


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """Route ``sys.stdout`` through :class:`StdoutGuard` inside the block.

    Output still buffered when the block ends is flushed inside it (so its
    errors are reported as well). When flushing fails, fd 1 is pointed at
    ``/dev/null`` so the interpreter's own flush at exit cannot print a
    traceback of its own.

    Example:
        >>> with guarded_stdout():
        ...     print("report")  # doctest: +SKIP
    """
    inner = sys.stdout
    sys.stdout = StdoutGuard(inner)
    try:
        yield
        sys.stdout.flush()
    except (OSError, OutputError):
        discard_stdout(inner)
        raise
    finally:
        sys.stdout = inner


def discard_stdout(stream: TextIO) -> None:
    """Send whatever ``stream`` still buffers, and will write, to ``/dev/null``.

    Example:
        >>> discard_stdout(sys.stdout)  # doctest: +SKIP
    """
    fd = _real_fd(stream)
    if fd is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
