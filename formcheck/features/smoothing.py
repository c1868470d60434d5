"""One-Euro filter: live-capable smoothing for landmarks or features.

The One-Euro filter (Casiez et al., CHI 2012) is a low-pass filter whose
cut-off rises with speed: jitter at rest is removed, fast moves keep little
lag. It needs only the current value and timestamp, so the live path and the
video path smooth identically. Time comes from frame timestamps, never from
frame counts, so a dropped frame does not change the result.

Works element-wise on scalars or arrays (e.g. every feature of a frame at
once). A NaN element passes through as NaN and leaves that element's state
untouched; after a gap longer than ``max_gap`` seconds an element restarts
from its new value rather than dragging the old one along.

Example:
    >>> f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    >>> float(f.update(10.0, 0.0)), round(float(f.update(20.0, 0.1)), 2)
    (10.0, 13.86)
"""

from __future__ import annotations

import math

import numpy as np

#: Up to this many elements the filter runs on Python floats (faster than numpy for few values).
_SMALL = 32


def _alpha(cutoff: np.ndarray | float, dt: np.ndarray | float) -> np.ndarray:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff, dtype=np.float64))
    return 1.0 / (1.0 + tau / np.maximum(np.asarray(dt, dtype=np.float64), 1e-6))


class OneEuroFilter:
    """Element-wise One-Euro filter over values that arrive with timestamps.

    Args:
        min_cutoff: Cut-off frequency (Hz) at rest; lower = smoother, more lag.
        beta: Speed coefficient; higher = less lag on fast moves.
        d_cutoff: Cut-off (Hz) for the derivative estimate.
        max_gap: Seconds without a value after which an element restarts.

    Raises:
        ValueError: a non-positive cut-off or a negative beta.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0,
                 max_gap: float = 0.5) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0:
            raise ValueError(f"OneEuroFilter: cut-offs must be > 0 Hz, got min_cutoff={min_cutoff}, "
                             f"d_cutoff={d_cutoff}")
        if beta < 0:
            raise ValueError(f"OneEuroFilter: beta must be >= 0, got {beta}")
        self.min_cutoff, self.beta, self.d_cutoff, self.max_gap = min_cutoff, beta, d_cutoff, max_gap
        # State per element: arrays, or lists of floats while the small path runs (no conversion a frame).
        self._x: np.ndarray | list[float] | None = None
        self._dx: np.ndarray | list[float] | None = None
        self._t: np.ndarray | list[float] | None = None

    def reset(self) -> None:
        """Forget all state (e.g. on exercise change)."""
        self._x = self._dx = self._t = None

    def update(self, value: np.ndarray | float, t: float) -> np.ndarray:
        """Filter one sample taken at time ``t`` (seconds); returns the smoothed value(s)."""
        x = np.array(value, dtype=np.float64)  # copy: never alias the caller's array
        scalar = x.ndim == 0
        x = np.atleast_1d(x)
        if x.size <= _SMALL and self._x is not None and len(self._x) == x.size:
            out = np.array(self._update_small(x.tolist(), t))
            return out[0] if scalar else out
        if isinstance(self._x, list):
            self._x, self._dx, self._t = np.array(self._x), np.array(self._dx), np.array(self._t)
        if self._x is None or self._x.shape != x.shape:
            self._x = x.copy()
            self._dx = np.zeros_like(x)
            self._t = np.where(np.isnan(x), -np.inf, t)
            return x[0] if scalar else x
        assert isinstance(self._dx, np.ndarray) and isinstance(self._t, np.ndarray)
        ok = ~np.isnan(x)
        dt = t - self._t
        fresh = ok & (np.isnan(self._x) | (dt > self.max_gap) | (dt <= 0))
        step = ok & ~fresh
        dtv = np.where(step, dt, 1.0)
        dx = np.where(step, (x - self._x) / dtv, 0.0)
        a_d = _alpha(self.d_cutoff, dtv)
        dx_hat = a_d * dx + (1.0 - a_d) * self._dx
        cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
        a = _alpha(cutoff, dtv)
        x_hat = a * x + (1.0 - a) * self._x
        self._x = np.where(step, x_hat, np.where(fresh, x, self._x))
        self._dx = np.where(step, dx_hat, np.where(fresh, 0.0, self._dx))
        self._t = np.where(ok, t, self._t)
        out = np.where(ok, self._x, np.nan)
        return out[0] if scalar else out

    def update_list(self, values: list[float], t: float) -> list[float]:
        """``update`` for a list of floats, returning a list (the live path: a few features a frame)."""
        if len(values) <= _SMALL and self._x is not None and len(self._x) == len(values):
            return self._update_small(list(values), t)
        return list(self.update(np.array(values, dtype=np.float64), t).tolist())

    def _update_small(self, out: list[float], t: float) -> list[float]:
        """The same filter element by element on Python floats; ``out`` holds the new values and
        is overwritten with the smoothed ones (the caller passes a list of its own).

        A handful of features per frame (the live path) costs ~25 numpy calls of a few
        microseconds each in the vectorised form; plain float arithmetic is ~5x cheaper.
        """
        assert self._x is not None and self._dx is not None and self._t is not None
        xs, dxs, ts = (s if isinstance(s, list) else s.tolist() for s in (self._x, self._dx, self._t))
        two_pi, mc, beta, gap = 2.0 * math.pi, self.min_cutoff, self.beta, self.max_gap
        tau_d = 1.0 / (two_pi * self.d_cutoff)
        last_dt = step = a_d = math.nan  # most elements were last seen at the same time: one a_d for all
        for i, v in enumerate(out):
            if v != v:  # NaN: state untouched, NaN out
                continue
            dt, xp = t - ts[i], xs[i]
            ts[i] = t
            if xp != xp or dt > gap or dt <= 0:  # fresh start
                xs[i], dxs[i] = v, 0.0
                continue
            if dt != last_dt:
                last_dt, step = dt, dt if dt > 1e-6 else 1e-6
                a_d = 1.0 / (1.0 + tau_d / step)
            dx_hat = a_d * (v - xp) / dt + (1.0 - a_d) * dxs[i]
            a = 1.0 / (1.0 + 1.0 / (two_pi * (mc + beta * abs(dx_hat))) / step)
            xs[i] = a * v + (1.0 - a) * xp
            dxs[i] = dx_hat
            out[i] = xs[i]
        self._x, self._dx, self._t = xs, dxs, ts
        return out


class RollingMedian:
    """Median of the samples of the last ``window_s`` seconds: removes one- or two-frame spikes.

    The pose model now and then puts a hidden elbow or knee somewhere absurd for a frame or
    two; a short median drops such spikes while keeping movements that last longer than
    about half the window. NaN samples are skipped. The delay is about ``window_s / 2``.

    Example:
        >>> m = RollingMedian(window_s=0.15)
        >>> [m.update(v, t / 30) for t, v in enumerate([10.0, 10.0, 90.0, 10.0, 10.0])]
        [10.0, 10.0, 10.0, 10.0, 10.0]
    """

    def __init__(self, window_s: float = 0.15) -> None:
        self.window_s = window_s
        self.reset()

    def reset(self) -> None:
        self._samples: list[tuple[float, float]] = []

    def update(self, value: float, t: float) -> float:
        """Add a sample at time ``t``; returns the median of the window (NaN if it holds none)."""
        if value == value:  # not NaN
            self._samples.append((t, value))
        cut = t - self.window_s
        while self._samples and self._samples[0][0] < cut:
            self._samples.pop(0)
        if not self._samples:
            return float("nan")
        vals = sorted(v for _, v in self._samples)
        n = len(vals)
        return vals[n // 2] if n % 2 else 0.5 * (vals[n // 2 - 1] + vals[n // 2])
