"""How much a feature moves by its measurement noise alone, estimated from the person's own frames.

A form cue or a rep's range and tempo verdict is a threshold crossing. A
crossing the feature's own noise can explain is no evidence of a fault: a
small person in the frame, a dim 15 fps webcam or an unusual view make the pose
model's angles jitter by a few degrees, and a clean rep then dips past a line
it is really above. So a verdict needs the threshold crossed by more than
``NOISE_K`` times the noise (:func:`clear_of`).

The noise is measured on the person's own frames, causally (the live tracker
and a clip's replay use the same code): each value is compared with a local
quadratic fit of the ``WINDOW_S`` of values around it (a Savitzky-Golay
smoother: a steady body, a smooth movement and the turn at its end are all
followed, so what is left is the measurement's jitter), and the noise is the
robust spread of those residuals (1.4826 × their median absolute value, scaled
by the part of white noise a residual keeps) over the last ``HISTORY``
residuals. Each residual is known ``WINDOW_S / 2`` after its frame, so nothing
from the future is used.

Example:
    >>> import random
    >>> rng, meter = random.Random(0), NoiseMeter()
    >>> for i in range(300):  # a 30 deg rise and fall read with 1 deg of Gaussian noise, 30 fps
    ...     meter.add(i / 30, 30 * math.sin(i / 30) + rng.gauss(0, 1))
    >>> round(meter.sigma, 1)
    1.0
    >>> NoiseMeter().sigma  # not measured yet: no margin
    0.0
"""

from __future__ import annotations

import bisect
import functools
import math
import statistics
from collections import deque
from dataclasses import dataclass

#: A verdict needs its threshold crossed by this many noise standard deviations: noise alone
#: (Gaussian) passes 3 sigma on one side in 0.13 % of frames, and rarely for a rule's whole duration.
NOISE_K = 3.0
#: The window of the quadratic fit the residuals are taken around: half a second follows a rep's
#: movement (reps last a second or more) and spans 7-15 frames at 15-30 fps.
WINDOW_S = 0.5
#: Residuals kept: about 30 s at 30 fps, so the estimate follows the person's current view and size.
HISTORY = 900
#: Fewer residuals than this (half a second at 30 fps) give no estimate (``sigma`` 0: no margin yet).
MIN_RESIDUALS = 15
#: The median absolute deviation times this is the standard deviation of Gaussian noise.
MAD_TO_SD = 1.4826


class NoiseMeter:
    """The running noise (standard deviation) of one feature's values.

    Args:
        window_s: Width of the local fit the residuals are taken around.
        history: How many residuals the estimate keeps.
    """

    def __init__(self, window_s: float = WINDOW_S, history: int = HISTORY) -> None:
        self.window_s = window_s
        self.history = history
        self.reset()

    def reset(self) -> None:
        """Forget every value and residual."""
        self._recent: deque[tuple[float, float]] = deque()
        self._order: deque[float] = deque()  # residuals in arrival order (to drop the oldest)
        self._sorted: list[float] = []  # the same, sorted (for the median)

    def add(self, t: float, value: float) -> None:
        """Take one frame's value (NaN, an unseen feature, is skipped)."""
        if math.isnan(value):
            return
        recent = self._recent
        recent.append((t, value))
        while recent[0][0] < t - self.window_s:
            recent.popleft()
        if len(recent) < 5 or t - recent[0][0] < 0.8 * self.window_s:
            return  # a window cut short (a gap, the first frames): no track to compare with
        m = (len(recent) - 1) // 2  # the last 2m + 1 values, the middle one judged
        weights, keeps = _quadratic_fit(m)
        values = [v for _, v in recent][len(recent) - 2 * m - 1:]
        residual = abs(values[m] - sum(w * v for w, v in zip(weights, values))) / keeps
        self._order.append(residual)
        bisect.insort(self._sorted, residual)
        if len(self._order) > self.history:
            old = self._order.popleft()
            del self._sorted[bisect.bisect_left(self._sorted, old)]

    @property
    def measured(self) -> bool:
        """Enough residuals for an estimate (``MIN_RESIDUALS``)."""
        return len(self._sorted) >= MIN_RESIDUALS

    @property
    def sigma(self) -> float:
        """The noise's standard deviation so far (0.0 until ``MIN_RESIDUALS`` residuals)."""
        n = len(self._sorted)
        if n < MIN_RESIDUALS:
            return 0.0
        mid = n // 2
        median = self._sorted[mid] if n % 2 else 0.5 * (self._sorted[mid - 1] + self._sorted[mid])
        return MAD_TO_SD * median


@functools.cache
def _quadratic_fit(m: int) -> tuple[tuple[float, ...], float]:
    """Savitzky-Golay weights giving a quadratic fit's value at the middle of ``2m + 1`` samples, and the
    share of white noise's standard deviation a residual from that fit keeps (``sqrt(1 - w0)``)."""
    norm = (2 * m - 1) * (2 * m + 1) * (2 * m + 3)
    weights = tuple((3 * (3 * m * m + 3 * m - 1) - 15 * i * i) / norm for i in range(-m, m + 1))
    return weights, math.sqrt(1.0 - weights[m])


def clear_of(op: str, value: float, threshold: float, margin: float) -> bool:
    """True when ``value`` passes ``threshold`` (``op``: ``<``, ``<=``, ``>``, ``>=``) by more than ``margin``.

    Example:
        >>> clear_of("<", 4.0, 6.0, 1.5), clear_of("<", 5.0, 6.0, 1.5), clear_of(">", float("nan"), 0.0, 0.0)
        (True, False, False)
    """
    if math.isnan(value):
        return False
    if op.startswith("<"):
        return value < threshold - margin if margin > 0 else value < threshold if op == "<" else value <= threshold
    return value > threshold + margin if margin > 0 else value > threshold if op == ">" else value >= threshold


def timing_sd(frame_s: float, signal_sd: float, speeds: tuple[float, ...]) -> float:
    """Standard deviation of a duration measured between threshold crossings of a noisy signal.

    Each crossing is uncertain by the frame interval (uniform: ``frame_s / sqrt(12)``: a 15 fps
    clip times a rep to 1/15 s) and by the signal's noise divided by how fast it moves there
    (``signal_sd / speed``: a noisy angle crosses a line early or late). ``speeds`` has one entry
    per crossing (the signal's mean speed on the way out and on the way back, units per second).

    Example:
        >>> round(timing_sd(1 / 15, 0.0, (50.0, 50.0)), 3)  # two crossings, frames alone
        0.027
    """
    var = 0.0
    for speed in speeds:
        var += frame_s ** 2 / 12.0
        if speed > 0 and math.isfinite(speed):
            var += (signal_sd / speed) ** 2
    return math.sqrt(var)


#: Degrees a second no joint angle of these exercises reaches (a fast head or limb turns at a few hundred):
#: a reading that changes faster between two frames shows the pose model switching between two guesses
#: of where a part is (a face hidden from the camera, a limb behind the body), not a movement.
MAX_ANGLE_SPEED = 1000.0
#: After such a switch a reading is trusted again once it has been free of them this long.
STEADY_S = 1.0
#: Frames further apart than this are not compared (a gap in the track, a cut).
_MAX_STEP_S = 0.25


def steady_at(switched_at: float, t: float) -> bool:
    """A reading that last switched at ``switched_at`` has been steady for ``STEADY_S`` at ``t`` (and since)."""
    return t - switched_at >= STEADY_S


class SwitchWatch:
    """Whether an angle's reading has been free of impossible jumps (``MAX_ANGLE_SPEED``) for ``STEADY_S``.

    Example:
        >>> watch = SwitchWatch()
        >>> for i, v in enumerate([10.0, 11.0, 12.0, 70.0, 12.0, 13.0]):  # 58 deg in 1/30 s, and back
        ...     watch.add(i / 30, v)
        >>> watch.steady(5 / 30), watch.steady(4 / 30 + 1.1 * STEADY_S)
        (False, True)
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._last: tuple[float, float] | None = None
        self._switched_at = -math.inf

    def add(self, t: float, value: float) -> None:
        """Take one frame's value (NaN, an unseen feature, is skipped)."""
        if math.isnan(value):
            return
        if self._last is not None:
            dt = t - self._last[0]
            if 0 < dt <= _MAX_STEP_S and abs(value - self._last[1]) > MAX_ANGLE_SPEED * dt:
                self._switched_at = t
        self._last = (t, value)

    def steady(self, t: float) -> bool:
        """No switch in the ``STEADY_S`` up to ``t``."""
        return steady_at(self._switched_at, t)

    @property
    def switched_at(self) -> float:
        """When the reading last switched (-inf: never)."""
        return self._switched_at


#: Frame gaps the frame interval is the median of (a second at 30 fps: a dropped frame does not count).
GAPS = 31


@dataclass(frozen=True)
class Uncertainty:
    """How precisely a rep's range and tempo are measured: the rep signal's noise (its units), the
    frame interval (seconds) and when an angle signal last switched between guesses (:class:`SwitchWatch`)."""

    signal_sd: float = 0.0
    frame_s: float = 0.0
    switched_at: float = -math.inf

    def steady_since(self, t: float) -> bool:
        """The signal was read steadily from ``t`` on (no switch since ``STEADY_S`` before it)."""
        return steady_at(self.switched_at, t)


class SignalNoise:
    """A rep signal's :class:`NoiseMeter`, the stream's frame interval and, for an angle, its
    :class:`SwitchWatch`, fed frame by frame.

    Example:
        >>> meter = SignalNoise()
        >>> for i in range(10):
        ...     meter.add(i * 0.0625, 100.0)
        >>> meter.uncertainty()
        Uncertainty(signal_sd=0.0, frame_s=0.0625, switched_at=-inf)
    """

    def __init__(self, angle: bool = True) -> None:
        self.meter = NoiseMeter()
        self._switches = SwitchWatch() if angle else None
        self._gaps: deque[float] = deque(maxlen=GAPS)
        self._t: float | None = None

    def add(self, t: float, value: float) -> None:
        if self._t is not None and t > self._t:
            self._gaps.append(t - self._t)
        self._t = t
        self.meter.add(t, value)
        if self._switches is not None:
            self._switches.add(t, value)

    def uncertainty(self) -> Uncertainty:
        """The signal's noise, the median frame interval and its last switch so far."""
        return Uncertainty(self.meter.sigma, statistics.median(self._gaps) if self._gaps else 0.0,
                           self._switches.switched_at if self._switches is not None else -math.inf)
