"""Layer 2: the live state shared by the webrtc thread and the page, without a Streamlit runtime.

A stand-in session replaces pose + tracker (it counts a rep every ``every``
frames, or times a hold) to isolate the state's own logic: locking, set
boundaries, honest sets, timestamps, saving, the routine walk-through and what
is spoken. The real LiveSession with the real model runs in the browser tests.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from formcheck.app.live_state import LiveState
from formcheck.pipeline.routine_run import first_sentence
from formcheck.records.errors import StoreError
from formcheck.records.feedback import Feedback, Hold, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.records.routine_summary import RoutineSummary
from formcheck.spec import load_spec, parse_routine_text, plan_routine

IMAGE = np.zeros((90, 160, 3), np.uint8)


class StandInSession:
    """Counts a rep every ``every`` frames (a movement under way in between), or times a hold."""

    every = 10

    def __init__(self, exercise: str, model_path: Any) -> None:
        self.spec = load_spec(exercise)
        self.times: list[float] = []
        self.closed, self.resets = False, 0

    def track(self, image: np.ndarray, t: float) -> tuple[PoseFrame, Feedback]:
        self.times.append(t)
        n = len(self.times)
        if self.spec.kind == "hold":
            fb = Feedback(t=t, phase="hold", hold_s=t - self.times[0], hold_target_s=30.0)
        else:
            fb = Feedback(t=t, phase="start" if n % self.every == 0 else "ascent", reps=n // self.every,
                          partial_reps=0)
        return PoseFrame.empty(t, (160, 90)), fb

    def summary(self, unfinished: str = "partial") -> SetSummary:
        n = len(self.times)
        reps = 0 if self.spec.kind == "hold" else n // self.every
        under_way = self.spec.kind == "reps" and n % self.every > 0
        holds = (Hold(self.times[0], self.times[-1], self.times[-1] - self.times[0], 0.0, 30.0),) \
            if self.spec.kind == "hold" and n else ()
        partial = 1 if under_way and unfinished == "partial" else 0
        return SetSummary(exercise=self.spec.name, title=self.spec.title, reps=reps, reps_by_side={},
                          partial_reps=partial, rep_rows=(), holds=holds, cues=(),
                          duration_s=self.times[-1] - self.times[0] if n else 0.0, frames=n, frames_with_person=n,
                          score=100 if not partial else 75)

    def reset(self, exercise: str | None = None) -> None:
        self.spec = load_spec(exercise or self.spec.name)
        self.times, self.resets = [], self.resets + 1

    def close(self) -> None:
        self.closed = True


def _state(saved: list[SetSummary], fail: bool = False, exercise: str = "glute_bridge",
           routines: list[RoutineSummary] | None = None) -> tuple[LiveState, list[StandInSession]]:
    made: list[StandInSession] = []

    def factory(name: str, model_path: Any) -> StandInSession:
        made.append(StandInSession(name, model_path))
        return made[-1]

    def save(summary: SetSummary) -> int:
        if fail:
            raise StoreError("disk full")
        saved.append(summary)
        return len(saved)

    def save_routine(summary: RoutineSummary) -> int:
        assert routines is not None
        routines.append(summary)
        return len(routines)

    return LiveState(exercise, on_set_end=save, on_routine_end=save_routine, session_factory=factory), made


def _feed(state: LiveState, frames: int, t0: float = 0.0, fps: float = 10.0) -> float:
    for i in range(frames):
        state.process(IMAGE, t0 + i / fps)
    return t0 + frames / fps


def test_frames_give_a_snapshot_whose_words_are_what_the_overlay_drew() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    for i in range(25):
        out = state.process(IMAGE, 100.0 + i / 10)
    assert (out != IMAGE).any()  # annotated
    snap = state.snapshot()
    assert snap.frames == 25 and snap.feedback is not None and snap.feedback.reps == 2
    assert snap.view is not None and snap.view.count_text == "2 reps" and snap.view.phase == "Lift"
    assert {snap.view.big, "reps", snap.view.phase, "Glute bridge"} <= set(snap.overlay_texts)
    assert made[0].times[0] == 0.0 and made[0].times[-1] == pytest.approx(2.4)  # set-relative frame time


def test_the_page_is_woken_by_a_new_count_not_by_every_frame() -> None:
    state, _ = _state([])
    _feed(state, 3)
    assert state.news.wait(0)  # the first view: words to show
    _feed(state, 5, t0=0.3)  # frames 4-8: the same count, phase and message
    assert not state.news.wait(0)
    woken: list[float] = []
    waiter = threading.Thread(target=lambda: woken.append(state.news.wait(5.0) and time.monotonic()))
    waiter.start()
    time.sleep(0.05)
    counted = time.monotonic()
    _feed(state, 2, t0=0.8)  # frame 10: the first rep
    waiter.join()
    assert woken and woken[0] and woken[0] - counted < 1.0  # not the 5 s timeout
    assert state.snapshot().feedback.reps == 1  # type: ignore[union-attr]


def test_stop_mid_movement_saves_the_reps_without_a_partial_and_frees_the_model() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    _feed(state, 35)  # 3 reps, then half of a fourth
    done = state.stream_ended()
    assert done is not None and done.session_id == 1
    assert (saved[0].reps, saved[0].partial_reps, saved[0].score) == (3, 0, 100)
    assert made[0].closed
    assert state.end_set("again") is None and len(saved) == 1  # idempotent
    assert [f.summary.reps for f in state.pop_finished()] == [3] and state.pop_finished() == []


def test_a_set_with_no_rep_and_no_hold_is_not_saved() -> None:
    saved: list[SetSummary] = []
    state, _ = _state(saved)
    _feed(state, 9)  # a movement under way, no rep
    assert state.end_set("stop") is None and saved == [] and state.pop_finished() == []
    assert state.snapshot().frames == 0


def test_choosing_another_exercise_before_start_saves_nothing() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    for name in ("plank", "bird_dog", "superman"):
        assert state.set_exercise(name, title=load_spec(name).title) is None
    assert saved == [] and made == [] and state.exercise == "superman"


def test_switching_exercise_mid_set_keeps_the_done_reps_and_restarts_counts() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    _feed(state, 12)
    done = state.set_exercise("plank", title="Plank (forearm)")
    assert done is not None and done.reason == "switched to Plank (forearm)"
    assert (saved[0].exercise, saved[0].reps, saved[0].partial_reps) == ("glute_bridge", 1, 0)
    assert state.snapshot().frames == 0 and state.exercise == "plank" and made[0].spec.name == "plank"


def test_timestamps_that_jump_back_fall_back_to_the_wall_clock() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    for t in (5.0, 5.1, 5.2, 1.0, 1.1, 99.0):
        state.process(IMAGE, t)
    times = made[0].times
    assert times[:3] == pytest.approx([0.0, 0.1, 0.2])
    assert all(b > a for a, b in zip(times, times[1:]))  # strictly increasing despite the jumps
    assert times[4] - times[3] == pytest.approx(0.1)  # re-anchored on the new timestamps


def test_a_failed_save_is_reported_not_raised() -> None:
    state, _ = _state([], fail=True)
    _feed(state, 12)
    done = state.end_set("stop")
    assert done is not None and done.session_id is None and done.save_error == "disk full"


def test_processing_errors_pass_the_frame_through_and_are_shown() -> None:
    from formcheck.records.errors import SpecError

    def factory(exercise: str, model_path: Any) -> Any:
        raise SpecError(f"unknown exercise {exercise!r}")

    state = LiveState("nope", session_factory=factory)
    assert state.process(IMAGE, 0.0) is IMAGE
    assert "unknown exercise 'nope'" in (state.snapshot().error or "")


@pytest.mark.slow
def test_every_frame_lands_in_exactly_one_set_under_concurrent_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StandInSession, "every", 1)  # every frame a rep: no set is too small to keep
    saved: list[SetSummary] = []
    state, _ = _state(saved)
    stop = threading.Event()
    fed = [0]

    def feed() -> None:
        while not stop.is_set():
            state.process(IMAGE, fed[0] * 0.01)
            fed[0] += 1

    worker = threading.Thread(target=feed)
    worker.start()
    ends = 0
    for _ in range(100):
        state.snapshot()
        ends += state.end_set("poll") is not None
        time.sleep(0.002)
    stop.set()
    worker.join()
    state.end_set("last")
    assert ends > 1 and fed[0] > 0
    assert sum(s.frames for s in saved) == fed[0]


def test_each_new_rep_is_spoken_once() -> None:
    state, _ = _state([])
    _feed(state, 31)
    said = [(u.kind, u.text) for u in state.pop_utterances() if u.kind != "beep"]
    assert said == [("count", "1"), ("count", "2"), ("count", "3")]
    assert state.pop_utterances() == []


ROUTINE = """\
name: demo
title: Demo routine
lead_in_s: 2
rest_s: 3
exercises:
  - exercise: glute_bridge
    sets: 2
    reps: 2
  - exercise: plank
    hold_s: 1.5
  - exercise: childs_pose_later
"""


def _routine_state() -> tuple[LiveState, list[SetSummary], list[RoutineSummary]]:
    saved: list[SetSummary] = []
    routines: list[RoutineSummary] = []
    state, _ = _state(saved, routines=routines)
    state.set_routine(plan_routine(parse_routine_text(ROUTINE, "demo.yaml")))
    return state, saved, routines


def test_a_routine_runs_lead_in_sets_rests_and_ends_by_itself() -> None:
    state, saved, routines = _routine_state()
    stages, views = [], []
    for i in range(300):  # 30 s at 10 fps
        state.process(IMAGE, i / 10)
        snap = state.snapshot()
        stages.append(snap.stage)
        views.append(snap.view)
    runs = [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]]
    assert runs == ["lead_in", "work", "rest", "work", "rest", "work", "done"]
    assert [(s.exercise, s.reps, s.partial_reps) for s in saved] == [("glute_bridge", 2, 0), ("glute_bridge", 2, 0),
                                                                     ("plank", 0, 0)]
    assert saved[2].holds[0].good_s >= 1.5
    [routine] = routines
    assert (routine.status, routine.sets_planned, routine.skipped) == ("completed", 3, ("childs_pose_later",))
    assert [(s.label, s.target, s.target_met, s.session_id) for s in routine.sets] == [
        ("Set 1 of 2", "2 reps", True, 1), ("Set 2 of 2", "2 reps", True, 2), ("Set 1 of 1", "1.5 s hold", True, 3)]
    rest = [v for v, s in zip(views, stages) if s == "rest"]
    assert rest[1] is not None and (rest[1].count_text, rest[1].message, rest[1].done) == ("2 reps", "Set done", True)
    assert rest[20] is not None and rest[20].title == "Next: Glute bridge" and rest[20].detail == "Set 2 of 2 · 2 reps"
    said = [u.text for u in state.pop_utterances() if u.kind != "beep"]
    assert said[0].startswith("Demo routine. First: Glute bridge, 2 reps.")
    plank = first_sentence(load_spec("plank").placement)
    assert said[1:] == [
        "2", "1", "Go", "1", "2", "Set done. Rest 3 seconds. Next: Glute bridge, set 2 of 2, 2 reps.", "2", "1", "Go",
        "1", "2", f"Set done. Rest 3 seconds. Next: Plank (forearm), set 1 of 1, 1.5 s hold. {plank}.", "2", "1", "Go",
        "Routine complete: 3 sets. Well done."]


def test_stop_mid_routine_saves_the_sets_done_and_a_stopped_routine() -> None:
    state, saved, routines = _routine_state()
    _feed(state, 20 + 25)  # lead-in, then two reps and half a third
    state.end_set("stream stopped")
    assert [(s.reps, s.partial_reps) for s in saved] == [(2, 0)]
    [routine] = routines
    assert routine.status == "stopped" and [s.target_met for s in routine.sets] == [True]
    assert state.snapshot().stage is None  # the next START begins the routine again
    state.process(IMAGE, 10.0)
    assert state.snapshot().stage == "lead_in"


def test_skip_moves_on_without_saving_an_empty_set() -> None:
    state, saved, routines = _routine_state()
    t = _feed(state, 25)  # lead-in over, half a rep done
    state.skip()
    assert state.snapshot().stage == "rest" and saved == []
    state.skip()  # cut the rest short
    _feed(state, 1, t)
    assert state.snapshot().stage == "work" and state.snapshot().view is not None
    assert state.snapshot().view.detail == "Set 2 of 2"


def test_skip_is_offered_from_the_plan_and_works_before_the_first_frame() -> None:
    state, saved, _ = _routine_state()
    assert state.routine_planned and state.snapshot().stage is None  # no frame yet: Skip is still offered
    state.skip()  # pressed while the camera starts: the lead-in is skipped at the first frame
    state.process(IMAGE, 0.0)
    snap = state.snapshot()
    assert snap.stage == "work" and snap.view is not None and snap.view.title == "Glute bridge"
    said = [u.text for u in state.pop_utterances()]
    assert said[0].startswith("Demo routine. First: Glute bridge") and "Go" in said
    one, _ = _state([])
    assert not one.routine_planned
    one.skip()  # one exercise: nothing to skip, nothing remembered
    one.process(IMAGE, 0.0)
    assert one.snapshot().stage is None and saved == []


def test_a_skip_before_the_first_frame_is_forgotten_at_stop() -> None:
    state, _, _ = _routine_state()
    state.skip()
    state.end_set("stream stopped")
    state.process(IMAGE, 0.0)
    assert state.snapshot().stage == "lead_in"


NOTED = """\
name: noted
title: Noted routine
lead_in_s: 1
rest_s: 1
exercises:
  - exercise: glute_bridge
    sets: 2
    reps: 1
    note: "slowly,  breathe out as you lift"
"""


def test_the_routines_note_is_shown_before_and_during_the_exercise_and_said_at_its_start() -> None:
    state, _ = _state([], routines=[])
    state.set_routine(plan_routine(parse_routine_text(NOTED, "noted.yaml")))
    state.process(IMAGE, 0.0)
    lead_in = state.snapshot().view
    assert lead_in is not None and lead_in.extra == "Slowly, breathe out as you lift"
    _feed(state, 13, t0=0.1)  # the lead-in ends, the first set starts: no rep yet
    working = state.snapshot().view
    assert working is not None and (working.message, working.tone) == ("Slowly, breathe out as you lift", "next")
    said = [u.text for u in state.pop_utterances() if u.kind == "info"]
    assert "Go. Slowly, breathe out as you lift." in said
    _feed(state, 25, t0=1.5)  # the first set's rep, a rest, the second set: "Go" alone this time
    said = [u.text for u in state.pop_utterances() if u.kind == "info"]
    assert said[said.index("Go") - 1].startswith("Set done") and not any(t.startswith("Go.") for t in said), said


PER_SIDE = """\
name: sides
title: Sides
lead_in_s: 0
exercises:
  - exercise: bird_dog
    reps: 2
    per_side: true
"""


class AlternatingStandIn(StandInSession):
    """A rep every ``every`` frames, left and right in turn (bird-dog's counters per side)."""

    def track(self, image: np.ndarray, t: float) -> tuple[PoseFrame, Feedback]:
        frame, fb = super().track(image, t)
        left = (fb.reps + 1) // 2
        return frame, Feedback(t=t, phase=fb.phase, reps=fb.reps, reps_by_side={"left": left, "right": fb.reps - left})


def test_a_per_side_routine_set_shows_each_side_against_its_target() -> None:
    state = LiveState("bird_dog", session_factory=lambda name, _: AlternatingStandIn(name, None))
    state.set_routine(plan_routine(parse_routine_text(PER_SIDE, "sides.yaml")))
    views = []
    for i in range(45):
        state.process(IMAGE, i / 10)
        views.append(state.snapshot().view)
    shown = [(v.count_text, v.target, v.sides) for v in views if v is not None and v.mode == "reps"]
    assert ("1 rep", "of 4", "left 1/2 · right 0/2") in shown
    assert shown[-1] == ("4 reps", "of 4", "left 2/2 · right 2/2")
    assert all("/2" in sides for _, _, sides in shown)
