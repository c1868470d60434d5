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


def test_same_result_whatever_the_frame_rate_for_constant_input() -> None:
    for fps in (10, 60):
        f = OneEuroFilter()
        assert f.update(3.0, 0.0) == 3.0
        assert f.update(3.0, 1 / fps) == pytest.approx(3.0)


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
