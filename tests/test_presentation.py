"""Layer 1: the presentation (the words and numbers shared by the overlay and the app's panel) and the
presenter that steadies it frame to frame."""

from __future__ import annotations

import pytest

from formcheck.features.labels import short_label
from formcheck.records.feedback import Cue, Feedback
from formcheck.sinks.presentation import (
    Target,
    feature_value,
    finished_view,
    phase_word,
    present,
    rest_view,
)
from formcheck.sinks.presenter import Presenter
from formcheck.spec import load_spec


@pytest.mark.parametrize("reps, text", [(0, "0 reps"), (1, "1 rep"), (2, "2 reps"), (11, "11 reps")])
def test_count_agrees_with_its_number(reps: int, text: str) -> None:
    assert present(Feedback(t=1.0, phase="start", reps=reps), load_spec("glute_bridge")).count_text == text


@pytest.mark.parametrize("exercise, phase, word", [
    ("glute_bridge", "ascent", "Lift"), ("glute_bridge", "descent", "Lower"), ("glute_bridge", "setup", "Get in position"),
    ("glute_bridge", "not_visible", "Step into view"), ("glute_bridge", "start", "Ready"),
    ("bird_dog", "peak", "Hold"),  # the spec asks to pause at the top
    ("bent_over_row", "peak", "Top"),
    ("squat", "ascent", "Down"), ("push_up", "descent", "Up"),  # their reps start by going down
    ("plank", "hold", "Hold"),
])
def test_phase_words_are_plain_and_follow_the_spec(exercise: str, phase: str, word: str) -> None:
    assert phase_word(phase, load_spec(exercise)) == word


def test_a_form_cue_wins_over_guidance_and_guidance_reads_as_a_sentence() -> None:
    cue = Cue(id="hips_low", message="Push your hips higher", priority=2, start=0.0)
    both = Feedback(t=1.0, phase="peak", cues=(cue,), guidance="turn side-on to the camera")
    assert (present(both, None).message, present(both, None).tone) == ("Push your hips higher", "form")
    guide = Feedback(t=1.0, phase="setup", guidance="turn side-on to the camera")
    assert (present(guide, None).message, present(guide, None).tone) == ("Turn side-on to the camera", "guide")
    assert present(Feedback(t=1.0, phase="start"), None).message == ""


def test_hold_shows_whole_seconds_against_the_routine_target() -> None:
    plank = load_spec("plank")
    fb = Feedback(t=9.0, phase="hold", hold_s=11.97, hold_target_s=30.0, hold_lost_s=2.2)
    view = present(fb, plank, Target(hold_s=12.0))
    assert (view.count_text, view.target, view.done, view.extra) == ("11 s", "of 12 s", False, "lost to form 2 s")
    assert view.progress == pytest.approx(11.97 / 12)
    done = present(Feedback(t=9.0, phase="hold", hold_s=12.0, hold_target_s=30.0), plank, Target(hold_s=12.0))
    assert done.count_text == "12 s" and done.done
    assert present(fb, plank).target == "of 30 s"  # no routine: the spec's own target


def test_each_side_target_needs_both_sides() -> None:
    bird = load_spec("bird_dog")
    target = Target(reps=2, each_side=True)
    half = present(Feedback(t=1.0, phase="start", reps=3, reps_by_side={"left": 3, "right": 0}), bird, target)
    both = present(Feedback(t=1.0, phase="start", reps=4, reps_by_side={"left": 2, "right": 2}), bird, target)
    assert (half.done, both.done) == (False, True)
    # Per side against the per-side target, the count against the whole set: "4 reps of 2 each side"
    # read as an overshoot.
    assert (both.count_text, both.target, both.sides) == ("4 reps", "of 4", "left 2/2 · right 2/2")
    assert half.sides == "left 3/2 · right 0/2" and half.target == "of 4"
    fresh = present(Feedback(t=0.5, phase="ready"), bird, target)
    assert fresh.sides == "left 0/2 · right 0/2"  # from the first moment, before any rep
    assert present(Feedback(t=1.0, phase="start", reps=1, reps_by_side={"left": 1}), bird).sides == "left 1"


def test_the_routines_note_is_the_message_when_there_is_nothing_else_to_say() -> None:
    bridge = load_spec("glute_bridge")
    target = Target(reps=10, note="slowly, breathe out as you round")
    quiet = present(Feedback(t=1.0, phase="start"), bridge, target)
    assert (quiet.message, quiet.tone) == ("Slowly, breathe out as you round", "next")
    cue = Cue(id="hips_low", message="Push your hips higher", priority=2, start=0.0)
    assert present(Feedback(t=1.0, phase="peak", cues=(cue,)), bridge, target).message == "Push your hips higher"
    rest = rest_view(5.0, "Cat-cow", "Set 1 of 1 · 10 reps", "Camera at hip height", note="slowly, breathe")
    assert (rest.extra, rest.message) == ("Slowly, breathe", "Camera at hip height")


@pytest.mark.parametrize("phase, word", [("start", "Cat"), ("ascent", "Cow"), ("peak", "Cow"), ("descent", "Cat"),
                                         ("ready", "Ready"), ("setup", "Get in position")])
def test_cat_cow_names_its_own_poses(phase: str, word: str) -> None:
    cat_cow = load_spec("cat_cow")
    assert phase_word(phase, cat_cow) == word
    assert present(Feedback(t=1.0, phase=phase), cat_cow).phase == word  # the panel's and the video's word


def test_rest_and_finish_views() -> None:
    rest = rest_view(2.01, "Plank", "Set 1 of 2 · 30 s hold", "Camera at floor level", total_s=10.0)
    assert (rest.count, rest.count_text, rest.phase, rest.title) == (3, "3 s", "Rest", "Next: Plank")
    assert rest.progress == pytest.approx(0.799)
    assert rest_view(0.0, "Plank", "", "", lead_in=True).phase == "Get ready"
    assert finished_view("Lower-back care", 1).count_text == "1 set"


def test_a_brief_loss_keeps_the_phase_word_until_guidance_says_the_person_is_gone() -> None:
    spec = load_spec("glute_bridge")
    p = Presenter(on_s=1.0)
    gone = "no person in view: step into the frame"
    assert p.update(Feedback(t=0.0, phase="ascent"), spec).phase == "Lift"
    missed = [p.update(Feedback(t=0.1 * i, phase="not_visible", guidance=gone), spec) for i in range(1, 10)]
    assert {(v.phase, v.message) for v in missed} == {("Lift", "")}  # the model missed the body for 0.9 s
    still = p.update(Feedback(t=1.15, phase="not_visible", guidance=gone), spec)
    assert (still.phase, still.message) == ("Step into view", "No person in view: step into the frame")
    p.reset()
    assert p.update(Feedback(t=2.0, phase="not_visible"), spec).phase == "Step into view"


def test_guidance_that_comes_and_goes_frame_by_frame_never_shows() -> None:
    """A second person seen in every other frame: 'only one person please' stays off."""
    p = Presenter(on_s=1.0)
    views = [p.update(Feedback(t=i / 12, phase="start", guidance="only one person please" if i % 2 else None), None)
             for i in range(120)]
    assert {v.message for v in views} == {""}


def test_shown_guidance_outlasts_a_one_frame_gap() -> None:
    p = Presenter(on_s=1.0, off_s=0.5)
    asked = ["only one person please"] * 24 + [None] + ["only one person please"] * 12 + [None] * 12
    shown = [p.update(Feedback(t=i / 12, phase="start", guidance=g), None).message for i, g in enumerate(asked)]
    first = shown.index("Only one person please")
    assert first == 12  # after a second
    assert set(shown[first:37]) == {"Only one person please"}  # the one-frame gap does not blink
    assert shown[37 + 4] == "Only one person please" and shown[37 + 7:] == [""] * 5  # gone after ~0.5 s


@pytest.mark.parametrize("name, value, text", [
    ("hip_angle_3d", 129.6, "hip 130°"), ("torso_incline", 41.0, "torso tilt 41°"),
    ("pelvis_drop", 0.1234, "pelvis drop 0.12"), ("right_knee_angle", 90.2, "knee 90°"),
    ("diagonal_reach_min", -44.6, "reach (shorter) -45°"),
])
def test_features_read_in_plain_words(name: str, value: float, text: str) -> None:
    assert f"{short_label(name)} {feature_value(name, value)}" == text
