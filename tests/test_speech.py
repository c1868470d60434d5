"""Layer 1: spoken coaching decides what to say, and when, from the presentation of each frame."""

from __future__ import annotations

from formcheck.records.feedback import Cue, Feedback
from formcheck.sinks.presentation import Presentation, present, rest_view
from formcheck.sinks.speech import Coach, Utterance
from formcheck.spec import load_spec

FPS = 12


def _rep_view(t: float, reps: int, cue: str | None = None) -> Presentation:
    cues = (Cue(id="hips_low", message=cue, priority=1, start=t),) if cue else ()
    return present(Feedback(t=t, phase="start", reps=reps, cues=cues), load_spec("glute_bridge"))


def _said(out: list[Utterance]) -> list[tuple[str, str]]:
    return [(u.kind, u.text) for u in out if u.kind != "beep"]


def test_each_new_rep_is_said_once_with_a_beep_and_interrupts() -> None:
    coach = Coach()
    out: list[Utterance] = []
    reps = [0] * 10 + [1] * 30 + [2] * 30 + [3] * 5
    for i, n in enumerate(reps):
        out += coach.update(i / FPS, _rep_view(i / FPS, n))
    assert _said(out) == [("count", "1"), ("count", "2"), ("count", "3")]
    assert all(u.interrupt for u in out if u.kind == "count")
    assert [u.kind for u in out].count("beep") == 3
    assert [u.id for u in out] == sorted({u.id for u in out})  # unique, increasing


def test_cues_are_spaced_never_right_after_a_count_and_not_repeated() -> None:
    coach = Coach(cue_gap_s=4.0, quiet_s=1.5, repeat_s=12.0)
    said: list[tuple[float, str, str]] = []
    for i in range(int(20 * FPS)):
        t = i / FPS
        reps = 1 if t >= 2.0 else 0
        cue = "Push your hips higher" if 2.5 <= t < 20 else ("Slow down" if 1.0 <= t < 2.5 else None)
        said += [(t, u.kind, u.text) for u in coach.update(t, _rep_view(t, reps, cue)) if u.kind != "beep"]
    kinds = [(k, text) for _, k, text in said]
    assert kinds == [("cue", "Slow down"), ("count", "1"), ("cue", "Push your hips higher"),
                     ("cue", "Push your hips higher")]
    times = {text: [t for t, k, x in said if x == text] for _, _, text in said}
    count_t = times["1"][0]
    hips = times["Push your hips higher"]
    assert hips[0] >= max(count_t + 1.5, times["Slow down"][0] + 4.0) - 1e-9  # spaced from both
    assert hips[1] - hips[0] >= 12.0 - 1e-9  # the same cue is not nagged


def test_a_cue_shown_with_the_count_is_said_after_the_quiet_second_though_gone_from_screen() -> None:
    """A range cue comes with its rep's count; the screen may drop it within the count's quiet second."""
    coach = Coach(quiet_s=1.0, pending_s=3.0)
    said: list[tuple[float, str]] = []
    for i in range(int(6 * FPS)):
        t = i / FPS
        reps = 1 if t >= 2.0 else 0
        cue = "Push your hips higher" if 2.0 <= t < 2.5 else None  # shown for half a second
        said += [(round(t, 2), x) for k, x in _said(coach.update(t, _rep_view(t, reps, cue)))]
    assert [x for _, x in said] == ["1", "Push your hips higher"]
    assert said[1][0] == 3.0  # as soon as the count's quiet second is over


def test_a_held_back_cue_goes_stale_and_is_not_said_late() -> None:
    coach = Coach(cue_gap_s=4.0, quiet_s=1.0, pending_s=1.5)
    said: list[str] = []
    for i in range(int(8 * FPS)):
        t = i / FPS
        # "Slow down" is said at 0.5 s; "hips" appears at 1.0 s for a moment: the cue gap holds it
        # back until 4.5 s, by then it is 3.5 s old, past pending_s.
        cue = "Slow down" if 0.5 <= t < 0.8 else "Push your hips higher" if 1.0 <= t < 1.2 else None
        said += [x for _, x in _said(coach.update(t, _rep_view(t, 0, cue)))]
    assert said == ["Slow down"]


def test_guidance_is_spoken_like_a_cue_and_nothing_is_said_when_nothing_changes() -> None:
    coach = Coach()
    view = present(Feedback(t=0.0, phase="setup", guidance="turn side-on to the camera"), load_spec("plank"))
    out = [u for i in range(30) for u in coach.update(i / FPS, view)]
    assert _said(out) == [("cue", "Turn side-on to the camera")]


def test_guidance_does_not_hold_back_a_form_cue_for_long() -> None:
    coach = Coach(cue_gap_s=4.0, quiet_s=1.5)
    spec = load_spec("glute_bridge")
    said = []
    for i in range(4 * FPS):
        t = i / FPS
        fb = Feedback(t=t, phase="setup", guidance="get into the start position") if t < 1.0 else \
            Feedback(t=t, phase="peak", cues=(Cue(id="hips_low", message="Push your hips higher", priority=1, start=t),))
        said += [(round(t, 2), u.text) for u in coach.update(t, present(fb, spec))]
    assert [text for _, text in said] == ["Get into the start position", "Push your hips higher"]
    assert said[1][0] == 1.5  # as soon as the quiet time after the guidance is over


def test_a_hold_says_its_seconds_every_five() -> None:
    coach, plank = Coach(hold_every_s=5), load_spec("plank")
    out = [u for i in range(int(12 * FPS)) for u in coach.update(
        i / FPS, present(Feedback(t=i / FPS, phase="hold", hold_s=i / FPS, hold_target_s=30.0), plank))]
    assert _said(out) == [("count", "5"), ("count", "10")]


def test_a_rest_counts_down_its_last_seconds_after_the_announcement() -> None:
    coach = Coach(countdown_from=3)
    out = coach.update(0.0, rest_view(6.0, "Plank", "", ""), announce=["Rest 6 seconds. Next: Plank"])
    for i in range(1, 6 * FPS + 1):
        out += coach.update(i / FPS, rest_view(6.0 - i / FPS, "Plank", "", ""))
    assert _said(out) == [("info", "Rest 6 seconds. Next: Plank"), ("countdown", "3"), ("countdown", "2"),
                          ("countdown", "1")]
    assert not any(u.interrupt for u in out)  # the countdown waits for the announcement


def test_a_rest_first_shown_in_its_last_seconds_still_counts_them_all() -> None:
    coach = Coach(countdown_from=3)
    coach.update(0.0, _rep_view(0.0, 2))
    out = [u for i in range(30) for u in coach.update(i / FPS, rest_view(2.6 - i / FPS, "Plank", "", ""))]
    assert _said(out) == [("countdown", "3"), ("countdown", "2"), ("countdown", "1")]


def test_a_new_set_starting_from_zero_is_not_a_count() -> None:
    coach = Coach()
    coach.update(0.0, _rep_view(0.0, 5))
    coach.reset()
    assert coach.update(0.1, _rep_view(0.1, 0)) == []
    assert _said(coach.update(0.2, _rep_view(0.2, 1))) == [("count", "1")]
