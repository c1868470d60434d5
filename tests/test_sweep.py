"""Layer 2: the synthetic robustness sweep (generator landmarks, no model).

The counting issue's gate: bird-dog, glute bridge, superman, bent-over row, one-arm row and
deadlift x side and 45-degree views x camera yaw 0 and 25 degrees x body height 1.55 and
1.9 m count exactly on at least 95 % of tracks. The table is printed (``-s``).
"""

from __future__ import annotations

import pytest

from formcheck.pipeline.sweep import SweepCase, format_sweep, run_case, run_sweep, sweep_cases


@pytest.mark.slow
def test_done_when_grid_counts_exactly_on_95_percent() -> None:
    cases = sweep_cases("done-when")
    assert len(cases) == 48 and {c.angle for c in cases} == {0.0, 25.0, 45.0, 70.0}
    rows = run_sweep(cases)
    print("\n" + format_sweep(rows))
    assert sum(r.exact for r in rows) / len(rows) >= 0.95


@pytest.mark.parametrize("start, expect_partial", [("mid_up", 1), ("top", 0)])
def test_start_phase_follows_the_labelled_convention(start: str, expect_partial: int) -> None:
    """A clip cut halfway up its first rep: that rep is partial; cut at its top: it counts."""
    row = run_case(SweepCase("glute_bridge", start=start))
    full = run_case(SweepCase("glute_bridge"))
    assert row.true_partial == full.true_partial + expect_partial
    assert row.true_reps == full.true_reps - expect_partial
    assert row.exact


@pytest.mark.parametrize("view", ["side", "45"])
def test_a_bird_dog_begun_with_a_limb_pair_raised_counts_that_rep(view: str) -> None:
    """Its counter starts mid-rep and returns late, so its first attempt spans the other side's
    first rep: two movements, not one seen by both sides (they would start and end together)."""
    row = run_case(SweepCase("bird_dog", view=view, start="top"))
    assert (row.reps, row.partial_reps) == (row.true_reps, row.true_partial) and row.exact


def test_a_miss_is_listed_with_its_case() -> None:
    case = SweepCase("glute_bridge")
    good = run_case(case)
    bad = type(good)(case, good.true_reps + 2, 0, good.reps, good.partial_reps)
    table = format_sweep([good, bad])
    assert "miss: glute_bridge 0 deg" in table and "exact: 1/2 (50 %)" in table
