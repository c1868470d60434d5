"""Routines: a session of exercises in order, as a YAML file in ``routines/`` (data, never Python).

A routine lists exercises (spec ids) with their sets, a target per set (``reps``
or ``hold_s``, else the spec's own target), whether each side is done in turn
(``per_side``) and the rest after each set. An exercise whose spec does not
exist yet is not an error: the routine reports it ("not yet specified:
skipped") and the app skips it, so a routine can name exercises before
their specs land. Errors name the file, the line and the field, like spec
errors, through the same helpers (``formcheck.spec.loader``)::

    routines/lower_back.yaml:14: exercises[1].reps: glute_bridge_hold is a hold exercise: give hold_s, not reps

Example:
    >>> routine = load_routine("lower_back")
    >>> routine.exercises[0].exercise
    'cat_cow'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from formcheck.records.data_folders import data_folder
from formcheck.records.errors import SpecError
from formcheck.spec.loader import (
    Lines,
    list_specs,
    load_spec,
    read_file,
    read_mapping,
    validation_message,
)
from formcheck.spec.numbers import MAX_REPS_PER_SET, MAX_SETS, SpecFloat, SpecInt
from formcheck.spec.schema import ExerciseSpec

#: The built-in routines: ``routines/`` at the top of the repository (inside the package once installed).
ROUTINES_DIR = data_folder("routines")
#: Reps per set when neither the routine nor the spec gives a target.
DEFAULT_REPS = 10


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoutineEntry(_Strict):
    """One exercise of a routine: how many sets, the target of each, and the rest after each."""

    exercise: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    sets: SpecInt = Field(1, ge=1, le=MAX_SETS)
    # Per set (per side with per_side); else the spec's target.
    reps: SpecInt | None = Field(None, ge=1, le=MAX_REPS_PER_SET)
    hold_s: SpecFloat | None = Field(None, gt=0, le=600)  # per set (per side with per_side)
    per_side: bool = False  # left then right (or, for a spec counting each side, the target on each)
    rest_s: SpecFloat | None = Field(None, ge=0, le=600)  # after each set; default: the routine's rest_s
    note: str = ""

    @model_validator(mode="after")
    def _one_target(self) -> RoutineEntry:
        if self.reps is not None and self.hold_s is not None:
            raise ValueError("give reps or hold_s, not both")
        return self


class Routine(_Strict):
    """A routine file. See ``routines/*.yaml`` for commented examples."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = ""
    category: Literal["lower_back", "upper_back", "stretches", "extras"] = "extras"
    lead_in_s: SpecFloat = Field(10.0, ge=0, le=120)  # after START: time to get to the mat (spoken countdown)
    rest_s: SpecFloat = Field(30.0, ge=0, le=600)  # default rest after each set
    exercises: list[RoutineEntry] = Field(min_length=1)


_MODELS: dict[str, type[BaseModel]] = {"": Routine, "exercises": RoutineEntry}


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    """A routine entry next to its spec, with the target actually used.

    Attributes:
        entry: The entry as written.
        spec: The exercise spec.
        reps: Reps per set (per side with ``per_side``), for a rep exercise.
        hold_s: Seconds per set (per side with ``per_side``), for a hold.
        rest_s: Rest after each set.
    """

    entry: RoutineEntry
    spec: ExerciseSpec
    reps: int | None
    hold_s: float | None
    rest_s: float

    @property
    def target_text(self) -> str:
        """``"8 reps each side"``, ``"30 s hold"``: what one set asks for."""
        what = f"{self.reps} rep{'s' if self.reps != 1 else ''}" if self.reps is not None \
            else f"{self.hold_s:g} s hold"
        return what + (" each side" if self.entry.per_side else "")


@dataclass(frozen=True, slots=True)
class RoutinePlan:
    """What a routine will run here: the entries with a spec, and those skipped (no spec yet).

    Attributes:
        routine: The routine as loaded.
        entries: Entries whose exercise has a spec, in order.
        skipped: ``(exercise id, note)`` of entries without a spec ("not yet specified: skipped").
    """

    routine: Routine
    entries: tuple[PlannedEntry, ...]
    skipped: tuple[tuple[str, str], ...]

    @property
    def sets(self) -> int:
        """Sets to do, a side counted as one set when sides are done in turn."""
        return sum(p.entry.sets * (2 if _in_turn(p) else 1) for p in self.entries)

    def minutes(self, seconds_per_rep: float = 3.0) -> float:
        """A rough length of the session (work and rest), for the routine list."""
        total = self.routine.lead_in_s
        for p in self.entries:
            n = p.entry.sets * (2 if _in_turn(p) else 1)
            work = (p.reps or 0) * seconds_per_rep * (2 if p.entry.per_side and not _in_turn(p) else 1) \
                + (p.hold_s or 0.0)
            total += n * (work + p.rest_s)
        return total / 60.0


def _in_turn(p: PlannedEntry) -> bool:
    """Sides done one after the other (the spec has no counter per side)."""
    return p.entry.per_side and p.spec.sides != "each"


def list_routines(routines_dir: Path | None = None) -> list[str]:
    """Ids of the routines in ``routines/``, sorted.

    Example:
        >>> {"lower_back", "upper_back"} <= set(list_routines())
        True
    """
    d = routines_dir or ROUTINES_DIR
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def routine_path(name_or_path: str | Path) -> Path:
    """The file of a routine given by id (``"lower_back"``) or by path; ``SpecError`` when there is none.

    Example:
        >>> routine_path("lower_back").name
        'lower_back.yaml'
    """
    text = str(name_or_path)
    p = Path(text)
    if p.suffix in (".yaml", ".yml") or "/" in text:
        if not p.is_file():
            raise SpecError(f"routine file not found: {p}")
        return p
    known = list_routines()
    if text not in known:
        near = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise SpecError(f"unknown routine {text!r}: {hint}known: {', '.join(known) or '(none)'}")
    return ROUTINES_DIR / f"{text}.yaml"


def _check_targets(routine: Routine, where: str, lines: Lines) -> None:
    """A target that does not fit the exercise's kind (reps for a hold) names the entry's line."""
    known = set(list_specs())
    for i, e in enumerate(routine.exercises):
        if e.exercise not in known:
            continue
        spec = load_spec(e.exercise)
        wrong = "reps" if spec.kind == "hold" and e.reps is not None else \
            "hold_s" if spec.kind == "reps" and e.hold_s is not None else None
        if wrong is not None:
            line = lines.get(("exercises", i, wrong), (where, 1))[1]
            right = "hold_s (seconds)" if wrong == "reps" else "reps"
            raise SpecError(f"{where}:{line}: exercises[{i}].{wrong}: {e.exercise} is a {spec.kind} exercise: "
                            f"give {right}, not {wrong}")


def parse_routine_text(text: str, where: str = "<routine>") -> Routine:
    """Validate routine YAML text; ``where`` names it in errors (usually the file path).

    Raises:
        SpecError: Invalid YAML, an unknown or missing field, a value out of range, or a target that
            does not fit the exercise (file, line and field in the message).

    Example:
        >>> parse_routine_text("name: r\\ntitle: R\\nexercises: [{exercise: plank, hold_s: 20}]").exercises[0].hold_s
        20.0
    """
    data, lines = read_mapping(text, where, "name: ..., title: ..., exercises: [...]", "routine")
    try:
        routine = Routine.model_validate(data)
    except ValidationError as exc:
        raise SpecError(validation_message(exc, where, lines, _MODELS)) from None
    _check_targets(routine, where, lines)
    return routine


def load_routine(name_or_path: str | Path) -> Routine:
    """Load a routine by id (``"lower_back"``) or by path.

    Raises:
        SpecError: Unknown id (lists the known ones), unreadable file, or an invalid routine.

    Example:
        >>> load_routine("upper_back").title
        'Upper-back care'
    """
    p = routine_path(name_or_path)
    routine = parse_routine_text(read_file(p, "routine"), str(p))
    if p.parent.resolve() == ROUTINES_DIR.resolve() and routine.name != p.stem:
        raise SpecError(f"{p}:1: name: {routine.name!r} must match the file name {p.stem!r}")
    return routine


def plan_routine(routine: Routine) -> RoutinePlan:
    """Pair each entry with its spec and settle its target; entries without a spec are skipped.

    A spec that exists but does not load is an error (it is a broken file, not a missing one).

    Example:
        >>> plan = plan_routine(load_routine("lower_back"))
        >>> plan.entries[0].spec.name, plan.entries[0].reps
        ('cat_cow', 10)
    """
    known = list_specs()
    entries: list[PlannedEntry] = []
    skipped: list[tuple[str, str]] = []
    for e in routine.exercises:
        if e.exercise not in known:
            near = difflib.get_close_matches(e.exercise, known, n=1, cutoff=0.75)
            skipped.append((e.exercise, "not yet specified: skipped"
                            + (f" (did you mean {near[0]!r}?)" if near else "")))
            continue
        spec = load_spec(e.exercise)
        rest = e.rest_s if e.rest_s is not None else routine.rest_s
        if spec.kind == "hold":
            assert spec.hold is not None
            hold = e.hold_s or spec.targets.hold_s or spec.hold.target_s
            entries.append(PlannedEntry(e, spec, None, float(hold), rest))
        else:
            entries.append(PlannedEntry(e, spec, e.reps or spec.targets.reps or DEFAULT_REPS, None, rest))
    return RoutinePlan(routine, tuple(entries), tuple(skipped))
