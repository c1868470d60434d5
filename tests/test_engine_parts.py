"""Layer 1-2: the tracker's parts on their own: rep counter, hold timer, form rules and cue debouncing."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from engine_tracks import make_frame, plank_points  # noqa: E402

from formcheck.spec import CueTiming, FormRule, load_spec  # noqa: E402
from formcheck.tracker.form_rules import RuleEngine  # noqa: E402
from formcheck.tracker.hold_timer import HoldTimer  # noqa: E402
from formcheck.tracker.rep_counter import RepCounter, RepEvent  # noqa: E402
from formcheck.tracker.tracker import Tracker  # noqa: E402


def _feed(c: RepCounter, values: list[float], dt: float = 0.1, t0: float = 0.0,
          noise_sd: float = math.nan) -> list[RepEvent]:
    """Feed values ``dt`` apart (the signal's noise ``noise_sd``: NaN, not measured); returns the events
    that finished."""
    out = []
    for i, v in enumerate(values):
        ev = c.update(t0 + i * dt, float(v), noise_sd)
        if ev is not None:
            out.append(ev)
    return out


def _cycle(lo: float, hi: float, n: int = 8) -> list[float]:
    """One rep from ``lo`` to ``hi`` and back, ``n`` samples each way."""
    up = [lo + (hi - lo) * i / n for i in range(n)]
    return up + [hi] + up[::-1]


class TestRepCounter:
    """The counter calibrates to the person: no absolute threshold decides whether a rep happened."""

    @pytest.mark.parametrize("lo, hi", [(120, 170), (60, 95), (150, 190)])
    def test_counts_whatever_the_absolute_range(self, lo: float, hi: float) -> None:
        c = RepCounter(direction=1, min_excursion=20)
        _feed(c, [lo] * 3 + _cycle(lo, hi) * 3 + [lo] * 3)
        assert (c.reps, c.partials) == (3, 0)

    def test_jitter_smaller_than_the_minimum_excursion_counts_nothing(self) -> None:
        c = RepCounter(direction=1, min_excursion=20)
        _feed(c, [120, 129, 121, 131, 119, 130, 120] * 5)
        assert (c.reps, c.partials) == (0, 0)

    def test_jitter_at_the_far_end_counts_once(self) -> None:
        c = RepCounter(direction=1, min_excursion=20)
        _feed(c, [120, 140, 165, 160, 166, 159, 165, 140, 120])
        assert (c.reps, c.partials) == (1, 0)

    def test_touch_and_go_reps_count_without_a_pause_at_rest(self) -> None:
        c = RepCounter(direction=1, min_excursion=30)
        signal = [80 + 45 * (1 - math.cos(2 * math.pi * i / 20)) for i in range(20 * 5 + 1)]  # 5 cycles, no pause
        _feed(c, signal)
        assert c.reps == 5

    def test_a_way_back_that_turns_into_the_next_rep_ends_the_rep(self) -> None:
        """The set began lower than it returns to (lying flatter before the first bridge), then quick
        reps with a short lowering: each way back turns more than half way down into the next rep
        before reaching the first rest. With the signal's noise measured, each is a rep."""
        values = [100] * 5 + [120, 140, 160, 170, 170, 150, 130] + [150, 170, 170, 150, 130] * 3 + [115, 105, 100] * 2
        c = RepCounter(direction=1, min_excursion=20)
        events = _feed(c, values, noise_sd=1.0)
        assert [e.complete for e in events] == [True] * 4 and c.reps == 4
        assert [round(e.end, 1) for e in events[:2]] == [1.1, 1.6]  # each ends at its turn (130)
        unknown = RepCounter(direction=1, min_excursion=20)  # noise not measured yet: no such judgement
        assert [e.complete for e in _feed(unknown, values)] == [True] and unknown.reps == 1

    def test_a_turn_the_signals_noise_can_explain_is_not_the_next_rep(self) -> None:
        values = [100] * 5 + [120, 140, 160, 170, 170, 150, 130] + [150, 170, 170, 150, 130] * 3 + [115, 105, 100] * 2
        c = RepCounter(direction=1, min_excursion=20)  # noise 15: 3 SD = 45, a 40-deg turn is within it
        assert [e.complete for e in _feed(c, values, noise_sd=15.0)] == [True] and c.reps == 1

    def test_a_way_back_that_stops_short_of_the_old_rest_and_stays_there_ends_the_rep(self) -> None:
        """A rolled camera's row: the arm hangs at 8, pulls to 28, comes back to 14.5-15.5 (under 70 % of
        the way) and hangs there a second before the next pull. Stopped there, the arm is at rest: two reps,
        the first ending where the way back stopped, not one long one."""
        values = [8] * 5 + [14, 20, 26, 28, 28, 24, 18] + [15, 14.5, 15, 15.5, 14.5, 15, 14.5, 15, 15.5, 14.5] \
            + [20, 26, 30, 30, 24, 16, 10, 8] + [8] * 5
        c = RepCounter(direction=1, min_excursion=15)
        events = _feed(c, values)
        assert [e.complete for e in events] == [True, True] and c.reps == 2
        assert 1.05 < events[0].end < 1.25  # where the way back stopped (at 15, a step's noise from 18)

    def test_a_pause_less_than_half_way_back_is_still_the_same_rep(self) -> None:
        # A slow lowering that stops a moment a third of the way down is one rep, not one and a partial.
        values = [100] * 5 + [120, 140, 160, 160, 160] + [140] * 10 + [120, 100] + [100] * 5
        c = RepCounter(direction=1, min_excursion=20)
        events = _feed(c, values)
        assert [e.complete for e in events] == [True] and events[0].end == pytest.approx(2.1, abs=0.01)

    def test_a_rep_well_under_the_sets_range_is_partial(self) -> None:
        c = RepCounter(direction=1, min_excursion=10)
        events = _feed(c, _cycle(100, 160) * 3 + _cycle(100, 120) + _cycle(100, 160))
        assert [e.complete for e in events] == [True, True, True, False, True]
        assert events[3].fraction == pytest.approx(20 / 60, abs=0.05)

    def test_falling_signal(self) -> None:
        c = RepCounter(direction=-1, min_excursion=6)  # superman: the angle falls as the body arches
        events = _feed(c, [176, 174, 168, 162, 160, 163, 170, 176])
        assert c.reps == 1 and events[-1].complete and events[-1].extreme == pytest.approx(160)

    def test_rest_at_either_end_follows_where_the_person_starts(self) -> None:
        standing = RepCounter(direction=1, min_excursion=40, rest="either")  # a Romanian deadlift
        events = _feed(standing, [170] * 5 + _cycle(170, 90) * 3 + [170] * 3)
        assert standing.reps == 3 and all(e.rest == pytest.approx(170, abs=5) for e in events)
        at_bar = RepCounter(direction=1, min_excursion=40, rest="either")  # from the floor
        events = _feed(at_bar, [80] * 5 + _cycle(80, 170) * 3 + [80] * 3)
        assert at_bar.reps == 3 and all(e.rest == pytest.approx(80, abs=5) for e in events)

    def test_phases_are_named_along_the_specs_direction(self) -> None:
        c = RepCounter(direction=1, min_excursion=40, rest="either")
        seen = []
        for i, v in enumerate([170] * 3 + _cycle(170, 90) * 2 + [170]):
            c.update(i / 10, v)
            seen.append(c.phase)
        # Rest is standing (the spec's peak end); the bottom is the spec's start end.
        second = seen[3 + 17:]
        assert second[0] == second[-1] == "peak"
        assert second.index("descent") < second.index("start") < second.index("ascent")

    def test_count_at_turn_counts_when_the_movement_turns_back(self) -> None:
        c = RepCounter(direction=1, min_excursion=15, count_at="turn")  # cat-cow: one cat and one cow
        events = _feed(c, [-30, -20, -5, 10, 20, 25, 20, 5])  # reached the cow and turned back a third
        assert c.reps == 1 and events[0].complete
        assert _feed(c, [5, 0, -10, -25], t0=1.0) == []  # the way back to the cat does not count again

    def test_a_set_ending_mid_rep_reports_a_partial(self) -> None:
        c = RepCounter(direction=1, min_excursion=20)
        _feed(c, _cycle(100, 150) + [100, 120, 140, 150])
        ev = c.pending()
        assert ev is not None and not ev.complete and c.reps == 1

    def test_nan_changes_nothing(self) -> None:
        c = RepCounter(direction=1, min_excursion=20)
        _feed(c, [120, 150, 170, 170, 170, 170])  # rose, then stalled at the far end
        phase = c.phase
        assert c.update(0.7, float("nan")) is None and c.phase == phase == "peak"

    def test_event_times_and_hold(self) -> None:
        c = RepCounter(direction=1, min_excursion=20)
        events = _feed(c, [120, 120, 140, 165, 165, 165, 150, 125], dt=0.5)
        (ev,) = events
        assert (ev.start, ev.peak, ev.peak_end, ev.end) == (0.5, 1.5, 2.5, 3.5)
        assert ev.held == pytest.approx(1.0)

    def test_parked_limb_is_not_a_rep(self) -> None:
        c = RepCounter(direction=1, min_excursion=10, max_duration=5.0)
        _feed(c, [5.0] * 5 + [27.0] * 100)  # a braced arm held out for 10 s
        assert c.pending() is None and not c.in_rep and c.reps == 0
        _feed(c, [5.0, 5.0, 30.0, 5.0], t0=20.0)  # back at rest: counting resumes
        assert (c.reps, c.partials) == (1, 0)

    @pytest.mark.parametrize("kw", [{"direction": 0, "min_excursion": 10.0}, {"direction": 1, "min_excursion": 0.0}])
    def test_bad_arguments_raise(self, kw: dict[str, float]) -> None:
        with pytest.raises(ValueError):
            RepCounter(**kw)  # type: ignore[arg-type]


class TestHoldTimer:
    def test_good_and_lost_time(self) -> None:
        h = HoldTimer(target_s=10)
        for i in range(51):
            h.update(i / 10, in_pose=True, form_ok=not 20 <= i < 30)
        assert h.good_s == pytest.approx(4.0) and h.lost_s == pytest.approx(1.0)

    def test_short_loss_is_forgiven_long_loss_ends_the_hold(self) -> None:
        h = HoldTimer(target_s=10, grace_s=1.0)
        pose = [True] * 20 + [False] * 5 + [True] * 20 + [False] * 20
        for i, p in enumerate(pose):
            h.update(i / 10, in_pose=p, form_ok=True)
        assert len(h.holds) == 1
        assert h.holds[0].start == 0.0 and h.holds[0].end == pytest.approx(4.4)


def _rule(rid: str, cond: str, priority: int = 1, min_duration: float = 0.3) -> FormRule:
    return FormRule(id=rid, when=cond, phases=["hold"], min_duration=min_duration, priority=priority, message=rid)


class TestRuleEngine:
    def test_fires_after_min_duration_and_records_start_and_end(self) -> None:
        eng = RuleEngine([_rule("sag", "hip_sag > 0.2", min_duration=0.5)], CueTiming())
        for i in range(20):
            eng.update(i / 10, "hold", {"hip_sag": 0.3 if 5 <= i < 15 else 0.0})
        assert len(eng.cues) == 1
        assert eng.cues[0].start == pytest.approx(0.5) and eng.cues[0].end == pytest.approx(1.5)

    def test_shorter_blips_never_fire(self) -> None:
        eng = RuleEngine([_rule("sag", "hip_sag > 0.2", min_duration=0.5)], CueTiming())
        for i in range(60):
            eng.update(i / 10, "hold", {"hip_sag": 0.3 if i % 4 == 0 else 0.0})
        assert eng.cues == []

    def test_rule_only_in_its_phases(self) -> None:
        eng = RuleEngine([_rule("sag", "hip_sag > 0.2")], CueTiming())
        for i in range(20):
            eng.update(i / 10, "setup", {"hip_sag": 0.5})
        assert eng.cues == []

    def test_one_new_cue_at_a_time_highest_priority_first(self) -> None:
        rules = [_rule("low", "hip_sag > 0", priority=1), _rule("high", "neck_angle > 0", priority=3)]
        eng = RuleEngine(rules, CueTiming(display_s=2.0, gap_s=1.0))
        shown = []
        for i in range(40):
            eng.update(i / 10, "hold", {"hip_sag": 1.0, "neck_angle": 1.0})
            shown.append(tuple(c.id for c in eng.visible(i / 10)))
        first = next(s for s in shown if s)
        assert first == ("high",)
        t_both = next(i for i, s in enumerate(shown) if len(s) == 2)
        t_first = next(i for i, s in enumerate(shown) if s)
        assert t_both - t_first >= 10  # the second cue waited the 1 s gap
        assert shown[-1] == ("high", "low")  # ordered by priority


class TestPlankHold:
    def _run(self, sags: list[float], fps: float = 10.0, lying_first: int = 10) -> Tracker:
        tr = Tracker(load_spec("plank"))
        frames = [make_frame(i / fps, plank_points(lying=True)) for i in range(lying_first)]
        frames += [make_frame((lying_first + i) / fps, plank_points(s)) for i, s in enumerate(sags)]
        for f in frames:
            tr.update(f)
        return tr

    def test_clean_hold_is_timed_from_timestamps(self) -> None:
        s = self._run([0.0] * 100).summary()
        assert len(s.holds) == 1 and s.cues == ()
        assert 9.0 <= s.holds[0].good_s <= 10.0 and s.holds[0].lost_s == 0.0

    def test_sagging_time_is_lost_and_cued(self) -> None:
        s = self._run([0.0] * 40 + [0.2] * 30 + [0.0] * 30).summary()
        assert [c.id for c in s.cues] == ["hips_sagging"]
        assert 1.8 <= s.holds[0].lost_s <= 2.6
        assert s.holds[0].good_s + s.holds[0].lost_s == pytest.approx(s.holds[0].end - s.holds[0].start, abs=0.15)

    def test_piking_is_cued(self) -> None:
        s = self._run([0.0] * 30 + [-0.35] * 30 + [0.0] * 20).summary()
        assert [c.id for c in s.cues] == ["hips_piked"]

    def test_lying_on_the_floor_is_not_a_hold(self) -> None:
        s = self._run([], lying_first=80).summary()
        assert s.holds == ()


class TestBridgeHold:
    def test_hold_at_the_top_is_timed_and_a_low_bridge_loses_time(self) -> None:
        from engine_tracks import bridge_track, ramp

        angles = [130.0] * 10 + ramp(130, 170, 1.0) + [170.0] * 60 + [150.0] * 30 + [170.0] * 15 + ramp(170, 130, 1.0)
        angles += [130.0] * 20
        tr = Tracker(load_spec("glute_bridge_hold"))
        for f in bridge_track(angles, fps=10.0):
            tr.update(f)
        s = tr.summary()
        assert len(s.holds) == 1 and [c.id for c in s.cues] == ["hips_low"]
        hold = s.holds[0]
        # 6 s + 1.5 s at the top plus the ends of the ramps; the 3 s low bridge minus the 0.5 s debounce.
        assert 8.0 <= hold.good_s <= 9.8 and 2.0 <= hold.lost_s <= 3.0
        assert hold.good_s + hold.lost_s == pytest.approx(hold.end - hold.start, abs=0.15)
        assert s.score < 100
