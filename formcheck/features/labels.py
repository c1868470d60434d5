"""Plain names and units of features, for people: charts, reports and tables.

Specs and the engine speak in feature ids (``body_line``, ``diagonal_reach``); a
trainer or a client reads "body line (shoulder–hip–ankle)" and "arm/leg reach".
Every id form of :mod:`formcheck.features.registry` gets a label:
``left_hip_angle`` → "left hip angle", ``hip_angle_asym`` → "hip angle, left–right
difference", ``hip_angle_3d`` → "hip angle (3-D)".

Example:
    >>> feature_label("body_line")
    'body line (shoulder–hip–ankle)'
    >>> format_value("hip_sag", 0.18)
    '0.18 torso lengths'
"""

from __future__ import annotations

import math

from formcheck.records.errors import SpecError

#: Base feature id → what a person calls it. A feature missing here falls back to its id in words.
LABELS: dict[str, str] = {
    "hip_angle": "hip angle",
    "knee_angle": "knee angle",
    "elbow_angle": "elbow angle",
    "shoulder_flexion": "arm raise at the shoulder",
    "ankle_angle": "ankle angle",
    "body_line": "body line (shoulder–hip–ankle)",
    "torso_incline": "torso lean",
    "trunk_incline": "trunk lean",
    "thigh_incline": "thigh lean",
    "shin_incline": "shin lean",
    "upper_arm_incline": "upper-arm lean",
    "forearm_incline": "forearm lean",
    "arm_elevation": "arm height",
    "leg_elevation": "leg height",
    "thigh_elevation": "thigh height",
    "hip_sag": "hip sag below the body line",
    "hip_lift": "hip lift (bridge height)",
    "hip_height": "hip height above the feet",
    "neck_angle": "head tilt",
    "neck_lift": "head lift",
    "wrist_to_shoulder": "hand–shoulder distance",
    "wrist_to_hip": "hand–hip distance",
    "wrist_lift": "hand lift",
    "diagonal_reach": "arm/leg reach",
    "diagonal_reach_min": "lower limb of the reach",
    "pelvis_tilt": "pelvis tilt",
    "pelvis_drop": "hip drop (one side lower)",
    "shoulder_tilt": "shoulder tilt",
    "shoulder_width": "shoulder width seen",
    "body_turn": "body turned from side-on",
    "head_tilt": "head tilt towards the shoulder",
    "head_turn": "head turn",
    "shoulder_drop": "shoulder drop (one side lower)",
    "shoulder_height": "shoulder height above the feet",
    "torso_elevation": "chest lift",
    "torso_side_lean": "torso side lean",
    "trunk_lift": "trunk against the thighs",
    "upper_arm_elevation": "elbow height",
    "neck_length": "neck length (a shrug shortens it)",
    "torso_lean": "torso lean back",
    "wrist_spread": "hand spread",
}

#: Registry unit → axis title.
UNIT_TITLES: dict[str, str] = {"deg": "degrees", "torso": "torso lengths", "x shoulder width": "shoulder widths"}


def _split(name: str) -> tuple[str, str, bool]:
    """``(base id, mode, 3-D?)`` of any feature name form; mode is ``follow|left|right|asym|lesser|none``."""
    from formcheck.features.registry import parse_name

    definition, mode = parse_name(name)
    base = definition.name
    three_d = base.endswith("_3d")
    return (base[: -len("_3d")] if three_d else base), mode, three_d


def feature_label(name: str) -> str:
    """What a person calls feature ``name`` (any of its id forms).

    Unknown names come back as their words (``"my_feature"`` → ``"my feature"``), so a
    chart never fails over a label.

    Example:
        >>> feature_label("left_knee_angle"), feature_label("hip_angle_3d")
        ('left knee angle', 'hip angle (3-D)')
    """
    try:
        base, mode, three_d = _split(name)
    except SpecError:
        return name.replace("_", " ")
    label = LABELS.get(base, base.replace("_", " "))
    if three_d:
        label += " (3-D)"
    if mode in ("left", "right"):
        label = f"{mode} {label}"
    elif mode == "asym":
        label += ", left–right difference"
    elif mode == "lesser":
        label += ", the lesser side"
    return label


def plain_label(name: str) -> str:
    """:func:`feature_label` without how it is measured: what a client reads ("hip angle", not "hip angle (3-D)").

    Example:
        >>> plain_label("hip_angle_3d"), plain_label("left_knee_angle_3d")
        ('hip angle', 'left knee angle')
    """
    return feature_label(name).replace(" (3-D)", "")


#: Words the short labels swap for plainer ones.
_SHORT_WORDS = {"incline": "tilt", "elevation": "lift", "diagonal reach": "reach", "reach min": "reach (shorter)",
                "asym": "left-right difference", "3d": "", "angle": ""}


def short_label(name: str) -> str:
    """A short plain label (the live overlay's), side and 3-D dropped.

    ``hip_angle_3d`` → ``hip``, ``torso_incline`` → ``torso tilt``.

    Example:
        >>> [short_label(n) for n in ("left_hip_angle_3d", "torso_incline", "diagonal_reach_min")]
        ['hip', 'torso tilt', 'reach (shorter)']
    """
    for prefix in ("left_", "right_"):
        name = name.removeprefix(prefix)
    label = " ".join(name.split("_"))
    for long, plain in _SHORT_WORDS.items():
        label = f" {label} ".replace(f" {long} ", f" {plain} ").strip()
    return " ".join(label.split())


def feature_unit(name: str) -> str:
    """The registry unit of ``name``: ``"deg"``, ``"torso"``, or ``""`` when unknown.

    Example:
        >>> feature_unit("body_line"), feature_unit("hip_sag")
        ('deg', 'torso')
    """
    from formcheck.features.registry import parse_name

    try:
        return parse_name(name)[0].unit
    except SpecError:
        return ""


def unit_title(unit: str) -> str:
    """Axis title of a unit: ``"deg"`` → ``"degrees"``.

    Example:
        >>> unit_title("torso")
        'torso lengths'
    """
    return UNIT_TITLES.get(unit, unit or "value")


def format_value(name: str, value: float) -> str:
    """A feature value with its unit, rounded as a person reads it (``"152°"``, ``"0.18 torso lengths"``).

    Example:
        >>> format_value("body_line", 151.6)
        '152°'
    """
    if not math.isfinite(value):
        return "unknown"
    unit = feature_unit(name)
    if unit == "deg":
        return f"{value:.0f}°"
    if unit == "torso":
        return f"{value:.2f} torso lengths"
    if unit == "x shoulder width":
        return f"{value:.1f} shoulder widths"
    return f"{value:.2f}"
