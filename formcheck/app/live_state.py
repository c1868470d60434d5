"""The one object shared between the webrtc frame callback and the Streamlit script.

The callback thread calls :meth:`LiveState.process` for each frame (the
newest one only: streamlit-webrtc's async mode drops older frames while we
are busy); the script polls :meth:`LiveState.snapshot` to redraw the panel,
drains :meth:`LiveState.pop_utterances` into the browser's speech, and calls
:meth:`LiveState.end_set` when the stream stops. Every method takes the same
lock, so the tracker never sees two frames at once and a set is summarised
exactly once.

One exercise, or a routine: with a plan set (:meth:`LiveState.set_routine`),
the next stream walks through it (:class:`~formcheck.pipeline.routine_run.RoutineRun`):
lead-in, sets that end by themselves when their target is met, rests, the end;
each set is saved as it ends and the routine's summary when it ends or is stopped.

Honest sets: a movement under way at STOP or at a switch is left out (no
partial, no penalty), and a set with no rep and no hold is not saved.

A client (a trainer's client exercising at home, ``LiveState.who``): their sets
are saved under their name, and each set runs the spec their ``spec_for`` gives
(their personal targets where the trainer made some).

Each browser tab has its own ``LiveState`` (kept in its Streamlit session),
hence its own :class:`formcheck.pipeline.live.LiveSession` and pose landmarker,
created at the first frame and closed when the stream ends.

Example:
    >>> state = LiveState("glute_bridge", on_set_end=save)  # doctest: +SKIP
    >>> annotated = state.process(image_bgr, frame_time)     # callback thread
    >>> state.snapshot().view.count_text                     # script thread
    '2 reps'
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from formcheck.app.live_controls import RoutineControls
from formcheck.app.live_records import Client, FinishedRoutine, FinishedSet, LiveSnapshot, PendingCheckIn
from formcheck.app.live_timing import FpsMeter, FrameClock, PanelNews
from formcheck.pipeline.routine_run import RoutineRun
from formcheck.records.errors import FormcheckError
from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.routine_summary import RoutineSummary
from formcheck.sinks.overlay import annotate, draw_view
from formcheck.sinks.presentation import Presentation
from formcheck.sinks.presenter import Presenter
from formcheck.sinks.speech import Coach, Utterance
from formcheck.spec.routine import RoutinePlan

log = logging.getLogger(__name__)

#: A met target stays on screen this long (green, "Set done") before the rest's countdown.
LINGER_S = 1.5


def _default_factory(exercise: str, model_path: Any) -> Any:
    from formcheck.pipeline.live import LiveSession

    return LiveSession(exercise, model_path=model_path, show_fps=False)


def _save(callback: Callable[[Any], int] | None, summary: Any) -> tuple[int | None, str | None]:
    """``(history id, None)``, or ``(None, why)`` when saving failed; ``(None, None)`` without a store."""
    if callback is None:
        return None, None
    try:
        return callback(summary), None
    except FormcheckError as exc:
        return None, str(exc)


def _has_work(summary: SetSummary) -> bool:
    return summary.reps > 0 or any(h.good_s > 0 for h in summary.holds)


class LiveState(RoutineControls):
    """Lock-guarded live set (or routine): session, newest view, fps meter, finished sets, speech.

    Args:
        exercise: Spec id to start with.
        model_path: Pose model file for the session (None: resolved offline).
        on_set_end: Called (under the lock) with each finished set's summary; returns the
            history id. Raising ``FormcheckError`` marks it unsaved.
        on_routine_end: The same for a routine's summary.
        on_checkin: Saves a check-in ``(session_id, pain, difficulty)``; raising ``FormcheckError``
            leaves it unsaved (the page says why).
        session_factory: Builds the session (``(exercise, model_path) -> LiveSession``).
        clock: Monotonic seconds, for the fps meter and frame-time fallback.
    """

    def __init__(self, exercise: str, *, model_path: Any = None,
                 on_set_end: Callable[[SetSummary], int] | None = None,
                 on_routine_end: Callable[[RoutineSummary], int] | None = None,
                 on_checkin: Callable[[int, int | None, str | None], None] | None = None,
                 session_factory: Callable[[str, Any], Any] = _default_factory,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._exercise = exercise
        self._model_path = model_path
        self.who = Client()  # whose sets these are; swapped whole by the page, read unlocked
        self._on_set_end, self._on_routine_end, self._on_checkin = on_set_end, on_routine_end, on_checkin
        self._factory, self._clock = session_factory, clock
        self._session: Any = None
        self._time, self._meter = FrameClock(), FpsMeter()
        self._presenter, self._coach = Presenter(), Coach()
        self._plan: RoutinePlan | None = None
        self._run: RoutineRun | None = None
        self._skip_lead_in = False  # Skip pressed before the routine's first frame
        self._feedback: Feedback | None = None
        self._view: Presentation | None = None
        self._texts: tuple[str, ...] = ()
        self._frames = 0  # in the current set
        self._t = self._set_t0 = 0.0
        self._done_view: tuple[Presentation, float] | None = None  # the met target, shown until then
        self._error: str | None = None
        self._finished: list[FinishedSet] = []
        self._routines: list[FinishedRoutine] = []
        self._said: deque[Utterance] = deque(maxlen=64)
        self._checkins: list[PendingCheckIn] = []  # asked after an exercise's last set, oldest first
        self._checkin_no = 0
        self._paused_from: Presentation | None = None  # the set's view when paused
        self.news = PanelNews()  # the page waits on it: a new count, phase or message (issue 22)

    # -- callback thread ------------------------------------------------------------------
    def process(self, image_bgr: np.ndarray, frame_time: float | None) -> np.ndarray:
        """Run the live session (or the routine's rest) on one frame; return the annotated image.

        Never raises: an error is recorded for the page and the frame passes
        through unannotated, so one bad frame does not kill the stream.
        """
        with self._lock:
            start = self._clock()
            try:
                self._t = t = self._time.time(frame_time, start)
                out, view, say = self._step(image_bgr, t)
            except FormcheckError as exc:
                self._error = str(exc)
                return image_bgr
            except Exception as exc:  # a bug: keep the stream alive, show it, log the traceback
                log.exception("live frame processing failed")
                self._error = f"internal error: {type(exc).__name__}: {exc}"
                return image_bgr
            self._meter.add(start, self._clock())
            said = self._coach.update(t, view, say)
            self._said.extend(said)
            self._error = None
            self.news.note((self._view.big, self._view.phase, self._view.message) if self._view is not None
                            else (), bool(said))
            return out

    def _step(self, image: np.ndarray, t: float) -> tuple[np.ndarray, Presentation | None, list[str]]:
        """One frame: a rest's countdown, or pose → tracker → presentation → overlay.

        Returns the annotated image, the view still to be voiced, and what to announce.
        """
        say: list[str] = []
        run = self._run
        if run is None and self._plan is not None:
            run = self._run = RoutineRun(self._plan)
            say += run.start(t)
            if self._skip_lead_in:
                self._skip_lead_in = False
                say += run.skip_pause(t)
        if run is not None and run.paused:
            self._feedback, self._view = None, run.paused_view(self._paused_from)
            out, self._texts = draw_view(image, self._view)
            return out, self._view, say
        if run is not None and run.stage != "work":
            say += run.tick(t)
            if run.working and run.block is not None:
                self._begin_set(run.block.exercise, t)
            else:
                done = self._done_view
                self._feedback, self._view = None, done[0] if done and t < done[1] else run.view(t)
                out, self._texts = draw_view(image, self._view)
                return out, self._view, say
        if self._session is None:
            self._session = self._factory(self.who.spec_for(self._exercise), self._model_path)
        frame, fb = self._session.track(image, t - self._set_t0)
        target = run.block.target() if run is not None and run.block is not None else None
        view = self._presenter.update(fb, self._session.spec, target)
        out, texts = annotate(image, frame, fb, self._session.spec, view)
        self._feedback, self._view, self._texts = fb, view, texts
        self._frames += 1
        if run is None or not run.target_met(view):
            return out, view, say
        self._said.extend(self._coach.update(t, view, say))  # the last count, before "set done"
        say = self._finish_routine_set("target met", met=True)
        self._feedback, self._view, self._texts = fb, view, texts
        self._done_view = (replace(view, message="Set done", tone="next"), t + LINGER_S)
        return out, None, say

    def stream_ended(self) -> FinishedSet | None:
        """The camera track ended (Stop, tab closed, camera lost): end the set, free the model."""
        finished = self.end_set("stream stopped")
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None
            self._time.reset()
        return finished

    # -- script thread ----------------------------------------------------------------------
    def snapshot(self) -> LiveSnapshot:
        """The numbers to show now."""
        with self._lock:
            now, run = self._clock(), self._run
            block = run.block if run is not None and run.stage in ("lead_in", "rest") else None
            return LiveSnapshot(self._exercise, self._feedback, self._frames, self._meter.fps(now),
                                self._meter.ms_per_frame(), self._meter.idle_s(now), self._error, self._view,
                                self._texts, run.stage if run is not None else None,
                                (block.exercise, block.title) if block is not None else None,
                                run is not None and run.paused)

    def pop_utterances(self) -> list[Utterance]:
        """What to say since the last call (the page speaks it, or drops it when muted)."""
        with self._lock:
            out = list(self._said)
            self._said.clear()
            return out

    @property
    def exercise(self) -> str:
        with self._lock:
            return self._exercise

    @property
    def routine_planned(self) -> bool:
        """A routine runs (or will from the next frame): the page offers Skip from the first moment."""
        with self._lock:
            return self._plan is not None

    def end_set(self, reason: str) -> FinishedSet | None:
        """End the set (and a routine under way: it is saved as stopped); save the set if it has work.

        Returns:
            The finished set, or None when it had no rep and no hold (not saved).
        """
        with self._lock:
            run, self._run = self._run, None
            self._skip_lead_in = False
            if run is None:  # one exercise: how was the set, asked once it is saved
                finished = self._end_set_locked(reason)
                if finished is not None and finished.session_id is not None:
                    self._checkin_no += 1
                    self._checkins.append(PendingCheckIn(self._checkin_no, finished.summary.exercise,
                                                         finished.summary.title, finished.session_id))
                return finished
            finished = None
            if run.stage == "work":
                finished = self._end_set_locked(reason)
                run.results += [run.set_result(finished.summary, False, finished.session_id)] if finished else []
            if run.stage != "done":
                self._ask_checkin(run, stopped=True)  # the exercise left at STOP: how was it, too
                self._save_routine(run.summary(self._t, "stopped"))
            return finished

    def set_exercise(self, exercise: str, title: str | None = None) -> FinishedSet | None:
        """Switch exercise: a set under way is ended (saved only if it has work), counts restart."""
        if exercise == self.exercise:
            return None
        finished = self.end_set(f"switched to {title or exercise}")
        with self._lock:
            self._begin_set(exercise, self._t)
        return finished

    def set_routine(self, plan: RoutinePlan | None) -> None:
        """Run ``plan`` from the next frame on (None: one exercise). A routine under way is not touched."""
        with self._lock:
            if self._run is None:
                self._plan = plan

    def pop_finished(self) -> list[FinishedSet]:
        """Sets finished since the last call (for the page to show once)."""
        with self._lock:
            out, self._finished = self._finished, []
            return out

    def pop_finished_routines(self) -> list[FinishedRoutine]:
        """Routines finished since the last call."""
        with self._lock:
            out, self._routines = self._routines, []
            return out

    def close(self) -> None:
        """End the set and release the landmarker."""
        self.stream_ended()

    # -- under the lock ---------------------------------------------------------------------
    def _begin_set(self, exercise: str, t: float) -> None:
        self._exercise = exercise
        if self._session is not None:
            self._session.reset(self.who.spec_for(exercise))
        self._presenter.reset()
        self._coach.reset()
        self._feedback, self._view, self._texts = None, None, ()
        self._frames, self._set_t0 = 0, t
        self._meter.clear()
        self._error = None

    def _end_set_locked(self, reason: str) -> FinishedSet | None:
        if self._session is None or self._frames == 0:
            return None
        summary: SetSummary = self._session.summary(unfinished="ignore")
        self._begin_set(self._exercise, self._t)
        if not _has_work(summary):
            return None  # nothing done (or only moments around START/STOP): nothing to keep
        finished = FinishedSet(summary, reason, *_save(self._on_set_end, summary))
        self._finished.append(finished)
        return finished

    def _finish_routine_set(self, reason: str, met: bool) -> list[str]:
        run = self._run
        assert run is not None
        finished = self._end_set_locked(reason)
        say = run.finish_set(self._t, run.set_result(finished.summary, met, finished.session_id) if finished else None)
        self._ask_checkin(run)
        if run.stage == "done":
            self._save_routine(run.summary(self._t))
        return say

    def _save_routine(self, summary: RoutineSummary) -> None:
        self._routines.append(FinishedRoutine(summary, *_save(self._on_routine_end, summary)))
