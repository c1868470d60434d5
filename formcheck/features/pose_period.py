"""Reading a repetition's period off autocorrelations (pure numpy, no state).

:mod:`formcheck.features.pose_axis` finds the axis a rep moves along; this module says how
long a rep lasts:

* :func:`period`: the first autocorrelation peak that reaches ``NEAR_BEST`` of the highest,
  between ``MIN_PERIOD_S`` and ``MAX_PERIOD_S`` (two reps also look like one rep: the
  shortest period that repeats about as well wins).
* :func:`octave`: that period, or half of it when alternate reps differ (``HALF_AC``).
* :func:`repeating_direction`: when the whole pose's period is not ``CLEAR``, the direction
  among the leading components that repeats best, and its period (taken when it is clearly
  shorter than the whole pose's: ``SHORTER``).
* :func:`own_period`: failing that, the most periodic leading component's own.

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
#: When the whole pose's period is not clear, the direction that repeats best is searched among this
#: many leading components: the rep can live in a few coordinates (a bench press's hands) whose share
#: of the pose's variance is small next to the tracking noise of the rest (legs on a bench, a
#: lying body's box); the whole pose's autocorrelation then reads drift and noise (a period two to
#: five reps long).
REPEAT_COMPONENTS = 8
#: ... and its period is taken when it is at most this share of the whole pose's: that read two or
#: more reps as one (3:2 or more), not the same period a few frames off.
SHORTER = 2 / 3


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


def repeating_direction(z: Arr, fps: float) -> tuple[int, float, Arr] | None:
    """The direction in ``z``'s columns (uncorrelated components, centred) that repeats best, and its
    period: (period in frames, its autocorrelation there, the direction's weights over the columns).

    At each lag, the direction whose movement is most still there a lag later is the leading
    eigenvector of the lagged covariance (symmetrised); its own normalised autocorrelation at that
    lag makes a curve over lags, read as :func:`period` reads one. Not whitened: a direction is
    weighed by how much it moves, so that noise in a small component cannot repeat by chance.
    """
    n, k = z.shape
    hi = min(int(0.6 * n), int(MAX_PERIOD_S * fps)) + 1
    var = (z ** 2).sum(axis=0)
    if k == 0 or n < 8 or not (var > 0).all():
        return None
    f = np.fft.rfft(z, 2 * n, axis=0)
    lagged = np.fft.irfft(np.conj(f)[:, :, None] * f[:, None, :], axis=0)[:hi]  # [lag, i, j]
    _, vecs = np.linalg.eigh(0.5 * (lagged + np.transpose(lagged, (0, 2, 1))))
    w = vecs[:, :, -1]
    curve = np.einsum("li,lij,lj->l", w, lagged, w) / (w ** 2 @ var)
    found = period(np.concatenate([curve, np.zeros(n - hi)]), fps)
    if found is None:
        return None
    return found[0], found[1], np.asarray(w[found[0]], dtype=np.float64)


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
