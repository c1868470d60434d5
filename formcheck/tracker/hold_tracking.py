"""Timing holds for a spec: one start-pose gate and one timer per timed side.

A hold starts once its start pose (``setup``) has held for ``setup_s``; it goes
on while the looser ``hold.keep`` pose holds, and its seconds count as good
only while no hold-phase form rule fires (like the plank: a sag costs time).
``sides: each`` (a neck or trapezius stretch) times each side on its own,
with that side's features, and reports each side's holds; otherwise the
followed side is timed.

Example:
    >>> from formcheck.spec import load_spec
    >>> from formcheck.tracker.form_rules import RuleEngine
    >>> spec = load_spec("plank")
    >>> holds = HoldTracking(spec, RuleEngine(spec.rules, spec.cues))
    >>> holds.active_side, holds.good_s
    (None, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from formcheck.features.frames import SIDES, SideName
from formcheck.records.feedback import Hold
from formcheck.spec import ExerciseSpec, all_hold, parse_condition, verdict
from formcheck.tracker.form_rules import RuleEngine
from formcheck.tracker.hold_timer import HoldTimer
from formcheck.tracker.setup_gate import SetupGate


class HoldTracking:
    """The holds of a ``kind: hold`` spec.

    Args:
        spec: The exercise.
        rules: The tracker's rule engine (judged on the side being held).
    """

    def __init__(self, spec: ExerciseSpec, rules: RuleEngine) -> None:
        assert spec.hold is not None
        self.spec = spec
        self.per_side = spec.sides == "each"
        self._rules = rules
        self._names = spec.feature_names()
        self._setup = [parse_condition(c) for c in spec.setup]
        self._keep = [parse_condition(c) for c in spec.hold.keep] if spec.hold.keep else self._setup
        keys: tuple[str, ...] = SIDES if self.per_side else ("followed",)
        self._gates = {k: SetupGate(spec.setup_s) for k in keys}
        self._timers = {k: HoldTimer(spec.hold.target_s, spec.hold.grace_s) for k in keys}
        self.active_side: SideName | None = None

    def reset(self) -> None:
        for g in self._gates.values():
            g.close()
        for h in self._timers.values():
            h.reset()
        self.active_side = None

    @property
    def any_open(self) -> bool:
        """Some side's start pose has held: a hold is on or may start."""
        return any(g.open for g in self._gates.values())

    def _held_timer(self) -> HoldTimer | None:
        timer = self._timers.get(self._key(self.active_side)) if self.active_side or not self.per_side else None
        return timer if timer is not None and timer.active else None

    @property
    def good_s(self) -> float:
        """Good seconds of the hold under way (the side being held)."""
        timer = self._held_timer()
        return timer.good_s if timer else 0.0

    @property
    def lost_s(self) -> float:
        """Seconds of the hold under way lost to faults."""
        timer = self._held_timer()
        return timer.lost_s if timer else 0.0

    def _key(self, side: SideName | None) -> str:
        return side if self.per_side and side is not None else "followed"

    def step(self, t: float, vals: Mapping[str, float], followed: SideName) -> tuple[str, dict[str, float]]:
        """One visible frame: returns the phase (``"hold"`` or ``"setup"``) and the features judged."""
        sides: tuple[SideName, ...] = SIDES if self.per_side else (followed,)
        feats = {s: {n: vals.get(f"{s}:{n}", math.nan) for n in self._names} for s in sides}
        for s in sides:
            gate = self._gates[self._key(s)]
            if not gate.open:
                gate.update(t, verdict(self._setup, feats[s]))
        in_pose = {s: self._gates[self._key(s)].open and all_hold(self._keep, feats[s]) for s in sides}
        held = [s for s in sides if in_pose[s] or self._timers[self._key(s)].active]
        judged: SideName = self.active_side if self.active_side in held else held[0] if held else followed
        phase = "hold" if in_pose.get(judged, False) else "setup"
        self._rules.update(t, phase, feats[judged])
        form_ok = not any(("hold" in r.phases or "always" in r.phases) for r in self._rules.active_rules())
        for s in sides:
            timer = self._timers[self._key(s)]
            timer.update(t, in_pose[s], form_ok or s != judged)
            if self._gates[self._key(s)].open and not timer.active and not in_pose[s]:
                self._gates[self._key(s)].close()  # a new hold needs the start pose again
        active = [s for s in sides if self._timers[self._key(s)].active]
        self.active_side = judged if judged in active else active[0] if active else None
        return ("hold" if self.active_side is not None else "setup"), feats[judged]

    def lost(self, t: float) -> None:
        """A frame without the person: holds lose their pose (a short loss is forgiven)."""
        for timer in self._timers.values():
            timer.update(t, False, True)

    def abandon(self) -> None:
        """The person left or switched: end every hold, the start pose is needed again."""
        for timer in self._timers.values():
            timer.finish()
        for g in self._gates.values():
            g.close()
        self.active_side = None

    def holds(self, t: float) -> list[Hold]:
        """Every hold so far, the ones under way included, with the side for per-side holds."""
        out = []
        for key, timer in self._timers.items():
            for h in timer.so_far(t):
                out.append(Hold(h.start, h.end, h.good_s, h.lost_s, h.target_s,
                                side=key if self.per_side else None))  # type: ignore[arg-type]
        return sorted(out, key=lambda h: h.start)
