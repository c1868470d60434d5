"""Rep counter that calibrates to the person: a rep is a large excursion from rest and back.

No absolute thresholds decide whether a rep happened. The spec gives the
direction (which end of the signal is the far end), the smallest movement that
can be a rep at all (``min_excursion``) and which end is rest; the counter
learns the rest level and the person's typical excursion from the set itself:

* **rest** is the lowest value (direction-normalised) since the last rep;
* a movement **leaves rest** once it is ``ENTER`` of the typical excursion
  (half of ``min_excursion`` before the first rep) above the rest level;
* it **returns** once it has come back by ``RETURN`` of its own excursion (no
  pause at the bottom is needed: touch-and-go reps count), or once it has come back
  by ``REBOUND_BACK`` and stopped there (the limb rests a little short of where it
  rested before: a camera rolled a few degrees shrinks an angle's way back);
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
from dataclasses import dataclass
from typing import Literal

from formcheck.tracker.excursion import PEAK_ZONE, SETTLE_STEP, Excursion, FirstMove, LeadIn, RecentSizes
from formcheck.tracker.noise import NOISE_K

CounterPhase = Literal["start", "ascent", "peak", "descent"]
RestEnd = Literal["start", "either"]
CountAt = Literal["return", "turn"]

#: Leaving rest: this share of the typical excursion above the rest level.
ENTER = 0.25
#: Back at rest: the signal has come back by this share of the rep's own excursion.
RETURN = 0.7
#: A way back that turned into the next movement out (touch-and-go with a short lowering, after a
#: first rep that began from lower than the set then returns to) ended the rep once it had come
#: back by this share of the excursion, at least ``min_excursion``: more than half way is a rep's
#: way back, not a wobble at the far end. A way back that came back this far and stopped there
#: (``Excursion.settled_back``) ended the rep too.
REBOUND_BACK = 0.5
#: ``count_at="turn"``: the rep counts once the movement has come back by this share ...
TURN = 0.3
#: ... and the next can start once it has come back by this share (the rep is already
#: counted: this only keeps a wobble at the far end from counting twice).
REARM = 0.5
#: A complete rep reaches at least this share of the set's typical excursion.
COMPLETE = 0.5
#: Within this share of the leaving threshold above rest, the signal is still at rest (for timing).
STILL = 0.3
#: ``rest="either"``: a set that ends this long at the far end ends resting there: the last rep is done.
END_DWELL_S = 1.0
#: The typical excursion is the median of this many latest complete reps.
WINDOW = 5



def _phase(sign: int, out: bool, far: bool, reached: bool) -> CounterPhase:
    """Where the movement is, named along the spec's direction whatever end is rest."""
    if sign >= 0:  # rest at the start end, far end = the spec's peak end
        return "start" if not out else "peak" if far else "descent" if reached else "ascent"
    return "peak" if not out else "start" if far else "ascent" if reached else "descent"  # rest at the peak end


@dataclass(frozen=True, slots=True)
class RepEvent:
    """A finished attempt: complete, or a partial (a fragment of a rep).

    Times in seconds. ``peak`` is when the movement arrived at its far end and
    ``peak_end`` when it left it. ``rom`` is the excursion in the signal's units;
    ``extreme`` the value at the far end and ``rest`` the value at rest before it
    (signal units); ``fraction`` the excursion relative to the set's typical one
    (1.0 for the first rep); ``held`` the seconds spent at the far end.
    """

    start: float
    peak: float
    peak_end: float
    end: float
    complete: bool
    rom: float
    extreme: float
    held: float
    rest: float = math.nan
    fraction: float = 1.0
    #: The rep the set began in, already on its way back (``count_leading``): when that way back reached
    #: rest, which may be long before ``end`` (the signal's last rest before it moved again). NaN otherwise.
    came_back: float = math.nan

    @property
    def leading(self) -> bool:
        """The rep the set began in (``count_leading``), its start the first sample."""
        return not math.isnan(self.came_back)


def _event(start: float, t: float, ex: Excursion, complete: bool, typical: float | None, s: int) -> RepEvent:
    """The attempt ``ex`` that left rest at ``start`` and ends at ``t``, in the signal's own sign ``s``."""
    return RepEvent(start=start, peak=min(ex.arrived, ex.peak_end), peak_end=ex.peak_end, end=t,
                    complete=complete, rom=float(ex.size), extreme=float(ex.high * s), held=ex.held,
                    rest=float(ex.rest * s), fraction=float(ex.size / typical) if typical else 1.0)


def _lead_event(lead: LeadIn, end: float, size: float, s: int, rest: float) -> RepEvent:
    """The rep a set began in (``LeadIn``), ending at ``end`` back at ``rest`` (the counter's own units)."""
    return RepEvent(start=lead.t_first, peak=lead.t_top, peak_end=lead.t_top, end=end, complete=True,
                    rom=float(size), extreme=float(lead.top * s), held=0.0, rest=float(rest * s),
                    came_back=lead.back_at(rest, RETURN))


def _rebound_clear(ex: Excursion, x: float, noise_sd: float, min_size: float, rise: float) -> bool:
    """``ex``'s way back turned into the next movement out (``Excursion.rebounded``, ``REBOUND_BACK``),
    the way back and the rise each clear of ``NOISE_K`` times the signal's noise; never while the
    noise is unknown (NaN)."""
    margin = NOISE_K * noise_sd
    return not math.isnan(margin) and ex.rebounded(x, REBOUND_BACK, max(min_size, margin), max(rise, margin))


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
            come back ``REARM`` before the next rep.
        count_leading: A set that begins at the far end and moves back to rest was a rep under way
            (a clip starting mid-rep): count it. Live passes False (START mid-movement is no set).
        min_rep_s: Out and back faster than this (s) is a glitch of the pose model, not a rep.

    Raises:
        ValueError: ``direction`` not ±1 or ``min_excursion`` not positive.
    """

    def __init__(self, direction: int, min_excursion: float, rest: RestEnd = "start",
                 max_duration: float = math.inf, count_at: CountAt = "return", count_leading: bool = True,
                 min_rep_s: float = 0.0) -> None:
        if direction not in (1, -1):
            raise ValueError(f"RepCounter: direction must be +1 or -1, got {direction}")
        if not min_excursion > 0:
            raise ValueError(f"RepCounter: min_excursion must be positive, got {min_excursion}")
        self.direction = direction
        self.min_excursion = float(min_excursion)
        self.rest_end: RestEnd = rest
        self.max_duration, self.min_rep_s = max_duration, min_rep_s
        self.count_at: CountAt = count_at
        self.count_leading = count_leading
        self.reset()

    def reset(self) -> None:
        """Forget everything: no rest level, no typical excursion, no reps."""
        self.reps = 0
        self.partials = 0
        self._amps = RecentSizes(WINDOW)
        self._sign = 1 if self.rest_end == "start" else 0  # +1: rest at the start end; -1: at the peak end
        self._first = FirstMove(self.min_excursion)  # while the rest end is undecided
        self._last_t: float | None = None
        self._last_x = math.nan
        # With count_at="turn" a rep is reaching the far end from rest: a set that begins there
        # has not done one.
        self._lead = LeadIn(self.count_leading and self.rest_end == "start" and self.count_at == "return")
        self._at_rest(math.nan, 0.0)
        self._t_start = 0.0
        self.phase: CounterPhase = "start" if self._sign >= 0 else "peak"
        self.stalled = False

    def _at_rest(self, x: float, t: float) -> None:
        self._ex: Excursion | None = None
        self._r, self._t_r = x, t  # rest level and when the signal was last there

    # ------------------------------------------------------------------ state
    @property
    def in_rep(self) -> bool:
        """True while a movement is under way (left rest)."""
        return self._ex is not None

    @property
    def span(self) -> float:
        """Seconds from leaving rest to the last sample (the attempt under way, or the last one)."""
        return (self._last_t or 0.0) - self._t_start

    @property
    def typical(self) -> float | None:
        """The set's typical excursion (median of the latest complete reps), None before the first."""
        return self._amps.median

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
    def update(self, t: float, value: float, noise_sd: float = math.nan) -> RepEvent | None:
        """Feed one sample; returns the attempt that finished at this sample, if any.

        A NaN value (signal unknown) changes nothing. ``noise_sd``: the signal's measurement noise
        once measured (NaN: unknown), which a way back turning into the next rep must clear.
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
        ex = self._ex
        if ex is None:
            ev = self._rest_step(x, t)
        elif t - self._t_start > self.max_duration:
            self.stalled, self._ex, ev = True, None, None
        else:
            ex.advance(x, t, dt)
            ev = self._out_step(ex, x, t, noise_sd)
        self._set_phase(x, t)
        return ev

    def _rest_step(self, x: float, t: float) -> RepEvent | None:
        if self.stalled:
            # A parked limb: wait until the signal is back near where it rested.
            if not math.isnan(self._r) and x > self._r + 0.5 * self._needed():
                return None
            self.stalled = False
            self._at_rest(x, t)
        self._lead.see(x, t)
        if math.isnan(self._r) or x <= self._r:
            self._r = x
        enter = self._enter()
        if x - self._r <= STILL * enter:
            self._t_r = t  # still at rest: the rep starts when the signal leaves this band
        if x - self._r < enter:
            return None
        ev = self._leading_rep()  # the set began in a rep's way back: that rep ended here
        self._ex, self._t_start = Excursion(self._r, x, t), self._t_r
        return ev

    def _out_step(self, ex: Excursion, x: float, t: float, noise_sd: float) -> RepEvent | None:
        if self.count_at == "return" and ex.settled_short(x, t, self.min_excursion):
            self._at_rest(x, t)  # it settled a little way out: the rest moved, no rep is under way
            return None
        ev = None
        if self.count_at == "turn" and not ex.counted and ex.back_by(x) >= TURN:
            ev = self._finish(t, ex)
            ex.counted = ev is not None
        if ex.back_by(x) >= (REARM if ex.counted else RETURN):
            ev = ev if ex.counted else self._finish(t, ex)
            self._at_rest(x, t)
        elif self.count_at == "return" and _rebound_clear(ex, x, noise_sd, self.min_excursion, self._enter()):
            ev = self._finish(ex.t_low, ex)  # the rep ended at the turn; the next one left from there
            self._at_rest(ex.low, ex.t_low)
            self._ex, self._t_start = Excursion(ex.low, x, t), ex.t_low
        elif self.count_at == "return" and (stopped := ex.settled_back(
                x, t, REBOUND_BACK, SETTLE_STEP * self.min_excursion)) is not None:
            ev = self._finish(stopped, ex)  # came back part of the way and rests there: the rep ended
            self._at_rest(x, t)
        return ev

    def _enter(self) -> float:
        """How far above rest the signal must be to have left it."""
        a = self.typical
        return ENTER * a if a is not None else 0.5 * self.min_excursion

    def _leading_rep(self) -> RepEvent | None:
        """The rep the set began in, once it has come back to rest (``count_leading``), else None."""
        size = self._lead.came_down(self._r, self._t_r, self.min_excursion)
        self._lead.open = False
        if size is None:
            return None
        self.reps += 1
        self._amps.add(size)
        return _lead_event(self._lead, self._t_r, size, self._sign * self.direction, self._r)

    def _decide_rest(self, v: float) -> bool:
        """``rest: either``: the first clear movement away from where the person started decides."""
        self._sign = self._first.sign(v)
        if self._sign:
            self._at_rest(self._first.first * self._sign, self._last_t or 0.0)
        return bool(self._sign)

    def _finish(self, t: float, ex: Excursion) -> RepEvent | None:
        size, typical = ex.size, self.typical
        if t - self._t_start < self.min_rep_s:
            return None  # out and back within a few frames: a glitch of the pose model
        if size >= self._needed():
            complete = True
        elif size >= self.min_excursion:
            complete = False  # a real movement, well under the set's typical range
        else:
            return None  # a wobble, not an attempt
        ev = _event(self._t_start, t, ex, complete, typical, self._sign * self.direction)
        if complete:
            self.reps += 1
            self._amps.add(size)
        else:
            self.partials += 1
        return ev

    def new_shot(self) -> None:
        """A cut in an edited clip: at rest, the rest level starts again from the next sample."""
        if self._ex is None and not self.stalled:
            self._r = math.nan

    def discard_last(self) -> None:
        """Forget the last complete rep (it turned out to be another movement): count and range."""
        if self._amps:
            self._amps.withdraw_last()
            self.reps -= 1

    def _set_phase(self, x: float, t: float) -> None:
        """Name the position along the spec's direction (module docstring): out of rest, moving
        out until it stops at a far end (half of what a rep needs), at the far end, moving back."""
        ex = self._ex
        far = ex is not None and ex.at_far_end(x, t, 0.5 * self._needed())
        self.phase = _phase(self._sign, ex is not None, far, ex is not None and ex.reached)

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
        ex = self._ex
        if ex is None:
            size = None if self.stalled else self._lead.came_down(self._r, self._t_r, self.min_excursion)
            return _lead_event(self._lead, t, size, self._sign * self.direction, self._r) if size is not None else None
        if self.stalled or ex.counted or ex.size < self.min_excursion:
            return None
        full = ex.size >= self._needed()
        turned = self.count_at == "turn" and ex.back_by(self._last_x) > PEAK_ZONE
        rests_there = (self.rest_end == "either" and ex.back_by(self._last_x) <= PEAK_ZONE
                       and t - ex.arrived >= END_DWELL_S)
        return _event(self._t_start, t, ex, full and (turned or rests_there), self.typical,
                      self._sign * self.direction)

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
        self.stalled = self._ex is not None
        self._ex = None
        self._lead.open = False
        self.phase = "start" if self._sign >= 0 else "peak"
        return ev
