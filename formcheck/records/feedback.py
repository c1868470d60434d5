"""What the tracker tells its sinks, frame by frame and per set.

Sinks (overlay, Streamlit, report, history store) only *consume* these frozen
records; they never reach back into the tracker.

States of the tracker, in order of a normal set::

    not_visible → setup → ready → (start → ascent → peak → descent → start …)
    for holds:    not_visible → setup → ready → hold

``phase`` is one of ``Phase``; ``guidance`` carries placement advice such as
"turn side-on", "step back: feet not visible" or "only one person please".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Phase = Literal["not_visible", "setup", "ready", "start", "ascent", "peak", "descent", "hold"]
Side = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Cue:
    """A form cue raised by a form rule (its ``id`` is the rule id).

    Attributes:
        id: Form-rule id from the spec (e.g. ``"hips_sagging"``); also the
            fault id used in ground-truth labels.
        message: Short text for the user ("Lift your hips").
        priority: Higher wins when several rules fire at once.
        start: Time (s) the condition began (before the debounce delay).
        end: Time (s) the condition stopped, or None while it holds.
        rep: Index (1-based) of the rep it happened in, if any.
    """

    id: str
    message: str
    priority: int
    start: float
    end: float | None = None
    rep: int | None = None


@dataclass(frozen=True, slots=True)
class RepRecord:
    """One repetition, complete or partial (did not reach the peak threshold)."""

    index: int  # 1-based among reps of the set (complete and partial together)
    start: float
    peak: float
    end: float
    complete: bool
    side: Side | None = None
    rom: float = 0.0  # range of motion of the rep signal (its units, e.g. degrees)
    rom_fraction: float = 0.0  # rom / (peak threshold - start threshold), 1.0 = reached peak exactly
    extreme: float = math.nan  # the rep signal at the far end (its units): what the spec's peak judges
    tempo_up: float = 0.0  # seconds start → peak
    tempo_hold: float = 0.0  # seconds held at the peak
    tempo_down: float = 0.0  # seconds peak → end
    cues: tuple[str, ...] = ()
    quality: int = 100  # 0-100
    counted: bool = True  # False when a rule that voids the rep fired
    # Cut by the end of the clip or set, or by the person leaving: a fragment, not the person's doing.
    # It is reported as a partial rep and not scored (it says nothing about their form).
    at_edge: bool = False


#: What a set's score lost points for (see ``tracker.scoring.score_losses``).
LossKind = Literal["partial", "uncounted", "cue", "too_fast", "short_range", "short_hold", "set_cue",
                   "hold_form", "hold_short"]


@dataclass(frozen=True, slots=True)
class ScoreLoss:
    """Points a set's score lost, and for what: the losses of a set add up to ``100 - score``.

    Attributes:
        points: Whole points (at least 1).
        kind: ``partial`` (reps short of the set's range), ``uncounted`` (reps a fault voided),
            ``cue`` (a form cue during reps), ``too_fast``, ``short_range`` (short of the
            spec's range target, the spec's ``short_id``), ``short_hold`` (left the top
            before ``hold_at_peak``), ``set_cue`` (a fault between reps), ``hold_form`` (hold
            time in poor form), ``hold_short`` (the hold's target not reached).
        cue: The cue id, for ``cue``, ``set_cue`` and ``short_range``.
        reps: The 1-based reps concerned (empty for a hold or a set-level fault).
    """

    points: int
    kind: LossKind
    cue: str | None = None
    reps: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe fields (``report.json``'s ``score_losses`` rows, the history's column)."""
        return {"points": self.points, "kind": self.kind, "cue": self.cue, "reps": list(self.reps)}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> ScoreLoss:
        """Back from :meth:`as_dict`.

        Example:
            >>> ScoreLoss.from_dict(ScoreLoss(15, "too_fast", reps=(2,)).as_dict())
            ScoreLoss(points=15, kind='too_fast', cue=None, reps=(2,))
        """
        return cls(int(row["points"]), row["kind"], row.get("cue"), tuple(int(r) for r in row.get("reps", ())))


@dataclass(frozen=True, slots=True)
class Hold:
    """A timed hold: ``good_s`` counted while form rules passed, ``lost_s`` while they failed."""

    start: float
    end: float
    good_s: float
    lost_s: float
    target_s: float | None = None
    side: Side | None = None  # per-side holds (a stretch held on each side)


@dataclass(frozen=True, slots=True)
class Feedback:
    """The tracker's view after one frame.

    Attributes:
        t: Time of the frame (s).
        phase: Tracker state (see module docstring).
        reps: Complete, counted reps so far.
        reps_by_side: Counted reps per side for alternating/one-side exercises.
        partial_reps: Reps that started but did not reach the peak.
        hold_s: Seconds of good hold so far in the current hold (0 if none).
        hold_lost_s: Seconds lost to bad form in the current hold.
        hold_target_s: Target hold time from the spec, if any.
        rom_fraction: Progress of the rep signal from start (0) to peak (1), clipped to [0, 1.2].
        cues: Cues visible now, highest priority first (at most one new per debounce window).
        guidance: Placement/visibility advice, or None when all is well.
        features: Current values of the features the spec uses (name → value, NaN unknown).
        side: Side currently moving/tracked, when it matters.
        last_rep: The most recently finished rep, if any.
        num_people: People in view in this frame.
    """

    t: float
    phase: Phase
    reps: int = 0
    reps_by_side: dict[str, int] = field(default_factory=dict)
    partial_reps: int = 0
    hold_s: float = 0.0
    hold_lost_s: float = 0.0
    hold_target_s: float | None = None
    rom_fraction: float = 0.0
    cues: tuple[Cue, ...] = ()
    guidance: str | None = None
    features: dict[str, float] = field(default_factory=dict)
    side: Side | None = None
    last_rep: RepRecord | None = None
    num_people: int = 1


@dataclass(frozen=True, slots=True)
class SetSummary:
    """Everything a finished set produced; the report and the history store write this."""

    exercise: str
    title: str
    reps: int
    reps_by_side: dict[str, int]
    partial_reps: int
    rep_rows: tuple[RepRecord, ...]
    holds: tuple[Hold, ...]
    cues: tuple[Cue, ...]  # every cue raised, in time order, with start/end
    duration_s: float
    frames: int
    frames_with_person: int
    score: int  # 0-100 for the set
    notes: tuple[str, ...] = ()  # e.g. "no person detected", "several people in view"
    extra: dict[str, Any] = field(default_factory=dict)
    #: Why nothing was counted (a set with 0 reps or a 0 s hold), in one sentence with numbers.
    reason: str | None = None
    #: What the score lost points for; they add up to ``100 - score`` (empty at 100).
    score_losses: tuple[ScoreLoss, ...] = ()
    #: How far the count is confirmed by a second, spec-free count of the same signal
    #: (``formcheck.tracker.count_check``: "confirmed", "spec only", "movement only: ... not
    #: confirmed", "disagree: spec N, movement M", "nothing counted"); None: not checked (holds).
    count_confidence: str | None = None
