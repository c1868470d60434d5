"""Exercise specs: YAML files in ``exercise_specs/`` validated into frozen pydantic models.

An exercise is data, never Python. A spec names the features to follow (see
``formcheck.feature_registry``), the rep signal with its start and peak
thresholds (the gap between them is the hysteresis), or a hold target, the
setup pose, and the form rules with their cues. Conditions are short strings
``"<feature> <op> <number>"`` with ``op`` one of ``< <= > >=``.

Errors name the file, the line, the field path, and the nearest valid name::

    formcheck: error: exercise_specs/plank.yaml:12: rules[0].phase: unknown field; did you mean 'phases'?

Example:
    >>> spec = load_spec("glute_bridge")
    >>> spec.kind, spec.rep.signal
    ('reps', 'hip_angle_3d')
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from formcheck.errors import SpecError
from formcheck.feature_registry import parse_name

SPECS_DIR = Path(__file__).resolve().parent.parent / "exercise_specs"
RulePhase = Literal["start", "ascent", "peak", "descent", "hold", "always"]
_COND = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
#: Body parts a spec may require to be visible (sided parts follow the tracked side).
BODY_PARTS = ("nose", "ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")


class Condition(NamedTuple):
    """A parsed condition ``feature op value``."""

    feature: str
    op: str
    value: float


def parse_condition(text: str) -> Condition:
    """Parse ``"hip_angle < 150"``; raise ``ValueError`` naming the problem (unknown feature, syntax)."""
    m = _COND.match(text)
    if not m:
        raise ValueError(f"condition {text!r} is not '<feature> <op> <number>' (op: < <= > >=)")
    try:
        parse_name(m.group(1))
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    return Condition(m.group(1), m.group(2), float(m.group(3)))


def _check_conditions(conditions: list[str]) -> list[str]:
    """Validate every condition string of a list (a pydantic field validator body)."""
    for c in conditions:
        parse_condition(c)
    return conditions


def _check_feature(name: str) -> str:
    try:
        parse_name(name)
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    return name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepSignal(_Strict):
    """How reps are counted: a signal leaving ``start``, reaching ``peak``, and returning.

    Direction is implied by the order: ``peak > start`` counts a rising
    signal, ``peak < start`` a falling one. The gap between them is the
    hysteresis that stops jitter around one value from counting.
    """

    signal: str
    start: float
    peak: float
    partial: float | None = None  # beyond this (towards peak) an attempt is a partial rep; default 40 %
    min_gap: float = Field(3.0, gt=0)
    min_duration: float = Field(0.8, ge=0)  # faster reps raise `too_fast`
    hold_at_peak: float = Field(0.0, ge=0)  # target seconds at the top (tempo; counts anyway)
    max_duration: float = Field(12.0, gt=0)  # longer out of the start zone: not a rep (parked limb)
    # Conditions every attempt must keep (e.g. feet on the floor for a squat); an attempt that
    # breaks them for 0.3 s or more is another movement: dropped without a record or a cue.
    require: list[str] = Field(default_factory=list)

    _require = field_validator("require")(classmethod(lambda cls, v: _check_conditions(v)))

    _chk = field_validator("signal")(classmethod(lambda cls, v: _check_feature(v)))

    @model_validator(mode="after")
    def _order(self) -> RepSignal:
        if abs(self.peak - self.start) < self.min_gap:
            raise ValueError(f"start {self.start} and peak {self.peak} must differ by at least min_gap "
                             f"{self.min_gap} (the hysteresis gap)")
        if self.max_duration <= self.min_duration:
            raise ValueError(f"max_duration {self.max_duration} must exceed min_duration {self.min_duration}")
        if self.partial is not None:
            lo, hi = sorted((self.start, self.peak))
            if not lo < self.partial < hi:
                raise ValueError(f"thresholds in the wrong order: partial {self.partial} must lie between "
                                 f"start {self.start} and peak {self.peak}")
        return self

    @property
    def direction(self) -> int:
        """+1 when the signal rises towards the peak, -1 when it falls."""
        return 1 if self.peak > self.start else -1

    @property
    def partial_threshold(self) -> float:
        return self.partial if self.partial is not None else self.start + 0.4 * (self.peak - self.start)


class HoldSpec(_Strict):
    """A timed hold: it starts once the setup pose is held; time counts while form rules pass.

    ``keep`` (default: the setup conditions) is the looser pose that keeps a started hold
    going, so that a fault such as sagging hips costs time instead of ending the hold.
    """

    target_s: float = Field(gt=0)
    min_s: float | None = Field(None, gt=0)
    grace_s: float = Field(1.0, ge=0)  # pose lost this long ends the hold
    keep: list[str] = Field(default_factory=list)

    _keep = field_validator("keep")(classmethod(lambda cls, v: _check_conditions(v)))


_ALWAYS: tuple[RulePhase, ...] = ("always",)


class FormRule(_Strict):
    """A fault: while ``when`` (all conditions) holds for ``min_duration`` in one of ``phases``, cue."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: list[str] = Field(min_length=1)
    phases: list[RulePhase] = Field(default_factory=lambda: list(_ALWAYS), min_length=1)
    min_duration: float = Field(0.3, ge=0)
    priority: int = Field(1, ge=0)
    message: str = Field(min_length=1)
    voids_rep: bool = False
    baseline: Literal["none", "rep_start"] = "none"  # rep_start: compare change since the rep began

    @field_validator("when", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    _conds = field_validator("when")(classmethod(lambda cls, v: _check_conditions(v)))

    def conditions(self) -> list[Condition]:
        return [parse_condition(c) for c in self.when]


class Targets(_Strict):
    """Programme targets (from the seed programmes); shown to the user, used for scores."""

    reps: int | None = Field(None, gt=0)
    reps_max: int | None = Field(None, gt=0)
    sets: int | None = Field(None, gt=0)
    hold_s: float | None = Field(None, gt=0)
    hold_s_max: float | None = Field(None, gt=0)
    tempo: str | None = None  # "up-hold-down" seconds, e.g. "1-2-2"
    per_side: bool = False
    notes: str = ""


class Smoothing(_Strict):
    """One-Euro filter on features (see ``formcheck.smoothing``)."""

    enabled: bool = True
    min_cutoff: float = Field(1.5, gt=0)
    beta: float = Field(0.05, ge=0)
    d_cutoff: float = Field(1.0, gt=0)


class CueTiming(_Strict):
    """Cue debouncing: shown at most one new cue per ``gap_s``; each stays ``display_s``."""

    display_s: float = Field(2.5, gt=0)
    gap_s: float = Field(1.0, ge=0)


class ExerciseSpec(_Strict):
    """One exercise. See ``exercise_specs/*.yaml`` for commented examples."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""
    view: Literal["side", "front", "any"] = "side"
    placement: str = ""
    kind: Literal["reps", "hold"]
    sides: Literal["near", "left", "right", "both", "each"] = "near"
    alternating: bool = False
    visible: list[str] = Field(default_factory=lambda: ["shoulder", "hip"])
    key_features: list[str] = Field(min_length=1)
    min_visibility: float = Field(0.5, ge=0, le=1)
    setup: list[str] = Field(default_factory=list)
    setup_s: float = Field(0.5, ge=0)
    rep: RepSignal | None = None
    hold: HoldSpec | None = None
    rules: list[FormRule] = Field(default_factory=list)
    targets: Targets = Targets.model_validate({})  # frozen models: one shared default is safe
    smoothing: Smoothing = Smoothing.model_validate({})
    cues: CueTiming = CueTiming.model_validate({})

    @field_validator("key_features")
    @classmethod
    def _features(cls, v: list[str]) -> list[str]:
        return [_check_feature(n) for n in v]

    _setup = field_validator("setup")(classmethod(lambda cls, v: _check_conditions(v)))

    @field_validator("visible")
    @classmethod
    def _parts(cls, v: list[str]) -> list[str]:
        for p in v:
            if p not in BODY_PARTS:
                near = difflib.get_close_matches(p, BODY_PARTS, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise ValueError(f"unknown body part {p!r}{hint} (one of {', '.join(BODY_PARTS)})")
        return v

    @model_validator(mode="after")
    def _kind(self) -> ExerciseSpec:
        if self.kind == "reps" and self.rep is None:
            raise ValueError("a 'reps' exercise needs a 'rep' section (signal, start, peak)")
        if self.kind == "hold" and self.hold is None:
            raise ValueError("a 'hold' exercise needs a 'hold' section (target_s)")
        if self.kind == "hold" and not self.setup:
            raise ValueError("a 'hold' exercise needs 'setup' conditions: they define the held pose")
        ids = [r.id for r in self.rules]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"rule ids must be unique, repeated: {', '.join(sorted(dup))}")
        return self

    def feature_names(self) -> list[str]:
        """Every feature this spec reads (key features, signal, setup and rule conditions)."""
        names = list(self.key_features)
        if self.rep:
            names.append(self.rep.signal)
            names += [parse_condition(c).feature for c in self.rep.require]
        names += [parse_condition(c).feature for c in self.setup]
        if self.hold:
            names += [parse_condition(c).feature for c in self.hold.keep]
        for r in self.rules:
            names += [c.feature for c in r.conditions()]
        return list(dict.fromkeys(names))


# ----------------------------------------------------------------------------- loading

_MODELS: dict[str, type[BaseModel]] = {
    "": ExerciseSpec, "rep": RepSignal, "hold": HoldSpec, "rules": FormRule, "targets": Targets,
    "smoothing": Smoothing, "cues": CueTiming,
}


def _key_lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    """Record the 1-based line of every mapping key / sequence item under ``node``."""
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            p = path + (k.value,)
            out[p] = k.start_mark.line + 1
            _key_lines(v, p, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _key_lines(v, path + (i,), out)


def _loc_str(loc: tuple[Any, ...]) -> str:
    s = ""
    for part in loc:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s or "(top level)"


def _format_error(err: Mapping[str, Any], where: str, lines: dict[tuple[Any, ...], int]) -> str:
    loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
    # Trim loc to the deepest path the YAML has (pydantic adds union/validator levels).
    probe = loc
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe, 1)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden" and loc:
        parent = [p for p in loc[:-1] if not isinstance(p, int)]
        model = _MODELS.get(parent[-1] if parent else "", ExerciseSpec)
        near = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.5)
        msg = "unknown field" + (f"; did you mean {near[0]!r}?" if near else
                                 f" (valid: {', '.join(model.model_fields)})")
    elif err["type"] == "missing":
        msg = "required field is missing"
    return f"{where}:{line}: {_loc_str(loc)}: {msg}"


def parse_spec_text(text: str, where: str = "<spec>") -> ExerciseSpec:
    """Validate spec YAML text; ``where`` names it in errors (usually the file path)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise SpecError(f"{where}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SpecError(f"{where}:1: a spec must be a YAML mapping (name: ..., title: ..., ...)")
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _key_lines(node, (), lines)
    try:
        return ExerciseSpec.model_validate(data)
    except ValidationError as exc:
        errs = [_format_error(e, where, lines) for e in exc.errors()]
        more = f" (and {len(errs) - 1} more: {'; '.join(errs[1:3])})" if len(errs) > 1 else ""
        raise SpecError(errs[0] + more) from None


def list_specs(specs_dir: Path | None = None) -> list[str]:
    """Ids of the exercises in ``exercise_specs/``, sorted."""
    d = specs_dir or SPECS_DIR
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float) -> ExerciseSpec:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{p}: cannot read spec: {exc}") from None
    spec = parse_spec_text(text, str(p))
    return spec


def load_spec(name_or_path: str | Path) -> ExerciseSpec:
    """Load a spec by id (``"plank"``) or by path (``my_specs/plank.yaml``).

    Raises:
        SpecError: unknown id (lists the known ones, suggests the nearest), unreadable
            file, invalid YAML, or a validation error (file, line, field path).
    """
    text = str(name_or_path)
    p = Path(text)
    if p.suffix in (".yaml", ".yml") or p.is_file() or "/" in text:
        if not p.is_file():
            raise SpecError(f"spec file not found: {p}")
    else:
        known = list_specs()
        p = SPECS_DIR / f"{text}.yaml"
        if text not in known:
            near = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise SpecError(f"unknown exercise {text!r}: {hint}known: {', '.join(known) or '(none)'}")
    spec = _load_cached(str(p.resolve()), p.stat().st_mtime)
    if p.parent.resolve() == SPECS_DIR.resolve() and spec.name != p.stem:
        # The id on the command line is the file name: a different `name` would report one
        # exercise under another's id.
        raise SpecError(f"{p}:1: name: {spec.name!r} must match the file name {p.stem!r}")
    return spec


def spec_json_schema() -> dict[str, Any]:
    """JSON Schema of a spec file, for editor completion (``formcheck specs schema``)."""
    schema = ExerciseSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "formcheck exercise spec"
    return schema
