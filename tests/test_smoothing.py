"""Layer 1: the One-Euro filter (pure state machine on timestamps)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.features.smoothing import OneEuroFilter


def test_reduces_jitter_at_rest() -> None:
    rng = np.random.default_rng(0)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    noisy = 100 + rng.normal(0, 2, 300)
    out = np.array([f.update(v, i / 30) for i, v in enumerate(noisy)])
    assert out[30:].std() < 0.5 * noisy[30:].std()


def test_beta_reduces_lag_on_fast_moves() -> None:
    ramp = np.linspace(0, 90, 30)
    lags = []
    for beta in (0.0, 0.5):
        f = OneEuroFilter(min_cutoff=1.0, beta=beta)
        out = [f.update(v, i / 30) for i, v in enumerate(ramp)]
        lags.append(ramp[-1] - out[-1])
    assert lags[1] < lags[0]


def test_arrays_and_nan_elements() -> None:
    f = OneEuroFilter()
    f.update(np.array([1.0, np.nan]), 0.0)
    out = f.update(np.array([np.nan, 5.0]), 0.1)
    assert np.isnan(out[0]) and out[1] == 5.0  # a new element starts from its first value


@pytest.mark.parametrize("seconds", [0.5, 1.0])
def test_a_step_is_followed_at_the_same_pace_whatever_the_frame_rate(seconds: float) -> None:
    """Time, not frame count, drives the filter: at 10 and 60 fps a step from 0 to 10 is
    where a continuous 1 Hz low-pass puts it (10 * (1 - exp(-t / tau))), within discretisation."""
    tau = 1.0 / (2.0 * np.pi * 1.0)
    expected = 10.0 * (1.0 - np.exp(-seconds / tau))
    for fps in (10, 60):
        f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
        f.update(0.0, 0.0)
        out = 0.0
        for i in range(1, int(round(seconds * fps)) + 1):
            out = float(f.update(10.0, i / fps))
        assert out == pytest.approx(expected, abs=0.5), f"{fps} fps after {seconds} s: {out:.2f}"


@pytest.mark.parametrize("kw", [{"min_cutoff": 0.0}, {"beta": -1.0}, {"d_cutoff": -2.0}])
def test_rejects_bad_parameters(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        OneEuroFilter(**kw)


def test_small_and_large_paths_agree() -> None:
    """Few values run on Python floats, many on numpy: same numbers, NaNs and restarts."""
    rng = np.random.default_rng(3)
    seq = rng.normal(0, 5, size=(60, 40)).cumsum(axis=0)
    seq[10:14, 3] = np.nan  # a short gap
    seq[20:40, 5] = np.nan  # a gap longer than max_gap: restart
    small, large = OneEuroFilter(1.0, 0.3), OneEuroFilter(1.0, 0.3)
    for i, row in enumerate(seq):
        t = i / 30 + (0.2 if i > 50 else 0.0)  # a jump in time as well
        a = small.update(row[:8], t)
        b = large.update(row, t)[:8]
        assert np.allclose(a, b, equal_nan=True)
