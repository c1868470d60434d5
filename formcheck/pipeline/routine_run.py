"""Walking through a routine: lead-in, sets, rests, the end (a pure state machine on frame time).

A :class:`RoutineRun` is driven by the live loop with the time of each camera
frame. It starts with a lead-in (time to get from the laptop to the mat), then
each set is *work* until its target is met (the live loop asks
:meth:`RoutineRun.target_met` with the set's presentation), then *rest*
(counted down on screen and aloud) before the next set, which it announces
with where to put the camera. Every change returns the words to announce. It
never touches the camera, the model or the database: the live state does.

Stages::

    lead_in ──(time)──▶ work ──(target met / skip)──▶ rest ──(time)──▶ work … ──▶ done

Any stage but ``done`` can be paused (:meth:`RoutineRun.pause`): the clock of a lead-in or rest
stops until :meth:`RoutineRun.resume`. :meth:`RoutineRun.repeat` does a set again: the one under
way from nothing, or, in the rest after it, the set just finished (its record is replaced by the
new attempt's). :meth:`RoutineRun.exercise_ends` says when a finished set was its exercise's last
(the app asks for a check-in then).

Example:
    >>> from formcheck.spec import load_routine, plan_routine
    >>> run = RoutineRun(plan_routine(load_routine("lower_back")))
    >>> run.start(0.0)[0]
    'Lower-back care. First: Cat-cow, 10 reps. Camera at hip height, 2-3 m to your side, whole body in frame.'
    >>> run.tick(10.0), run.stage
    (['Go. Slowly, breathe out as you round.'], 'work')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from formcheck.records.feedback import SetSummary
from formcheck.records.routine_summary import RoutineSet, RoutineStatus, RoutineSummary
from formcheck.sinks.presentation import Presentation, Target, finished_view, paused_view, rest_view
from formcheck.spec.routine import PlannedEntry, RoutinePlan

Stage = Literal["lead_in", "work", "rest", "done"]
#: Seconds to get ready for a set done again from its rest.
REPEAT_READY_S = 5.0


@dataclass(frozen=True, slots=True)
class Block:
    """One set of one exercise (one side, when the sides are done in turn)."""

    exercise: str
    title: str
    set_no: int
    sets: int
    side: str | None
    reps: int | None
    hold_s: float | None
    each_side: bool
    rest_s: float
    placement: str
    target_text: str
    note: str = ""

    @property
    def first(self) -> bool:
        """The first set of its exercise (where the routine's note is said)."""
        return self.set_no == 1 and self.side in (None, "left")

    @property
    def label(self) -> str:
        """``"Set 1 of 2 · left side"``."""
        return f"Set {self.set_no} of {self.sets}" + (f" · {self.side} side" if self.side else "")

    def target(self) -> Target:
        """The goal the live view shows and checks."""
        return Target(self.reps, self.hold_s, self.each_side, self.label, self.note)


def first_sentence(text: str) -> str:
    """The first sentence of a placement text (the screen and the voice keep it short).

    Example:
        >>> first_sentence("Camera at hip height, 2-3 m away. Portrait phones work.")
        'Camera at hip height, 2-3 m away'
    """
    return re.split(r"(?<=[a-z0-9)])[.;]\s", " ".join(text.split()), maxsplit=1)[0].rstrip(". ")


def plan_blocks(plan: RoutinePlan) -> list[Block]:
    """The sets of a routine in order (an entry's sides in turn when its spec has no counter per side).

    Example:
        >>> from formcheck.spec import load_routine, plan_routine
        >>> [b.label for b in plan_blocks(plan_routine(load_routine("lower_back")))][:3]
        ['Set 1 of 1', 'Set 1 of 2', 'Set 2 of 2']
    """
    blocks: list[Block] = []
    for p in plan.entries:
        in_turn = p.entry.per_side and p.spec.sides != "each"
        sides: tuple[str | None, ...] = ("left", "right") if in_turn else (None,)
        for n in range(1, p.entry.sets + 1):
            for side in sides:
                blocks.append(_block(p, n, side, each_side=p.entry.per_side and not in_turn))
    return blocks


def _block(p: PlannedEntry, set_no: int, side: str | None, each_side: bool) -> Block:
    target = p.target_text.removesuffix(" each side") if side else p.target_text
    return Block(p.spec.name, p.spec.title, set_no, p.entry.sets, side, p.reps, p.hold_s, each_side, p.rest_s,
                 first_sentence(p.spec.placement), target, " ".join(p.entry.note.split()))


class RoutineRun:
    """One run of a routine, from START to its end.

    Args:
        plan: The routine with its specs (``formcheck.spec.plan_routine``).
    """

    def __init__(self, plan: RoutinePlan) -> None:
        self.plan = plan
        self.blocks = plan_blocks(plan)
        self.stage: Stage = "lead_in" if self.blocks else "done"
        self.index = 0
        self.results: list[RoutineSet] = []
        self._t0 = 0.0
        self._until = 0.0  # end of the lead-in or rest
        self._pause = 0.0  # length of that lead-in or rest
        self._t = 0.0
        self.paused_at: float | None = None  # when the user paused (None: running)
        self.checked_in: set[str] = set()  # exercises whose check-in was asked in this run

    @property
    def working(self) -> bool:
        """A set is under way (the camera's frames go to the tracker)."""
        return self.stage == "work"

    @property
    def paused(self) -> bool:
        """The user paused the routine (a lead-in or rest's clock stands still; a set takes no frames)."""
        return self.paused_at is not None

    @property
    def block(self) -> Block | None:
        """The set under way or next (None once done)."""
        return self.blocks[self.index] if self.index < len(self.blocks) else None

    def start(self, t: float) -> list[str]:
        """Begin at time ``t`` (the first frame after START); returns the opening announcement."""
        self._t0 = self._t = t
        block = self.block
        if block is None:
            return [f"{self.plan.routine.title}: no exercise of this routine is specified yet."]
        lead = self.plan.routine.lead_in_s
        self._until, self._pause = t + lead, lead
        where = f" {block.placement}." if block.placement else ""
        return [f"{self.plan.routine.title}. First: {block.title}, {block.target_text}.{where}".replace("..", ".")]

    def tick(self, t: float) -> list[str]:
        """Advance the clock during a lead-in or rest; when it is over, work begins (``["Go"]``, with
        the routine's note on the exercise at its first set: ``["Go. Slowly, breathe out as you round."]``)."""
        self._t = t
        if self.stage in ("lead_in", "rest") and t >= self._until and not self.paused:
            self.stage = "work"
            block = self.block
            note = block.note if block is not None and block.first else ""
            return [f"Go. {note[:1].upper()}{note[1:].rstrip('.')}." if note else "Go"]
        return []

    def skip_pause(self, t: float) -> list[str]:
        """Cut the lead-in or rest short: work begins now."""
        if self.stage in ("lead_in", "rest"):
            self._until = t
        return self.tick(t)

    def pause(self, t: float) -> list[str]:
        """Pause at ``t`` (not once done, nor twice); returns the announcement."""
        if self.stage == "done" or self.paused:
            return []
        self.paused_at = t
        return ["Paused"]

    def resume(self, t: float) -> float:
        """Go on after a pause; returns the seconds paused (a lead-in or rest ends that much later)."""
        if self.paused_at is None:
            return 0.0
        gap, self.paused_at = max(t - self.paused_at, 0.0), None
        if self.stage in ("lead_in", "rest"):
            self._until += gap
        return gap

    def repeat(self, t: float) -> list[str]:
        """Do a set again; returns the announcement ([] when there is nothing to repeat).

        In a set, the set under way starts again from nothing (the live state drops its count). In the
        rest after a set, that set comes back after :data:`REPEAT_READY_S` seconds to get ready, and
        its record in the routine is replaced by the new attempt's.
        """
        self._t = t
        if self.stage == "work" and self.block is not None:
            return [f"Again from the start: {self.block.label.lower().replace(' · ', ', ')}"]
        if self.stage != "rest" or self.index == 0:
            return []
        self.index -= 1
        block = self.blocks[self.index]
        last = self.results[-1] if self.results else None
        if last is not None and (last.exercise, last.label) == (block.exercise, block.label):
            self.results.pop()
        self.stage, self._until, self._pause = "rest", t + REPEAT_READY_S, REPEAT_READY_S
        return [f"Once more: {block.title}, {block.label.lower().replace(' · ', ', ')}. Get ready."]

    def exercise_ends(self) -> Block | None:
        """Right after :meth:`finish_set`: the set just finished, when it was its exercise's last in a row
        (the next set is another exercise, or the routine is done); else None."""
        if self.index == 0 or self.stage not in ("rest", "done"):
            return None
        prev, nxt = self.blocks[self.index - 1], self.block
        return prev if nxt is None or nxt.exercise != prev.exercise else None

    def target_met(self, view: Presentation) -> bool:
        """The set's presentation (made with :meth:`Block.target`) says its target is reached."""
        return self.stage == "work" and view.done

    def set_result(self, summary: SetSummary, met: bool, session_id: int | None) -> RoutineSet:
        """The routine's record of the set under way, from the set's summary and its history id."""
        block = self.block
        assert block is not None
        return RoutineSet(summary.exercise, summary.title, block.label, block.target_text, summary.reps,
                          round(sum(h.good_s for h in summary.holds), 3), summary.score, met, session_id)

    def finish_set(self, t: float, result: RoutineSet | None) -> list[str]:
        """The set under way ended (target met or skipped); rest, or the end. Returns the announcement."""
        self._t = t
        if result is not None:
            self.results.append(result)
        self.index += 1
        nxt = self.block
        if nxt is None:
            self.stage = "done"
            return [f"Routine complete: {len(self.results)} sets. Well done."]
        prev = self.blocks[self.index - 1]
        rest = prev.rest_s  # an exercise's rest follows each of its sets
        self.stage, self._until, self._pause = "rest", t + rest, rest
        where = f" {nxt.placement}." if nxt.placement and nxt.exercise != prev.exercise else ""
        words = f"Rest {rest:g} seconds. " if rest > 0 else ""
        return [f"Set done. {words}Next: {nxt.title}, {nxt.label.lower().replace(' · ', ', ')}, "
                f"{nxt.target_text}.{where}".replace("..", ".")]

    def view(self, t: float) -> Presentation:
        """What to show while not working: the lead-in or rest countdown, or the end."""
        block = self.block
        if self.stage == "done" or block is None:
            return finished_view(self.plan.routine.title, len(self.results))
        if self.paused_at is not None:
            t = self.paused_at  # the countdown stands still
        left = max(self._until - t, 0.0)
        return rest_view(left, block.title, f"{block.label} · {block.target_text}", block.placement,
                         lead_in=self.stage == "lead_in", total_s=self._pause or None,
                         note=block.note if block.first else "")

    def paused_view(self, working: Presentation | None) -> Presentation:
        """What to show while paused: the set's figures as they were (``working``), or what comes next."""
        block = self.block
        if block is None:
            return finished_view(self.plan.routine.title, len(self.results))
        if self.stage == "work":
            return paused_view(working, block.title, f"{block.label} · {block.target_text}")
        return paused_view(None, f"Next: {block.title}", f"{block.label} · {block.target_text}")

    def summary(self, t: float, status: RoutineStatus | None = None) -> RoutineSummary:
        """The run so far (``completed`` once every set is done, else ``stopped``)."""
        return RoutineSummary(self.plan.routine.name, self.plan.routine.title,
                              status or ("completed" if self.stage == "done" else "stopped"),
                              round(max(t - self._t0, 0.0), 3), tuple(self.results), len(self.blocks),
                              tuple(e for e, _ in self.plan.skipped))
