"""The baseline of ``rep_start`` rules is where the person rested, not one frame of that rest."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.spec import load_spec
from formcheck.tracker.rep_tracking import RepTracking
from formcheck.tracker.rest_baseline import RestBaseline

FPS = 30.0


def _squeeze_with_a_shrug(shrug_lead_s: float) -> list[tuple[float, float, float]]:
    """(t, shoulder width, neck length): 2 s at rest, then a squeeze whose shrug starts early.

    The width (the rep signal) narrows 0.64 -> 0.58 over 1 s from 2.0 s; the neck shortens
    0.52 -> 0.43 (a shrug, 0.09 torso lengths) over 1 s from ``2.0 - shrug_lead_s``.
    """
    rows = []
    for i in range(int(5 * FPS)):
        t = i / FPS
        width = 0.64 - 0.06 * float(np.clip(t - 2.0, 0.0, 1.0))
        neck = 0.52 - 0.09 * float(np.clip(t - 2.0 + shrug_lead_s, 0.0, 1.0))
        rows.append((t, width, neck))
    return rows


@pytest.mark.parametrize("lead", [0.0, 0.3])
def test_a_shrug_that_starts_before_the_squeeze_is_measured_from_the_rest(lead: float) -> None:
    reps = RepTracking(load_spec("shoulder_blade_squeeze"), ("left",))
    baseline_in_rep = None
    for t, width, neck in _squeeze_with_a_shrug(lead):
        reps.feed(t, {"left:shoulder_width_3d": width, "left:neck_length": neck}, "left", True)
        if reps.counters["left"].in_rep and baseline_in_rep is None:
            baseline_in_rep = dict(reps.baseline("left"))
    assert baseline_in_rep is not None
    # The rested neck length, though the shrug was under way when the width left rest.
    assert baseline_in_rep["neck_length"] == pytest.approx(0.52, abs=0.01)
    assert 0.43 - baseline_in_rep["neck_length"] < -0.08  # so the rule's 0.06 is passed by the shrug


def test_one_odd_frame_of_rest_does_not_become_the_baseline() -> None:
    rest = RestBaseline()
    for i in range(30):
        rest.add(i / FPS, {"pelvis_drop": 0.40 if i == 29 else 0.03, "hidden": math.nan})
    rest.leave()
    assert rest.values["pelvis_drop"] == pytest.approx(0.03)
    assert math.isnan(rest.values["hidden"])


def test_only_the_rests_last_second_counts_and_a_new_rest_starts_afresh() -> None:
    rest = RestBaseline(window_s=1.0)
    for i in range(90):  # 3 s of rest: drifting from 0.0 to 0.3, the last second 0.2-0.3
        rest.add(i / FPS, {"x": i / 300})
    rest.leave()
    assert 0.2 <= rest.values["x"] <= 0.3
    rest.leave()  # still in the rep: the baseline stays
    assert 0.2 <= rest.values["x"] <= 0.3
    rest.add(4.0, {"x": 1.0})
    rest.leave()
    assert rest.values["x"] == 1.0
