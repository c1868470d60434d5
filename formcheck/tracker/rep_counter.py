"""Rep counter that calibrates to the person: a rep is a large excursion from rest and back.

No absolute thresholds decide whether a rep happened. The spec gives the
direction (which end of the signal is the far end), the smallest movement that
can be a rep at all (``min_excursion``) and which end is rest; the counter
learns the rest level and the person's typical excursion from the set itself:

* **rest** is the lowest value (direction-normalised) since the last rep;
* a movement **leaves rest** once it is ``ENTER`` of the typical excursion
  (half of ``min_excursion`` before the first rep) above the rest level;
* it **returns** once it has come back by ``RETURN`` of its own excursion (no
  pause at the bottom is needed: touch-and-go reps count);
* a returned movement is a **complete** rep when its excursion is at least
  ``min_excursion`` and at least ``COMPLETE`` of the typical excursion of the
  set so far (the median of the last reps), and a **partial** rep when it is a
  real movement (``min_excursion`` or more) well under the set's typical range;
  smaller wobbles are nothing. Before the first rep every real movement counts.

Whether a rep went deep enough is judged elsewhere (the rep record and the
form rules): counting and judging are separate questions.

Where the spec allows either end as rest (a deadlift from the floor, a
Romanian deadlift from standing), the end the person starts at is rest: the
first movement of ``min_excursion`` decides.

Phases are named by position along the spec's direction, whatever end is
rest: ``start`` (near the spec's start end), ``ascent`` (moving towards the
peak end), ``peak`` (near the far end of the movement), ``descent``.

Example:
    >>> c = RepCounter(direction=1, min_excursion=20)
    >>> values = [120, 121, 135, 150, 165, 150, 130, 120, 121]
    >>> events = [c.update(t / 10, v) for t, v in enumerate(values)]
    >>> [e.complete for e in events if e], c.reps
    ([True], 1)
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Literal

CounterPhase = Literal["start", "ascent", "peak", "descent"]
RestEnd = Literal["start", "either"]
CountAt = Literal["return", "turn"]

#: Leaving rest: this share of the typical excursion above the rest level.
ENTER = 0.25
#: Back at rest: the signal has come back by this share of the rep's own excursion.
RETURN = 0.7
#: ``count_at="turn"``: the rep counts once the movement has come back by this share ...
TURN = 0.3
#: ... and the next can start once it has come back by this share (the rep is already
#: counted: this only keeps a wobble at the far end from counting twice).
REARM = 0.5
#: A complete rep reaches at least this share of the set's typical excursion.
COMPLETE = 0.5
#: Within this share of the leaving threshold above rest, the signal is still at rest (for timing).
STILL = 0.3
#: The movement is at its far end (phase ``peak``) when it has stopped rising for this long ...
STALL_S = 0.2
#: "Rising" means by more than this share of the excursion (less is jitter at the top).
RISE = 0.05
#: ... or come off its maximum, and is within this share of the excursion from it.
PEAK_ZONE = 0.15
#: ``rest="either"``: a set that ends this long at the far end ends resting there: the last rep is done.
END_DWELL_S = 1.0
#: The typical excursion is the median of this many latest complete reps.
WINDOW = 5


@dataclass(frozen=True, slots=True)
class RepEvent:
    """A finished attempt: complete, or a partial (a fragment of a rep).

    Times in seconds. ``rom`` is the excursion in the signal's units; ``extreme``
    the value at the far end (signal units, not normalised); ``rest`` the value
    at rest before it; ``fraction`` the excursion relative to the set's typical
    one (1.0 for the first rep); ``held`` the seconds spent in the peak zone.
    """

    start: float
    peak: float  # time at the far end of the movement
    peak_end: float  # last time in the peak zone
    end: float
    complete: bool
    rom: float
    extreme: float
    held: float
    rest: float = math.nan
    fraction: float = 1.0


class RepCounter:
    """Counts reps of one signal, calibrated to the person's own range within the set.

    Args:
        direction: +1 when the signal rises from the spec's start end to its peak end, -1 when it falls.
        min_excursion: The smallest movement (signal units) that can be a rep.
        rest: ``"start"``: the spec's start end is rest; ``"either"``: the end the person starts at.
        max_duration: An attempt out of rest longer than this (s) is dropped, and nothing
            starts until the signal is back at rest: a parked limb is not a rep.
        count_at: ``"return"``: a rep counts when the signal is back at rest; ``"turn"``: as soon
            as it turns back from the far end (``TURN`` of the excursion), then it must still
            return to rest before the next rep.
        count_leading: A set that begins at the far end and moves back to rest was a rep under
            way (a clip that starts in a rep's way down): count it. The live page passes False
            (a movement under way when START is pressed is not the user's set).

    Raises:
        ValueError: ``direction`` not ±1 or ``min_excursion`` not positive.
    """

    def __init__(self, direction: int, min_excursion: float, rest: RestEnd = "start",
                 max_duration: float = math.inf, count_at: CountAt = "return", count_leading: bool = True) -> None:
        if direction not in (1, -1):
            raise ValueError(f"RepCounter: direction must be +1 or -1, got {direction}")
        if not min_excursion > 0:
            raise ValueError(f"RepCounter: min_excursion must be positive, got {min_excursion}")
        self.direction = direction
        self.min_excursion = float(min_excursion)
        self.rest_end: RestEnd = rest
        self.max_duration = max_duration
        self.count_at: CountAt = count_at
        self.count_leading = count_leading
        self.reset()

    def reset(self) -> None:
        """Forget everything: no rest level, no typical excursion, no reps."""
        self.reps = 0
        self.partials = 0
        self._amps: list[float] = []
        self._sign = 1 if self.rest_end == "start" else 0  # +1: rest at the start end; -1: at the peak end
        self._first = math.nan  # first value seen, while the rest end is undecided
        self._last_t: float | None = None
        self._last_x = math.nan
        # A rep under way when the set began: the highest value before the first movement out.
        # (With count_at="turn" a rep is reaching the far end from rest: a set that begins there
        # has not done one.)
        self._lead_open = self.count_leading and self.rest_end == "start" and self.count_at == "return"
        self._lead_top, self._t_lead_top, self._t_first = -math.inf, 0.0, math.nan
        self._rest_level()
        self._t_start = 0.0
        self.phase: CounterPhase = "start" if self._sign >= 0 else "peak"
        self.stalled = False

    def _rest_level(self, x: float = math.nan, t: float = 0.0) -> None:
        self._out = False
        self._r, self._t_r = x, t  # rest level and when it was last there
        self._h, self._t_h = math.nan, t  # far end so far
        self._t_peak_end = t
        self._held = 0.0
        self._was_in_zone = False
        self._h_mark, self._t_mark = -math.inf, t
        self._reached = False
        self._counted = False  # count_at="turn": this movement already gave its rep

    # ------------------------------------------------------------------ state
    @property
    def in_rep(self) -> bool:
        """True while a movement is under way (left rest)."""
        return self._out

    @property
    def rep_start(self) -> float:
        """When the attempt under way (or the last one) left rest."""
        return self._t_start

    @property
    def last_t(self) -> float | None:
        """Time of the last sample fed."""
        return self._last_t

    @property
    def typical(self) -> float | None:
        """The set's typical excursion (median of the latest complete reps), None before the first."""
        return statistics.median(self._amps[-WINDOW:]) if self._amps else None

    def _needed(self) -> float:
        a = self.typical
        return max(self.min_excursion, COMPLETE * a) if a is not None else self.min_excursion

    def progress(self, value: float) -> float:
        """How far from rest towards the typical far end, 0-1 (unclipped; NaN stays NaN)."""
        if math.isnan(value) or math.isnan(self._r) or self._sign == 0:
            return math.nan
        span = self.typical or self.min_excursion
        return (value * self.direction * self._sign - self._r) / span

    # ------------------------------------------------------------------ updates
    def update(self, t: float, value: float) -> RepEvent | None:
        """Feed one sample; returns the attempt that finished at this sample, if any.

        A NaN value (signal unknown) changes nothing.
        """
        if math.isnan(value):
            return None
        v = value * self.direction
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        if self._sign == 0 and not self._decide_rest(v):
            return None
        x = v * self._sign
        self._last_x = x
        if not self._out:
            if self.stalled:
                # A parked limb: wait until the signal is back near where it rested.
                if not math.isnan(self._r) and x > self._r + 0.5 * self._needed():
                    return None
                self.stalled = False
                self._rest_level(x, t)
            if math.isnan(self._t_first):
                self._t_first = t
            if math.isnan(self._r) or x <= self._r:
                self._r = x
            if self._lead_open and x >= self._lead_top:
                self._lead_top, self._t_lead_top = x, t
            a = self.typical
            enter = ENTER * a if a is not None else 0.5 * self.min_excursion
            if x - self._r <= STILL * enter:
                self._t_r = t  # still at rest: the rep starts when the signal leaves this band
            ev = None
            if x - self._r >= enter:
                ev = self._leading_rep()  # the set began in a rep's way back: that rep ends here
                self._out, self._h, self._t_h, self._t_peak_end = True, x, t, t
                self._h_mark, self._t_mark = x, t
                self._t_start = self._t_r
            self._set_phase(x)
            return ev
        if t - self._t_start > self.max_duration:
            self.stalled = True
            self._out = False
            self._set_phase(x)
            return None
        if x > self._h:
            self._h, self._t_h = x, t
        exc = self._h - self._r
        if x > self._h_mark + RISE * exc:  # still rising clearly (not jitter or smoothing at the top)
            self._h_mark, self._t_mark = x, t
        in_zone = x >= self._h - PEAK_ZONE * exc
        if in_zone:
            if self._was_in_zone:
                self._held += dt  # only the time between two samples both at the far end
            self._t_peak_end = t
        self._was_in_zone = in_zone
        ev = None
        if self.count_at == "turn" and not self._counted and x <= self._h - TURN * exc:
            ev = self._finish(t, exc)
            self._counted = ev is not None
        if x <= self._h - (REARM if self._counted else RETURN) * exc:
            if not self._counted:
                ev = self._finish(t, exc)
            self._rest_level(x, t)
        self._set_phase(x)
        return ev

    def _leading_rep(self) -> RepEvent | None:
        """The rep the set began in, once it has come back to rest (``count_leading``), else None."""
        if not self._lead_open:
            return None
        self._lead_open = False
        exc = self._lead_top - self._r
        if exc < self.min_excursion or self._t_r <= self._t_lead_top:
            return None
        self.reps += 1
        self._amps.append(exc)
        s = self._sign * self.direction
        return RepEvent(start=self._t_first, peak=self._t_lead_top, peak_end=self._t_lead_top, end=self._t_r,
                        complete=True, rom=float(exc), extreme=float(self._lead_top * s), held=0.0,
                        rest=float(self._r * s), fraction=1.0)

    def _decide_rest(self, v: float) -> bool:
        """``rest: either``: the first clear movement away from where the person started decides."""
        if math.isnan(self._first):
            self._first = v
        if abs(v - self._first) < self.min_excursion:
            return False
        # Moved towards the peak end first: rest is the start end; moved away from it: rest is the peak end.
        self._sign = 1 if v > self._first else -1
        self._rest_level(self._first * self._sign, self._last_t or 0.0)
        return True

    def _finish(self, t: float, exc: float) -> RepEvent | None:
        needed = self._needed()
        typical = self.typical
        if exc >= needed:
            complete = True
        elif exc >= self.min_excursion:
            complete = False  # a real movement, well under the set's typical range
        else:
            return None  # a wobble, not an attempt
        ev = self._event(t, exc, complete, typical)
        if complete:
            self.reps += 1
            self._amps.append(exc)
        else:
            self.partials += 1
        return ev

    def discard_last(self) -> None:
        """Forget the last complete rep (it turned out to be another movement): count and range."""
        if self._amps:
            self._amps.pop()
            self.reps -= 1

    def _event(self, t: float, exc: float, complete: bool, typical: float | None) -> RepEvent:
        s = self._sign * self.direction
        arrived = min(self._t_mark, self._t_peak_end)  # reached the far end (stopped rising clearly)
        return RepEvent(start=self._t_start, peak=arrived, peak_end=self._t_peak_end, end=t, complete=complete,
                        rom=float(exc), extreme=float(self._h * s), held=self._held, rest=float(self._r * s),
                        fraction=float(exc / typical) if typical else 1.0)

    def _set_phase(self, x: float) -> None:
        """Name the position along the spec's direction (see the module docstring).

        Out of rest: moving out until the movement stalls at its far end (within ``PEAK_ZONE``
        of its maximum, having stopped rising for ``STALL_S`` or come off the maximum, and far
        enough to be a rep), at the far end, then moving back.
        """
        far = False
        if self._out:
            exc = self._h - self._r
            stalled = (self._last_t or 0.0) - self._t_mark >= STALL_S or x <= self._h - RISE * exc
            far = x >= self._h - PEAK_ZONE * exc and exc >= 0.5 * self._needed() and stalled
            self._reached = self._reached or far
        if self._sign >= 0:  # rest at the start end, far end = the spec's peak end
            self.phase = ("start" if not self._out else "peak" if far else
                          "descent" if self._reached else "ascent")
        else:  # rest at the peak end (e.g. a Romanian deadlift from standing)
            self.phase = ("peak" if not self._out else "start" if far else
                          "ascent" if self._reached else "descent")

    # ------------------------------------------------------------------ ends of a set
    def pending(self) -> RepEvent | None:
        """The attempt under way as a ``RepEvent``, without ending it (a set ends mid-movement).

        A clear fragment (``min_excursion`` or more) is a partial rep. It is the complete rep
        it would soon be when the movement reached a full far end and then either turned back
        (``count_at="turn"``) or stayed there to the end (``rest="either"``: the person ends
        the set resting at that end: a floor deadlift lowered to the bar). A set that began at
        the far end and came back to rest (``count_leading``) was one complete rep.
        """
        t = self._last_t if self._last_t is not None else self._t_start
        if not self._out:
            if self._lead_open and not self.stalled and self._lead_top - self._r >= self.min_excursion \
                    and self._t_r > self._t_lead_top:
                s = self._sign * self.direction
                return RepEvent(start=self._t_first, peak=self._t_lead_top, peak_end=self._t_lead_top, end=t,
                                complete=True, rom=float(self._lead_top - self._r),
                                extreme=float(self._lead_top * s), held=0.0, rest=float(self._r * s))
            return None
        if self.stalled or self._counted:
            return None
        exc = self._h - self._r
        if exc < self.min_excursion:
            return None
        full = exc >= self._needed()
        turned = self.count_at == "turn" and self._last_x < self._h - PEAK_ZONE * exc
        rests_there = (self.rest_end == "either" and self._last_x >= self._h - PEAK_ZONE * exc
                       and t - self._t_mark >= END_DWELL_S)
        return self._event(t, exc, full and (turned or rests_there), self.typical)

    def abandon(self) -> RepEvent | None:
        """End the attempt under way without counting it (person left, stream ended).

        Returns the attempt as ``pending`` reports it (a partial, or the complete rep of a
        ``count_at="turn"`` movement that left its far end), else None.
        """
        ev = self.pending()
        if ev is not None and ev.complete:
            self.reps += 1
        elif ev is not None:
            self.partials += 1
        self.stalled = self._out
        self._out = False
        self.phase = "start" if self._sign >= 0 else "peak"
        return ev
