"""Layer 2: the recogniser on the synthetic exerciser's tracks (no model), and the shortlist it gives.

The generator's clean tracks are the one place where what each exercise looks like is known
exactly; each is made at the view its spec asks for. The filmed clips and the samples are
judged by the model-level tests and by ``formcheck eval``.
"""

from __future__ import annotations

from functools import cache

import pytest

from formcheck.pipeline.recognise import Recognition, recognise
from formcheck.pipeline.suggest import SHORTLIST, rank_specs
from formcheck.records.frame import PoseFrame
from formcheck.spec import list_specs, load_spec
from formcheck.synth import synth_track

#: The generator's exercises (the catalogue's back-care ones, then the demo-only ones): reps and holds.
REPS = ("glute_bridge", "bird_dog", "superman", "bent_over_row", "one_arm_row", "deadlift", "back_extension",
        "prone_y_raise", "prone_t_raise", "prone_w_raise", "prone_scapular_squeeze", "shoulder_blade_squeeze",
        "band_pull_apart", "face_pull", "seated_row", "thoracic_extension",
        "cat_cow", "squat", "lunge", "push_up", "hip_thrust", "good_morning", "single_leg_rdl", "biceps_curl")
HOLDS = ("plank", "childs_pose", "superman_hold", "neck_stretch", "upper_trap_stretch", "glute_bridge_hold")


@cache
def _track(exercise: str) -> list[PoseFrame]:
    view = {"front": "front"}.get(load_spec(exercise).view, "side")
    if exercise == "shoulder_blade_squeeze":
        view = "45"  # its spec asks for the camera turned about 45 degrees
    kw = {"hold": 10.0} if exercise in HOLDS else {"reps": 3}
    frames, _ = synth_track(exercise, seed=1, jitter=0.005, view=view, **kw)
    return frames


@pytest.mark.parametrize("exercise", REPS + HOLDS)
def test_each_generated_exercise_is_on_the_shortlist(exercise: str) -> None:
    ranked = _recognised(exercise).top(SHORTLIST)
    assert exercise in ranked, ranked


def test_most_generated_exercises_come_first() -> None:
    firsts = [e for e in REPS + HOLDS if _recognised(e).top(1) == [e]]
    print(f"\n[recognise] first on {len(firsts)} of {len(REPS + HOLDS)} generated exercises")
    assert len(firsts) >= 21  # 15 of the first 21; the squat and the two hinges rank behind the deadlift


@cache
def _recognised(exercise: str) -> Recognition:
    return recognise(_track(exercise))


def test_nobody_in_view_recognises_nothing() -> None:
    frames = [PoseFrame.empty(t=i / 15, image_wh=(64, 48), index=i) for i in range(30)]
    result = recognise(frames)
    assert result.candidates == () and result.best is None and not result.confident


def test_the_ranking_replays_only_the_shortlist_and_the_chosen_exercise() -> None:
    frames = _track("glute_bridge")
    ranking = rank_specs(frames, list_specs(), keep=["push_up"])
    names = [f.name for f in ranking]
    assert len(names) <= SHORTLIST + 1 and "push_up" in names and len(names) < len(list_specs())
    assert ranking[0].name == "glute_bridge"
