"""A clip that begins mid-rep counts the rep it began in (formcheck.tracker.clip_lead_in)."""

from __future__ import annotations

import dataclasses

import pytest

from formcheck.pipeline.analysis import analyze_frames
from formcheck.records.frame import PoseFrame
from formcheck.synth import synth_track
from formcheck.tracker.any_tracker import make_tracker
from formcheck.tracker.clip_lead_in import ClipLeadIn
from formcheck.tracker.rep_counter import RepEvent


def _trimmed(exercise: str, share: float) -> tuple[list[PoseFrame], int]:
    """A generator set of 4 reps cut so that it begins ``share`` of the way out in its first rep."""
    frames, _ = synth_track(exercise, seed=2, view="side", reps=4)
    first = analyze_frames(frames, exercise).summary.rep_rows[0]
    t0 = first.start + share * (first.peak - first.start)
    return [dataclasses.replace(f, t=f.t - t0) for f in frames if f.t >= t0], 4


@pytest.mark.parametrize("exercise", ["squat", "single_leg_rdl", "deadlift"])
def test_a_clip_cut_in_its_first_reps_way_out_counts_that_rep(exercise: str) -> None:
    # The start position (standing) is not held at the first frame: the person is on the way down.
    # Before, the squat's setup gate forgot that rep: 3 of 4.
    frames, true_reps = _trimmed(exercise, 0.25)
    assert analyze_frames(frames, exercise).summary.reps == true_reps


def test_live_never_counts_a_movement_under_way_at_start() -> None:
    frames, true_reps = _trimmed("squat", 0.25)
    live = make_tracker(analyze_frames(frames[:1], "squat").spec, count_leading=False)
    for f in frames:
        live.update(f)
    assert live.reps == true_reps - 1


def test_the_lead_in_ends_when_nothing_was_under_way_or_the_person_settles_elsewhere() -> None:
    nothing = ClipLeadIn(enabled=True)
    assert nothing.follows(0.0, False, moving=False) is True  # the first half second: maybe
    assert nothing.follows(0.6, False, moving=False) is False  # no rep under way at the start
    assert nothing.follows(5.0, True, moving=True) is True and nothing.active is False

    wandering = ClipLeadIn(enabled=True)
    for t in (0.0, 0.3, 1.0):
        wandering.follows(t, False, moving=True)
    rep = RepEvent(start=0.1, peak=0.6, peak_end=0.6, end=1.2, complete=True, rom=40.0, extreme=80.0, held=0.0)
    wandering.hold([(rep, "left")])
    assert wandering.follows(2.0, False, moving=False) is True  # within the rep's 1.1 s of its end
    assert wandering.follows(2.5, False, moving=False) is False  # not in the start position by then
    assert wandering.release() == []


def test_disabled_it_is_the_plain_setup_gate() -> None:
    live = ClipLeadIn(enabled=False)
    assert [live.follows(t, ok, moving=True) for t, ok in ((0.0, False), (0.1, None), (0.2, True))] == [
        False, True, True]
