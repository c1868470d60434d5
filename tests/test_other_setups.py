"""Exercises with more than one start position (``other_setups``): a face pull stands at a cable, or is
done bent over with dumbbells; a set in either is counted, and neither is the other exercise's start.

Counts come from generator tracks (``formcheck.synth``), whose labels the tracker never reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pipeline.analysis import analyze_frames
from formcheck.records.errors import SpecError
from formcheck.records.landmarks import Landmark
from formcheck.spec import load_spec, parse_condition
from formcheck.spec.schema import CueTiming, FormRule
from formcheck.synth import synth_track
from formcheck.tracker.form_rules import RuleEngine
from formcheck.tracker.setup_gate import AnySetupCheck, SetupGate
from formcheck.tracker.tracker import Tracker

BENT_OVER_VIEWS = ("side", "45", "front")


def _without_other_setups(name: str):  # type: ignore[no-untyped-def]
    spec = load_spec(name)
    return spec.model_copy(update={"other_setups": {}})


@pytest.mark.parametrize("view", BENT_OVER_VIEWS)
def test_a_bent_over_face_pull_is_counted_from_its_own_start_position(view: str) -> None:
    frames, label = synth_track("face_pull", setting="bent_over", reps=3, seed=1, view=view)
    result = analyze_frames(frames, "face_pull")
    assert result.summary.reps == label.reps_complete == 3
    assert result.summary.count_confidence == "confirmed"


def test_without_the_bent_over_start_the_standing_gate_never_opens_on_it() -> None:
    # The same frames through the spec as it was (standing only), filmed from the side: the spec's own
    # count stays 0 (at most the movement alone counts them, saying the start was not confirmed), and the
    # words name the standing start's upright torso.
    frames, _ = synth_track("face_pull", setting="bent_over", reps=3, seed=1, view="side")
    summary = analyze_frames(frames, _without_other_setups("face_pull")).summary
    assert (summary.count_confidence or "").startswith(("disagree: spec 0,", "movement only: start position not"))
    words = " ".join([summary.reason or "", *summary.notes])
    assert "torso incline stayed 50° to 50°, needs < 35°" in words


def test_the_standing_face_pull_still_counts() -> None:
    frames, label = synth_track("face_pull", reps=3, seed=2, view="front")
    assert analyze_frames(frames, "face_pull").summary.reps == label.reps_complete == 3


@pytest.mark.parametrize("exercise", ["bird_dog", "glute_bridge", "superman", "plank"])
def test_the_bent_over_start_is_no_floor_exercises_start(exercise: str) -> None:
    # Hinged on the feet with the arms hanging: on all fours, lying or in a plank the knees bend to
    # 90, the torso lies level or the arms do not hang.
    frames, _ = synth_track(exercise, seed=1, view="45", **({"hold": 6.0} if exercise == "plank" else {"reps": 2}))
    phases = {fb.phase for fb in analyze_frames(frames, "face_pull").feedback}
    assert phases <= {"setup", "not_visible"}


def test_the_diagnosis_names_the_start_position_it_judged() -> None:
    # A set that meets neither start: the sentence judges the nearer one, and names it when it is not
    # the spec's main one. A superman lies prone: the standing start's upright torso is what failed.
    spec = load_spec("face_pull")
    assert spec.setups() == [spec.setup, spec.other_setups["bent_over"]]
    frames, _ = synth_track("superman", reps=2, seed=1, view="side")
    reason = analyze_frames(frames, spec).summary.reason or ""
    assert reason.startswith("the start position was never held: torso incline stayed")
    assert "(bent over)" not in reason
    # Kneeling on all fours hinged: the bent-over start is nearer (only the knee fails), and is named.
    frames, _ = synth_track("bird_dog", reps=2, seed=1, view="side")
    reason = analyze_frames(frames, spec).summary.reason or ""
    assert reason.startswith("the start position was never held:") and "(bent over)" in reason


def test_a_frame_is_in_the_start_pose_when_any_start_position_holds() -> None:
    check = AnySetupCheck([[parse_condition("torso_incline < 35")],
                           [parse_condition("torso_incline_3d > 30"), parse_condition("knee_angle_3d > 110")]])
    assert check.verdict(0.0, {"torso_incline": 20.0, "torso_incline_3d": 5.0, "knee_angle_3d": 170.0}) is True
    assert check.verdict(0.1, {"torso_incline": 60.0, "torso_incline_3d": 50.0, "knee_angle_3d": 170.0}) is True
    assert check.verdict(0.2, {"torso_incline": 60.0, "torso_incline_3d": 50.0, "knee_angle_3d": 90.0}) is False
    assert check.verdict(0.3, {"torso_incline": 60.0, "torso_incline_3d": 50.0}) is None  # knee unseen


def test_frames_judged_late_by_one_start_position_reach_the_gate() -> None:
    # The bent-over start's knee is out of the picture from the first frame; once known hidden, the
    # frames waited through are judged again on the torso alone and the gate opens at UNSEEN_S, not later.
    check = AnySetupCheck([[parse_condition("torso_incline < 35")],
                           [parse_condition("torso_incline_3d > 30"), parse_condition("knee_angle_3d > 110")]])
    gate = SetupGate(0.5)
    opened = [t for t in np.arange(0.0, 3.0, 0.1)
              if gate.update(t, check.verdict(t, {"torso_incline": 60.0, "torso_incline_3d": 50.0}),
                             check.judged_late())]
    assert opened and opened[0] == pytest.approx(2.0)


def _spec_file(tmp_path: Path, other: str, kind: str = "reps") -> Path:
    body = ("name: x\ntitle: X\nkind: reps\nkey_features: [hip_angle]\nsetup: ['torso_incline < 35']\n"
            "rep: {signal: hip_angle, start: 120, peak: 160}\n") if kind == "reps" else \
        ("name: x\ntitle: X\nkind: hold\nkey_features: [hip_angle]\nsetup: ['torso_incline < 35']\n"
         "hold: {target_s: 5}\n")
    f = tmp_path / "x.yaml"
    f.write_text(body + other)
    return f


@pytest.mark.parametrize("other, kind, match", [
    ("other_setups:\n  bent_over: ['torso_incline_3d >> 30']\n", "reps", r"x\.yaml:\d+: other_setups"),
    ("other_setups:\n  bent_over: ['torso_inclin_3d > 30']\n", "reps", r"unknown feature 'torso_inclin_3d'"),
    ("other_setups:\n  Bent Over: ['torso_incline_3d > 30']\n", "reps", r"'Bent Over' is not a name"),
    ("other_setups:\n  bent_over: []\n", "reps", r"'bent_over' has no conditions"),
    ("other_setups:\n  bent_over: ['torso_incline_3d > 30']\n", "hold", r"'other_setups' is for 'reps' exercises"),
])
def test_a_wrong_other_setup_is_one_line_naming_the_file(tmp_path: Path, other: str, kind: str, match: str) -> None:
    with pytest.raises(SpecError, match=match) as err:
        load_spec(_spec_file(tmp_path, other, kind))
    assert "\n" not in str(err.value)


def test_the_generator_bends_over_and_pulls_the_hands_up_beside_the_head() -> None:
    frames, label = synth_track("face_pull", setting="bent_over", reps=2, seed=0)
    w = np.stack([f.world for f in frames])
    shoulders = (w[:, Landmark.LEFT_SHOULDER] + w[:, Landmark.RIGHT_SHOULDER]) / 2
    hips = (w[:, Landmark.LEFT_HIP] + w[:, Landmark.RIGHT_HIP]) / 2
    torso = shoulders - hips
    from_vertical = np.degrees(np.arccos(-torso[:, 1] / np.linalg.norm(torso, axis=1)))  # world y points down
    assert np.all(np.abs(from_vertical - 50) < 8)
    wrist_below = w[:, Landmark.LEFT_WRIST, 1] - w[:, Landmark.LEFT_SHOULDER, 1]  # + below the shoulder
    assert wrist_below[0] > 0.4  # hanging at rest
    tops = [int(np.argmin(np.abs(np.array([f.t for f in frames]) - r.top))) for r in label.reps]
    assert all(abs(wrist_below[i]) < 0.15 for i in tops)  # at shoulder height at the top


def _shrug_rule(skip: list[str]) -> FormRule:
    return FormRule(id="shrugging", when=["neck_length < -0.06"], phases=["peak"], min_duration=0.2,
                    message="Shoulders down", skip_setups=skip)


@pytest.mark.parametrize(("start_position", "cued"), [("", True), ("bent_over", False)])
def test_a_rule_pauses_in_a_set_begun_from_a_start_position_it_skips(start_position: str, cued: bool) -> None:
    engine = RuleEngine([_shrug_rule(["bent_over"])], CueTiming())
    engine.start_position = start_position
    for t in np.arange(0.0, 1.0, 0.05):
        engine.update(float(t), "peak", {"neck_length": -0.2})
    assert bool(engine.cues) is cued


@pytest.mark.parametrize(("setting", "start"), [(None, ""), ("bent_over", "bent_over")])
def test_the_tracker_knows_which_start_position_the_set_began_from(setting: str | None, start: str) -> None:
    frames, _ = synth_track("face_pull", setting=setting, reps=2, seed=3, view="front")
    tracker = Tracker(load_spec("face_pull"))
    tracker.process(frames)
    assert tracker.start_position == start
    tracker.reset()
    assert tracker.start_position == ""


def test_the_face_pull_judges_shrugging_standing_and_not_bent_over() -> None:
    rules = {r.id: r for r in load_spec("face_pull").rules}
    assert rules["shrugging"].skip_setups == ["bent_over"] and rules["elbows_low"].skip_setups == []
    frames, _ = synth_track("face_pull", fault="shrugging", reps=3, seed=1, view="front")
    assert "shrugging" in {c.id for c in analyze_frames(frames, "face_pull").summary.cues}


def test_skip_setups_must_name_one_of_the_specs_other_setups(tmp_path: Path) -> None:
    other = ("other_setups:\n  bent_over: ['torso_incline_3d > 30']\n"
             "rules:\n  - {id: shrugging, when: 'neck_length < -0.06', message: m, skip_setups: [bent_ovr]}\n")
    with pytest.raises(SpecError, match=r"rule 'shrugging': skip_setups names 'bent_ovr', not one of the spec's "
                                        r"other_setups \(bent_over\)") as err:
        load_spec(_spec_file(tmp_path, other))
    assert "\n" not in str(err.value)


def test_a_late_judgement_never_reaches_back_past_a_frame_the_gate_has_seen() -> None:
    # The bent-over start's knee is unread (unknown) while the standing start fails; then the standing
    # start holds for a frame (known: the gate takes it); once the knee is known to be hidden, the
    # frames before that known one are not judged again (the gate takes frames in time order).
    check = AnySetupCheck([[parse_condition("torso_incline < 35")],
                           [parse_condition("torso_incline_3d > 30"), parse_condition("knee_angle_3d > 110")]])
    bent = {"torso_incline": 60.0, "torso_incline_3d": 50.0}
    seen: list[float] = []
    for t in np.arange(0.0, 3.0, 0.1):
        standing = abs(t - 1.0) < 1e-6
        ok = check.verdict(float(t), {**bent, "torso_incline": 20.0} if standing else bent)
        late = check.judged_late()
        assert all(t_late > 1.0 for t_late, _ in late)
        seen += [t_late for t_late, _ in late] + ([float(t)] if ok is not None else [])
    assert seen == sorted(seen) and len(seen) == len(set(seen))
