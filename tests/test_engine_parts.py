"""Layer 1-2: the tracker's parts on their own: rep counter, hold timer, form rules and cue debouncing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from engine_tracks import make_frame, plank_points  # noqa: E402

from formcheck.spec import CueTiming, FormRule, load_spec  # noqa: E402
from formcheck.tracker.form_rules import RuleEngine  # noqa: E402
from formcheck.tracker.hold_timer import HoldTimer  # noqa: E402
from formcheck.tracker.rep_counter import RepCounter  # noqa: E402
from formcheck.tracker.tracker import Tracker  # noqa: E402


class TestRepCounter:
    @pytest.mark.parametrize("values, reps, partials", [
        ([120, 140, 165, 150, 125], 1, 0),                    # a clean rep
        ([120, 129, 131, 129, 131, 129], 0, 0),               # jitter at the start threshold
        ([120, 150, 159, 161, 159, 161, 159, 125], 1, 0),     # jitter at the peak threshold
        ([120, 150, 125], 0, 1),                              # partial: past 142, not to 160
        ([120, 135, 125], 0, 0),                              # a wobble below the partial threshold
        ([120, 170, 125, 170, 125, 170, 125], 3, 0),
    ])
    def test_counts(self, values: list[float], reps: int, partials: int) -> None:
        c = RepCounter(start=130, peak=160)
        for i, v in enumerate(values):
            c.update(i / 10, float(v))
        assert (c.reps, c.partials) == (reps, partials)

    def test_falling_signal(self) -> None:
        c = RepCounter(start=165, peak=155)  # superman body line: lower is the top
        events = [c.update(i / 10, v) for i, v in enumerate([172.0, 160, 150, 160, 170])]
        assert c.reps == 1 and events[-1] is not None and events[-1].complete

    def test_nan_changes_nothing(self) -> None:
        c = RepCounter(start=130, peak=160)
        c.update(0.0, 120.0)
        c.update(0.1, 165.0)
        assert c.update(0.2, float("nan")) is None and c.phase == "peak"

    def test_event_times_and_hold(self) -> None:
        c = RepCounter(start=130, peak=160)
        ev = None
        for i, v in enumerate([120, 140, 165, 165, 165, 150, 125]):
            ev = c.update(i * 0.5, float(v)) or ev
        assert ev is not None
        assert (ev.start, ev.peak, ev.peak_end, ev.end) == (0.0, 1.0, 2.0, 3.0)
        assert ev.held == pytest.approx(1.5)

    def test_parked_outside_the_start_zone_is_not_a_rep(self) -> None:
        c = RepCounter(start=20, peak=30, max_duration=5.0)
        for i in range(100):  # a braced arm resting at 27 deg for 10 s, touching the peak once
            c.update(i / 10, 27.0 if i != 50 else 31.0)
        assert c.pending() is None and not c.in_rep
        for i, v in enumerate([10.0, 40.0, 10.0]):  # back in the start zone: counting resumes
            c.update(10.0 + i / 2, v)
        assert (c.reps, c.partials) == (1, 0)

    @pytest.mark.parametrize("kw", [{"start": 1.0, "peak": 1.0}, {"start": 0.0, "peak": 10.0, "partial": 12.0}])
    def test_bad_thresholds_raise(self, kw: dict[str, float]) -> None:
        with pytest.raises(ValueError):
            RepCounter(**kw)


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
