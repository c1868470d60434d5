"""Reading a repetition's period off autocorrelations (pure numpy, no state).

:mod:`formcheck.features.pose_axis` finds the axis a rep moves along; this module says how
long a rep lasts:

* :func:`period`: the first autocorrelation peak that reaches ``NEAR_BEST`` of the highest,
  between ``MIN_PERIOD_S`` and ``MAX_PERIOD_S`` (two reps also look like one rep: the
  shortest period that repeats about as well wins).
* :func:`octave`: that period, or half of it when alternate reps differ (``HALF_AC``).
* :func:`own_period`: when the whole pose's period is not ``CLEAR``, the most periodic
  leading component's own.

Example:
    >>> t = np.arange(300) / 30
    >>> ac = autocorrelation(np.sin(2 * np.pi * t / 1.5)[:, None])[:, 0]
    >>> period(ac / ac[0], fps=30)[0]
    45
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Arr = NDArray[np.float64]

#: Shortest and longest period of a repetition (s): a jumping jack, a slow controlled lift.
MIN_PERIOD_S, MAX_PERIOD_S = 0.25, 12.0
#: The period is the first autocorrelation peak at least this share of the highest one (not
#: its multiple: two reps also look like one rep).
NEAR_BEST = 0.85
#: A movement is clearly periodic when its autocorrelation at the period reaches this. Below it the
#: whole pose's period is in doubt (the rep in one body part, tracking noise in the others dilutes
#: it): each leading component's own period is tried, and the most periodic taken if it is clear.
CLEAR = 0.3
#: Octave check: the period is halved when a component carrying at least ``HALF_SHARE`` of the
#: movement repeats itself at half the period with an autocorrelation of at least ``HALF_AC``.
#: A true period puts every large component in opposite phase half a period later (a negative
#: autocorrelation: down is not up); a positive one means each half is a whole rep, the longer
#: period coming from alternate reps differing (deeper-shallower, left-right). 0.5 is a clearly
#: periodic movement; components under ``HALF_SHARE`` are harmonics of the rep (a jumping
#: jack's hands pass the head twice a cycle) and are not asked. A harmonic can be large too (a
#: curl's forearm is level twice a rep): then the whole pose, half a period on, is still at the
#: other end of the movement (its autocorrelation there clearly negative, about -0.3 to -0.7), and
#: the period is kept unless that is above ``HALF_WHOLE``.
HALF_AC, HALF_SHARE, HALF_WHOLE = 0.5, 0.15, -0.2


def autocorrelation(x: Arr) -> Arr:
    """Autocorrelation of each column (``(n, d)`` → ``(n, d)``), unnormalised, mean removed."""
    n = len(x)
    f = np.fft.rfft(x - x.mean(axis=0), 2 * n, axis=0)
    return np.asarray(np.fft.irfft(np.abs(f) ** 2, axis=0)[:n], dtype=np.float64)


def local_maxima(s: Arr) -> NDArray[np.intp]:
    """Indices of strict-left, non-strict-right local maxima (not the ends)."""
    if len(s) < 3:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero((s[1:-1] > s[:-2]) & (s[1:-1] >= s[2:])) + 1


def period(ac: Arr, fps: float) -> tuple[int, float] | None:
    """The period (frames) read off a normalised autocorrelation, and its value there."""
    n = len(ac)
    lo, hi = max(2, int(MIN_PERIOD_S * fps)), min(int(0.6 * n), int(MAX_PERIOD_S * fps))
    if hi <= lo + 2:
        return None
    seg = ac[lo:hi]
    pk = local_maxima(seg)
    if len(pk) == 0:
        return None
    best = float(seg[pk].max())
    first = int(pk[np.argmax(seg[pk] >= NEAR_BEST * best)])
    return first + lo, float(seg[first])


def period_of(x: Arr, fps: float) -> tuple[int, float] | None:
    """The period of all columns of ``x`` at once (their autocorrelations summed), and its value."""
    ac = autocorrelation(x).sum(axis=1)
    return period(ac / ac[0], fps) if ac[0] > 0 else None


def own_period(ac: Arr, fps: float) -> tuple[int, float, int] | None:
    """The component most periodic at its own period, if clearly so: (period, strength, index)."""
    best = None
    for j in np.flatnonzero(ac[0] > 0):
        found = period(ac[:, j] / ac[0, j], fps)
        if found is not None and found[1] >= CLEAR and (best is None or found[1] > best[1]):
            best = (found[0], found[1], int(j))
    return best


def octave(ac: Arr, share: Arr, whole: Arr, per: int, fps: float) -> int:
    """``per``, or half of it when a large component repeats at the half (``HALF_AC``).

    ``ac``: the components' autocorrelations (columns), ``share``: each one's share of the variance,
    ``whole``: the whole pose's normalised autocorrelation.
    """
    lo, hi = max(2, int(0.4 * per), int(MIN_PERIOD_S * fps)), int(0.6 * per) + 1
    if hi <= lo + 1 or float(whole[lo:hi].max()) < HALF_WHOLE:
        return per
    best = None
    for j in np.flatnonzero((share >= HALF_SHARE) & (ac[0] > 0)):
        seg = ac[lo:hi, j] / ac[0, j]
        k = int(np.argmax(seg))
        if seg[k] >= HALF_AC and 0 < k < len(seg) - 1 and (best is None or seg[k] > best[1]):
            best = (lo + k, float(seg[k]))
    return best[0] if best is not None else per
