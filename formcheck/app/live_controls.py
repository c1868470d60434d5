"""A routine's home controls, for :class:`~formcheck.app.live_state.LiveState`: Skip, Pause / Resume,
Repeat set, and the check-in asked after each exercise's last set.

A mixin on the live state's own fields, called from the page's buttons (the script thread); every
method takes the state's lock, like the rest of the state.

Example:
    >>> state.pause(); state.paused  # doctest: +SKIP
    True
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from formcheck.app.live_records import PendingCheckIn
from formcheck.pipeline.routine_run import RoutineRun
from formcheck.records.errors import FormcheckError
from formcheck.sinks.presentation import Presentation
from formcheck.sinks.speech import Coach, Utterance
from formcheck.spec.routine import RoutinePlan


class RoutineControls:
    """Skip, pause, resume, repeat and check-ins on the live state's fields (set by ``LiveState.__init__``)."""

    _lock: threading.Lock
    _run: RoutineRun | None
    _t: float
    _set_t0: float
    _view: Presentation | None
    _done_view: tuple[Presentation, float] | None
    _paused_from: Presentation | None
    _coach: Coach
    _said: deque[Utterance]
    _checkins: list[PendingCheckIn]
    _checkin_no: int
    _on_checkin: Callable[[int, int | None, str | None], None] | None
    _plan: RoutinePlan | None
    _skip_lead_in: bool

    def _begin_set(self, exercise: str, t: float) -> None:
        raise NotImplementedError

    def _finish_routine_set(self, reason: str, met: bool) -> list[str]:
        raise NotImplementedError

    def skip(self) -> None:
        """Move on in the routine: end the set under way (saved if it has work), or cut a rest short
        (a pause ends).

        Before the routine's first frame (the camera still starting), the lead-in is skipped then.
        """
        with self._lock:
            run = self._run
            if run is None:
                self._skip_lead_in = self._plan is not None
                return
            if run.stage == "done":
                return
            if run.paused:  # Skip goes on: the pause ends
                run.resume(self._t)
                self._paused_from = None
            if run.stage == "work":
                say = self._finish_routine_set("skipped", met=False)
                self._view = run.view(self._t)  # the rest (or the end) at once, not at the next frame
            else:
                say = run.skip_pause(self._t)
                if run.block is not None:
                    self._begin_set(run.block.exercise, self._t)
            self._said.extend(self._coach.update(self._t, None, say))

    @property
    def paused(self) -> bool:
        """The routine is paused (the page's button reads Resume)."""
        with self._lock:
            return self._run is not None and self._run.paused

    def pause(self) -> None:
        """Pause the routine: a set takes no frames (its count is kept), a lead-in or rest stands still."""
        with self._lock:
            run = self._run
            if run is None or run.paused or run.stage == "done":
                return
            self._paused_from = self._view if run.working else None
            say = run.pause(self._t)
            self._view = run.paused_view(self._paused_from)
            self._said.extend(self._coach.update(self._t, None, say))

    def resume(self) -> None:
        """Go on after a pause: the set's clock continues where it stood (the pause is no time in the set)."""
        with self._lock:
            run = self._run
            if run is None or not run.paused:
                return
            gap = run.resume(self._t)
            if run.working:
                self._set_t0 += gap
                self._view = self._paused_from
            else:
                self._view = run.view(self._t)
            self._paused_from = None
            self._said.extend(self._coach.update(self._t, None, ["Go on"]))

    def repeat(self) -> None:
        """Do a set again: the one under way from nothing (what it counted is dropped, not saved), or,
        in a rest, the set just finished (see :meth:`RoutineRun.repeat`). A pause ends."""
        with self._lock:
            run = self._run
            if run is None:
                return
            if run.paused:
                gap = run.resume(self._t)
                self._set_t0 += gap if run.working else 0.0
            say = run.repeat(self._t)
            if not say:
                return
            block = run.block
            if run.working and block is not None:
                self._begin_set(block.exercise, self._t)
            elif block is not None:  # its check-in is asked again after the new attempt
                self._checkins = [c for c in self._checkins if c.exercise != block.exercise]
                run.checked_in.discard(block.exercise)
                self._view = run.view(self._t)
            self._done_view, self._paused_from = None, None
            self._said.extend(self._coach.update(self._t, None, say))

    def pending_checkin(self) -> PendingCheckIn | None:
        """The oldest check-in still to ask for (None: none)."""
        with self._lock:
            return self._checkins[0] if self._checkins else None

    def check_in(self, checkin_id: int, pain: int | None, difficulty: str | None) -> str | None:
        """Save the answers of a pending check-in (and stop asking); returns why saving failed, or None."""
        with self._lock:
            found = next((c for c in self._checkins if c.id == checkin_id), None)
            self._checkins = [c for c in self._checkins if c.id != checkin_id]
        if found is None or self._on_checkin is None or (pain is None and difficulty is None):
            return None
        try:
            self._on_checkin(found.session_id, pain, difficulty)
        except FormcheckError as exc:
            return str(exc)
        return None

    def _ask_checkin(self, run: RoutineRun, stopped: bool = False) -> None:
        """After an exercise's last set, or at STOP for the exercise done last, ask how it went (saved with
        its last saved set; none saved: no ask). Once per exercise and run (a repeat asks again)."""
        if stopped:
            last = run.results[-1] if run.results else None
            ended = next((b for b in run.blocks if last is not None and b.exercise == last.exercise), None)
        else:
            ended = run.exercise_ends()
        if ended is None or ended.exercise in run.checked_in:
            return
        sid = next((r.session_id for r in reversed(run.results)
                    if r.exercise == ended.exercise and r.session_id is not None), None)
        if sid is None:
            return
        run.checked_in.add(ended.exercise)
        self._checkin_no += 1
        self._checkins.append(PendingCheckIn(self._checkin_no, ended.exercise, ended.title, sid))
