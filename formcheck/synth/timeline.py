"""When things happen in a synthetic clip: reps, holds, faults, and the label they give.

:func:`plan` turns the clip parameters into a :class:`Timeline`: a list of
rep (or hold) plans with their phase times, the faults each one shows, and a
``phase_at(t)`` that pose functions consume. The same plan produces the
ground-truth label, so labels and motion cannot disagree.

Example:
    >>> tl = plan("glute_bridge", reps=3, seed=1)
    >>> len(tl.reps), tl.duration > 9
    (3, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from formcheck.records.errors import SynthError
from formcheck.records.labels import FaultLabel, HoldLabel, RepLabel, Side
from formcheck.synth.exercises import EXERCISES, Exercise
from formcheck.synth.motions import Phase

LEAD_IN = 1.5   # s at rest before the first rep: the pose model and the tracker settle
LEAD_OUT = 1.2  # s at rest after the last rep
RAMP = 0.25     # s a posture fault takes to fade in/out at the edges of the reps it affects
FAST = (0.4, 0.1, 0.4)  # up, hold, down of a too-fast rep
PARTIAL = 0.3  # share of the range of motion a partial rep reaches (clearly short of the top)
MAX_PHASE_S = 600.0     # longest tempo phase or hold: 10 minutes
MAX_DURATION_S = 1800.0  # longest clip: 30 minutes (its frames and joints are kept in memory)


def _seconds(value: float, what: str, low: float, high: float = MAX_PHASE_S) -> float:
    """``value`` when it is a finite number of seconds in ``[low, high]``, else ``SynthError``."""
    if not (math.isfinite(value) and low <= value <= high):
        raise SynthError(f"{what} must be {low:g}-{high:g} seconds, got {value}")
    return value


@dataclass(frozen=True)
class RepPlan:
    """One rep (or the one hold): phase times in seconds and what is special about it."""

    start: float
    up_end: float
    down_start: float
    end: float
    peak: float = 1.0          # progress reached at the top (partial reps < 1)
    side: Side | None = None
    faults: tuple[str, ...] = ()

    @property
    def top(self) -> float:
        return 0.5 * (self.up_end + self.down_start)


def _ease(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * float(np.cos(np.pi * u))


@dataclass
class Timeline:
    """Rep/hold plans of one clip and the queries on them."""

    exercise: Exercise
    reps: list[RepPlan]
    duration: float
    fault: str | None = None
    fault_windows: list[tuple[float, float]] = field(default_factory=list)  # hold faults only

    def phase_at(self, t: float) -> Phase:
        """Progress, side, fault weights and the rep under way (the last one started) at time ``t``."""
        s, side, weights, rep = 0.0, None, {}, 0
        for i, r in enumerate(self.reps):
            if r.start <= t:
                rep = i
            if r.start <= t <= r.end:
                if t < r.up_end:
                    s = r.peak * _ease((t - r.start) / (r.up_end - r.start))
                elif t <= r.down_start:
                    s = r.peak
                else:
                    s = r.peak * (1.0 - _ease((t - r.down_start) / (r.end - r.down_start)))
                side = r.side
                break
        if side is None and self.reps and self.exercise.sided:
            side = self.reps[0].side
        if self.fault:
            weights[self.fault] = self._fault_weight(t)
        return Phase(t=t, s=s, side=side, weights=weights, rep=rep)

    def _fault_weight(self, t: float) -> float:
        windows = self.fault_windows or [(r.start, r.end) for r in self.reps if self.fault in r.faults]
        w = 0.0
        for a, b in windows:
            # Ramps lie inside the labelled range, so the fault is never visible outside its label.
            w = max(w, min(1.0, (t - a) / RAMP, (b - t) / RAMP))
        return float(np.clip(w, 0.0, 1.0))

    def rep_labels(self) -> list[RepLabel]:
        if self.exercise.kind != "reps":
            return []
        return [RepLabel(start=round(r.start, 3), top=round(r.top, 3), end=round(r.end, 3),
                         side=r.side if (self.exercise.alternating or self.exercise.sided) else None,
                         complete=r.peak >= 0.99) for r in self.reps]

    def hold_labels(self) -> list[HoldLabel]:
        if self.exercise.kind != "hold":
            return []
        return [HoldLabel(start=round(r.up_end, 3), end=round(r.down_start, 3),
                          side=r.side if self.exercise.alternating else None) for r in self.reps]

    def fault_labels(self) -> list[FaultLabel]:
        if not self.fault:
            return []
        if self.fault_windows:
            spans = self.fault_windows
        else:
            spans = [(r.start, r.end) for r in self.reps if self.fault in r.faults]
        return [FaultLabel(id=self.fault, start=round(a, 3), end=round(min(b, self.duration), 3)) for a, b in spans]


def default_fault_reps(n: int, alternating: bool) -> list[int]:
    """Reps a fault affects by default: every other rep (pairs for alternating exercises).

    Clean and faulty reps in one clip test both that a cue fires and that it
    does not fire on good reps.
    """
    if alternating:
        return [i for i in range(n) if (i // 2) % 2 == 1] or [n - 1]
    return [i for i in range(n) if i % 2 == 1] or [0]


def plan(exercise: str, *, reps: int | None = None, fault: str | None = None, seed: int = 0,
         side: str | None = None, tempo: tuple[float, float, float, float] | None = None,
         hold: float | None = None, rom: float = 1.0, fault_reps: list[int] | None = None,
         duration: float | None = None) -> Timeline:
    """Schedule a clip.

    Args:
        exercise: Exercise id (see :data:`~formcheck.synth.exercises.EXERCISES`).
        reps: Number of reps (rep exercises); default from the exercise.
        fault: One fault id the clip shows, or None for clean form.
        seed: Seeds small per-rep tempo variation (±8 %).
        side: ``left``/``right``: the working side (bird-dog: the arm; rows: the
            pulling arm; lunge: the front leg; single-leg RDL: the standing leg).
            Bird-dog and lunge alternate starting on the left when None.
        tempo: (up, hold at top, down, rest) seconds; default per exercise.
        hold: Overrides the hold time at the top (hold exercises: the hold).
        rom: Range of motion scale 0.3-1 for every rep (below 0.99 the reps are partial).
        fault_reps: 0-based reps a rep fault affects (default every other rep).
        duration: Idle clips only: length in seconds.

    Raises:
        SynthError: Unknown exercise or fault, or a value out of range.
    """
    if exercise not in EXERCISES:
        raise SynthError(f"unknown exercise {exercise!r}; choose one of: {', '.join(sorted(EXERCISES))}")
    ex = EXERCISES[exercise]
    if reps is not None and ex.kind != "reps":  # silently ignoring it would give another clip than asked for
        raise SynthError(f"{exercise} is {'a hold' if ex.kind == 'hold' else 'not an exercise'}: --reps does not "
                         f"apply{' (use --hold SECONDS)' if ex.kind == 'hold' else ''}")
    if fault is not None and fault not in ex.all_faults:
        raise SynthError(f"fault {fault!r} is not available for {exercise}; "
                         f"choose one of: {', '.join(ex.all_faults) or '(none)'}")
    if side not in (None, "left", "right"):
        raise SynthError(f"--side must be left or right, got {side!r}")
    if not 0.3 <= rom <= 1.0:
        raise SynthError(f"range of motion must be 0.3-1.0, got {rom}")
    if ex.kind == "idle":
        from formcheck.synth.idle import IDLE_SCRIPT
        return Timeline(ex, [], _seconds(float(duration or IDLE_SCRIPT[-1][0]), "duration", 1.0, MAX_DURATION_S))
    up, top, down, rest = tempo or ex.tempo
    if hold is not None:
        top = _seconds(hold, "hold", 0.0)
    for value, what, low in ((up, "tempo UP", 0.05), (top, "tempo HOLD", 0.0), (down, "tempo DOWN", 0.05),
                             (rest, "tempo REST", 0.0)):
        _seconds(value, what, low)
    # A hold is one hold, or one per side for a stretch done to each side in turn.
    n = (2 if ex.alternating else 1) if ex.kind == "hold" else (ex.reps if reps is None else reps)
    if not 1 <= n <= 100:
        raise SynthError(f"reps must be 1-100, got {n}")
    if fault_reps is not None and fault is not None:
        outside = sorted({i for i in fault_reps if not 0 <= i < n})
        if outside or not fault_reps:
            raise SynthError(f"fault reps must be 0-based rep numbers 0-{n - 1}, got {list(fault_reps)}")
    longest = LEAD_IN + LEAD_OUT + n * (up + top + down + rest) * 1.1
    if longest > MAX_DURATION_S:
        raise SynthError(f"the clip would last about {longest:.0f} s; at most {MAX_DURATION_S:.0f} s "
                         "(fewer reps or shorter tempo/hold)")
    rng = np.random.default_rng(seed)
    affected = set(fault_reps if fault_reps is not None else default_fault_reps(n, ex.alternating))
    plans, t = [], LEAD_IN
    for i in range(n):
        k = 1.0 + rng.uniform(-0.08, 0.08) if ex.kind == "reps" else 1.0
        rep_faults = (fault,) if fault and (i in affected or ex.kind == "hold") else ()
        u, h, d = (FAST if "too_fast" in rep_faults else (up * k, top * k, down * k))
        peak = rom * (PARTIAL if "partial_rep" in rep_faults else 1.0)
        rep_side: Side | None
        if ex.alternating:
            first: Side = "right" if side == "right" else "left"
            rep_side = first if side or i % 2 == 0 else ("right" if first == "left" else "left")
        else:
            rep_side = ("right" if side == "right" else "left") if ex.sided else None
        plans.append(RepPlan(t, t + u, t + u + h, t + u + h + d, peak, rep_side, rep_faults))
        t += u + h + d + (rest * k if i < n - 1 else 0.0)
    tl = Timeline(ex, plans, round(t + LEAD_OUT, 6), fault)
    if ex.kind == "hold" and fault:
        r = plans[0]  # the (first) hold is clean at first, then the fault shows for the middle half
        a = r.up_end + 0.3 * (r.down_start - r.up_end)
        tl.fault_windows = [(a, r.down_start - 0.1 * (r.down_start - r.up_end))]
    return tl
