"""Form rules: evaluate spec conditions per frame, raise cues, debounce what the user sees.

A rule fires once its condition has held for ``min_duration`` seconds in one
of its phases, each threshold crossed by more than ``NOISE_K`` times that
feature's own noise (:mod:`formcheck.tracker.noise`, measured on the person's
frames so far: a crossing noise can explain is no fault), and each angle read
steadily (no jump faster than a joint moves in the last ``STEADY_S``: the pose
model was not switching between guesses of a hidden part); the cue it raises
starts at the moment the plain condition began and ends when it stops. Every
fired cue is recorded (reports and the accuracy harness read them). What is *shown* is throttled, because constant cues
demoralise: at most one new cue per ``gap_s``, highest priority first, and a
shown cue stays visible for ``display_s`` (longer while its fault persists).

Example:
    >>> from formcheck.spec import FormRule, CueTiming
    >>> rule = FormRule(id="hips_sagging", when="hip_sag > 0.2", phases=["hold"],
    ...                 min_duration=0.5, message="Lift your hips")
    >>> eng = RuleEngine([rule], CueTiming())
    >>> fired = [eng.update(i / 10, "hold", {"hip_sag": 0.3}) for i in range(7)]
    >>> [len(f) for f in fired]
    [0, 0, 0, 0, 0, 1, 0]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence, Set

from formcheck.features.registry import parse_name, view_invariant
from formcheck.records.feedback import Cue
from formcheck.spec import CueTiming, FormRule, holds, parse_condition
from formcheck.tracker.noise import NOISE_K, NoiseMeter, SwitchWatch, clear_of


class _Compiled:
    __slots__ = ("rule", "conds", "since", "sure_since", "cue_index", "image_plane")

    def __init__(self, rule: FormRule) -> None:
        self.rule = rule
        self.conds = [parse_condition(c) for c in rule.when]
        # Judged from the picture: only meaningful from the camera view the spec asks for.
        self.image_plane = not all(view_invariant(c.feature) for c in self.conds)
        self.since: float | None = None  # time the condition became true
        self.sure_since: float | None = None  # ... and true by more than the noise
        self.cue_index: int | None = None  # index in RuleEngine.cues while fired

    def verdict(self, values: Mapping[str, float], baseline: Mapping[str, float] | None,
                noise: Mapping[str, NoiseMeter], unsteady: Set[str] = frozenset()) -> tuple[bool, bool]:
        """(the condition holds, it holds by more than ``NOISE_K`` times each feature's noise);
        a feature in ``unsteady`` is not read (as if unseen)."""
        sure = True
        for cond in self.conds:
            v = values.get(cond.feature, math.nan) if cond.feature not in unsteady else math.nan
            sd = noise[cond.feature].sigma
            if self.rule.baseline == "rep_start":
                if baseline is None:
                    return False, False
                v = v - baseline.get(cond.feature, math.nan)
                sd *= math.sqrt(2.0)  # the difference of two noisy readings
            if not holds(cond, v):  # an unseen feature (NaN) never fires a rule
                return False, False
            sure = sure and clear_of(cond.op, v, cond.value, NOISE_K * sd)
        return True, sure


class RuleEngine:
    """Evaluates a spec's form rules and debounces the cues shown.

    Args:
        rules: The spec's form rules.
        timing: Display time and gap between new cues.
    """

    def __init__(self, rules: Sequence[FormRule], timing: CueTiming) -> None:
        self._rules = [_Compiled(r) for r in rules]
        #: Each judged feature's noise, measured on every frame it is seen (any phase).
        self.noise = {c.feature: NoiseMeter() for r in self._rules for c in r.conds}
        #: Each judged angle's watch for readings that switch between guesses.
        self.switches = {name: SwitchWatch() for name in self.noise if parse_name(name)[0].unit == "deg"}
        self.timing = timing
        #: False while the camera view is not the spec's: rules on image-plane features pause.
        self.view_ok = True
        #: False while the torso is seen end-on (its angles come from the model's depth): every rule pauses.
        self.depth_ok = True
        self.reset()

    def reset(self) -> None:
        """Forget every cue and timer, and the start position."""
        #: The start position the set began from ("" the spec's ``setup``, else an ``other_setups`` name):
        #: rules listing it in ``skip_setups`` pause.
        self.start_position = ""
        self.cues: list[Cue] = []
        self._pending: list[int] = []
        self._shown: dict[int, float] = {}  # cue index -> time shown
        self._last_shown = -1e9
        for r in self._rules:
            r.since, r.sure_since, r.cue_index = None, None, None
        for meter in self.noise.values():
            meter.reset()
        for watch in self.switches.values():
            watch.reset()

    @property
    def active_ids(self) -> set[str]:
        """Ids of rules currently firing."""
        return {r.rule.id for r in self._rules if r.cue_index is not None}

    def active_rules(self) -> list[FormRule]:
        """Rules currently firing."""
        return [r.rule for r in self._rules if r.cue_index is not None]

    def emit(self, cue: Cue) -> None:
        """Record and queue a cue raised outside the rules (``partial_rep``, ``too_fast``)."""
        self.cues.append(cue)
        self._pending.append(len(self.cues) - 1)

    def overlapping(self, start: float, end: float) -> list[int]:
        """Indices of the rule cues (not built-in ones) active at some time in ``[start, end]``."""
        ids = {r.rule.id for r in self._rules}
        return [i for i, c in enumerate(self.cues)
                if c.id in ids and c.start <= end and (c.end is None or c.end >= start)]

    def set_rep(self, index: int, rep: int | None) -> None:
        """Attach a rep number to a recorded cue (once the rep is known; None: it belongs to no rep)."""
        self.cues[index] = dataclasses.replace(self.cues[index], rep=rep)

    def update(self, t: float, phase: str, values: Mapping[str, float],
               baseline: Mapping[str, float] | None = None, rep: int | None = None) -> list[Cue]:
        """Evaluate every rule at time ``t`` in ``phase``; returns cues that fired now."""
        fired: list[Cue] = []
        phase = "start" if phase == "ready" else phase
        for name, meter in self.noise.items():
            meter.add(t, values.get(name, math.nan))
        for name, watch in self.switches.items():
            watch.add(t, values.get(name, math.nan))
        unsteady = {name for name, watch in self.switches.items() if not watch.steady(t)}
        for r in self._rules:
            applies = phase in r.rule.phases or ("always" in r.rule.phases and phase not in
                                                 ("not_visible", "setup"))
            applies = applies and self.depth_ok and (self.view_ok or not r.image_plane)
            applies = applies and self.start_position not in r.rule.skip_setups
            held, sure = r.verdict(values, baseline, self.noise, unsteady) if applies else (False, False)
            if held:
                if r.since is None:
                    r.since = t
                # Firing needs the margin over the noise for the whole min_duration; once fired,
                # the cue lasts while the plain condition holds (no flicker at the margin).
                if not sure:
                    r.sure_since = None
                elif r.sure_since is None:
                    r.sure_since = t
                if r.cue_index is None and r.sure_since is not None and t - r.sure_since >= r.rule.min_duration:
                    cue = Cue(id=r.rule.id, message=r.rule.message, priority=r.rule.priority,
                              start=r.since, rep=rep)
                    self.cues.append(cue)
                    r.cue_index = len(self.cues) - 1
                    self._pending.append(r.cue_index)
                    fired.append(cue)
            else:
                if r.cue_index is not None:
                    self.cues[r.cue_index] = dataclasses.replace(self.cues[r.cue_index], end=t)
                r.since, r.sure_since, r.cue_index = None, None, None
        return fired

    def close_all(self, t: float) -> None:
        """End every open cue at ``t`` (end of the stream, person left, reset)."""
        for r in self._rules:
            if r.cue_index is not None:
                self.cues[r.cue_index] = dataclasses.replace(self.cues[r.cue_index], end=t)
            r.since, r.sure_since, r.cue_index = None, None, None

    def visible(self, t: float) -> tuple[Cue, ...]:
        """Cues to show at ``t``: at most one new per ``gap_s``, highest priority first."""
        if not self._shown and not self._pending:  # most frames: nothing raised, nothing on screen
            return ()
        active = {r.cue_index for r in self._rules if r.cue_index is not None}
        for i, shown_at in list(self._shown.items()):
            if t - shown_at >= self.timing.display_s and i not in active:
                del self._shown[i]
        # A queued cue that is over and older than the display time is stale: drop it.
        self._pending = [i for i in self._pending
                         if i in active or t - (self.cues[i].end or self.cues[i].start) < self.timing.display_s]
        if self._pending and t - self._last_shown >= self.timing.gap_s:
            best = max(self._pending, key=lambda i: (self.cues[i].priority, -i))
            self._pending.remove(best)
            self._shown[best] = t
            self._last_shown = t
        return tuple(sorted((self.cues[i] for i in self._shown), key=lambda c: -c.priority))
