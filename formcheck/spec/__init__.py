"""Spec: the exercise spec language (YAML files of data, never Python) and its loading.

``conditions`` parses and evaluates ``"<feature> <op> <number>"`` strings,
``numbers`` is the one check every number of a spec, routine or condition passes
(finite, of a human size), ``schema`` holds the pydantic models (what each field means), ``loader`` reads
files and names file, line and field in every error; ``routine`` does the same
for routines (exercises in order, in ``routines/``).
May import: ``formcheck.records``, ``formcheck.features``.

Example:
    >>> spec = load_spec("glute_bridge")
    >>> spec.kind
    'reps'
"""

from formcheck.spec.conditions import (
    Condition,
    all_hold,
    holds,
    parse_condition,
    verdict,
)
from formcheck.spec.loader import (
    SPECS_DIR,
    list_specs,
    load_spec,
    parse_spec_text,
    spec_json_schema,
)
from formcheck.spec.routine import (
    ROUTINES_DIR,
    PlannedEntry,
    Routine,
    RoutineEntry,
    RoutinePlan,
    list_routines,
    load_routine,
    parse_routine_text,
    plan_routine,
)
from formcheck.spec.schema import (
    BODY_PARTS,
    CueTiming,
    ExerciseSpec,
    FormRule,
    HoldSpec,
    RepSignal,
    RulePhase,
    Smoothing,
    Targets,
)

__all__ = [
    "BODY_PARTS", "Condition", "CueTiming", "ExerciseSpec", "FormRule", "HoldSpec", "PlannedEntry", "ROUTINES_DIR",
    "RepSignal", "Routine", "RoutineEntry", "RoutinePlan", "RulePhase", "SPECS_DIR", "Smoothing", "Targets",
    "all_hold", "holds", "list_routines", "list_specs", "load_routine", "load_spec", "parse_condition",
    "parse_routine_text", "parse_spec_text", "plan_routine", "spec_json_schema", "verdict",
]
