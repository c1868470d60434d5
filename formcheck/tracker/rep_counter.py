"""Hysteresis rep counter on one signal: start zone → peak → back to the start zone.

Two thresholds with a gap (as every counter that works does, see
``shared/notes/peers.md``): a rep begins when the signal leaves the start
zone, reaches its top when it passes ``peak``, and is counted only when it
returns into the start zone after reaching the peak. Jitter around either
threshold therefore cannot count twice. An attempt that got past ``partial``
but not to ``peak`` is reported as a partial rep; smaller wobbles are ignored.

Direction is normalised once (``x = direction * value``) so the logic is
written for a rising signal only.

Example:
    >>> c = RepCounter(start=130, peak=160)
    >>> events = [c.update(t / 10, v) for t, v in enumerate([120, 140, 165, 150, 125])]
    >>> events[-1].complete, c.reps
    (True, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

CounterPhase = Literal["start", "ascent", "peak", "descent"]


@dataclass(frozen=True, slots=True)
class RepEvent:
    """A finished attempt: complete (reached the peak and came back) or partial.

    Times in seconds; ``rom`` is the signal's range within the attempt (its
    units); ``extreme`` the value furthest towards the peak.
    """

    start: float
    peak: float  # first time at the peak (or the time of the extreme for a partial)
    peak_end: float  # last time at the peak
    end: float
    complete: bool
    rom: float
    extreme: float
    held: float  # seconds beyond the peak threshold


class RepCounter:
    """Counts reps of one signal with enter/exit hysteresis.

    Args:
        start: Threshold of the start zone (the rep ends when the signal is back past it).
        peak: Threshold the signal must reach for a complete rep.
        partial: Threshold past which an attempt counts as a partial rep
            (default: 40 % of the way from start to peak).
        max_duration: An attempt out of the start zone longer than this (s) is
            dropped without a record, and nothing starts until the signal is back
            in the start zone: a limb parked outside the start zone (a braced arm,
            a held position) is not a rep.

    Raises:
        ValueError: ``start == peak`` or ``partial`` not between them.
    """

    def __init__(self, start: float, peak: float, partial: float | None = None,
                 max_duration: float = math.inf) -> None:
        self.max_duration = max_duration
        if start == peak:
            raise ValueError(f"RepCounter: start and peak must differ, both are {start}")
        self.direction = 1.0 if peak > start else -1.0
        q = partial if partial is not None else start + 0.4 * (peak - start)
        self._s, self._p, self._q = start * self.direction, peak * self.direction, q * self.direction
        if not self._s < self._q < self._p:
            raise ValueError(f"RepCounter: partial {q} must lie between start {start} and peak {peak}")
        self.reset()

    def reset(self) -> None:
        """Back to the start zone with no reps counted."""
        self.phase: CounterPhase = "start"
        self.stalled = True  # a rep can only begin once the signal has been seen in the start zone
        self.reps = 0
        self.partials = 0
        self._last_t: float | None = None
        self._begin(0.0, math.nan)

    def _begin(self, t: float, x: float) -> None:
        self._t0 = t
        self._min = x
        self._max = x
        self._t_max = t
        self._t_peak = math.nan
        self._t_peak_end = math.nan
        self._held = 0.0

    @property
    def in_rep(self) -> bool:
        """True while an attempt is under way (left the start zone)."""
        return self.phase != "start"

    @property
    def rep_start(self) -> float:
        """Time the current attempt left the start zone."""
        return self._t0

    def progress(self, value: float) -> float:
        """0 at the start threshold, 1 at the peak threshold (unclipped; NaN stays NaN)."""
        return (value * self.direction - self._s) / (self._p - self._s)

    def pending(self) -> RepEvent | None:
        """The attempt under way as a partial ``RepEvent`` (if it got past ``partial``), without ending it."""
        if self.in_rep and not self.stalled and self._max >= self._q:
            return self._event(self._last_t if self._last_t is not None else self._t0, complete=False)
        return None

    def abandon(self) -> RepEvent | None:
        """End the attempt under way without counting it (person left, stream ended).

        Returns a partial ``RepEvent`` when the attempt got past ``partial``, else None.
        """
        ev = None
        if self.in_rep and self._max >= self._q:
            ev = self._event(self._last_t if self._last_t is not None else self._t0, complete=False)
            self.partials += 1
        self.phase, self.stalled = "start", True  # resume only from the start zone
        self._begin(self._last_t or 0.0, math.nan)
        return ev

    def _event(self, t: float, complete: bool) -> RepEvent:
        d = self.direction
        reached = not math.isnan(self._t_peak)
        return RepEvent(
            start=self._t0, peak=self._t_peak if reached else self._t_max,
            peak_end=self._t_peak_end if reached else self._t_max, end=t, complete=complete,
            rom=float(self._max - self._min), extreme=float(self._max * d), held=self._held)

    def update(self, t: float, value: float) -> RepEvent | None:
        """Feed one sample; returns the attempt that finished at this sample, if any.

        A NaN value (signal unknown) changes nothing.
        """
        if math.isnan(value):
            return None
        x = value * self.direction
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        prev_t = self._last_t if self._last_t is not None else t
        self._last_t = t
        if self.stalled:
            if x <= self._s:
                self.stalled = False
                self._begin(t, x)
            return None
        if self.phase != "start" and t - self._t0 > self.max_duration:
            self.phase, self.stalled = "start", True
            return None
        if self.phase == "start":
            if x > self._s:
                self.phase = "ascent"
                self._begin(prev_t, x)
                self._min, self._t_max = min(x, self._s), t
            if x >= self._p:  # a jump straight to the peak (low frame rate)
                self.phase, self._t_peak, self._t_peak_end = "peak", t, t
            self._track(t, x)
            return None
        self._track(t, x)
        if self.phase in ("ascent", "descent") and x >= self._p:
            if self.phase == "ascent":
                self._t_peak = t
            self.phase = "peak"
            self._t_peak_end = t
            return None
        if self.phase == "peak":
            self._held += dt
            if x < self._p:
                self.phase = "descent"
            else:
                self._t_peak_end = t
                return None
        if x <= self._s:
            complete = self.phase == "descent"
            ev = self._event(t, complete) if complete or self._max >= self._q else None
            if complete:
                self.reps += 1
            elif ev is not None:
                self.partials += 1
            self.phase = "start"
            self._begin(t, x)
            return ev
        return None

    def _track(self, t: float, x: float) -> None:
        if x > self._max or math.isnan(self._max):
            self._max, self._t_max = x, t
        if x < self._min or math.isnan(self._min):
            self._min = x
