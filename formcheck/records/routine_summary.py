"""What a routine session produced: its sets and how it ended (the live app writes it to History)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RoutineStatus = Literal["completed", "stopped"]


@dataclass(frozen=True, slots=True)
class RoutineSet:
    """One set done during a routine.

    Attributes:
        exercise: Spec id.
        title: Exercise title.
        label: Where in the routine ("Set 1 of 2 · left side").
        target: What the set asked for ("8 reps each side", "30 s hold").
        reps: Counted reps.
        hold_s: Good hold seconds.
        score: The set's score (0-100).
        target_met: The set ended because its target was reached (not by STOP or skip).
        session_id: The set's row in the history database (None if it was not saved).
    """

    exercise: str
    title: str
    label: str
    target: str
    reps: int
    hold_s: float
    score: int
    target_met: bool
    session_id: int | None = None


@dataclass(frozen=True, slots=True)
class RoutineSummary:
    """A routine session from START to its end.

    Attributes:
        routine: Routine id.
        title: Routine title.
        status: ``completed`` (every set done) or ``stopped`` (STOP, or the camera was lost).
        duration_s: From START to the end, rests included.
        sets: The sets done, in order (a set with no rep and no hold is not one).
        sets_planned: Sets the routine asks for (sides done in turn count one each).
        skipped: Exercises of the routine without a spec yet.
    """

    routine: str
    title: str
    status: RoutineStatus
    duration_s: float
    sets: tuple[RoutineSet, ...]
    sets_planned: int
    skipped: tuple[str, ...] = ()
