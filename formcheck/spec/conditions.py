"""Conditions: ``"<feature> <op> <number>"`` strings, parsed once and evaluated by one function.

Specs use conditions for the setup pose, hold keeping, rep requirements and
form rules; every consumer evaluates them with :func:`holds` so NaN handling
(an unseen feature never satisfies a condition) is the same everywhere.

Example:
    >>> c = parse_condition("hip_angle < 150")
    >>> holds(c, 140.0), holds(c, float("nan"))
    (True, False)
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from formcheck.features.registry import parse_name
from formcheck.records.errors import SpecError
from formcheck.spec.numbers import finite_number

_COND = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class Condition(NamedTuple):
    """A parsed condition ``feature op value``."""

    feature: str
    op: str
    value: float


def parse_condition(text: str) -> Condition:
    """Parse ``"hip_angle < 150"``; raise ``ValueError`` naming the problem (unknown feature, syntax).

    The number passes the same check as every number of a spec (:func:`finite_number`):
    the pattern takes digits only, but 400 of them read as infinity.
    """
    m = _COND.match(text)
    if not m:
        raise ValueError(f"condition {text!r} is not '<feature> <op> <number>' (op: < <= > >=)")
    try:
        parse_name(m.group(1))
        value = finite_number(float(m.group(3)))
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    except ValueError as exc:
        raise ValueError(f"condition {text!r}: {exc}") from None
    return Condition(m.group(1), m.group(2), value)


def check_conditions(conditions: list[str]) -> list[str]:
    """Validate every condition string of a list (a pydantic field validator body)."""
    for c in conditions:
        parse_condition(c)
    return conditions


def check_feature(name: str) -> str:
    try:
        parse_name(name)
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    return name


def holds(cond: Condition, value: float) -> bool:
    """True when ``value`` satisfies ``cond``; NaN (feature unknown) never does."""
    if math.isnan(value):
        return False
    return OPERATORS[cond.op](value, cond.value)


def all_hold(conds: Sequence[Condition], values: Mapping[str, float], prefix: str = "") -> bool:
    """True when every condition holds for ``values[prefix + feature]`` (missing = NaN)."""
    return all(holds(c, values.get(prefix + c.feature, math.nan)) for c in conds)


def verdict(conds: Sequence[Condition], values: Mapping[str, float]) -> bool | None:
    """False when a known value breaks a condition, None when some are unknown (NaN), else True.

    Example:
        >>> conds = [parse_condition("hip_angle > 100"), parse_condition("knee_angle < 90")]
        >>> verdict(conds, {"hip_angle": 120, "knee_angle": 80}), verdict(conds, {"hip_angle": 120})
        (True, None)
    """
    unknown = False
    for c in conds:
        v = values.get(c.feature, math.nan)
        if math.isnan(v):
            unknown = True
        elif not OPERATORS[c.op](v, c.value):
            return False
    return None if unknown else True
