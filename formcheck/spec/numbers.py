"""The one check every number of a spec, a routine and a condition passes: finite and of a human size.

YAML reads ``.nan`` and ``.inf`` as floats, pydantic reads the text ``1e309`` as
infinity, and a 300-digit integer becomes ``1e+299``: no threshold, duration or
count can mean any of them, yet each would validate and then silently change
counts and scores (and ``specs show`` would print ``NaN``, which is not JSON).
Every numeric field of the spec and routine models is a :data:`SpecFloat` or a
:data:`SpecInt`, and :func:`formcheck.spec.conditions.parse_condition` passes
its number through :func:`finite_number`, so the rule cannot drift between them.

Example:
    >>> finite_number(150.0)
    150.0
    >>> finite_number(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: nan is not a usable number: give a finite one of at most 1,000,000 in size
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

#: Largest size of any number in a spec or a routine. Angles are degrees (at most 360), distances
#: and ratios are fractions of the body, durations are seconds: nothing a spec means comes near a
#: million (11 days), so a larger number is a typo, and sums and squares of it stay far from overflow.
MAX_MAGNITUDE = 1_000_000
#: Most reps one set may target, in a spec or a routine. The seed programmes ask 8-15 and no
#: trainer programmes hundreds; counts and scores are per rep, so a 1e25 target would make
#: every set "unfinished" and its percentages meaningless.
MAX_REPS_PER_SET = 200
#: Most sets of one exercise, in a spec or a routine (the programmes ask 2-3).
MAX_SETS = 20


def _shown(value: float) -> str:
    """``value`` short enough for one line: ``nan``, ``inf``, ``1.11111e+299`` for a 300-digit integer."""
    try:
        return f"{value:.6g}"
    except OverflowError:  # an integer past the largest float
        return "an integer of over 300 digits"


def finite_number(value: float) -> float:
    """``value`` when it is finite and at most :data:`MAX_MAGNITUDE` in size.

    One chained comparison decides: NaN and the infinities fail it, and an integer
    of any size is compared exactly (never turned into a float, which could overflow).

    Raises:
        ValueError: Naming the value (pydantic adds the field, the loader the file and line).

    Example:
        >>> finite_number(-12), finite_number(0.5)
        (-12, 0.5)
    """
    if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
        raise ValueError(f"{_shown(value)} is not a usable number: give a finite one of at most "
                         f"{MAX_MAGNITUDE:,} in size")
    return value


def _finite_input(value: Any) -> Any:
    """:func:`finite_number` on a number as the YAML gave it (a number, or text such as ``1e309``).

    A YAML boolean (``true``, ``yes``, ``on``) is refused: pydantic would take it as 1.
    Runs before pydantic's own range checks, which would report NaN as "should be greater
    than 0", and before an integer too large for a float is converted. Anything that is
    not a number passes through for pydantic to refuse in its own words.

    Example:
        >>> _finite_input("12.5"), _finite_input("twelve"), _finite_input(None)
        ('12.5', 'twelve', None)
        >>> _finite_input(True)
        Traceback (most recent call last):
        ...
        ValueError: true is not a usable number: write a number, not yes/no or true/false
    """
    if isinstance(value, bool):  # YAML's true/yes/on: pydantic would read it as 1
        raise ValueError(f"{str(value).lower()} is not a usable number: write a number, not yes/no or true/false")
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        finite_number(number)
    return value


#: A float field of a spec or a routine: finite and at most :data:`MAX_MAGNITUDE` in size
#: (checked on the input, and again on the float pydantic made of it).
SpecFloat = Annotated[float, BeforeValidator(_finite_input), AfterValidator(finite_number)]
#: An integer field of a spec or a routine: at most :data:`MAX_MAGNITUDE` in size (tighter bounds per field).
SpecInt = Annotated[int, BeforeValidator(_finite_input)]
