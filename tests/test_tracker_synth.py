"""Layer 2: the tracker on the synthetic exerciser's landmark-only tracks (exact labels, no model).

Every built-in rep exercise must count its clean track exactly (per side for bird-dog), each hold
must be timed within the evaluation's tolerance, and each fault track must raise that fault's cue
during the labelled fault.
"""

from __future__ import annotations

import pytest

from formcheck.spec import load_spec
from formcheck.synth import generate
from formcheck.tracker.tracker import Tracker

REP_EXERCISES = ["glute_bridge", "bird_dog", "superman", "bent_over_row", "one_arm_row", "deadlift",
                 # the demo-only motions (extras.py; push-up and hip thrust in motions.py)
                 "cat_cow", "squat", "push_up", "hip_thrust", "good_morning", "single_leg_rdl", "biceps_curl"]
HOLD_EXERCISES = ["plank", "superman_hold", "glute_bridge_hold"]
# Not here: ``partial_rep`` (the generator's partial reaches 25-50 % of the range depending on
# the seed, around the specs' partial thresholds) and the bridge's ``hips_low`` (the generator's
# own 3-D world points put a full bridge at ~155 deg, the pose model at 157-165): both are
# covered by hand-made tracks in test_tracker.py and by the model on sample_videos (eval).
# Nor the plank's ``hips_sagging``: the generator's own 3-D sag puts the hips 0.07-0.09 torso
# lengths above the ankles, as low as the pose model reads lying flat (the model reads the
# rendered sag at 0.15-0.2, and the rendered sample raises the cue).
FAULTS = [("bird_dog", "limb_not_horizontal"), ("superman", "neck_cranked"),
          ("bent_over_row", "torso_rising"), ("bent_over_row", "rounded_back"), ("deadlift", "rounded_back"),
          ("plank", "hips_piked"), ("superman_hold", "neck_cranked"),
          ("glute_bridge", "too_fast"), ("superman", "too_fast"), ("bent_over_row", "too_fast"),
          ("squat", "torso_too_forward"), ("lunge", "torso_too_forward"), ("push_up", "hips_sagging"),
          ("push_up", "hips_piked"), ("hip_thrust", "hips_low"), ("good_morning", "rounded_back"),
          ("single_leg_rdl", "free_leg_low"), ("single_leg_rdl", "rounded_back"), ("biceps_curl", "elbows_drifting"),
          ("biceps_curl", "torso_swinging"), ("glute_bridge_hold", "hips_low"), ("squat", "too_fast")]


@pytest.mark.parametrize("exercise", REP_EXERCISES)
@pytest.mark.parametrize("seed", [1, 2])
def test_clean_track_counts_exactly(exercise: str, seed: int) -> None:
    frames, label = generate.synth_track(exercise, seed=seed, jitter=0.004)
    tr = Tracker(load_spec(exercise))
    tr.process(frames)
    s = tr.summary()
    assert s.reps == label.reps_complete
    assert s.partial_reps == label.reps_partial
    if exercise in ("bird_dog", "one_arm_row"):
        assert s.reps_by_side == label.reps_by_side()
    else:  # bilateral: both sides do every rep, so no per-side count
        assert s.reps_by_side == {}
    assert [c.id for c in s.cues] == []


@pytest.mark.parametrize("exercise", HOLD_EXERCISES)
def test_clean_hold_is_timed_within_tolerance_without_a_cue(exercise: str) -> None:
    """The eval harness's tolerance: within 2.5 s or 30 % (the timer starts once the pose is reached,
    on the way into the label's hold)."""
    frames, label = generate.synth_track(exercise, seed=1, jitter=0.004)
    tr = Tracker(load_spec(exercise))
    tr.process(frames)
    s = tr.summary()
    true_s = sum(h.end - h.start for h in label.holds)
    assert abs(sum(h.good_s for h in s.holds) - true_s) <= max(2.5, 0.3 * true_s)
    assert s.reps == 0 and [c.id for c in s.cues] == []


@pytest.mark.parametrize("seed", [1, 2])
def test_lunges_led_by_the_near_leg_count_exactly(seed: int) -> None:
    frames, label = generate.synth_track("lunge", seed=seed, jitter=0.004, side="left")  # the camera's side
    tr = Tracker(load_spec("lunge"))
    tr.process(frames)
    s = tr.summary()
    assert (s.reps, s.partial_reps) == (label.reps_complete, 0) == (4, 0) and [c.id for c in s.cues] == []


@pytest.mark.parametrize("seed", [1, 2])
def test_lunges_led_by_the_far_leg_count_exactly(seed: int) -> None:
    # The near leg is then behind, its shin near level at the bottom: the front (far) shin is upright.
    frames, label = generate.synth_track("lunge", seed=seed, jitter=0.004, side="right")
    tr = Tracker(load_spec("lunge"))
    tr.process(frames)
    s = tr.summary()
    assert (s.reps, s.partial_reps) == (label.reps_complete, 0) == (4, 0) and [c.id for c in s.cues] == []


@pytest.mark.parametrize("exercise, fault", FAULTS)
def test_fault_track_raises_its_cue(exercise: str, fault: str) -> None:
    frames, label = generate.synth_track(exercise, seed=3, fault=fault, jitter=0.004)
    tr = Tracker(load_spec(exercise))
    tr.process(frames)
    cues = tr.summary().cues
    spans = [(f.start, f.end) for f in label.faults if f.id == fault]
    assert spans
    assert any(c.id == fault and c.start <= end and (c.end or 1e9) >= start for c in cues for start, end in spans)
