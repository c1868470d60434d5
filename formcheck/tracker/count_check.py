"""A second, spec-free opinion on a set's count: the spec's own rep signal, counted without its gates.

The spec's counter counts a rep only once the start pose has held (the setup gate) and only when
the movement comes back to rest. Either gate alone can silence a set that plainly moved: a row
filmed head-on whose thigh incline never quite reads "seated", a lunge walked towards the camera
whose rest level drifts away. So after a set the same signal (the spec's ``rep.signal``, every
frame the body was in view) is counted the way the spec-free counter counts a pose
(:func:`formcheck.tracker.any_counter.count_clip`: the period by autocorrelation, cycles by their
self-calibrated prominence, slow drift taken out), on the spec's scale: a cycle is one only when
the signal moved at least the spec's own smallest rep (``rep.excursion_floor``) within it. The
movement is *clear* when at least ``MIN_CYCLES`` such cycles repeat at a clear period (``CLEAR``).

:func:`judge` then decides by rule (``docs/accuracy.md``, "When the two counts disagree") and names
the outcome in ``SetSummary.count_confidence``:

* ``confirmed``: both counts agree within one;
* ``spec only``: the spec counted, the movement alone shows no clear repetition to check it with
  (one or two reps, irregular ones);
* ``movement only: start position not confirmed`` / ``movement only: return to rest not confirmed``:
  the spec counted nothing because of that gate, the movement shows clear reps of the exercise's
  size: they are the count, and a note names what could not be confirmed, with the numbers;
* ``disagree: spec N, movement M``: both counted and differ by more than one: the spec's count
  stands (its reps passed the checks a physiotherapist makes), the other is reported;
* ``nothing counted``: neither saw a rep.

A set whose start pose was never met at all (``MIN_SETUP_SHARE`` of the frames: another exercise,
nobody in position) keeps 0: the movement of another exercise is not this one's; unless the clip as a
whole was recognised as this exercise (``recognised``: the recogniser reads posture, moving limbs,
sides and tempo together, :mod:`formcheck.pipeline.recognise`), as when a camera rolled or pitched
hides the start pose from its own 3-D test. Live, with no whole clip to read, it keeps 0.

Example:
    >>> t = np.arange(300) / 30
    >>> rep = RepSignal(signal="hip_angle", start=120, peak=170)  # a rep is 25° at least
    >>> m = movement_count(t, 120 + 25 * (1 - np.cos(2 * np.pi * t / 2.5)), rep)  # 4 reps of 50°
    >>> m.reps, m.clear
    (4, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from formcheck.features.pose_period import CLEAR
from formcheck.records.feedback import RepRecord, SetSummary, Side
from formcheck.spec import ExerciseSpec, RepSignal
from formcheck.tracker.any_counter import count_clip
from formcheck.tracker.count_signal import SignalLog
from formcheck.tracker.diagnosis import Cause, Diagnosis
from formcheck.tracker.rep_counter import RepEvent
from formcheck.tracker.rep_tracking import REQUIRE_GRACE_S, REQUIRE_SHARE, RepTracking
from formcheck.tracker.scoring import UNJUDGED_RANGE, make_rep_record, rep_quality

#: A clear repeated movement has at least this many cycles of the exercise's size ...
MIN_CYCLES = 2
#: ... each moving at least this share of the spec's start→peak distance (and its ``min_excursion``).
FULL_SHARE = 0.5
#: To stand in for the spec's count, a cycle rests within this share of the start→peak distance
#: of the spec's ``start`` (the camera's error on a 3-D angle is 10-15°, a start→peak distance 30-90°).
BAND = 0.5
#: The spec-free count stands in for a silenced spec only if the start pose was met (all setup
#: conditions at once) in at least this share of the frames: reached, only not held long enough.
MIN_SETUP_SHARE = 0.1
#: The gates whose silence the movement may speak over, and what each leaves unconfirmed.
UNCONFIRMED: dict[str, str] = {"setup": "start position", "no_return": "return to rest"}
#: The fewest frames (and seconds) a signal needs before it is counted at all.
MIN_FRAMES, MIN_SPAN_S = 16, 1.0


@dataclass(frozen=True)
class Movement:
    """The spec-free count of a rep signal: its cycles (signal units, times in s), how periodic."""

    events: tuple[RepEvent, ...]
    strength: float
    period_s: float
    #: Each event's counter side (``sides: each``), else empty.
    sides: tuple[str, ...] = ()

    @property
    def reps(self) -> int:
        return len(self.events)

    @property
    def clear(self) -> bool:
        """At least ``MIN_CYCLES`` cycles of the exercise's size at a clear period."""
        return self.reps >= MIN_CYCLES and self.strength >= CLEAR

    def in_band(self, rep: RepSignal) -> Movement:
        """The cycles that move between the spec's own levels: they rest within ``BAND`` of its
        ``start`` and reach at least ``FULL_SHARE`` of the way to its ``peak`` (or the mirror, for
        ``rest: either``). Another exercise moving the same joint does so between other levels."""
        span = rep.peak - rep.start

        def fits(ev: RepEvent) -> bool:
            rest, far = (ev.rest - rep.start) / span, (ev.extreme - rep.start) / span
            mirror = rep.rest == "either" and abs(1 - rest) <= BAND and 1 - far >= FULL_SHARE
            return (abs(rest) <= BAND and far >= FULL_SHARE) or mirror

        keep = [i for i, ev in enumerate(self.events) if fits(ev)]
        return Movement(tuple(self.events[i] for i in keep), self.strength, self.period_s,
                        tuple(self.sides[i] for i in keep) if self.sides else ())


NO_MOVEMENT = Movement((), 0.0, math.nan)


def log_count(log: SignalLog, rep: RepSignal) -> Movement:
    """The spec-free count of a set's logged signal, summed over the sides (``sides: each``)."""
    t = np.array(log.t)
    found = {s: movement_count(t, np.array(x), rep, np.array(log.kept[s])) for s, x in log.x.items()}
    if len(found) <= 1:
        return next(iter(found.values()), NO_MOVEMENT)
    both = sorted(((e, s) for s, m in found.items() for e in m.events), key=lambda es: es[0].start)
    moved = [m for m in found.values() if m.reps]
    periods = [m.period_s for m in found.values() if math.isfinite(m.period_s)]
    return Movement(tuple(e for e, _ in both), min((m.strength for m in moved), default=0.0),
                    float(np.median(periods)) if periods else math.nan,  # no period on either side: NaN, quietly
                    tuple(s for _, s in both))


def movement_count(t: np.ndarray, x: np.ndarray, rep: RepSignal, kept: np.ndarray | None = None) -> Movement:
    """Count the cycles of one rep signal without a spec's gates (module docstring).

    A cycle counts when the signal moved at least ``rep.excursion_floor`` within it, towards the
    spec's peak (either way for ``rest: either``), and kept ``rep.require`` as the spec's own
    counter asks (outside it for less than ``REQUIRE_GRACE_S`` or ``REQUIRE_SHARE`` of the cycle).

    Args:
        t: Each sample's time (s), increasing; need not be evenly spaced.
        x: The signal (NaN: not read; filled in from its neighbours).
        rep: The spec's rep signal (its direction, rest and smallest rep).
        kept: Whether each sample kept ``rep.require`` (None: all did).
    """
    floor = max(rep.excursion_floor, FULL_SHARE * abs(rep.peak - rep.start))
    ok = np.isfinite(x) & np.isfinite(t)
    if ok.sum() < MIN_FRAMES or t[ok][-1] - t[ok][0] < MIN_SPAN_S or floor <= 0:
        return NO_MOVEMENT
    tk, xk = t[ok], x[ok]
    fps = (len(tk) - 1) / (tk[-1] - tk[0])
    grid = tk[0] + np.arange(len(tk)) / fps
    raw = np.interp(grid, tk, xk)
    off = np.interp(grid, tk, ~np.asarray(kept, dtype=bool)[ok]) > 0.5 if kept is not None else None
    # On the spec's scale: the spec-free counter's smallest rep (0.1) is a fifth of the spec's smallest.
    towards = None if rep.rest == "either" else np.array([float(rep.direction)])
    found = count_clip((raw / (2 * floor))[:, None], fps, grid, towards=towards)
    if found.axis is None:
        return NO_MOVEMENT
    kept_events = []
    for ev in found.events:
        inside = (grid >= ev.start) & (grid <= ev.end)
        seg = raw[inside]
        rom = float(np.ptp(seg)) if len(seg) else 0.0
        if rom < floor or (off is not None and _another_movement(off[inside], fps, ev.end - ev.start)):
            continue
        at = min(int(np.searchsorted(grid, ev.peak)), len(raw) - 1)
        kept_events.append(replace(ev, rom=rom, extreme=float(raw[at]),
                                   rest=float(raw[int(np.searchsorted(grid, ev.start))]), fraction=1.0))
    return Movement(tuple(kept_events), found.axis.strength, found.axis.period_s)


def _another_movement(off: np.ndarray, fps: float, span: float) -> bool:
    """The spec's test (``RepTracking``): outside ``rep.require`` for ``REQUIRE_GRACE_S`` and for at
    least ``REQUIRE_SHARE`` of the cycle."""
    off_s = float(off.sum()) / fps
    return off_s >= REQUIRE_GRACE_S and off_s >= REQUIRE_SHARE * max(span, 1e-9)


@dataclass(frozen=True)
class Verdict:
    """What :func:`judge` decided: the count's confidence, and when the movement's reps replace the
    spec's, those reps and the note that says what could not be confirmed."""

    confidence: str
    movement: Movement | None = None
    note: str | None = None


def judge(rep: RepSignal, spec_reps: int, movement: Movement, cause: tuple[Cause, str] | None,
          setup_share: float, other_movements: int = 0, recognised: bool = False) -> Verdict:
    """The rule (module docstring) applied to a set's two counts.

    Args:
        rep: The spec's rep signal (its levels).
        spec_reps: The spec's count.
        movement: The spec-free count of the same signal.
        cause: What stopped the spec's count, and its sentence (``Diagnosis.cause``), for a 0.
        setup_share: Share of the frames in which the start pose was met (``Diagnosis.setup_share``).
        other_movements: Attempts the spec's counter dropped for breaking ``rep.require``: it saw
            another movement, and the movement's cycles are that one's.
        recognised: The whole clip was recognised as this exercise: its start pose, never met, tells
            it from no other.

    Example:
        >>> judge(RepSignal(signal="hip_angle", start=120, peak=170), 3, NO_MOVEMENT, None, 1.0).confidence
        'spec only'
    """
    if spec_reps == 0:
        kind = cause[0] if cause is not None else None
        own = movement.in_band(rep)
        never_met = kind == "setup" and setup_share < MIN_SETUP_SHARE
        if kind in UNCONFIRMED and own.clear and not other_movements and (recognised or not never_met):
            what = UNCONFIRMED[str(kind)]
            movement = own
            assert cause is not None
            details = cause[1].split(": ", 1)[-1] if kind == "setup" else cause[1]
            note = f"{movement.reps} reps counted from the movement alone; {what} not confirmed: {details}"
            if never_met:
                note += "; the clip as a whole looks like this exercise"
            return Verdict(f"movement only: {what} not confirmed", movement, note)
        if not movement.clear:
            return Verdict("nothing counted")
        why = ("its start position was never reached" if never_met
               else "it broke the exercise's own rule for another movement" if other_movements
               else "they did not move between the exercise's start and peak levels" if not own.clear
               else (cause[1] if cause is not None else "the exercise's counter saw no rep"))
        return Verdict(f"disagree: spec 0, movement {movement.reps}", None,
                       f"{movement.reps} repetitions of a movement were seen but not counted: {why}")
    if not movement.clear:
        return Verdict("spec only")
    if abs(movement.reps - spec_reps) <= 1:
        return Verdict("confirmed")
    return Verdict(f"disagree: spec {spec_reps}, movement {movement.reps}", None,
                   f"count check: the movement alone shows {movement.reps} repetitions, the exercise's counter "
                   f"{spec_reps}; its count stands")


def movement_records(spec: ExerciseSpec, movement: Movement,
                     side_of: Callable[[str], Side | None]) -> list[RepRecord]:
    """The rep records of a movement counted alone: times, range and tempo, unjudged (no cues: its
    start position or rest was not confirmed, so neither are the spec's targets measured from them)."""
    out = []
    for i, ev in enumerate(movement.events, 1):
        rec, _ = make_rep_record(spec, ev, i, side_of(movement.sides[i - 1] if movement.sides else "left"), [],
                                 judging=UNJUDGED_RANGE)
        rec = replace(rec, cues=())
        out.append(replace(rec, quality=rep_quality(rec, spec)))
    return out


def check_count(spec: ExerciseSpec, summary: SetSummary, reps: RepTracking, diagnosis: Diagnosis,
                side_of: Callable[[str], Side | None],
                rebuild: Callable[[list[RepRecord]], SetSummary],
                recognised: Callable[[], bool] | None = None) -> SetSummary:
    """``summary`` with its ``count_confidence`` and, when the movement's reps are the count, those
    reps (``rebuild`` makes the set's summary of given rep records) and the note saying why.

    ``recognised`` answers whether the whole clip looks like this exercise (a clip's replay; None live);
    it is asked only when the spec counted nothing and its start pose was never met.
    """
    rep = spec.rep
    if rep is None:
        return summary
    looks_like = (recognised is not None and summary.reps == 0 and diagnosis.setup_share < MIN_SETUP_SHARE
                  and recognised())
    verdict = judge(rep, summary.reps, log_count(reps.signals, rep), diagnosis.cause(summary.reps, 0.0),
                    diagnosis.setup_share, reps.other_movements, looks_like)
    if verdict.movement is not None:  # the movement's reps are the count: nothing is left unexplained
        summary = rebuild(movement_records(spec, verdict.movement, side_of))
    note = (verdict.note,) if verdict.note else ()
    return replace(summary, notes=(*summary.notes, *note), count_confidence=verdict.confidence)
