"""Layers 1-2: the spec-free counter ("Any exercise") on made-up pose tracks and the synthetic exerciser.

No model: pose vectors built from sinusoids with a lead-in, rests and a walk away, and the
synthetic exerciser's landmark tracks (formcheck synth), offline and live.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.features.pose_axis import BODY, learn_axis, pose_vectors, smooth
from formcheck.features.pose_period import CLEAR, repeating_direction
from formcheck.pipeline.analysis import analyze_frames, resolve_spec
from formcheck.records.frame import PoseFrame
from formcheck.synth import generate
from formcheck.tracker.any_counter import AnyCounter, count_clip
from formcheck.tracker.any_tracker import AnyTracker, any_spec

FPS = 30.0
DIM = 2 * len(BODY)


def _track(segments: list[tuple[str, float, int]], coord: int = 10, noise: float = 0.01,
           seed: int = 0) -> np.ndarray:
    """Pose vectors: ``("rest", seconds, 0)``, ``("reps", period_s, n)`` (full cycles from rest),
    ``("walk", seconds, 0)`` (every coordinate drifts: the person walks away)."""
    rng = np.random.default_rng(seed)
    rows: list[np.ndarray] = []
    base = rng.uniform(0.2, 0.8, DIM)
    for kind, value, n in segments:
        frames = int(round((value * n if kind == "reps" else value) * FPS))
        block = np.repeat(base[None], frames, axis=0)
        if kind == "reps":
            ph = np.arange(frames) / (value * FPS)
            block[:, coord] += 0.3 * (1 - np.cos(2 * np.pi * ph)) / 2
            block[:, coord + 1] += 0.1 * (1 - np.cos(2 * np.pi * ph)) / 2
        elif kind == "walk":
            block += np.linspace(0, 1, frames)[:, None] * rng.uniform(-0.3, 0.3, DIM)
            base = block[-1].copy()
        rows.append(block)
    out = np.concatenate(rows)
    return out + rng.normal(0, noise, out.shape)


@pytest.mark.parametrize("period", [0.8, 2.0, 4.5])
def test_axis_and_period_are_found_among_noise(period: float) -> None:
    vecs = _track([("rest", 2.0, 0), ("reps", period, 8), ("rest", 2.0, 0)], coord=20)
    axis = learn_axis(vecs, FPS)
    assert axis is not None
    assert axis.period_s == pytest.approx(period, rel=0.1)
    assert int(np.argmax(np.abs(axis.vec))) == 20


@pytest.mark.parametrize(("segments", "expected"), [
    ([("rest", 3.0, 0), ("reps", 1.5, 10), ("rest", 2.0, 0)], 10),  # lead-in and lead-out
    ([("reps", 2.0, 6), ("rest", 8.0, 0), ("reps", 2.0, 6)], 12),  # a rest between two sets
    ([("rest", 2.0, 0), ("reps", 1.0, 15), ("walk", 3.0, 0), ("rest", 3.0, 0)], 15),  # walks away
    ([("rest", 1.0, 0), ("reps", 3.0, 3)], 3),  # three slow reps
    ([("rest", 6.0, 0)], 0),  # nothing repeated
])
def test_clip_counts_full_cycles_only_in_the_active_part(segments: list[tuple[str, float, int]],
                                                          expected: int) -> None:
    assert count_clip(_track(segments), FPS).reps == expected


def test_a_second_set_done_smaller_still_counts() -> None:
    big = _track([("rest", 2.0, 0), ("reps", 1.5, 6)], seed=1)
    small = _track([("rest", 8.0, 0), ("reps", 1.5, 6), ("rest", 2.0, 0)], seed=1)  # after a rest
    small = big[-1] + 0.4 * (small - small[0])
    # Each set's reps count on the far end, and its 5 turns between reps on the near end: the
    # count, the mean of both ends rounded up, is within one when a clip holds two sets.
    assert count_clip(np.concatenate([big, small]), FPS).reps in (11, 12)


def _reps(period: float, n: int, depth: np.ndarray, side: np.ndarray | None = None, coord: int = 10,
          seed: int = 0) -> np.ndarray:
    """``n`` reps from rest along ``coord``, rep ``k`` as deep as ``depth[k % len(depth)]``; ``side``
    moves coordinate ``coord + 20`` by ``side[k % len(side)]`` during rep ``k`` (a left-right set)."""
    frames = int(round(period * n * FPS))
    ph = np.arange(frames) / (period * FPS)
    k = np.minimum(ph.astype(int), n - 1)
    out = np.tile(np.random.default_rng(seed).uniform(0.2, 0.8, DIM), (frames, 1))
    out[:, coord] += depth[k % len(depth)] * 0.3 * (1 - np.cos(2 * np.pi * ph)) / 2
    if side is not None:
        out[:, coord + 20] += side[k % len(side)] * (1 - np.cos(2 * np.pi * ph)) / 2
    return out + np.random.default_rng(seed + 1).normal(0, 0.01, out.shape)


@pytest.mark.parametrize(("depth", "side"), [
    (np.array([1.0, 0.7]), np.array([0.05, -0.05])),  # deeper, shallower, the body shifting with it
    (np.array([1.0]), np.array([0.1, -0.1])),  # left, right, left, ...: each side a rep
])
def test_alternate_reps_that_differ_count_each(depth: np.ndarray, side: np.ndarray | None) -> None:
    # The whole pose repeats only every second rep: the octave check halves that period.
    found = count_clip(_reps(1.5, 12, depth, side), FPS)
    assert found.axis is not None and found.axis.period_s == pytest.approx(1.5, rel=0.1)
    assert found.reps == 12


def test_a_harmonic_does_not_halve_the_period() -> None:
    # A large coordinate at twice the rep's frequency (a curl's forearm is level twice a rep): the
    # whole pose half a period on is at the other end of the movement, so the period stays.
    vecs = _reps(2.0, 10, np.array([1.0]))
    ph = np.arange(len(vecs)) / (2.0 * FPS)
    vecs[:, 30] += 0.1 * np.cos(4 * np.pi * ph)
    found = count_clip(vecs, FPS)
    assert found.axis is not None and found.axis.period_s == pytest.approx(2.0, rel=0.1)
    assert found.reps == 10


def test_a_set_after_turning_counts_along_its_own_direction() -> None:
    # The person turns between sets: the same rep moves other coordinates, at another tempo.
    first = _reps(1.8, 10, np.array([1.0]), coord=10)
    second = _reps(1.2, 10, np.array([1.0]), coord=40, seed=5)
    second += first[-1] - second[0]
    assert count_clip(np.concatenate([first, second]), FPS).reps in (19, 20, 21)


def test_a_rep_among_larger_wandering_is_found_offline() -> None:
    # Two other coordinates wander (a tracking drift, a restless head) more than the rep moves:
    # the whole pose's period is not clear, the rep's own component's is.
    vecs = _reps(1.5, 14, np.array([1.0]), seed=1)
    wander = smooth(np.random.default_rng(11).normal(0, 1, (len(vecs), 2)), 8.0)
    vecs[:, [30, 40]] += 0.21 * wander / wander.std(axis=0)
    whole = learn_axis(vecs, FPS, own_periods=False)
    assert whole is not None and whole.strength < CLEAR
    found = count_clip(vecs, FPS)
    assert found.axis is not None and found.axis.period_s == pytest.approx(1.5, rel=0.1)
    assert found.reps in (13, 14, 15)


def test_a_rep_in_a_small_component_among_noise_everywhere_is_found_offline() -> None:
    # A bench press: the rep lives in one small component (the hands) while tracking noise moves
    # twenty other coordinates, together more than the rep. The whole pose reads a period of two
    # reps, unclear, and none of the three leading components is the rep (they are noise): the
    # direction that repeats best among the leading eight is, at its own, shorter period.
    vecs = _reps(1.5, 14, np.array([1.0]), seed=1)
    noise = smooth(np.random.default_rng(9).normal(0, 1, (len(vecs), 20)), 15.0)
    vecs[:, 20:40] += 0.09 * noise / noise.std(axis=0)
    whole = learn_axis(vecs, FPS, own_periods=False)
    assert whole is not None and whole.strength < CLEAR and whole.period_s > 2.5
    found = count_clip(vecs, FPS)
    assert found.axis is not None and found.axis.period_s == pytest.approx(1.5, rel=0.1)
    assert int(np.argmax(np.abs(found.axis.vec))) == 10
    assert found.reps in (13, 14, 15)


def test_repeating_direction_finds_the_periodic_column_and_its_period() -> None:
    # Columns as principal components: four of wandering noise, each moving more than the fifth,
    # which repeats (every 45 frames).
    rng = np.random.default_rng(4)
    z = smooth(rng.normal(0, 1, (600, 5)), 12.0)
    z[:, :4] *= 0.12 / z[:, :4].std(axis=0)
    z[:, 4] = 0.15 * np.sin(2 * np.pi * np.arange(600) / 45) + rng.normal(0, 0.01, 600)
    found = repeating_direction(z - z.mean(axis=0), FPS)
    assert found is not None
    per, strength, w = found
    assert per == pytest.approx(45, abs=2) and strength >= CLEAR
    assert int(np.argmax(np.abs(w))) == 4


def test_live_counter_counts_nothing_while_learning_then_catches_up() -> None:
    vecs = _track([("rest", 2.0, 0), ("reps", 1.5, 10), ("rest", 3.0, 0)])
    c = AnyCounter()
    seen = []
    for i, v in enumerate(vecs):
        c.update(i / FPS, v)
        seen.append(c.reps)
    assert seen[int(2.5 * FPS)] == 0  # half-way through the first rep: nothing to learn from yet
    assert c.reps == 10
    assert c.axis is not None and c.axis.period_s == pytest.approx(1.5, rel=0.1)


def test_live_counter_ignores_a_person_who_stands_still() -> None:
    c = AnyCounter()
    for i, v in enumerate(_track([("rest", 20.0, 0)], noise=0.02)):
        c.update(i / FPS, v)
    assert c.reps == 0 and c.learning


def test_pose_vectors_ignore_where_the_body_is_and_how_big() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0.3, 0.6, (1, 33, 2))
    moved = 0.5 * xy + 0.2
    assert np.allclose(pose_vectors(xy), pose_vectors(moved))


def test_lost_frames_are_no_movement() -> None:
    xy = np.random.default_rng(4).uniform(0, 1, (4, 33, 2))
    xy[2] = np.nan  # no landmark known (pytest turns the warning a NaN minimum would raise into a failure)
    vecs = pose_vectors(xy, np.array([True, False, True, True]))
    assert np.array_equal(vecs[1], vecs[0]) and np.array_equal(vecs[2], vecs[0])


# ---------------------------------------------------------------------------- synthetic exerciser
#: Exercises whose full cycle is one rep (alternating exercises count a left-right pair: see README).
SYNTH = ["glute_bridge", "superman", "bent_over_row", "deadlift", "prone_y_raise", "face_pull"]


@pytest.mark.parametrize("exercise", SYNTH)
def test_synthetic_clip_counts_exactly_offline(exercise: str) -> None:
    frames, label = generate.synth_track(exercise, reps=6, seed=3, jitter=0.004)
    s = analyze_frames(frames, "any").summary
    assert s.reps == label.reps_complete
    assert s.extra["period_s"] == pytest.approx(np.median([r.end - r.start for r in label.reps]), rel=0.35)


@pytest.mark.parametrize("exercise", SYNTH)
@pytest.mark.parametrize("seed", [1, 2])
def test_live_stream_counts_within_one_after_the_first_two_reps(exercise: str, seed: int) -> None:
    frames, label = generate.synth_track(exercise, reps=8, seed=seed, jitter=0.004)
    tr = AnyTracker(any_spec())
    ends = [r.end for r in label.reps if r.complete]
    checks = []
    for f in frames:
        tr.update(f)
        done = sum(e + 0.5 <= f.t for e in ends)
        if done >= 3:
            checks.append(abs(tr.reps - done) <= 1)
    assert checks and all(checks)
    assert tr.reps == len(ends)


@pytest.mark.parametrize(("exercise", "moving", "still"), [
    ("bent_over_row", {"hands", "elbows"}, {"knees", "feet"}),
    ("glute_bridge", {"hips"}, {"feet", "head"}),
])
def test_report_names_the_body_parts_that_moved(exercise: str, moving: set[str], still: set[str]) -> None:
    frames, _ = generate.synth_track(exercise, reps=5, seed=1)
    moved = set(analyze_frames(frames, "any").summary.extra["moved"])
    assert moved & moving and not moved & still


def test_rushed_rep_raises_the_tempo_cue_only() -> None:
    vecs = np.concatenate([_track([("rest", 2.0, 0), ("reps", 2.0, 5)]), _track([("reps", 0.8, 1), ("rest", 2.0, 0)])])
    tr = AnyTracker(any_spec())
    for i, v in enumerate(vecs):
        image = np.zeros((33, 3), np.float32)
        image[list(BODY), :2] = v.reshape(len(BODY), 2)
        tr.update(PoseFrame(t=i / FPS, image_wh=(640, 480), image=image, world=np.zeros((33, 3), np.float32),
                            visibility=np.ones(33, np.float32), presence=np.ones(33, np.float32), index=i))
    s = tr.summary()
    assert {c.id for c in s.cues} <= {"too_fast", "partial_rep"}
    assert "too_fast" in s.rep_rows[-1].cues


def test_any_is_an_exercise_everywhere_a_spec_id_is() -> None:
    assert resolve_spec("any").name == "any"
    assert any_spec().rules == [] and not math.isnan(any_spec().rep.min_duration)  # type: ignore[union-attr]


def test_analyze_any_reports_what_moved_and_the_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = Path(__file__).resolve().parent.parent / "sample_videos" / "bent_over_row_side.npz"
    label = json.loads(clip.with_suffix(".json").read_text())
    assert main(["analyze", str(clip), "--exercise", "any", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Any exercise" in out and "moved: " in out and "rep period: " in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["exercise"] == "any"
    assert report["reps"] == sum(r["complete"] for r in label["reps"])
    assert "hands" in report["extra"]["moved"] and report["extra"]["period_s"] > 0
