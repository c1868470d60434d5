"""Live coaching: camera frames in, annotated frames and feedback out.

:class:`LiveSession` owns one pose estimator and one tracker; the desktop
window (``formcheck live``) and the Streamlit live page both drive it with
``process(image, t)``. Only the newest camera frame is processed: when the
model is slower than the camera, older frames are dropped instead of queued,
so the overlay never lags behind the user (:class:`LatestFrame`).

Example:
    >>> with LiveSession("glute_bridge") as live:  # doctest: +SKIP
    ...     annotated, feedback = live.process(image, t)
    ...     previous_set = live.reset()
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

import cv2
import numpy as np

from formcheck.pipeline.live_tracker import LiveTracker
from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.sinks.presenter import Presenter
from formcheck.tracker.any_tracker import ANY, AnyTracker


def _live_tracker(spec: Any) -> LiveTracker | AnyTracker:
    """The live tracker of an exercise: the spec-free one for "Any exercise"."""
    return AnyTracker(spec) if spec.name == ANY else LiveTracker(spec)


class LiveSession:
    """Pose → tracker → overlay for one stream of live frames (thread-safe).

    Args:
        exercise: Spec id, spec file, or loaded spec.
        model_path: Pose model ``.task``; resolved offline when None.
        show_fps: Print the achieved processing rate in a corner of the picture.

    Raises:
        SpecError: Unknown exercise (lists the known ones).
        ModelError: No pose model.
    """

    def __init__(self, exercise: Any, model_path: str | Path | None = None, *, show_fps: bool = True) -> None:
        from formcheck.pipeline.analysis import resolve_spec
        from formcheck.pose.estimator import PoseEstimator

        self.spec = resolve_spec(exercise)
        # Live, a movement under way at START is not part of the set (a clip's first rep would be),
        # nor is one that looks like another exercise ("Any exercise": whatever is repeated).
        self._tracker = _live_tracker(self.spec)
        self._pose = PoseEstimator(model_path)
        self._lock = threading.Lock()  # the app calls process() from a worker thread
        self._done: deque[float] = deque(maxlen=30)  # wall-clock end time of recent frames
        self.show_fps = show_fps
        self._presenter = Presenter()
        self.last_feedback: Feedback | None = None
        self.frames = 0

    @property
    def fps(self) -> float:
        """Frames processed per second over the last ~30 frames (0 until there are two)."""
        with self._lock:
            if len(self._done) < 2 or self._done[-1] <= self._done[0]:
                return 0.0
            return (len(self._done) - 1) / (self._done[-1] - self._done[0])

    def track(self, image_bgr: np.ndarray, t: float) -> tuple[PoseFrame, Feedback]:
        """Pose and tracker on one frame taken at ``t`` seconds, without drawing (the app draws)."""
        with self._lock:
            frame = self._pose.process(image_bgr, t)
            feedback = self._tracker.update(frame)
            self._done.append(time.monotonic())
            self.last_feedback = feedback
            self.frames += 1
            return frame, feedback

    def process(self, image_bgr: np.ndarray, t: float) -> tuple[np.ndarray, Feedback]:
        """Run one frame taken at ``t`` seconds; returns the annotated frame and the feedback."""
        from formcheck.sinks.overlay import draw_fps, draw_overlay

        frame, feedback = self.track(image_bgr, t)
        annotated = draw_overlay(image_bgr, frame, feedback, self.spec, self._presenter.update(feedback, self.spec))
        fps = self.fps
        if self.show_fps and fps > 0:
            draw_fps(annotated, fps)
        return annotated, feedback

    def summary(self, unfinished: Literal["partial", "ignore"] = "partial") -> SetSummary:
        """Summary of the set so far; ``unfinished="ignore"`` leaves out a movement under way
        (the user stopped or moved on mid-movement: no partial, no penalty)."""
        with self._lock:
            return self._tracker.summary(unfinished)

    def reset(self, exercise: Any = None) -> SetSummary:
        """Start a new set (of ``exercise`` if given); returns the previous set's summary
        (a movement under way is left out: the user moved on, no partial, no penalty).

        Counts never carry over an exercise switch (a common bug in open-source counters).
        """
        from formcheck.pipeline.analysis import resolve_spec

        spec = resolve_spec(exercise) if exercise is not None else self.spec
        with self._lock:
            previous = self._tracker.summary("ignore")
            self.spec = spec
            self._tracker = _live_tracker(spec)
            self._presenter.reset()
            self.last_feedback = None
            self.frames = 0
        return previous

    def close(self) -> None:
        """Release the pose model (idempotent)."""
        self._pose.close()

    def __enter__(self) -> LiveSession:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class LatestFrame:
    """Read a source on a background thread and keep only its newest frame.

    Iterating yields each newest frame once; frames that arrived while the
    consumer was busy are skipped. Iteration ends when the source ends (a
    camera unplugged); ``ended_early`` then tells the caller.
    """

    def __init__(self, source: Iterable[tuple[np.ndarray, float]]) -> None:
        self._source = source
        self._cond = threading.Condition()
        self._latest: tuple[np.ndarray, float] | None = None
        self._finished = False
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self.dropped = 0
        self._thread = threading.Thread(target=self._read, name="formcheck-camera", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for item in self._source:
                if self._stop.is_set():
                    break
                with self._cond:
                    if self._latest is not None:
                        self.dropped += 1
                    self._latest = item
                    self._cond.notify()
        except Exception as exc:  # handed to the consumer thread, which re-raises it
            self.error = exc
        finally:
            with self._cond:
                self._finished = True
                self._cond.notify()

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the reader thread to stop and wait for it (before the source is closed)."""
        self._stop.set()
        self._thread.join(timeout)

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]:
        while True:
            with self._cond:
                while self._latest is None and not self._finished:
                    self._cond.wait(timeout=0.5)
                item, self._latest = self._latest, None
                finished = self._finished
            if item is not None:
                yield item
            elif finished:
                if self.error is not None:
                    raise self.error
                return


def has_display() -> bool:
    """True when an OpenCV window can open here.

    On Linux/BSD, OpenCV's Qt backend *aborts the process* (no exception) when
    there is no usable display, so the check runs a tiny window in a child
    process first. Other platforms always have a desktop.
    """
    import os
    import subprocess
    import sys

    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return True
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    probe = "import cv2; cv2.namedWindow('formcheck-probe'); cv2.destroyAllWindows()"
    try:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


class Window(Protocol):
    """What the live loop needs from a window (an OpenCV one, or a stub in tests)."""

    def show(self, image_bgr: np.ndarray) -> int:
        """Display a frame; return the key pressed (-1 for none)."""
        ...

    def closed(self) -> bool:
        """True once the user closed the window."""
        ...

    def close(self) -> None: ...


class CvWindow:
    """An OpenCV HighGUI window (call :func:`has_display` first: Qt aborts without a display)."""

    def __init__(self, name: str = "formcheck live") -> None:
        from formcheck.records.errors import FormcheckError

        self.name = name
        try:
            cv2.namedWindow(name, cv2.WINDOW_NORMAL)
        except cv2.error as exc:
            raise FormcheckError(f"cannot open a window for the live view ({exc.msg.strip()}); "
                                 "use `formcheck app` in a browser instead") from exc

    def show(self, image_bgr: np.ndarray) -> int:
        cv2.imshow(self.name, image_bgr)
        key = cv2.waitKey(1)
        return -1 if key < 0 else key & 0xFF

    def closed(self) -> bool:
        return cv2.getWindowProperty(self.name, cv2.WND_PROP_VISIBLE) < 1

    def close(self) -> None:
        cv2.destroyAllWindows()


def run_window(session: LiveSession, frames: Iterable[tuple[np.ndarray, float]],
               window: Window | None = None, *, echo: Callable[[str], None] = print) -> tuple[SetSummary, str]:
    """Show annotated frames until q/Esc, the window closes, or the frames end (camera lost).

    ``r`` ends the set and starts a new one (its summary goes to ``echo``).

    Returns:
        The current set's summary and why the loop stopped: ``"quit"``,
        ``"window closed"`` or ``"source ended"``.

    Raises:
        FormcheckError: OpenCV cannot open a window.
    """
    win = window if window is not None else CvWindow()
    reason = "source ended"
    try:
        for image, t in frames:
            annotated, _ = session.process(image, t)
            key = win.show(annotated)
            if key in (ord("q"), 27):
                reason = "quit"
                break
            if key == ord("r"):
                echo(_set_text(session.reset()))
            if win.closed():
                reason = "window closed"
                break
    finally:
        win.close()
    return session.summary("ignore"), reason


def _set_text(summary: SetSummary) -> str:
    from formcheck.sinks.report import format_summary

    return "set finished:\n" + format_summary(summary)
