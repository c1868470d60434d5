"""The numbers a spec compares each feature with, for charts that draw them.

A chart of ``hip_sag`` is only readable with the line the push-up's
``hips_sagging`` rule fires at (0.15 torso lengths); a chart of the rep signal
needs its start and peak. :func:`feature_thresholds` gathers both from a spec.

Example:
    >>> from formcheck.spec import load_spec
    >>> [t.value for t in feature_thresholds(load_spec("push_up"))["hip_sag"]]
    [0.15, -0.35]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ThresholdKind = Literal["rep", "rule", "setup"]


@dataclass(frozen=True, slots=True)
class Threshold:
    """One line on a feature's chart.

    Attributes:
        value: The feature value the spec compares with.
        label: What it means, in words ("rest", "full range", "your hips sagged").
        kind: ``"rep"`` (where the rep signal rests and the range a full rep reaches)
            or ``"rule"`` (a form rule fires past it).
        op: The rule's comparison (``">"``, ``"<"``...), or ``""`` for rep thresholds.
    """

    value: float
    label: str
    kind: ThresholdKind
    op: str = ""


def rule_words(rule: Any) -> str:
    """A rule in a few words: its ``fault`` text, else its id ("hips_sagging" → "hips sagging").

    Example:
        >>> from formcheck.spec import load_spec
        >>> rule_words(load_spec("push_up").rules[0])
        'your hips sagged'
    """
    fault = str(getattr(rule, "fault", "") or "")
    return fault or str(rule.id).replace("_", " ")


def feature_thresholds(spec: Any) -> dict[str, list[Threshold]]:
    """Feature name → the thresholds the spec uses on it (rep start/peak, then rule conditions).

    Example:
        >>> from formcheck.spec import load_spec
        >>> [(t.value, t.label) for t in feature_thresholds(load_spec("glute_bridge_hold"))["hip_angle_3d"]]
        [(153.0, 'your hips stayed low')]
    """
    out: dict[str, list[Threshold]] = {}
    rep = getattr(spec, "rep", None)
    if rep is not None:
        out.setdefault(str(rep.signal), []).extend(
            [Threshold(float(rep.start), "rest", "rep"), Threshold(float(rep.peak), "full range", "rep")])
    for rule in getattr(spec, "rules", []) or []:
        for cond in rule.conditions():
            out.setdefault(cond.feature, []).append(
                Threshold(float(cond.value), rule_words(rule), "rule", cond.op))
    return out
