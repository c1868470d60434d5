"""Layer 3: the live set's check that a movement is the set's exercise, on real pose-model landmarks.

The live tracker (:class:`formcheck.pipeline.live_tracker.LiveTracker`: the spec's tracker with
:class:`~formcheck.pipeline.exercise_check.ExerciseCheck` as its veto) replays the landmarks the
real model gives on the clips (the session's ``landmark_library``): what the Live page runs on
each camera frame, without the camera. The browser test plays the same two clips as one camera.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from formcheck.pipeline.exercise_check import ExerciseCheck, wrong_exercise_message
from formcheck.pipeline.live_tracker import LiveTracker
from formcheck.pipeline.recognise import recognise
from formcheck.records.frame import PoseFrame
from formcheck.sinks.presentation import present
from formcheck.spec import list_specs, load_spec
from formcheck.tracker.tracker import WRONG_EXERCISE, Tracker
from tests.landmark_library import LandmarkLibrary

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _then(first: list[PoseFrame], second: list[PoseFrame]) -> list[PoseFrame]:
    """``second`` played right after ``first``, as one camera stream."""
    offset = first[-1].t + (first[-1].t - first[-2].t)
    return first + [dataclasses.replace(f, t=f.t + offset) for f in second]


def test_bird_dogs_during_a_bridge_set_are_not_bridge_reps(sample_videos: Path,
                                                           landmark_library: LandmarkLibrary) -> None:
    bridge = landmark_library.frames(sample_videos / "glute_bridge_side.mp4")
    stream = _then(bridge, landmark_library.frames(sample_videos / "bird_dog_side.mp4"))
    alone = LiveTracker(load_spec("glute_bridge"))
    for frame in bridge:
        alone.update(frame)
    live = LiveTracker(load_spec("glute_bridge"))
    views = [present(live.update(frame), live.spec) for frame in stream]
    summary = live.summary("ignore")
    # The bridges count as they do alone; each of the four bird-dog reaches is vetoed, none is a
    # rep or a partial (the tracker without the check counted them: 7 reps, "Push your hips higher").
    assert alone.summary("ignore").reps == summary.reps >= 2 and summary.partial_reps == 0
    assert [other for _, _, other in live.check.vetoed] == ["bird_dog"] * 4
    assert all(start > bridge[-1].t for start, _, _ in live.check.vetoed)
    message = wrong_exercise_message("Bird-dog", "Glute bridge")
    assert message == "That looks like a bird-dog; this set is glute bridge"
    assert [c.message for c in summary.cues if c.id == WRONG_EXERCISE] == [message] * 4
    shown = [v for v in views if v.message == message]
    assert shown and all(v.tone == "form" for v in shown)  # on screen, and so spoken by the coach
    unchecked = Tracker(load_spec("glute_bridge"), count_leading=False)
    for frame in stream:
        unchecked.update(frame)
    assert unchecked.summary("ignore").reps > summary.reps  # what the check prevents


def test_no_attempt_on_a_sample_clip_is_vetoed_by_its_own_exercise(sample_videos: Path,
                                                                   landmark_library: LandmarkLibrary) -> None:
    checked = {}
    for clip in sorted(sample_videos.glob("*.mp4")):
        exercise = json.loads(clip.with_suffix(".json").read_text())["exercise"]
        if exercise not in list_specs() or load_spec(exercise).kind != "reps":
            continue
        live = LiveTracker(load_spec(exercise))
        for frame in landmark_library.frames(clip):
            live.update(frame)
        checked[clip.name] = (live.summary("ignore").reps, live.check.vetoed)
    print(f"\n[exercise check] {len(checked)} sample clips, reps and vetoes: {checked}")
    assert len(checked) >= 25 and sum(reps for reps, _ in checked.values()) >= 60
    assert {name: vetoed for name, (_, vetoed) in checked.items() if vetoed} == {}


@pytest.mark.real_clips
def test_no_attempt_on_a_filmed_clip_is_vetoed_by_its_own_exercise(real_clips: Path,
                                                                   landmark_library: LandmarkLibrary) -> None:
    vetoed = {}
    for label in json.loads((real_clips / "labels.json").read_text()):
        exercise = label["exercise"].split()[0]
        if exercise not in list_specs() or load_spec(exercise).kind != "reps":
            continue
        live = LiveTracker(load_spec(exercise))
        for frame in landmark_library.frames(real_clips / label["file"]):
            live.update(frame)
        vetoed[label["file"]] = live.check.vetoed
    assert len(vetoed) >= 15 and {name: v for name, v in vetoed.items() if v} == {}


def test_the_recogniser_reads_the_bird_dog_sample_as_a_bird_dog(sample_videos: Path,
                                                                landmark_library: LandmarkLibrary) -> None:
    # Its reach moves an arm and a leg, which it reads without listing them: they used to count
    # against it (the clip read as a push-up, bird-dog far behind), so no veto could name it.
    best = recognise(landmark_library.frames(sample_videos / "bird_dog_side.mp4")).best
    assert best is not None and best.name == "bird_dog" and best.confidence > 0.62


def test_too_few_frames_veto_nothing() -> None:
    check = ExerciseCheck(load_spec("glute_bridge"))
    for i in range(3):
        check.see(PoseFrame.empty(i / 10, (64, 48)))
    assert check(0.0, 0.3) is None and check.vetoed == []
