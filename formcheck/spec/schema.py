"""The spec language: frozen pydantic models of an exercise spec (what each YAML field means).

Example:
    >>> RepSignal(signal="hip_angle", start=120, peak=160).direction
    1
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from formcheck.spec.conditions import (
    Condition,
    check_conditions,
    check_feature,
    parse_condition,
)
from formcheck.spec.numbers import MAX_REPS_PER_SET, MAX_SETS, SpecFloat, SpecInt

RulePhase = Literal["start", "ascent", "peak", "descent", "hold", "always"]
#: Body parts a spec may require to be visible (sided parts follow the tracked side).
BODY_PARTS = ("nose", "ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepSignal(_Strict):
    """How reps are counted (calibrated to the person) and what a full-range rep reaches (judged).

    A rep is a movement of ``signal`` from rest towards the peak end and back that is
    large relative to the person's own range in the set (see ``formcheck.tracker.rep_counter``):
    no absolute threshold decides whether it happened. ``start`` and ``peak`` are the values
    a full-range rep reaches at its two ends: their order gives the direction, and ``peak``
    is the range target each rep is judged against (falling short raises the cue
    ``short_id`` with ``short_message``; the rep still counts). ``min_excursion`` is the smallest movement
    that can be a rep at all (default: half of |peak - start|).
    """

    signal: str
    start: SpecFloat
    peak: SpecFloat
    min_excursion: SpecFloat | None = Field(None, gt=0)
    # Where the person rests between reps: the start end, or either end (the one they begin at:
    # a deadlift from the floor rests at the bar, a Romanian deadlift standing).
    rest: Literal["start", "either"] = "start"
    # With `sides: both`, how the two sides make one signal: their mean weighted by visibility,
    # or the side that moved less (both must move: walking bends one knee at a time, a squat both).
    combine: Literal["mean", "lesser"] = "mean"
    # When a rep counts: on the way back to rest (`return`, most exercises), or as soon as the
    # movement turns back from its far end (`turn`: one cat-cow is one cat and one cow).
    count_at: Literal["return", "turn"] = "return"
    # The cue a complete rep short of `peak` raises: its id (labels use it) and message.
    short_id: str = Field("short_range", pattern=r"^[a-z][a-z0-9_]*$")
    short_message: str = Field("Go through the full range of motion", min_length=1)
    min_duration: SpecFloat = Field(0.8, ge=0)  # faster reps raise `too_fast`
    hold_at_peak: SpecFloat = Field(0.0, ge=0)  # target seconds at the far end (tempo; counts anyway)
    max_duration: SpecFloat = Field(12.0, gt=0)  # longer out of rest: not a rep (a parked limb)
    # Conditions every attempt must keep (e.g. feet on the floor for a squat); an attempt that
    # breaks them for 0.3 s or more is another movement: dropped without a record or a cue.
    require: list[str] = Field(default_factory=list)

    _require = field_validator("require")(classmethod(lambda cls, v: check_conditions(v)))

    _chk = field_validator("signal")(classmethod(lambda cls, v: check_feature(v)))

    @model_validator(mode="after")
    def _order(self) -> RepSignal:
        if self.peak == self.start:
            raise ValueError(f"start and peak must differ (their order gives the direction), both are {self.start}")
        if self.max_duration <= self.min_duration:
            raise ValueError(f"max_duration {self.max_duration} must exceed min_duration {self.min_duration}")
        return self

    @property
    def direction(self) -> int:
        """+1 when the signal rises towards the peak, -1 when it falls."""
        return 1 if self.peak > self.start else -1

    @property
    def excursion_floor(self) -> float:
        """The smallest movement that can be a rep (``min_excursion``, default half the full range)."""
        return self.min_excursion if self.min_excursion is not None else 0.5 * abs(self.peak - self.start)


class HoldSpec(_Strict):
    """A timed hold: it starts once the setup pose is held; time counts while form rules pass.

    ``keep`` (default: the setup conditions) is the looser pose that keeps a started hold
    going, so that a fault such as sagging hips costs time instead of ending the hold.
    """

    target_s: SpecFloat = Field(gt=0)
    min_s: SpecFloat | None = Field(None, gt=0)
    grace_s: SpecFloat = Field(1.0, ge=0)  # pose lost this long ends the hold
    keep: list[str] = Field(default_factory=list)

    _keep = field_validator("keep")(classmethod(lambda cls, v: check_conditions(v)))


_ALWAYS: tuple[RulePhase, ...] = ("always",)


class FormRule(_Strict):
    """A fault: while ``when`` (all conditions) holds for ``min_duration`` in one of ``phases``, cue."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: list[str] = Field(min_length=1)
    phases: list[RulePhase] = Field(default_factory=lambda: list(_ALWAYS), min_length=1)
    min_duration: SpecFloat = Field(0.3, ge=0)
    priority: SpecInt = Field(1, ge=0)
    message: str = Field(min_length=1)
    #: What went wrong in the client's words, for reports ("your hips sagged"); optional.
    fault: str = ""
    voids_rep: bool = False
    baseline: Literal["none", "rep_start"] = "none"  # rep_start: compare change since the rep began
    #: Start positions (names in the spec's ``other_setups``) whose sets this rule does not judge: its
    #: proxy means something else there (a face pull's shrug, bent over with the elbows past the head).
    skip_setups: list[str] = Field(default_factory=list)

    @field_validator("when", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    _conds = field_validator("when")(classmethod(lambda cls, v: check_conditions(v)))

    def conditions(self) -> list[Condition]:
        return [parse_condition(c) for c in self.when]


class Targets(_Strict):
    """Programme targets (from the seed programmes); shown to the user, used for scores."""

    reps: SpecInt | None = Field(None, gt=0, le=MAX_REPS_PER_SET)  # per set (per side with per_side)
    reps_max: SpecInt | None = Field(None, gt=0, le=MAX_REPS_PER_SET)
    sets: SpecInt | None = Field(None, gt=0, le=MAX_SETS)
    hold_s: SpecFloat | None = Field(None, gt=0)
    hold_s_max: SpecFloat | None = Field(None, gt=0)
    tempo: str | None = None  # "up-hold-down" seconds, e.g. "1-2-2"
    per_side: bool = False
    notes: str = ""


class Smoothing(_Strict):
    """One-Euro filter on features (see ``formcheck.features.smoothing``)."""

    enabled: bool = True
    min_cutoff: SpecFloat = Field(1.5, gt=0)
    beta: SpecFloat = Field(0.05, ge=0)
    d_cutoff: SpecFloat = Field(1.0, gt=0)


class CueTiming(_Strict):
    """Cue debouncing: shown at most one new cue per ``gap_s``; each stays ``display_s``."""

    display_s: SpecFloat = Field(2.5, gt=0)
    gap_s: SpecFloat = Field(1.0, ge=0)


class ExerciseSpec(_Strict):
    """One exercise. See ``exercise_specs/*.yaml`` for commented examples."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""
    #: Where the exercise sits in the programmes (the app's picker groups by it).
    category: Literal["lower_back", "upper_back", "stretches", "extras"] = "extras"
    view: Literal["side", "front", "any"] = "side"
    placement: str = ""
    kind: Literal["reps", "hold"]
    sides: Literal["near", "left", "right", "both", "each"] = "near"
    alternating: bool = False
    visible: list[str] = Field(default_factory=lambda: ["shoulder", "hip"])
    key_features: list[str] = Field(min_length=1)
    min_visibility: SpecFloat = Field(0.5, ge=0, le=1)
    setup: list[str] = Field(default_factory=list)
    #: Other start positions the exercise admits, by name, each a list of conditions like ``setup``
    #: (a face pull stands at a cable, or is done bent over with dumbbells): the start pose is met when
    #: ``setup`` or any one of these holds in full. See :meth:`setups`.
    other_setups: dict[str, list[str]] = Field(default_factory=dict)
    setup_s: SpecFloat = Field(0.5, ge=0)
    #: Limbs whose swing along the camera's axis is restored from the picture against the person's
    #: own hanging length before any feature is read (``tracker.picture_depth``): a limb that hangs
    #: between reps, such as a row's upper arm, seen head-on.
    depth_from_picture: list[Literal["upper_arm"]] = Field(default_factory=list)
    #: Body parts that bear the body's weight on the floor through every rep and so stay put against
    #: each other while the body moves about them (a push-up's hands and feet). Recognition reads a
    #: clip whose such parts travel as another exercise (a row with the chest on a bench lies like a
    #: push-up, but its hands travel). Two parts or more (one has nothing to be read against); left
    #: out where people step about (standing exercises' feet).
    planted: list[str] = Field(default_factory=list)
    rep: RepSignal | None = None
    hold: HoldSpec | None = None
    rules: list[FormRule] = Field(default_factory=list)
    targets: Targets = Targets.model_validate({})  # frozen models: one shared default is safe
    smoothing: Smoothing = Smoothing.model_validate({})
    cues: CueTiming = CueTiming.model_validate({})
    #: Words shown and spoken for the rep phases when the defaults (Lift, Top or Hold, Lower; Ready at
    #: rest) mislead: a squat's rep starts by going down; a cat-cow moves between its own two poses.
    phase_words: dict[Literal["start", "ascent", "peak", "descent"], str] = Field(default_factory=dict)

    @field_validator("key_features")
    @classmethod
    def _features(cls, v: list[str]) -> list[str]:
        return [check_feature(n) for n in v]

    _setup = field_validator("setup")(classmethod(lambda cls, v: check_conditions(v)))

    @field_validator("other_setups")
    @classmethod
    def _other_setups(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, conditions in v.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(f"other_setups: {name!r} is not a name (lower case, digits, _)")
            if not conditions:
                raise ValueError(f"other_setups: {name!r} has no conditions")
            check_conditions(conditions)
        return v

    @field_validator("visible", "planted")
    @classmethod
    def _parts(cls, v: list[str]) -> list[str]:
        for p in v:
            if p not in BODY_PARTS:
                near = difflib.get_close_matches(p, BODY_PARTS, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise ValueError(f"unknown body part {p!r}{hint} (one of {', '.join(BODY_PARTS)})")
        return v

    @field_validator("planted")
    @classmethod
    def _planted(cls, v: list[str]) -> list[str]:
        if len(set(v)) == 1:
            raise ValueError("name two parts or more (they are read against each other), or none")
        return v

    @model_validator(mode="after")
    def _kind(self) -> ExerciseSpec:
        if self.kind == "reps" and self.rep is None:
            raise ValueError("a 'reps' exercise needs a 'rep' section (signal, start, peak)")
        if self.kind == "hold" and self.hold is None:
            raise ValueError("a 'hold' exercise needs a 'hold' section (target_s)")
        if self.kind == "hold" and not self.setup:
            raise ValueError("a 'hold' exercise needs 'setup' conditions: they define the held pose")
        if self.other_setups and not self.setup:
            raise ValueError("'other_setups' are alternatives to 'setup': give 'setup' too")
        if self.other_setups and self.kind == "hold":
            # A hold's setup is also the pose it keeps: one held pose per spec (a variant is its own spec).
            raise ValueError("'other_setups' is for 'reps' exercises: a held pose needs a spec of its own")
        for r in self.rules:
            unknown = [n for n in r.skip_setups if n not in self.other_setups]
            if unknown:
                known = ", ".join(self.other_setups) or "none"
                raise ValueError(f"rule {r.id!r}: skip_setups names {', '.join(map(repr, unknown))}, not one of the "
                                 f"spec's other_setups ({known})")
        ids = [r.id for r in self.rules]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"rule ids must be unique, repeated: {', '.join(sorted(dup))}")
        return self

    def named_setups(self) -> list[tuple[str, list[str]]]:
        """Every start position the spec admits with its name: ``setup`` first (named ""), then
        ``other_setups`` in order; none when ``setup`` is empty (then any pose is the start).

        Example:
            >>> spec = ExerciseSpec(name="x", title="X", kind="reps", key_features=["hip_angle"],
            ...                     rep={"signal": "hip_angle", "start": 120, "peak": 160},
            ...                     setup=["torso_incline < 35"], other_setups={"bent_over": ["torso_incline_3d > 30"]})
            >>> spec.named_setups()
            [('', ['torso_incline < 35']), ('bent_over', ['torso_incline_3d > 30'])]
        """
        if not self.setup:
            return []
        return [("", list(self.setup)), *((name, list(c)) for name, c in self.other_setups.items())]

    def setups(self) -> list[list[str]]:
        """The conditions of :meth:`named_setups`, in its order."""
        return [conditions for _, conditions in self.named_setups()]

    def feature_names(self) -> list[str]:
        """Every feature this spec reads (key features, signal, setup and rule conditions)."""
        names = list(self.key_features)
        if self.rep:
            names.append(self.rep.signal)
            names += [parse_condition(c).feature for c in self.rep.require]
        for conditions in self.setups():
            names += [parse_condition(c).feature for c in conditions]
        if self.hold:
            names += [parse_condition(c).feature for c in self.hold.keep]
        for r in self.rules:
            names += [c.feature for c in r.conditions()]
        return list(dict.fromkeys(names))


