"""Layer 2: a routine's home controls in the live state: Pause / Resume, Repeat set, the check-in after
each exercise, and the demo's exercise in the snapshot (stand-in sessions from ``test_live_state``)."""

from __future__ import annotations

from typing import Any

import pytest

from formcheck.app.live_state import LiveState
from formcheck.pipeline.routine_run import REPEAT_READY_S, RoutineRun
from formcheck.records.errors import StoreError
from formcheck.records.feedback import SetSummary
from formcheck.records.routine_summary import RoutineSummary
from formcheck.spec import parse_routine_text, plan_routine
from tests.test_live_state import IMAGE, ROUTINE, StandInSession


class Harness:
    """A live state on the test routine (lead-in 2 s, rests 3 s; bridge 2 × 2 reps, plank 1.5 s) at 10 fps."""

    def __init__(self, fail_checkin: bool = False) -> None:
        self.saved: list[SetSummary] = []
        self.routines: list[RoutineSummary] = []
        self.checkins: list[tuple[int, int | None, str | None]] = []
        self.made: list[StandInSession] = []
        self.fail_checkin = fail_checkin
        self.t = 0.0
        self.state = LiveState("glute_bridge", on_set_end=self._save, on_routine_end=self._save_routine,
                               on_checkin=self._checkin, session_factory=self._factory)
        self.state.set_routine(plan_routine(parse_routine_text(ROUTINE, "demo.yaml")))

    def _factory(self, name: str, model_path: Any) -> StandInSession:
        self.made.append(StandInSession(name, model_path))
        return self.made[-1]

    def _save(self, summary: SetSummary) -> int:
        self.saved.append(summary)
        return len(self.saved)

    def _save_routine(self, summary: RoutineSummary) -> int:
        self.routines.append(summary)
        return len(self.routines)

    def _checkin(self, session_id: int, pain: int | None, difficulty: str | None) -> None:
        if self.fail_checkin:
            raise StoreError("disk full")
        self.checkins.append((session_id, pain, difficulty))

    def feed(self, frames: int) -> None:
        for _ in range(frames):
            self.state.process(IMAGE, self.t)
            self.t += 0.1

    def until(self, stage: str, limit: int = 400) -> None:
        for _ in range(limit):
            if self.state.snapshot().stage == stage:
                return
            self.feed(1)
        raise AssertionError(f"never reached {stage}: {self.state.snapshot().stage}")


def test_pause_in_a_set_keeps_its_count_feeds_no_frame_and_resume_continues_its_clock() -> None:
    h = Harness()
    h.until("work")
    h.feed(15)  # one rep and half a second
    before = list(h.made[0].times)
    h.state.pause()
    assert h.state.paused
    h.feed(50)  # 5 s paused: the camera runs, the tracker sees nothing
    snap = h.state.snapshot()
    assert h.made[0].times == before
    assert snap.view is not None and (snap.view.mode, snap.view.phase, snap.view.big) == ("paused", "Paused", "1")
    assert "Resume" in snap.view.message and snap.stage == "work" and snap.paused
    h.state.resume()
    h.feed(1)
    assert not h.state.paused
    assert h.made[0].times[-1] - before[-1] == pytest.approx(0.1, abs=0.05)  # the pause is no time in the set
    said = [u.text for u in h.state.pop_utterances()]
    assert "Paused" in said and "Go on" in said


def test_pause_in_a_rest_stops_its_countdown() -> None:
    h = Harness()
    h.until("work")
    h.until("rest")
    h.feed(10)
    h.state.pause()
    h.feed(100)  # 10 s: far past the 3 s rest, which waits
    snap = h.state.snapshot()
    assert snap.stage == "rest" and snap.view is not None and snap.view.mode == "paused"
    assert snap.view.title == "Next: Glute bridge"
    h.state.resume()
    h.feed(1)
    view = h.state.snapshot().view
    assert view is not None and view.mode == "rest" and view.count == 2  # 3 s rest, 1 s gone before the pause
    h.until("work", limit=40)


def test_repeat_in_a_set_starts_it_again_and_drops_what_it_counted() -> None:
    h = Harness()
    h.until("work")
    h.feed(15)  # one rep
    h.state.repeat()
    snap = h.state.snapshot()
    assert snap.stage == "work" and snap.view is None and h.saved == []
    h.feed(1)
    assert h.state.snapshot().feedback is not None and h.state.snapshot().feedback.reps == 0  # type: ignore[union-attr]
    h.until("rest")
    assert [s.reps for s in h.saved] == [2]
    assert any(u.text.startswith("Again from the start: set 1 of 2") for u in h.state.pop_utterances())


def test_repeat_in_a_rest_does_the_set_just_done_again_and_keeps_one_record_of_it() -> None:
    h = Harness()
    h.until("work")
    h.until("rest")
    h.state.repeat()
    view = h.state.snapshot().view
    assert view is not None and view.title == "Next: Glute bridge" and view.detail.startswith("Set 1 of 2")
    assert view.count == REPEAT_READY_S
    h.until("done", limit=800)
    assert [s.reps for s in h.saved] == [2, 2, 2, 0]  # History keeps every set done
    [routine] = h.routines
    assert [s.label for s in routine.sets] == ["Set 1 of 2", "Set 2 of 2", "Set 1 of 1"]
    assert [s.session_id for s in routine.sets] == [2, 3, 4]  # the repeat's record, not the first attempt's


def test_a_check_in_is_asked_after_an_exercises_last_set_and_saved_with_it() -> None:
    h = Harness()
    h.until("work")
    h.until("rest")
    assert h.state.pending_checkin() is None  # bridge set 1 of 2: the exercise goes on
    h.until("work")
    h.until("rest")
    pending = h.state.pending_checkin()
    assert pending is not None and (pending.exercise, pending.title, pending.session_id) == (
        "glute_bridge", "Glute bridge", 2)
    assert h.state.check_in(pending.id, 3, "hard") is None
    assert h.checkins == [(2, 3, "hard")] and h.state.pending_checkin() is None
    h.until("done", limit=800)
    plank = h.state.pending_checkin()
    assert plank is not None and plank.exercise == "plank" and plank.session_id == 3
    assert h.state.check_in(plank.id, None, None) is None  # "Not now": nothing saved, not asked again
    assert h.checkins == [(2, 3, "hard")] and h.state.pending_checkin() is None


def test_a_check_in_that_cannot_be_saved_says_why() -> None:
    h = Harness(fail_checkin=True)
    h.until("work")
    h.state.skip()  # set 1: nothing done
    h.until("work")
    h.until("rest")
    pending = h.state.pending_checkin()
    assert pending is not None and pending.session_id == 1
    assert h.state.check_in(pending.id, 5, "right") == "disk full"


def test_no_check_in_for_an_exercise_with_no_saved_set() -> None:
    h = Harness()
    h.until("work")
    h.state.skip()
    h.until("work")
    h.state.skip()
    assert h.state.snapshot().stage == "rest" and h.saved == [] and h.state.pending_checkin() is None


def test_the_snapshot_names_the_exercise_to_come_in_a_lead_in_and_rest_only() -> None:
    h = Harness()
    h.feed(1)
    assert h.state.snapshot().upcoming == ("glute_bridge", "Glute bridge")
    h.until("work")
    assert h.state.snapshot().upcoming is None
    h.until("work")  # stays work; go to the second set's rest and the plank's
    h.until("rest")
    h.until("work")
    h.until("rest")
    assert h.state.snapshot().upcoming == ("plank", "Plank (forearm)")


def test_routine_run_pause_and_repeat_are_inert_where_they_make_no_sense() -> None:
    run = RoutineRun(plan_routine(parse_routine_text(ROUTINE, "demo.yaml")))
    run.start(0.0)
    assert run.repeat(0.5) == []  # nothing done yet
    assert run.pause(1.0) == ["Paused"] and run.pause(1.5) == []
    assert run.tick(9.0) == [] and run.stage == "lead_in"  # the lead-in waits while paused
    assert run.resume(9.0) == pytest.approx(8.0) and run.resume(9.5) == 0.0
    assert run.tick(10.0) == ["Go"] and run.stage == "work"


def test_stop_mid_exercise_asks_how_it_went_once() -> None:
    h = Harness()
    h.until("work")
    h.until("rest")  # bridge set 1 of 2 saved: no check-in yet (the exercise goes on)
    h.until("work")
    h.feed(12)  # one rep of set 2
    h.state.end_set("stream stopped")
    pending = h.state.pending_checkin()
    assert pending is not None and (pending.exercise, pending.session_id) == ("glute_bridge", 2)
    assert h.state.check_in(pending.id, 1, "easy") is None and h.checkins == [(2, 1, "easy")]
    assert h.state.pending_checkin() is None


def test_stop_after_an_exercises_check_in_was_asked_does_not_ask_again() -> None:
    h = Harness()
    h.until("work")
    h.until("rest")
    h.until("work")
    h.until("rest")  # bridge done: asked
    h.state.end_set("stream stopped")  # in the rest before the plank: nothing new to ask about
    assert [c.exercise for c in [h.state.pending_checkin()] if c] == ["glute_bridge"]
    first = h.state.pending_checkin()
    assert first is not None
    h.state.check_in(first.id, None, None)
    assert h.state.pending_checkin() is None


def test_skip_while_paused_moves_on_and_ends_the_pause() -> None:
    h = Harness()
    h.until("work")
    h.until("rest")
    h.state.pause()
    h.state.skip()  # cut the paused rest short
    h.feed(1)
    snap = h.state.snapshot()
    assert snap.stage == "work" and not snap.paused and snap.view is not None and snap.view.mode == "reps"


def test_one_exercise_asks_how_the_set_went_once_it_is_saved() -> None:
    h = Harness()
    h.state.set_routine(None)  # one exercise, no routine
    h.feed(25)  # two bridge reps
    assert h.state.pending_checkin() is None  # not while the set goes on
    h.state.end_set("stream stopped")
    pending = h.state.pending_checkin()
    assert pending is not None and (pending.exercise, pending.title, pending.session_id) == (
        "glute_bridge", "Glute bridge", 1)
    assert h.state.check_in(pending.id, 4, "right") is None and h.checkins == [(1, 4, "right")]
    assert h.state.pending_checkin() is None
    h.feed(3)  # a few frames, no rep: nothing saved, nothing to ask about
    h.state.end_set("stream stopped")
    assert h.state.pending_checkin() is None and len(h.saved) == 1
