"""CSV cells a spreadsheet shows as text: no formula from a file name, a client's name or a note.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or a carriage return) as a formula: a clip named
``=HYPERLINK("http://evil.example","x").mp4`` would become a link in a
trainer's ``summary.csv``, a typed note ``@SUM(1+1)`` a calculation. Following
OWASP's advice on CSV injection, such a *text* cell gets a single quote in
front, which the spreadsheet shows as text and hides.

Only ``str`` values are touched. The numbers formcheck writes (reps, scores,
seconds, angles) are ``int``/``float`` objects, so a negative angle stays a
number a spreadsheet can add up; a text cell that merely looks like a negative
number (a client called ``-3``) is still text someone typed, so it is quoted
like any other. Every CSV writer of formcheck passes its cells through
:func:`spreadsheet_safe`.

Example:
    >>> [spreadsheet_safe(v) for v in ("=1+1.mp4", "squat.mp4", -3.5, 4)]
    ["'=1+1.mp4", 'squat.mp4', -3.5, 4]
"""

from __future__ import annotations

from typing import TypeVar

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def spreadsheet_safe(value: T) -> T | str:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula.

    Args:
        value: A cell as it would be written; anything but ``str`` is returned as is.

    Returns:
        The same value, or ``"'" + value`` for text starting with one of :data:`FORMULA_STARTS`.

    Example:
        >>> spreadsheet_safe('@SUM(1+1)'), spreadsheet_safe("\\t=1"), spreadsheet_safe(""), spreadsheet_safe(None)
        ("'@SUM(1+1)", "'\\t=1", '', None)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
