"""Layer 2: a set's score explains itself: every point lost has a named reason (synthetic tracks, no model)."""

from __future__ import annotations

import pytest

from formcheck.pipeline.analysis import analyze_frames
from formcheck.sinks.client_summary import client_sentences, loss_words, score_sentence
from formcheck.sinks.report import format_summary, report_dict
from formcheck.synth import synth_track

#: Synthetic sets, clean and with each kind of fault the generator makes (a rep exercise per kind).
SETS = [("glute_bridge", None), ("glute_bridge", "hips_low"), ("glute_bridge", "partial_rep"),
        ("glute_bridge", "too_fast"), ("bird_dog", "limb_not_horizontal"), ("superman", "neck_cranked"),
        ("plank", "hips_sagging"), ("plank", None)]


def _analysed(exercise: str, fault: str | None):  # type: ignore[no-untyped-def]
    kw = {"hold": 12.0} if exercise == "plank" else {"reps": 4}
    frames, _ = synth_track(exercise, fault=fault, seed=2, **kw)
    return analyze_frames(frames, exercise)


@pytest.mark.parametrize(("exercise", "fault"), SETS)
def test_every_point_lost_is_named_and_they_add_up(exercise: str, fault: str | None) -> None:
    result = _analysed(exercise, fault)
    s = result.summary
    assert sum(x.points for x in s.score_losses) == 100 - s.score
    assert all(x.points >= 1 and loss_words(x, result.spec) for x in s.score_losses)
    if fault is not None:
        assert s.score < 100 and s.score_losses, s  # a set with a fault loses points, for a named reason


def test_a_partial_rep_is_the_reason_and_never_no_form_cues_below_100() -> None:
    result = _analysed("glute_bridge", "partial_rep")
    s = result.summary
    lines = client_sentences(s, result.spec)
    assert s.score < 100 and any(x.kind == "partial" for x in s.score_losses)
    assert not any("no form cues" in line.lower() for line in lines), lines
    said = score_sentence(s, result.spec)
    assert said is not None and said in lines and "partial" in said and f"{s.score}/100" in said


def test_the_report_and_the_cli_summary_list_the_losses() -> None:
    result = _analysed("glute_bridge", "hips_low")
    losses = report_dict(result)["score_losses"]
    assert sum(x["points"] for x in losses) == 100 - result.summary.score and all(x["reason"] for x in losses)
    text = format_summary(result.summary, "clip.mp4", result.spec)
    assert all(f"-{x['points']}: {x['reason']}" in text for x in losses)


def test_a_clean_set_at_100_names_nothing() -> None:
    result = _analysed("glute_bridge", None)
    assert result.summary.score == 100 and result.summary.score_losses == ()
    assert score_sentence(result.summary, result.spec) is None
    assert "Good form throughout: no form cues." in client_sentences(result.summary, result.spec)


def test_a_hold_short_of_its_target_says_so() -> None:
    result = _analysed("plank", None)  # 12 s generated against the spec's longer target
    s = result.summary
    assert s.score < 100 and [x.kind for x in s.score_losses] == ["hold_short"]
    assert "target" in loss_words(s.score_losses[0], result.spec)


def test_a_rep_the_clips_end_cut_off_is_partial_said_and_not_scored() -> None:
    """A physiotherapist does not mark a person down for where the recording stopped (issue 21, item 6): a clean
    set cut mid-rep keeps its 100, reports the fragment as partial, and says why it was not scored."""
    frames, label = synth_track("glute_bridge", seed=2)
    last = label.reps[-1]
    cut = [f for f in frames if f.t <= last.start + 0.6 * (last.top - last.start)]  # stopped on the way up
    result = analyze_frames(cut, "glute_bridge")
    s = result.summary
    assert (s.reps, s.partial_reps) == (label.reps_complete - 1, 1)
    assert s.score == 100 and s.score_losses == ()
    assert [r.at_edge for r in s.rep_rows] == [False] * (len(s.rep_rows) - 1) + [True]
    said = f"Rep {len(s.rep_rows)} was only partly filmed: partial, and not scored."
    assert said in client_sentences(s, result.spec)
    assert said in format_summary(s, "clip.mp4", result.spec)
