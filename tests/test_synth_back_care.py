"""Layer 2: the back-care catalogue's synthetic motions against their specs (no pose model).

Each sample recipe of a new exercise is simulated; on the generator's own landmarks
(exact joints, no model) each rep moves the spec's signal towards the spec's far end by at
least ``min_excursion``, each hold reaches the spec's setup pose, and each labelled fault
makes its form rule's conditions hold in the middle of the fault while clean reps keep
them false at the top. So the clips show what the specs judge, and a cue on the real
model's landmarks is the model seeing it, not the generator drawing something else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pytest

from formcheck.features.frames import LandmarkArrays
from formcheck.features.resolve import compute_sides
from formcheck.records.labels import ClipLabel
from formcheck.spec import ExerciseSpec, all_hold, load_spec, parse_condition
from formcheck.synth.back_care import MOVES
from formcheck.synth.exercises import EXERCISES
from formcheck.synth.generate import SynthOptions, pose_frames, simulate
from formcheck.synth.samples import SAMPLES

CATALOGUE = [(name, opts) for name, opts in SAMPLES if opts.exercise in MOVES]
REP_SAMPLES = [(name, opts) for name, opts in CATALOGUE if EXERCISES[opts.exercise].kind == "reps"]
HOLD_SAMPLES = [(name, opts) for name, opts in CATALOGUE if EXERCISES[opts.exercise].kind == "hold"]


def _track(opts: SynthOptions) -> tuple[np.ndarray, dict[str, dict[str, np.ndarray]], ClipLabel, ExerciseSpec]:
    from formcheck.synth.generate import make_label

    sim = simulate(opts)
    frames = pose_frames(sim)
    spec = load_spec(opts.exercise)
    values = compute_sides(LandmarkArrays.from_frames(frames), spec.feature_names(), ("left", "right"), 0.0)
    return sim.times, values, make_label(sim, "clip.mp4", None), spec


def _side(label_side: str | None) -> str:
    return label_side or "left"


def _at(values: Mapping[str, Mapping[str, np.ndarray]], side: str, k: int) -> dict[str, float]:
    return {name: float(v[k]) for name, v in values[side].items()}


def test_every_catalogue_exercise_has_a_sample_with_a_fault() -> None:
    assert {opts.exercise for _, opts in CATALOGUE} == set(MOVES)
    assert all(opts.fault for _, opts in CATALOGUE)
    assert all(EXERCISES[name].faults for name in MOVES)


@pytest.mark.parametrize(("name", "opts"), REP_SAMPLES, ids=[n for n, _ in REP_SAMPLES])
def test_each_rep_moves_the_spec_signal_by_at_least_its_smallest_rep(name: str, opts: SynthOptions) -> None:
    t, values, label, spec = _track(opts)
    assert spec.rep is not None and label.reps, f"{name}: a rep sample of a rep spec"
    sig = spec.rep.signal
    for rep in label.reps:
        side = _side(rep.side)
        v = values[side][sig]
        if spec.sides == "both":
            v = np.nanmean(np.stack([values["left"][sig], values["right"][sig]]), axis=0)
        rest = float(v[np.argmin(np.abs(t - rep.start))])
        top = float(v[np.argmin(np.abs(t - rep.top))])
        moved = spec.rep.direction * (top - rest)
        assert moved >= spec.rep.excursion_floor, f"{name}: rep {rep} moved {moved:.3f}"


@pytest.mark.parametrize(("name", "opts"), HOLD_SAMPLES, ids=[n for n, _ in HOLD_SAMPLES])
def test_each_hold_reaches_the_setup_pose(name: str, opts: SynthOptions) -> None:
    t, values, label, spec = _track(opts)
    assert spec.hold is not None and label.holds, f"{name}: a hold sample of a hold spec"
    setup = [parse_condition(c) for c in spec.setup]
    for hold in label.holds:
        k = int(np.argmin(np.abs(t - (hold.start + 0.3))))  # early in the hold: before any fault
        assert all_hold(setup, _at(values, _side(hold.side), k)), f"{name}: hold {hold}"
    if spec.sides == "each":
        assert [h.side for h in label.holds] == ["left", "right"]


@pytest.mark.parametrize(("name", "opts"), CATALOGUE, ids=[n for n, _ in CATALOGUE])
def test_each_fault_breaks_its_rule_and_clean_reps_do_not(name: str, opts: SynthOptions) -> None:
    t, values, label, spec = _track(opts)
    rule = next(r for r in spec.rules if r.id == opts.fault)
    conds = rule.conditions()

    def rule_holds(side: str, k: int, k0: int) -> bool:
        now = _at(values, side, k)
        if rule.baseline == "rep_start":
            before = _at(values, side, k0)
            now = {n: now[n] - before.get(n, math.nan) for n in now}
        return all_hold(conds, now)

    spans = label.reps or label.holds
    for fault in label.faults:
        span = next(s for s in spans if s.start <= fault.start and fault.end <= s.end + 1e-6)
        k = int(np.argmin(np.abs(t - 0.5 * (fault.start + fault.end))))
        assert rule_holds(_side(span.side), k, int(np.argmin(np.abs(t - span.start)))), f"{name}: {fault}"
    faulty = {(f.start, f.end) for f in label.faults}
    for rep in label.reps:
        if (rep.start, rep.end) not in faulty:
            k, k0 = int(np.argmin(np.abs(t - rep.top))), int(np.argmin(np.abs(t - rep.start)))
            assert not rule_holds(_side(rep.side), k, k0), f"{name}: clean rep {rep} breaks {rule.id}"
