"""Counting reps for a spec: one ``RepCounter`` per counted side, fed with the rep signal.

Knows which value feeds which counter (the followed side, each side for
alternating exercises, or both sides averaged), keeps the features at the rest
before each rep (the baseline of ``rep_start`` rules), and drops attempts that
break ``rep.require`` (another movement, e.g. kneeling during a squat).
Counting only: whether a rep was good is for the rules and the scoring.

Example:
    >>> from formcheck.spec import load_spec
    >>> reps = RepTracking(load_spec("glute_bridge"), ("left",))
    >>> fed = [reps.feed(t / 10, {"both:hip_angle_3d": v}, "left", True)
    ...        for t, v in enumerate([120, 150, 175, 175, 150, 120, 120])]
    >>> [ev.complete for f in fed for ev, side in f.finished]
    [True]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from formcheck.features.frames import SideName
from formcheck.features.registry import parse_name
from formcheck.features.smoothing import RollingMedian
from formcheck.spec import ExerciseSpec, all_hold, parse_condition
from formcheck.tracker.clip_lead_in import ClipLeadIn
from formcheck.tracker.count_signal import SignalLog
from formcheck.tracker.feature_stream import side_keys
from formcheck.tracker.noise import SignalNoise, Uncertainty
from formcheck.tracker.rep_counter import RepCounter, RepEvent
from formcheck.tracker.rest_baseline import RestBaseline

#: An attempt outside ``rep.require`` this long, and for at least ``REQUIRE_SHARE`` of its
#: duration, is another movement and is dropped (a noisy frame or two of a 3-D angle is not).
REQUIRE_GRACE_S = 0.3
REQUIRE_SHARE = 0.5
#: A rep faster than this share of the spec's ``min_duration`` is a glitch of the pose model.
GLITCH = 0.4
#: Two sides' reps overlapping by more than this share of the longer one are one movement (seen
#: twice, they start and end together; a long attempt spanning a short one is two movements).
ECHO_SHARE = 0.5
#: Window of the median that takes one- or two-frame spikes out of the rep signal.
DESPIKE_S = 0.15
_PHASE_RANK = {"start": 0, "ascent": 1, "descent": 2, "peak": 3}


@dataclass
class FeedResult:
    """What one frame did to the counters.

    Attributes:
        side: The counter furthest into a rep (the one the user sees).
        progress: Its progress from the start zone (0) to the peak (1), clipped to 0-1.2.
        finished: Attempts that ended at this frame, with their counter's side.
        uncounted: Attempts that ended at this frame while not counting (before the setup held).
    """

    side: str
    progress: float
    finished: list[tuple[RepEvent, str]] = field(default_factory=list)
    uncounted: list[tuple[RepEvent, str]] = field(default_factory=list)


class RepTracking:
    """The rep counters of one spec.

    Args:
        spec: A ``kind: reps`` spec.
        sides: The counters' sides: both for ``sides: each``, else one.
        count_leading: Count the rep a set begins in (see ``RepCounter``): True for clips.
    """

    def __init__(self, spec: ExerciseSpec, sides: tuple[SideName, ...], count_leading: bool = True) -> None:
        assert spec.rep is not None
        self.spec = spec
        self.rep = spec.rep
        self.sides = sides
        self.count_leading = count_leading
        self._names = spec.feature_names()
        # "side:name" keys of the stream's values, made once (every frame reads them).
        self._signal_key = {s: f"{s}:{self.rep.signal}" for s in ("left", "right", "both")}
        self._keys = side_keys(self._names)
        self._require = [parse_condition(c) for c in self.rep.require]
        self.reset()

    def reset(self) -> None:
        """Forget every count, baseline and attempt."""
        r = self.rep
        self.counters: dict[str, RepCounter] = {
            s: RepCounter(r.direction, r.excursion_floor, r.rest, r.max_duration, r.count_at, self.count_leading,
                          GLITCH * r.min_duration)
            for s in self.sides}
        self._despike: dict[str, RollingMedian] = {s: RollingMedian(DESPIKE_S) for s in self.sides}
        #: Each side's complete reps that stood, in order: only those can be seen again by the other side.
        self._stood: dict[str, list[RepEvent]] = {s: [] for s in self.sides}
        self._rest: dict[str, RestBaseline] = {s: RestBaseline() for s in self.sides}
        self._lead = ClipLeadIn(self.count_leading)
        self._off_s: dict[str, float] = {s: 0.0 for s in self.sides}  # time outside rep.require
        self._require_t: dict[str, float] = {}
        #: Complete attempts dropped for breaking ``rep.require`` (another movement).
        self.other_movements = 0
        #: The rep signal of every frame in view, setup or not (``record``): the set's second opinion.
        self.signals = SignalLog()
        #: Indices (in the rule engine's cue list) of cues raised during each side's attempt.
        self.cue_indices: dict[str, list[int]] = {s: [] for s in self.sides}
        #: Each counter's signal noise, the frame interval and (an angle's) switches between guesses: how
        #: precisely range and tempo are known.
        angle = parse_name(r.signal)[0].unit == "deg"
        self._noise: dict[str, SignalNoise] = {s: SignalNoise(angle) for s in self.sides}

    def reset_counters(self) -> None:
        """Back to the start zone (the setup pose was lost): attempts so far are forgotten."""
        for s, c in self.counters.items():
            c.reset()
            self._despike[s].reset()
            self._rest[s].clear()

    def before_setup(self, t: float, vals: Mapping[str, float], followed: SideName, setup_ok: bool | None,
                     new_shot: bool = False) -> None:
        """A frame before the setup pose has held (``setup_ok``: this frame's verdict).

        In the pose (or unknown), follow the signal: a rep started as soon as the pose was reached
        still counts once it has held. Outside it, forget (getting into position is not a rep),
        except while a clip may have begun mid-rep (``ClipLeadIn``).
        """
        if not self._lead.follows(t, setup_ok, any(c.in_rep for c in self.counters.values())):
            self.reset_counters()
            return
        self._lead.hold(self.feed(t, vals, followed, counting=False, new_shot=new_shot).uncounted)

    def uncertainty(self, side: str) -> Uncertainty:
        """How precisely ``side``'s counter measures a rep's range and tempo (see ``make_rep_record``)."""
        return self._noise[side].uncertainty()

    def baseline(self, side: str) -> dict[str, float]:
        """Features the person rested in before the current attempt (``RestBaseline``)."""
        return self._rest[side].values

    def _valid(self, side: str) -> bool:
        off = self._off_s[side]
        if off < REQUIRE_GRACE_S:
            return True
        return off < REQUIRE_SHARE * max(1e-9, self.counters[side].span)

    def signal(self, vals: Mapping[str, float], counter_side: str, followed: SideName) -> float:
        """The value that feeds ``counter_side``'s counter."""
        sides = self.spec.sides
        side = "both" if sides == "both" else counter_side if sides == "each" else followed
        return vals.get(self._signal_key[side], math.nan)

    def record(self, t: float, vals: Mapping[str, float], followed: SideName) -> None:
        """Log one frame's rep signal for each counter, and whether it kept ``rep.require``."""
        each = self.spec.sides == "each"
        signal = {s: self.signal(vals, s, followed) for s in self.sides}
        for s, v in signal.items():
            self._noise[s].add(t, v)
        self.signals.add(t, {s: (signal[s], not self._require or all_hold(
            self._require, vals, prefix=f"{s if each else followed}:")) for s in self.sides})

    def feed(self, t: float, vals: Mapping[str, float], followed: SideName, counting: bool,
             new_shot: bool = False) -> FeedResult:
        """Feed every counter one frame.

        With ``counting`` False (before the setup has held long enough) finished attempts are
        dropped: they started before the pose was established. ``new_shot`` (a cut in an edited
        clip): a counter at rest takes the new shot's level as its rest (a 3-D angle seen from
        another camera may step); the counts go on.
        """
        if new_shot:
            for c in self.counters.values():
                c.new_shot()
        best_side: str = self.sides[0]
        best_rank, progress = -1, 0.0
        finished: list[tuple[RepEvent, str]] = self._lead.release() if counting else []
        uncounted: list[tuple[RepEvent, str]] = []
        for s, c in self.counters.items():
            v = self._despike[s].update(self.signal(vals, s, followed), t)
            if not c.in_rep and not math.isnan(v):
                side = s if self.spec.sides == "each" else followed
                self._rest[s].add(t, {n: vals.get(k, math.nan) for n, k in self._keys[side]})
            was_in_rep = c.in_rep
            meter = self._noise[s].meter
            ev = c.update(t, v, meter.sigma if meter.measured else math.nan)
            if c.in_rep:
                self._rest[s].leave()  # the rules of this attempt compare with the rest before it
            if self._require:
                self._check_require(s, c.in_rep or ev is not None, was_in_rep, t, vals, followed)
            if ev is not None and ev.complete and (not self._valid(s) or self._echo(ev, s)):
                c.discard_last()  # another movement (or the other side's, seen twice): not a rep here
                self.other_movements += not self._valid(s)
            elif ev is not None:
                if ev.complete:
                    self._stood[s].append(ev)
                (finished if counting else uncounted).append((ev, s))
            rank = _PHASE_RANK[c.phase]
            if rank > best_rank:
                best_side, best_rank = s, rank
                p = c.progress(v)
                progress = 0.0 if math.isnan(p) else min(1.2, max(0.0, p))
        return FeedResult(best_side, progress, finished, uncounted)

    def _echo(self, ev: RepEvent, side: str) -> bool:
        """One movement counted by both sides' counters (``sides: each`` works one side at a time):
        the model mirrors a hidden limb onto the moving one, or swaps sides facing the camera.

        Also the way back a set began in (``RepEvent.leading``) when the other side did a whole rep
        before it ended: one side works at a time, so this side was not coming down from a rep; its
        signal drifted (a bracing arm read anew after a cut to another camera).
        """
        for other, stood in self._stood.items():
            if other == side or not stood:
                continue
            if ev.leading and any(ev.start <= o.start and o.end <= ev.came_back for o in stood):
                return True
            last = stood[-1]
            overlap = min(ev.end, last.end) - max(ev.start, last.start)
            if overlap > ECHO_SHARE * max(ev.end - ev.start, last.end - last.start):
                return True
        return False

    def _check_require(self, s: str, in_rep: bool, was_in_rep: bool, t: float, vals: Mapping[str, float],
                       followed: SideName) -> None:
        """Accumulate the time an attempt spends outside ``rep.require`` (reset when one begins)."""
        if in_rep and not was_in_rep:
            self._off_s[s] = 0.0
        if in_rep:
            side = s if self.spec.sides == "each" else followed
            if not all_hold(self._require, vals, prefix=f"{side}:"):
                self._off_s[s] += max(0.0, t - self._require_t.get(s, t))
        self._require_t[s] = t

    def abandon(self) -> list[tuple[RepEvent, str]]:
        """End every attempt under way (person left or switched); returns the partial ones to record."""
        out: list[tuple[RepEvent, str]] = []
        for s, c in self.counters.items():
            ev = c.abandon()
            if ev is not None and self._valid(s):
                out.append((ev, s))
        return out

    def pending(self) -> list[tuple[RepEvent, str]]:
        """Attempts under way as partial events, without ending them (for a summary mid-set)."""
        out: list[tuple[RepEvent, str]] = []
        for s, c in self.counters.items():
            ev = c.pending()
            if ev is not None and self._valid(s):
                out.append((ev, s))
        return out
