"""The noise a feature's own frames show, and how precisely a rep is timed (formcheck.tracker.noise)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.tracker.noise import NoiseMeter, clear_of, timing_sd

FPS = 30.0


def test_the_noise_meter_reads_the_noise_not_the_movement() -> None:
    # 2 deg of jitter on a squat-like 60 deg movement (1.5 s reps): the movement is not noise.
    t = np.arange(int(20 * FPS)) / FPS
    moving = 140 + 30 * np.sin(2 * math.pi * t / 1.5) + np.random.default_rng(4).normal(0, 2.0, len(t))
    meter = NoiseMeter()
    for ti, v in zip(t, moving):
        meter.add(float(ti), float(v))
    assert meter.sigma == pytest.approx(2.0, rel=0.2)


def test_a_rep_timed_at_15_fps_is_uncertain_by_the_frames() -> None:
    # Two crossings, each uniform within a 1/15 s frame: sqrt(2/12) / 15 s.
    assert timing_sd(1 / 15, 0.0, (40.0, 40.0)) == pytest.approx(math.sqrt(2 / 12) / 15)
    # A noisy signal moving slowly through the line crosses it early or late: 2 deg at 10 deg/s is 0.2 s.
    assert timing_sd(0.0, 2.0, (10.0,)) == pytest.approx(0.2)


def test_the_noise_meter_follows_the_view_it_is_given() -> None:
    # The same person further from the camera: the noise doubles, and so does the estimate.
    rng = np.random.default_rng(7)
    near, far = NoiseMeter(), NoiseMeter()
    for i in range(int(20 * FPS)):
        near.add(i / FPS, 90.0 + rng.normal(0.0, 1.0))
        far.add(i / FPS, 90.0 + rng.normal(0.0, 2.0))
    assert near.sigma == pytest.approx(1.0, rel=0.2)
    assert far.sigma == pytest.approx(2.0, rel=0.2)


def test_a_margin_moves_the_line_the_way_the_condition_points() -> None:
    assert clear_of("<", 2.9, 6.0, 3.0) and not clear_of("<", 3.1, 6.0, 3.0)
    assert clear_of(">", 9.1, 6.0, 3.0) and not clear_of(">", 8.9, 6.0, 3.0)
    assert clear_of("<=", 6.0, 6.0, 0.0) and not clear_of("<", 6.0, 6.0, 0.0)
