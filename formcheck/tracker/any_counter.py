"""Counting the repetitions of any exercise, without a spec.

The signal that carries the repetition is found in the pose itself
(:mod:`formcheck.features.pose_axis`: the most periodic leading component of the
body-normalised pose, slow posture changes taken out). Then:

* **Offline** (:func:`count_clip`, a whole clip): a rep is a peak of that signal at least
  ``DISTANCE`` of a period from the next, whose prominence (its height above the deeper
  of the two valleys around it) is at least ``FRACTION`` of the set's typical one. The
  typical prominence is local, over ``LOCAL`` periods on each side, so a second set
  done smaller still counts, and at least ``FLOOR`` of the clip's typical one, so that
  fidgeting in a rest does not. "Typical" is the median of the prominences that reach
  ``TOP`` of the largest: the same self-calibration as the spec counter's typical
  excursion. Both ends of the signal are tried as the far end and the counts averaged
  and rounded up (a half-cycle at either edge of the set is a peak on one side only: one
  side more is that half-cycle, counted); the reps are those of the end with more peaks,
  its weakest left out.
* **Live** (:class:`AnyCounter`): the frames are kept until the pose holds
  ``LEARN_REPS`` reps of a clear period (an offline count of what has been seen); the
  axis, the period and the rep's size are then frozen, and the spec counter's
  :class:`~formcheck.tracker.rep_counter.RepCounter` (rest level, typical excursion,
  partial reps) counts the pose along that axis, from a mean that follows the person's
  drift over ``DRIFT`` periods. The frames kept are counted the same way at the moment it
  locks (minus their moving average, as a clip): the reps done while it was learning count
  then.

Example:
    >>> t = np.arange(600) / 30
    >>> pose = np.zeros((600, 46)); pose[:, 10] = 1 - np.cos(2 * np.pi * t / 2.0)  # 10 reps of 2 s
    >>> count_clip(pose, fps=30).reps
    10
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from formcheck.features.pose_axis import Arr, Axis, learn_axis, project, project_local
from formcheck.features.pose_period import CLEAR, local_maxima
from formcheck.tracker.rep_counter import RepCounter, RepEvent

#: Peaks closer than this share of a period: the higher one is the rep.
DISTANCE = 0.5
#: A rep's prominence is at least this share of the typical one ...
FRACTION = 0.5
#: ... typical over this many periods on each side ...
LOCAL = 4.0
#: ... and at least this share of the clip's typical one.
FLOOR = 0.15
#: The typical prominence is the median of those reaching this share of the largest.
TOP = 0.5
#: No rep is smaller than this (pose-vector units: the body is 1 tall and 1 wide). A body held
#: still (a plank filmed, the pose model's landmarks swaying) moves up to ~0.06; the smallest reps
#: seen (a shoulder-blade squeeze, a glute bridge at 45 degrees) 0.2-0.3.
MIN_PROMINENCE = 0.1
#: Live: reps seen in the frames kept before the axis is frozen, and how periodic they must be.
LEARN_REPS = 2
MIN_STRENGTH = CLEAR
#: Live: the pose's mean follows the person's drift (settling, turning) over this many periods: a
#: rest between sets is not long enough to pull the rest level up to the middle of the movement.
DRIFT = 8.0
#: Live: out and back in less than this share of the period is a glitch of the pose model, not a rep.
GLITCH = 0.3
#: Live: the rep counter's smallest rep, as a share of the learned typical prominence.
MIN_SIZE = 0.4
#: Live: the longest stretch kept while learning (s), and how often it is looked at (s).
KEEP_S, LEARN_EVERY_S = 24.0, 1.5
#: Live: the frame rate the kept frames are looked at (a period of 0.4 s is still 4 samples).
LEARN_FPS = 10.0


@dataclass(frozen=True)
class ClipCount:
    """A whole clip's count: the reps (``RepEvent``s, times in seconds), the axis found (None:
    nothing repeated), and the typical prominence of a rep (signal units)."""

    events: tuple[RepEvent, ...]
    axis: Axis | None
    typical: float

    @property
    def reps(self) -> int:
        return len(self.events)


def prominences(s: Arr, peaks: np.ndarray) -> Arr:
    """Height of each peak above the higher of the lowest points on either side before higher ground."""
    out = np.empty(len(peaks))
    for j, p in enumerate(peaks):
        left = np.flatnonzero(s[:p] > s[p])
        right = np.flatnonzero(s[p + 1:] > s[p])
        lo = s[(left[-1] + 1 if len(left) else 0):p + 1].min()
        hi = s[p:(p + 1 + right[0] if len(right) else len(s))].min()
        out[j] = s[p] - max(lo, hi)
    return out


def spaced_peaks(s: Arr, distance: float) -> np.ndarray:
    """Local maxima, none within ``distance`` frames of a higher one."""
    pk = local_maxima(s)
    keep = np.ones(len(pk), dtype=bool)
    for j in np.argsort(-s[pk], kind="stable"):
        if keep[j]:
            near = np.abs(pk - pk[j]) < distance
            near[j] = False
            keep &= ~near
    return pk[keep]


def _typical(prom: Arr) -> float:
    top = prom[prom >= TOP * prom.max()]
    return float(np.median(top))


def rep_peaks(s: Arr, period: float) -> tuple[np.ndarray, Arr, float]:
    """The peaks of ``s`` that are reps (module docstring), their prominences, the typical one."""
    pk = spaced_peaks(s, DISTANCE * period)
    if len(pk) == 0:
        return pk, np.zeros(0), 0.0
    prom = prominences(s, pk)
    floor = max(FLOOR * _typical(prom), MIN_PROMINENCE)
    keep = np.array([p >= max(FRACTION * _typical(prom[np.abs(pk - c) <= LOCAL * period]), floor)
                     for c, p in zip(pk, prom)])
    return pk[keep], prom[keep], _typical(prom)


def _events(s: Arr, sign: int, pk: np.ndarray, prom: Arr, typical: float, period: float,
            t: Arr) -> tuple[RepEvent, ...]:
    """Each rep from the valley before its peak to the valley after (within a period)."""
    x = sign * s
    bounds = [max(0, int(pk[0] - period)), *((a + b) // 2 for a, b in zip(pk[:-1], pk[1:])),
              min(len(s) - 1, int(pk[-1] + period))] if len(pk) else []
    out = []
    for j, p in enumerate(pk):
        a = bounds[j] + int(np.argmin(x[bounds[j]:p + 1]))
        b = p + int(np.argmin(x[p:bounds[j + 1] + 1]))
        out.append(RepEvent(start=float(t[a]), peak=float(t[p]), peak_end=float(t[p]), end=float(t[b]),
                            complete=True, rom=float(prom[j]), extreme=float(s[p]), held=0.0,
                            rest=float(s[a]), fraction=float(prom[j] / typical) if typical > 0 else 1.0))
    return tuple(out)


def count_clip(vecs: Arr, fps: float, t: Arr | None = None, *, live: bool = False,
               towards: Arr | None = None) -> ClipCount:
    """Count the reps of a whole clip of pose vectors (offline: the whole clip is used).

    Args:
        vecs: ``(n, d)`` pose vectors (:func:`formcheck.features.pose_axis.pose_vectors`), evenly spaced.
        fps: Frames per second.
        t: Each frame's time (s); default ``arange(n) / fps``.
        live: The frames seen so far of a live set (more will come: no guess from a single
            component's own period, ``learn_axis(own_periods=False)``).
        towards: A direction in the same space that the far end of a rep lies along, when the
            caller knows it (a spec's rep signal rises or falls to its peak): only that end is
            tried. None: both ends are (module docstring).
    """
    times = np.arange(len(vecs)) / fps if t is None else np.asarray(t, dtype=np.float64)
    axis = learn_axis(vecs, fps, own_periods=not live) if len(vecs) >= 8 else None
    if axis is None:
        return ClipCount((), None, 0.0)
    s = project_local(vecs, axis, fps)
    per = axis.period_s * fps
    signs = (1, -1) if towards is None else (1 if float(axis.vec @ towards) >= 0 else -1,)
    found = {sign: rep_peaks(sign * s, per) for sign in signs}
    # A half-cycle at either edge of the set is a peak on one side only: the count is the mean
    # of both sides' counts, the reps those of the side with more, its weakest left out.
    n = math.ceil(sum(len(f[0]) for f in found.values()) / len(signs))
    sign = max(signs, key=lambda g: len(found[g][0]))
    pk, prom, typical = found[sign]
    keep = np.sort(np.argsort(-prom, kind="stable")[:n])
    return ClipCount(_events(s, sign, pk[keep], prom[keep], typical, per, times), axis, typical)


class AnyCounter:
    """Counts reps of whatever the person repeats, live: one pose vector at a time.

    Example:
        >>> c = AnyCounter()
        >>> for i in range(660):  # 10 reps of 2 s, then 2 s at rest
        ...     v = np.zeros(46); v[4] = 1 - math.cos(2 * math.pi * min(i, 600) / 60)
        ...     _ = c.update(i / 30, v)
        >>> c.reps
        10
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything, the learned axis included (a new set, another exercise)."""
        self._kept: deque[tuple[float, Arr]] = deque()
        self._next_look = -math.inf
        self.axis: Axis | None = None
        self.counter: RepCounter | None = None
        self._mean = np.zeros(0)
        self._beta = 0.0
        self._s = math.nan

    @property
    def reps(self) -> int:
        return self.counter.reps if self.counter is not None else 0

    @property
    def partial_reps(self) -> int:
        return self.counter.partials if self.counter is not None else 0

    @property
    def signal(self) -> float:
        """The latest value of the repetition signal (NaN before the axis is frozen)."""
        return self._s

    @property
    def learning(self) -> bool:
        """True until the axis is frozen (no count yet)."""
        return self.counter is None

    def update(self, t: float, vec: Arr | None) -> list[RepEvent]:
        """Feed one frame's pose vector (None: no person); returns the reps that finished."""
        if vec is None:
            return []
        if self.counter is not None:
            ev = self._step(t, vec)
            return [ev] if ev is not None else []
        self._kept.append((t, np.asarray(vec, dtype=np.float64)))
        while self._kept[-1][0] - self._kept[0][0] > KEEP_S:
            self._kept.popleft()
        if t < self._next_look:
            return []
        self._next_look = t + LEARN_EVERY_S
        return self._try_lock()

    def _try_lock(self) -> list[RepEvent]:
        times = np.array([k[0] for k in self._kept])
        if len(times) < 16 or times[-1] <= times[0]:
            return []
        fps = (len(times) - 1) / (times[-1] - times[0])
        step = max(1, round(fps / LEARN_FPS))  # looked at at a lower rate: the cost is in the looking
        vecs = np.stack([k[1] for k in self._kept])[::step]
        if float(np.ptp(vecs, axis=0).max()) < 2 * MIN_PROMINENCE:
            return []  # standing still: nothing can be a rep yet
        found = count_clip(vecs, fps / step, times[::step], live=True)
        if found.axis is None or found.reps < LEARN_REPS or found.axis.strength < MIN_STRENGTH:
            return []
        self.axis = found.axis
        self._window = max(2, found.axis.window * step)
        self._alpha = 1.0 / max(1.0, found.axis.period_s * fps / 8)
        # Rest is the end the person started at: the first clear movement decides (the spec counter's
        # ``rest="either"``).
        self.counter = RepCounter(direction=1, rest="either", min_excursion=max(1e-6, MIN_SIZE * found.typical),
                                  count_leading=False, min_rep_s=GLITCH * found.axis.period_s)
        # The frames kept are counted as a clip (the moving average centred), the frames to come
        # with the trailing one, started from the kept frames.
        all_vecs = np.stack([k[1] for k in self._kept])
        axis = replace(found.axis, window=self._window)
        signal = project(all_vecs, axis, fps)
        out = [e for e in (self.counter.update(tk, float(x)) for tk, x in zip(times, signal)) if e is not None]
        self._mean = all_vecs[-self._window:].mean(axis=0)
        self._beta = 1.0 / max(1.0, DRIFT * found.axis.period_s * fps)
        self._s = float(signal[-1])
        self._kept.clear()
        return out

    def _step(self, t: float, vec: Arr) -> RepEvent | None:
        """The pose along the axis, from its slowly following mean, smoothed; into the rep counter."""
        assert self.counter is not None and self.axis is not None
        self._mean += self._beta * (vec - self._mean)
        x = float((vec - self._mean) @ self.axis.vec)
        self._s = x if math.isnan(self._s) else self._s + self._alpha * (x - self._s)
        return self.counter.update(t, self._s)
