"""Layer 1-2: the voice's few prompts beyond counts: "Halfway there" and "Last one" in a set with a rep
target, and the tempo cue that names the rushed way down."""

from __future__ import annotations

from formcheck.records.feedback import Feedback
from formcheck.sinks.presentation import Target, present
from formcheck.sinks.speech import Coach, cheer
from formcheck.spec import load_spec
from formcheck.tracker.scoring import tempo_message


def _said(goal_reps: int | None, reps_done: int, each_side: bool = False) -> list[tuple[str, str]]:
    coach, spec = Coach(), load_spec("glute_bridge")
    target = Target(reps=goal_reps, each_side=each_side) if goal_reps else None
    out = []
    for n in range(reps_done + 1):
        for phase, dt in (("ascent", 0.0), ("start", 1.0)):
            view = present(Feedback(t=3.0 * n + dt, phase=phase, reps=n), spec, target)
            out += [(u.kind, u.text) for u in coach.update(3.0 * n + dt, view) if u.kind != "beep"]
    return out


def test_a_set_of_ten_hears_halfway_at_five_and_last_one_at_nine_and_nothing_else() -> None:
    said = _said(10, 10)
    assert [t for k, t in said if k == "cheer"] == ["Halfway there", "Last one"]
    assert said[said.index(("count", "5")) + 1] == ("cheer", "Halfway there")  # right after its count
    assert said[said.index(("count", "9")) + 1] == ("cheer", "Last one")


def test_short_sets_and_sets_without_a_target_are_not_cheered() -> None:
    assert [k for k, _ in _said(3, 3)] == ["count"] * 3
    assert [t for k, t in _said(5, 5) if k == "cheer"] == ["Last one"]  # too short for "halfway"
    assert [k for k, _ in _said(None, 12)] == ["count"] * 12  # one exercise, no target: counts only


def test_a_per_side_target_is_cheered_against_both_sides_together() -> None:
    assert cheer(3, 8) == "" and cheer(7, 8) == "Last one"  # 4 each side: 8 in all, not 4
    assert [t for k, t in _said(4, 8, each_side=True) if k == "cheer"] == ["Halfway there", "Last one"]


def test_a_rushed_rep_names_the_way_down_when_that_was_the_rushed_part() -> None:
    assert tempo_message(up_s=0.6, down_s=0.3) == "Slower on the way down"
    assert tempo_message(up_s=0.6, down_s=0.6) == "Slower on the way down"
    assert tempo_message(up_s=0.3, down_s=0.9) == "Slow down: control the movement"


def test_the_voice_switch_mutes_the_encouragement_too() -> None:
    from formcheck.app.browser_voice import to_play
    from formcheck.sinks.speech import Utterance

    said = [Utterance(1, "5", "count", True), Utterance(2, "", "beep"), Utterance(3, "Halfway there", "cheer")]
    assert [u.text for u in to_play(said, speak=True, beep=False)] == ["5", "Halfway there"]
    assert [u.kind for u in to_play(said, speak=False, beep=True)] == ["beep"]
