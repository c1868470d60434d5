"""The one object shared between the webrtc frame callback and the Streamlit script.

The callback thread calls :meth:`LiveState.process` for each frame (the
newest one only: streamlit-webrtc's async mode drops older frames while we
are busy); the script polls :meth:`LiveState.snapshot` to redraw the numbers
and calls :meth:`LiveState.end_set` when the stream stops or the exercise
changes. Every method takes the same lock, so the tracker never sees two
frames at once and a set is summarised exactly once.

Each browser tab has its own ``LiveState`` (kept in its Streamlit session),
hence its own :class:`formcheck.pipeline.live.LiveSession` and pose landmarker. The
landmarker is created at the first frame and closed when the stream ends,
so an idle tab holds no model.

Example:
    >>> state = LiveState("glute_bridge", on_set_end=save)  # doctest: +SKIP
    >>> annotated = state.process(image_bgr, frame_time)     # callback thread
    >>> state.snapshot().reps                                # script thread
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from formcheck.records.errors import FormcheckError
from formcheck.records.feedback import Feedback, SetSummary

log = logging.getLogger(__name__)

#: Frame timestamps further apart than this (or going back) are not trusted:
#: Chromium's timestamps can jump when it renegotiates under load.
MAX_FRAME_GAP_S = 2.0
#: A set this short with no rep and no hold is a stray frame or two around START/STOP: dropped.
MIN_EMPTY_SET_S = 2.0


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    """What the page shows, copied under the lock.

    Attributes:
        exercise: Spec id of the current set.
        feedback: Feedback of the newest processed frame (None before the first).
        frames: Frames processed in the current set.
        fps: Frames processed per second over the last few seconds.
        ms_per_frame: Mean processing time per frame (pose + tracker + overlay).
        idle_s: Seconds since the last processed frame (None before the first).
        error: Message of the last processing error, if any.
    """

    exercise: str
    feedback: Feedback | None
    frames: int
    fps: float
    ms_per_frame: float
    idle_s: float | None
    error: str | None


@dataclass(frozen=True, slots=True)
class FinishedSet:
    """A set that ended: its summary, why it ended, and the history id (None if not saved)."""

    summary: SetSummary
    reason: str
    session_id: int | None
    save_error: str | None = None


def _default_factory(exercise: str, model_path: Any) -> Any:
    from formcheck.pipeline.live import LiveSession

    return LiveSession(exercise, model_path=model_path)


class LiveState:
    """Lock-guarded live set: session, newest feedback, fps meter, finished sets.

    Args:
        exercise: Spec id to start with.
        model_path: Pose model file for the session (None: resolved offline).
        on_set_end: Called (under the lock) with each finished set's summary;
            returns the history id. Raising ``FormcheckError`` marks it unsaved.
        session_factory: Builds the session (``(exercise, model_path) -> LiveSession``).
        clock: Monotonic seconds, for the fps meter and frame-time fallback.
    """

    def __init__(self, exercise: str, *, model_path: Any = None,
                 on_set_end: Callable[[SetSummary], int] | None = None,
                 session_factory: Callable[[str, Any], Any] = _default_factory,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._exercise = exercise
        self._model_path = model_path
        self._on_set_end = on_set_end
        self._factory = session_factory
        self._clock = clock
        self._session: Any = None
        self._feedback: Feedback | None = None
        self._frames = 0
        self._done: deque[float] = deque(maxlen=64)  # wall time each frame finished
        self._cost: deque[float] = deque(maxlen=64)  # seconds each frame took
        self._error: str | None = None
        self._t0_frame: float | None = None  # set-relative frame time bookkeeping
        self._last_t: float | None = None
        self._last_wall: float | None = None
        self._finished: list[FinishedSet] = []

    # -- callback thread ------------------------------------------------------------------
    def process(self, image_bgr: np.ndarray, frame_time: float | None) -> np.ndarray:
        """Run the live session on one frame; return the annotated image.

        Never raises: an error is recorded for the page and the frame passes
        through unannotated, so one bad frame does not kill the stream.
        """
        with self._lock:
            start = self._clock()
            try:
                if self._session is None:
                    self._session = self._factory(self._exercise, self._model_path)
                t = self._set_time(frame_time, start)
                annotated, feedback = self._session.process(image_bgr, t)
            except FormcheckError as exc:
                self._error = str(exc)
                return image_bgr
            except Exception as exc:  # a bug: keep the stream alive, show it, log the traceback
                log.exception("live frame processing failed")
                self._error = f"internal error: {type(exc).__name__}: {exc}"
                return image_bgr
            end = self._clock()
            self._feedback = feedback
            self._frames += 1
            self._done.append(end)
            self._cost.append(end - start)
            self._error = None
            return np.asarray(annotated)

    def _set_time(self, frame_time: float | None, wall: float) -> float:
        """Seconds since the set's first frame: frame timestamps when sane, else wall clock."""
        if self._last_t is None or self._last_wall is None:
            self._t0_frame = frame_time
            t = 0.0
        else:
            dt_frame = (frame_time - (self._t0_frame or 0.0) - self._last_t) if frame_time is not None \
                and self._t0_frame is not None else None
            if dt_frame is not None and 0.0 < dt_frame < MAX_FRAME_GAP_S:
                t = self._last_t + dt_frame
            else:  # missing or jumping timestamps: advance by the wall clock, re-anchor
                t = self._last_t + max(wall - self._last_wall, 1e-3)
                self._t0_frame = frame_time - t if frame_time is not None else None
        self._last_t, self._last_wall = t, wall
        return t

    def stream_ended(self) -> FinishedSet | None:
        """The camera track ended (Stop, tab closed, camera lost): end the set, free the model."""
        finished = self.end_set("stream stopped")
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None
        return finished

    # -- script thread ----------------------------------------------------------------------
    def snapshot(self) -> LiveSnapshot:
        """The numbers to show now."""
        with self._lock:
            now = self._clock()
            recent = [t for t in self._done if now - t <= 5.0]
            fps = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) >= 2 and \
                recent[-1] > recent[0] else 0.0
            cost = 1000.0 * sum(self._cost) / len(self._cost) if self._cost else 0.0
            idle = now - self._done[-1] if self._done else None
            return LiveSnapshot(self._exercise, self._feedback, self._frames, fps, cost, idle, self._error)

    @property
    def exercise(self) -> str:
        with self._lock:
            return self._exercise

    def end_set(self, reason: str) -> FinishedSet | None:
        """Summarise and store the current set, then start a fresh one (same exercise).

        Returns:
            The finished set, or None when no frame was processed since the last one
            (or only a stray moment with no rep or hold, which is dropped).
        """
        with self._lock:
            if self._session is None or self._frames == 0:
                return None
            summary: SetSummary = self._session.summary()
            if summary.reps == 0 and summary.partial_reps == 0 and not summary.holds \
                    and summary.duration_s < MIN_EMPTY_SET_S:
                self._session.reset(self._exercise)
                self._reset_counters()
                return None
            session_id, save_error = None, None
            if self._on_set_end is not None and (summary.frames_with_person > 0 or summary.reps > 0):
                try:
                    session_id = self._on_set_end(summary)
                except FormcheckError as exc:
                    save_error = str(exc)
            elif self._on_set_end is not None:
                save_error = "not saved: nobody was seen in this set"
            finished = FinishedSet(summary, reason, session_id, save_error)
            self._finished.append(finished)
            self._session.reset(self._exercise)
            self._reset_counters()
            return finished

    def set_exercise(self, exercise: str) -> FinishedSet | None:
        """Switch exercise: the running set is ended and saved, counts restart."""
        if exercise == self.exercise:
            return None
        finished = self.end_set(f"switched to {exercise}")
        with self._lock:
            self._exercise = exercise
            if self._session is not None:
                self._session.reset(exercise)
            self._reset_counters()
        return finished

    def pop_finished(self) -> list[FinishedSet]:
        """Sets finished since the last call (for the page to show once)."""
        with self._lock:
            out, self._finished = self._finished, []
            return out

    def close(self) -> None:
        """End the set and release the landmarker."""
        self.stream_ended()

    def _reset_counters(self) -> None:
        self._feedback = None
        self._frames = 0
        self._done.clear()
        self._cost.clear()
        self._error = None
        self._t0_frame = self._last_t = self._last_wall = None
