"""What the charts of an analysed clip show, independent of how they are drawn.

The Review page (Altair) and the client report (inline SVG) draw the same
charts: one chart per unit (degrees, torso lengths) so a 0.1 torso-length sag
is not flattened beside a 170° angle; every feature the spec judges, under
its plain name; the spec's thresholds on each; reps and stretches with nobody
in view as bands; one time range for all.

Example:
    >>> groups = chart_groups(result.feedback, result.spec)  # doctest: +SKIP
    >>> [g.unit for g in groups]  # doctest: +SKIP
    ['deg', 'torso']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.features.labels import feature_label, feature_unit, unit_title
from formcheck.records.feedback import Feedback, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.spec.thresholds import Threshold, feature_thresholds


@dataclass(frozen=True)
class FeatureTrack:
    """One feature over the clip: ``values[i]`` at ``t[i]`` (NaN where unknown)."""

    name: str
    label: str
    t: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class ChartGroup:
    """One chart: features sharing a unit, and the thresholds the spec puts on them."""

    unit: str
    y_title: str
    tracks: tuple[FeatureTrack, ...]
    thresholds: tuple[tuple[str, Threshold], ...] = field(default_factory=tuple)  # (feature label, threshold)


def charted_features(spec: Any) -> list[str]:
    """The rep signal, the key features, then every feature a form rule reads (each once).

    Example:
        >>> from formcheck.spec import load_spec
        >>> charted_features(load_spec("push_up"))
        ['elbow_angle_3d', 'elbow_angle', 'body_line', 'hip_sag']
    """
    names: list[str] = []
    rep = getattr(spec, "rep", None)
    if rep is not None:
        names.append(str(rep.signal))
    names += [str(k) for k in getattr(spec, "key_features", []) or []]
    for rule in getattr(spec, "rules", []) or []:
        names += [c.feature for c in rule.conditions()]
    return list(dict.fromkeys(names))


def feature_track(feedback: Sequence[Feedback], name: str) -> FeatureTrack:
    """``name`` over the clip as the tracker saw it (smoothed), NaN where it was unknown."""
    t = np.array([fb.t for fb in feedback], dtype=np.float64)
    v = np.array([fb.features.get(name, math.nan) for fb in feedback], dtype=np.float64)
    return FeatureTrack(name, feature_label(name), t, v)


def chart_groups(feedback: Sequence[Feedback], spec: Any) -> list[ChartGroup]:
    """One :class:`ChartGroup` per unit, in the order of :func:`charted_features` (rep signal's unit first).

    Features never known in the clip are left out; a unit with none left has no chart.
    """
    by_unit: dict[str, list[FeatureTrack]] = {}
    for name in charted_features(spec):
        track = feature_track(feedback, name)
        if np.isfinite(track.values).any():
            by_unit.setdefault(feature_unit(name), []).append(track)
    limits = feature_thresholds(spec)
    groups = []
    for unit, tracks in by_unit.items():
        lines = tuple((tr.label, th) for tr in tracks for th in limits.get(tr.name, []))
        groups.append(ChartGroup(unit, unit_title(unit), tuple(tracks), lines))
    return groups


def rep_spans(summary: SetSummary) -> list[tuple[float, float, str]]:
    """``(start, end, "rep 3")`` of every rep (partial ones say so), then ``"hold"`` for every hold."""
    reps = [(r.start, r.end, f"rep {r.index}" + ("" if r.complete else " (partial)")) for r in summary.rep_rows]
    return reps + [(h.start, h.end, "hold") for h in summary.holds]


def no_person_spans(frames: Sequence[PoseFrame], min_s: float = 0.2) -> list[tuple[float, float]]:
    """Stretches of at least ``min_s`` seconds with nobody in view, as ``(start, end)``.

    Example:
        >>> from formcheck.records.frame import PoseFrame
        >>> no_person_spans([PoseFrame.empty(t / 10, (64, 48)) for t in range(5)])
        [(0.0, 0.4)]
    """
    spans: list[tuple[float, float]] = []
    start: float | None = None
    last = 0.0
    for f in frames:
        if not f.has_person and start is None:
            start = f.t
        elif f.has_person and start is not None:
            spans.append((start, f.t))
            start = None
        last = f.t
    if start is not None:
        spans.append((start, last))
    return [(a, b) for a, b in spans if b - a >= min_s - 1e-9]


def time_range(frames: Sequence[PoseFrame], summary: SetSummary) -> tuple[float, float]:
    """The x range every chart of the clip shares: 0 to the end of the clip."""
    end = max([summary.duration_s] + [f.t for f in frames[-1:]])
    return 0.0, max(end, 1.0)
