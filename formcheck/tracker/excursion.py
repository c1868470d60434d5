"""One movement out of rest, as the rep counter follows it: its far end, arrival and time there.

Values are direction-normalised (the far end is high). ``Excursion`` knows
nothing about counting; ``RepCounter`` decides what a finished movement was.

Example:
    >>> e = Excursion(rest=100.0, x=110.0, t=0.0)
    >>> for i, x in enumerate([130.0, 150.0, 150.0, 149.0, 150.0], 1):
    ...     e.advance(x, i / 10, 0.1)
    >>> e.size, e.arrived, round(e.held, 2)
    (50.0, 0.2, 0.3)
"""

from __future__ import annotations

import math
import statistics

#: "Rising" means by more than this share of the excursion (less is jitter or smoothing at the top).
RISE = 0.05
#: The far end is within this share of the excursion from the movement's maximum.
PEAK_ZONE = 0.15
#: A movement that has not risen clearly for this long has stopped at its far end.
STALL_S = 0.2
#: A movement smaller than a rep can be that then stays put this long shifted the rest level (the
#: person settling into position, the pose model's landmarks settling in a stream's first frames):
#: it is not a rep under way. "Put" means no progress of a quarter of what a rep needs
#: (``SETTLE_STEP`` of ``min_excursion``): any rep covers that in well under this time.
SETTLE_S = 0.6
SETTLE_STEP = 0.25


class Excursion:
    """The movement under way: from ``rest`` up to its highest point so far.

    Args:
        rest: The rest level it left.
        x: The value when it left rest.
        t: The time it left rest.
    """

    __slots__ = ("rest", "high", "t_high", "arrived", "_mark", "peak_end", "held", "_in_zone", "reached",
                 "counted", "_settle", "low", "t_low", "_still")

    def __init__(self, rest: float, x: float, t: float) -> None:
        self.rest = rest
        self.high, self.t_high = x, t  # highest point so far
        self.arrived = t  # when it last rose clearly: the arrival at the far end
        self._mark = x
        self.peak_end = t  # last time at the far end
        self.held = 0.0  # seconds at the far end (between two samples both there)
        self._in_zone = False
        self.reached = False  # has been at the far end (for phase naming)
        self.counted = False  # count_at="turn": this movement already gave its rep
        self._settle = (x, t)  # the last clear step out, for settled_short
        self.low, self.t_low = x, t  # lowest point since the highest: the way back so far
        self._still = (math.nan, t)  # the way back's last clear step (value, time), for settled_back

    @property
    def size(self) -> float:
        """Excursion from rest to the highest point so far."""
        return self.high - self.rest

    def advance(self, x: float, t: float, dt: float) -> None:
        """Feed the next sample of the movement."""
        if x > self.high:
            self.high, self.t_high = x, t
            self.low, self.t_low = x, t
        elif x < self.low:
            self.low, self.t_low = x, t
        size = self.size
        if x > self._mark + RISE * size:
            self._mark, self.arrived = x, t
        in_zone = x >= self.high - PEAK_ZONE * size
        if in_zone:
            if self._in_zone and self.arrived != t:  # still rising clearly is not holding
                self.held += dt
            self.peak_end = t
        self._in_zone = in_zone

    def settled_short(self, x: float, t: float, min_size: float) -> bool:
        """Stopped for ``SETTLE_S`` before getting ``min_size`` out: the rest moved, not a rep.

        Stopped: no step out of ``SETTLE_STEP`` of ``min_size`` for ``SETTLE_S`` (a creep
        smaller than that is still).

        Example:
            >>> e = Excursion(rest=100.0, x=103.0, t=0.0)
            >>> [e.settled_short(x, t, min_size=10.0) for x, t in ((104.0, 0.2), (104.5, 0.5), (105.0, 0.9))]
            [False, False, True]
            >>> e.settled_short(105.0, 0.9, min_size=3.0)
            False
        """
        if x >= self._settle[0] + SETTLE_STEP * min_size:
            self._settle = (x, t)
        return self.size < min_size and t - self._settle[1] >= SETTLE_S

    def settled_back(self, x: float, t: float, back: float, step: float) -> float | None:
        """The way back stopped: it came back by ``back`` of the excursion, then stayed within ``step``
        of where it stopped for ``SETTLE_S``. Returns when it stopped (None while it has not).

        The limb came back and rests there, a little short of where it rested before: a rep's end,
        though the way back fell short of the share that ends a rep without a stop.

        Example:
            >>> e, out = Excursion(rest=0.0, x=5.0, t=0.0), []
            >>> for i, x in enumerate([20.0, 30.0, 20.0, 12.0, 13.0, 12.5, 13.5, 12.0, 13.0, 12.5], 1):
            ...     e.advance(x, i / 10, 0.1)
            ...     out.append(e.settled_back(x, i / 10, back=0.5, step=2.0))
            >>> out[-2:]
            [None, 0.4]
        """
        if self.back_by(x) < back:
            self._still = (math.nan, t)
        elif math.isnan(self._still[0]) or abs(x - self._still[0]) > step:
            self._still = (x, t)
        return self._still[1] if t - self._still[1] >= SETTLE_S else None

    def rebounded(self, x: float, back: float, min_size: float, rise: float) -> bool:
        """The way back turned into another movement out before reaching rest: it came back by
        ``back`` of the excursion and at least ``min_size``, then rose ``rise`` from its lowest point.

        Example:
            >>> e = Excursion(rest=100.0, x=110.0, t=0.0)
            >>> for i, x in enumerate([160.0, 125.0, 140.0], 1):
            ...     e.advance(x, i / 10, 0.1)
            >>> e.rebounded(140.0, back=0.5, min_size=20.0, rise=10.0), (e.low, e.t_low)
            (True, (125.0, 0.2))
        """
        return (self.back_by(self.low) >= back and self.high - self.low >= min_size
                and x - self.low >= rise)

    def back_by(self, x: float) -> float:
        """How far ``x`` has come back from the far end, as a share of the excursion (0-1+)."""
        size = self.size
        return (self.high - x) / size if size > 0 else 0.0

    def at_far_end(self, x: float, t: float, far_enough: float) -> bool:
        """At the far end: near the maximum, having stopped rising (or come off it), at least ``far_enough`` out."""
        size = self.size
        stopped = t - self.arrived >= STALL_S or x <= self.high - RISE * size
        far = x >= self.high - PEAK_ZONE * size and size >= far_enough and stopped
        self.reached = self.reached or far
        return far


class RecentSizes:
    """The sizes of the latest complete reps and their median: the set's typical excursion.

    The median is kept up to date as reps are added or withdrawn: the counter reads it on
    every frame, and sorting the window again each time would cost more than the counting.

    Example:
        >>> sizes = RecentSizes(window=3)
        >>> for s in (10.0, 30.0, 20.0, 40.0):
        ...     sizes.add(s)
        >>> sizes.median
        30.0
    """

    def __init__(self, window: int) -> None:
        self.window = window
        self._sizes: list[float] = []
        self.median: float | None = None  #: None before the first rep

    def __bool__(self) -> bool:
        return bool(self._sizes)

    def add(self, size: float) -> None:
        self._sizes.append(size)
        self.median = statistics.median(self._sizes[-self.window:])

    def withdraw_last(self) -> None:
        """Forget the latest size (that rep turned out to be another movement)."""
        self._sizes.pop()
        self.median = statistics.median(self._sizes[-self.window:]) if self._sizes else None


class LeadIn:
    """The start of a set, in case it began in a rep's way back to rest (a clip cut mid-rep).

    Follows the highest value before the first movement out of rest; that value minus the
    rest level is how far the set came down before its first rep.
    """

    __slots__ = ("open", "top", "t_top", "t_first", "path")

    def __init__(self, open_: bool) -> None:
        self.open = open_
        self.top, self.t_top, self.t_first = -math.inf, 0.0, math.nan
        self.path: list[tuple[float, float]] = []  # the samples (t, x) from the top on

    def see(self, x: float, t: float) -> None:
        """Feed a sample at rest (before the first movement out)."""
        if math.isnan(self.t_first):
            self.t_first = t
        if not self.open:
            return
        if x >= self.top:
            self.top, self.t_top = x, t
            self.path.clear()
        self.path.append((t, x))

    def back_at(self, rest: float, back: float) -> float:
        """When the way down from the top had come back by ``back`` (a share) of its drop to ``rest``:
        where the leading rep ended, which may be long before the signal last rested there."""
        level = self.top - back * (self.top - rest)
        return next((t for t, x in self.path if x <= level), self.path[-1][0] if self.path else self.t_top)

    def came_down(self, rest: float, t_rest: float, min_excursion: float) -> float | None:
        """The size of the leading movement when it is a rep (big enough, ended after its top)."""
        size = self.top - rest
        return size if self.open and size >= min_excursion and t_rest > self.t_top else None


class FirstMove:
    """``rest: either``: the first clear movement away from where the person started decides the rest end.

    Example:
        >>> m = FirstMove(min_size=10.0)
        >>> [m.sign(v) for v in (100.0, 104.0, 88.0)], m.first
        ([0, 0, -1], 100.0)
    """

    __slots__ = ("first", "min_size")

    def __init__(self, min_size: float) -> None:
        self.first, self.min_size = math.nan, min_size

    def sign(self, v: float) -> int:
        """0 while undecided; +1 when the first clear move went towards the peak end (rest is the start
        end), -1 when it went away from it (rest is the peak end)."""
        if math.isnan(self.first):
            self.first = v
        if abs(v - self.first) < self.min_size:
            return 0
        return 1 if v > self.first else -1

