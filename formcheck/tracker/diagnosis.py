"""Why nothing was counted: one sentence with numbers for a set with 0 reps or a 0 s hold.

The tracker feeds ``Diagnosis`` what it saw on every frame (cheap running
minima and maxima); ``reason`` then names the first thing that stopped the
count, in the order a user would fix it: nobody in view, body parts out of
frame, the camera view, the start pose never held, a movement too small or
never finished.

Example:
    >>> from formcheck.spec import load_spec
    >>> d = Diagnosis(load_spec("glute_bridge"))
    >>> d.reason(reps=0, hold_s=0.0, frames=30)
    'no person was seen in the clip: check that the whole body is in the picture'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from formcheck.features.registry import base_features, parse_name
from formcheck.spec import ExerciseSpec
from formcheck.spec.conditions import OPERATORS
from formcheck.tracker.setup_gate import any_of, parsed_setups

#: What stopped a count, in the order a user would fix it: nobody seen, the body out of the picture,
#: the start pose never held, a hold never kept, a movement too small, one that never came back to rest.
Cause = Literal["no_person", "framing", "setup", "hold", "small", "no_return"]
#: A set is "mostly out of frame" when the body was measurable in less than this share of frames with a person.
MOSTLY = 0.5
#: Share of the visible frames with the torso end-on from which the set's note says form went unjudged.
UNJUDGED_SHARE = 0.1


class _Range:
    """Running minimum and maximum of one value."""

    __slots__ = ("lo", "hi")

    def __init__(self) -> None:
        self.lo, self.hi = math.inf, -math.inf

    def see(self, v: float) -> None:
        if v == v:  # not NaN
            self.lo, self.hi = min(self.lo, v), max(self.hi, v)

    @property
    def seen(self) -> bool:
        return self.lo <= self.hi


def _label(feature: str) -> str:
    """A feature id in words: ``torso_incline_3d`` -> ``torso incline``."""
    d, mode = parse_name(feature)
    words = d.name.removesuffix("_3d").replace("_", " ")
    return f"{mode} {words}" if mode in ("left", "right") else words


def _num(v: float, unit: str) -> str:
    return f"{v:.0f}°" if unit == "deg" else f"{v:.2f}"


class Diagnosis:
    """What the tracker saw, for the sentence that explains an empty set.

    Args:
        spec: The exercise.
    """

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        #: Each start position the spec admits (``ExerciseSpec.named_setups``) and its name ("" for ``setup``).
        self._setup_names, self._setups = parsed_setups(spec)
        self.reset()

    def reset(self) -> None:
        self.with_person = 0
        self.visible = 0
        self.missing: dict[str, int] = {}
        self.setup_ranges = [[_Range() for _ in conditions] for conditions in self._setups]
        self.setup_failed = [[0 for _ in conditions] for conditions in self._setups]
        self.signal = _Range()
        self.turns: list[float] = []
        #: Visible frames in which the torso was seen end-on (nothing judged: ``guidance.END_ON_SHARE``).
        self.end_on = 0
        self.ready = False
        #: Frames whose setup conditions could all be read, and those where they all held.
        self.setup_read = self.setup_met = 0

    def see(self, *, person: bool, visible: bool, guidance: str | None, feats: Mapping[str, float],
            signal: float, turn: float, ready: bool, end_on: bool = False) -> None:
        """Feed one frame: whether a person and the needed body parts were seen, the features, the rep
        signal, and whether the torso was seen end-on."""
        self.with_person += person
        if person and not visible and guidance:
            self.missing[guidance] = self.missing.get(guidance, 0) + 1
        if not visible:
            return
        self.visible += 1
        self.end_on += end_on
        self.ready = self.ready or ready
        verdicts: list[bool | None] = []
        for conditions, ranges, failed in zip(self._setups, self.setup_ranges, self.setup_failed):
            this: bool | None = True
            for i, c in enumerate(conditions):
                v = feats.get(c.feature, math.nan)
                ranges[i].see(v)
                if v != v:
                    this = None if this else this
                elif not OPERATORS[c.op](v, c.value):
                    failed[i] += 1
                    this = False
            verdicts.append(this)
        met = any_of(verdicts) if verdicts else True
        if met is not None:
            self.setup_read += 1
            self.setup_met += met
        self.signal.see(signal)
        if turn == turn and len(self.turns) < 10_000:
            self.turns.append(turn)

    def unjudged_note(self) -> str | None:
        """The set's note when form went unjudged for a tenth of the frames or more (the torso seen
        end-on), or None: a set without cues is not a set judged clean."""
        share = self.end_on / self.visible if self.visible else 0.0
        if share < UNJUDGED_SHARE:
            return None
        return (f"form not judged in {100 * share:.0f} % of the set: the camera looked along the body "
                "(film from the side)")

    def reason(self, reps: int, hold_s: float, frames: int) -> str | None:
        """The sentence, or None when something was counted."""
        found = self.cause(reps, hold_s)
        return found[1] if found is not None else None

    @property
    def setup_share(self) -> float:
        """Share of the frames (whose setup features could be read) in which the start pose was met."""
        return self.setup_met / self.setup_read if self.setup_read else 0.0

    def cause(self, reps: int, hold_s: float) -> tuple[Cause, str] | None:
        """What stopped the count (see :data:`Cause`) and the sentence saying so; None when something counted."""
        if reps > 0 or hold_s > 0:
            return None
        if self.with_person == 0:
            return "no_person", "no person was seen in the clip: check that the whole body is in the picture"
        if self.visible < MOSTLY * self.with_person and self.missing:
            what = max(self.missing, key=lambda k: self.missing[k])
            share = 100.0 * (self.with_person - self.visible) / self.with_person
            return "framing", f"the body was not fully in the picture in {share:.0f} % of the frames ({what})"
        view = self._view_sentence()
        tail = f"; {view}" if view else ""
        if not self.ready:
            return "setup", self._setup_sentence() + tail
        if self.spec.kind == "hold":
            return "hold", "the hold position was never kept long enough to time" + tail
        kind, sentence = self._movement_sentence()
        return kind, sentence + tail

    def _view_sentence(self) -> str | None:
        if not self.turns or self.spec.view == "any":
            return None
        turn = sorted(self.turns)[len(self.turns) // 2]
        if self.spec.view == "side" and turn > 60:
            return f"you seem to face the camera (turned {turn:.0f}° from side-on): film from the side"
        if self.spec.view == "front" and turn < 30:
            return f"you seem side-on to the camera (turned {turn:.0f}°): face the camera"
        return None

    def _setup_sentence(self) -> str:
        # Of several start positions, the nearest: the one whose most-failed condition failed least.
        def most_failed(k: int) -> int:
            return max(self.setup_failed[k], default=0)

        k = min(range(len(self._setups)), key=most_failed, default=None)
        if k is None or not self._setups[k]:
            return "the start position was never held long enough"
        worst = max(range(len(self._setups[k])), key=lambda i: self.setup_failed[k][i])
        if not self.setup_ranges[k][worst].seen:
            return "the start position was never held long enough"
        c, r = self._setups[k][worst], self.setup_ranges[k][worst]
        unit = base_features()[parse_name(c.feature)[0].name].unit
        which = f" ({self._setup_names[k].replace('_', ' ')})" if self._setup_names[k] else ""
        return (f"the start position was never held: {_label(c.feature)} stayed {_num(r.lo, unit)} to "
                f"{_num(r.hi, unit)}, needs {c.op} {_num(c.value, unit)}{which}")

    def _movement_sentence(self) -> tuple[Cause, str]:
        rep = self.spec.rep
        if rep is None or not self.signal.seen:
            return "small", "no movement of the exercise was seen"
        unit = base_features()[parse_name(rep.signal)[0].name].unit
        moved = self.signal.hi - self.signal.lo
        name = _label(rep.signal)
        if moved < rep.excursion_floor:
            return "small", (f"your {name} moved only {_num(moved, unit)} (from {_num(self.signal.lo, unit)} to "
                             f"{_num(self.signal.hi, unit)}); a rep needs at least {_num(rep.excursion_floor, unit)}")
        return "no_return", (f"your {name} moved {_num(self.signal.lo, unit)} to {_num(self.signal.hi, unit)} but "
                             f"never came back to rest in one movement")
