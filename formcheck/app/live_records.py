"""What the live state hands the page: a snapshot of the newest frame, and the sets and routines that ended.

Example:
    >>> FinishedSet(summary, "stream stopped", session_id=3).session_id  # doctest: +SKIP
    3
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.routine_summary import RoutineSummary
from formcheck.sinks.presentation import Presentation


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    """What the page shows, copied under the lock.

    Attributes:
        exercise: Spec id of the current set.
        feedback: Feedback of the newest processed frame (None before the first, and in rests).
        frames: Frames processed in the current set.
        fps: Frames processed per second over the last few seconds.
        ms_per_frame: Mean processing time per frame (pose + tracker + overlay).
        idle_s: Seconds since the last processed frame (None before the first).
        error: Message of the last processing error, if any.
        view: The words and numbers of the newest frame (the overlay drew the same).
        overlay_texts: Every string the overlay drew on the newest frame.
        stage: The routine's stage (``lead_in``, ``work``, ``rest``, ``done``); None for one exercise.
        upcoming: ``(spec id, title)`` of the set to come during a lead-in or rest (its demo is shown).
        paused: The routine is paused.
    """

    exercise: str
    feedback: Feedback | None
    frames: int
    fps: float
    ms_per_frame: float
    idle_s: float | None
    error: str | None
    view: Presentation | None = None
    overlay_texts: tuple[str, ...] = ()
    stage: str | None = None
    upcoming: tuple[str, str] | None = None
    paused: bool = False


@dataclass(frozen=True, slots=True)
class FinishedSet:
    """A set that ended: its summary, why it ended, and the history id (None if not saved)."""

    summary: SetSummary
    reason: str
    session_id: int | None
    save_error: str | None = None


@dataclass(frozen=True, slots=True)
class FinishedRoutine:
    """A routine that ended (done or stopped), and its history id (None if not saved)."""

    summary: RoutineSummary
    routine_session_id: int | None
    save_error: str | None = None


def _same(exercise: str) -> Any:
    return exercise


@dataclass(frozen=True, slots=True)
class Client:
    """Whose live sets these are, and what each exercise runs for them.

    Attributes:
        name: The client's name, saved with each set ("": nobody's in particular).
        spec_for: Exercise id → the spec to run (a personal spec's file, or the id itself).
    """

    name: str = ""
    spec_for: Callable[[str], Any] = field(default=_same)


@dataclass(frozen=True, slots=True)
class PendingCheckIn:
    """A check-in to ask for: the exercise just finished and the set its answer is saved with.

    Attributes:
        id: Increasing number (the page keys its widgets with it).
        exercise: Spec id.
        title: The exercise's title ("How was Glute bridge?").
        session_id: History id of the exercise's last saved set.
    """

    id: int
    exercise: str
    title: str
    session_id: int
