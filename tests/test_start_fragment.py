"""Layer 1: a first "rep" that is only the end of a movement the clip began in (issue 21: counts a trainer trusts).

A clip that starts while the person settles (arms swinging down to hang, a hinge coming up) shows a
way down and no way up. It is a rep only when it came down from where the set's reps go; otherwise
the labellers count it as a partial cut by the clip's start, and so must formcheck.
"""

from __future__ import annotations

from formcheck.pipeline.analysis import analyze_frames
from formcheck.records.feedback import Cue, RepRecord
from formcheck.spec import load_spec
from formcheck.synth import synth_track
from formcheck.tracker.scoring import build_summary

SPEC = load_spec("prone_t_raise")


def _rows(first_rom: float, first_start: float = 0.0, first_up: float = 0.0) -> list[RepRecord]:
    first = RepRecord(1, first_start, first_start + first_up, first_start + 1.4, True, rom=first_rom,
                      tempo_up=first_up, cues=(SPEC.rep.short_id,), quality=80)  # type: ignore[union-attr]
    return [first, *(RepRecord(i, 2.5 * i, 2.5 * i + 0.6, 2.5 * i + 1.2, True, rom=86.0 + i, tempo_up=0.6)
                     for i in range(2, 6))]


def _summary(rows: list[RepRecord], cues: list[Cue] | None = None):  # type: ignore[no-untyped-def]
    return build_summary(SPEC, rows, [], cues or [], 0.0, 14.0, 420, 420, 0.0)


def test_a_settling_fragment_at_the_clips_start_is_partial_and_not_scored() -> None:
    short = Cue(SPEC.rep.short_id, "higher", 2, 0.0, 1.4, 1)  # type: ignore[union-attr]
    s = _summary(_rows(15.0), [short])
    assert (s.reps, s.partial_reps) == (4, 1)
    assert s.rep_rows[0].at_edge and not s.rep_rows[0].complete and SPEC.rep.short_id not in s.rep_rows[0].cues  # type: ignore[union-attr]
    assert s.cues == () and s.score == 100  # its range cue was about a movement the clip did not show


def test_a_first_rep_that_came_down_from_the_sets_top_still_counts() -> None:
    s = _summary(_rows(80.0))  # began at the top (the sweep's "top" start): a whole way down
    assert (s.reps, s.partial_reps) == (5, 0)


def test_a_short_first_rep_the_clip_showed_from_its_start_is_judged_as_it_was() -> None:
    s = _summary(_rows(15.0, first_start=0.5, first_up=0.4))  # its way up was seen: a short rep, not a fragment
    assert (s.reps, s.partial_reps) == (5, 0) and SPEC.rep.short_id in s.rep_rows[0].cues  # type: ignore[union-attr]


def test_a_synthetic_set_begun_at_its_top_keeps_every_rep() -> None:
    frames, label = synth_track("glute_bridge", seed=3)
    top = label.reps[0].top
    kept = [f for f in frames if f.t >= top]
    s = analyze_frames(kept, "glute_bridge").summary
    assert s.reps == label.reps_complete and not any(r.at_edge for r in s.rep_rows)
