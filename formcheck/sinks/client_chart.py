"""The client report's one chart of the set, in the client's words: a bar per rep (or hold), the target shaded.

A rep's bar runs from the movement's start position (the spec's ``rep.start``) to
where the rep got to: the rep signal at its far end (``RepRecord.extreme``), the
value the spec's ``rep.peak`` judges. The band beyond ``rep.peak`` is the
target; bars that reach it are blue, bars short of it orange, movements that
were not a whole rep hatched. A hold exercise gets a bar per hold: seconds held
with good form against the target time. The words name the feature as a person
would ("hip angle", never "hip angle (3-D)") and the unit in full; the
technical per-feature charts stay in the app, for the trainer. When the clip
has a client with earlier sessions of the exercise in History,
:func:`trend_panels` adds their progress: count, form score, how far they moved.

Example:
    >>> chart = client_chart(result.summary, result.spec)  # doctest: +SKIP
    >>> chart.heading  # doctest: +SKIP
    'How far you went on each rep'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from formcheck.features.labels import feature_unit, plain_label, unit_title
from formcheck.records.feedback import SetSummary
from formcheck.sinks.svg_chart import Bar, BarChart, TrendChart
from formcheck.store.client_history import TrendPoint

#: Legend entries: (key, words). The key names the CSS swatch.
LEGEND_WORDS: dict[str, str] = {"on-target": "reached the target", "short": "short of the target",
                                "partial": "not a whole rep", "band": "target"}


@dataclass(frozen=True, slots=True)
class ClientChart:
    """A chart with the words around it.

    Attributes:
        heading: The section's heading ("How far you went on each rep").
        caption: What a bar is and what the band means, in one or two sentences.
        legend: Keys of :data:`LEGEND_WORDS` this chart uses, in order.
        chart: What :func:`~formcheck.sinks.svg_chart.bar_chart_svg` draws.
    """

    heading: str
    caption: str
    legend: tuple[str, ...]
    chart: BarChart


def value_text(unit: str, value: float) -> str:
    """A bar's value as written above it: degrees with their sign, other units as a plain number.

    Example:
        >>> value_text("deg", 157.3), value_text("deg", -0.0), value_text("torso", 0.183)
        ('157°', '0°', '0.18')
    """
    if not math.isfinite(value):
        return ""
    value += 0.0  # never "-0"
    return f"{value:.0f}°" if unit == "deg" else f"{value:.2f}"


def seconds_text(seconds: float) -> str:
    """Seconds as the summary writes them: whole above 10 s, one decimal below (3.4 s and 1.4 s make 4.8 s).

    Example:
        >>> seconds_text(32.4), seconds_text(3.44)
        ('32 s', '3.4 s')
    """
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def _tick_unit(unit: str) -> str:
    return "°" if unit == "deg" else ""


def _legend(bars: tuple[Bar, ...], target: bool) -> tuple[str, ...]:
    keys = [k for k, used in (("on-target", any(b.on_target and not b.partial for b in bars)),
                              ("short", any(not b.on_target and not b.partial for b in bars)),
                              ("partial", any(b.partial for b in bars)), ("band", target)) if used]
    return tuple(keys)


def rep_chart(summary: SetSummary, spec: Any) -> ClientChart | None:
    """The reps of the set against the spec's range target; None without reps or a rep signal.

    Example:
        >>> from formcheck.records.feedback import RepRecord
        >>> from formcheck.spec import load_spec
        >>> rows = (RepRecord(1, 0.0, 1.0, 2.0, True, extreme=157.0), RepRecord(2, 3.0, 4.0, 5.0, True, extreme=144.0))
        >>> chart = rep_chart(SetSummary("glute_bridge", "Glute bridge", 2, {}, 0, rows, (), (), 6.0, 90, 90, 95),
        ...                   load_spec("glute_bridge"))
        >>> [(b.text, b.on_target) for b in chart.chart.bars], chart.chart.target_text
        ([('157°', True), ('144°', False)], '153°')
    """
    rep = getattr(spec, "rep", None)
    if rep is None or not summary.rep_rows:
        return None
    signal, up = str(rep.signal), rep.direction > 0
    unit = feature_unit(signal)
    bars = tuple(Bar(label=str(r.index), note=r.side or "", value=r.extreme, text=value_text(unit, r.extreme),
                     on_target=r.complete and math.isfinite(r.extreme) and (r.extreme >= rep.peak) == up,
                     partial=not r.complete)
                 for r in summary.rep_rows)
    target = value_text(unit, float(rep.peak))
    in_unit = "in degrees" if unit == "deg" else f"in {unit_title(unit)}"
    caption = (f"Each bar is one rep: your {plain_label(signal)} at the furthest point of the movement, {in_unit}, "
               f"from where the movement starts. The green band is the target: {target} or "
               f"{'more' if up else 'less'}.")
    chart = BarChart(bars=bars, base=float(rep.start), target=float(rep.peak), target_text=target,
                     unit=_tick_unit(unit), axis_title="rep", title="How far you went on each rep", target_up=up)
    return ClientChart("How far you went on each rep", caption, _legend(bars, True), chart)


def hold_chart(summary: SetSummary) -> ClientChart | None:
    """The holds of the set, seconds with good form against their target; None without holds.

    Example:
        >>> from formcheck.records.feedback import Hold
        >>> holds = (Hold(0.0, 40.0, good_s=32.0, lost_s=2.0, target_s=30.0),)
        >>> chart = hold_chart(SetSummary("plank", "Plank", 0, {}, 0, (), holds, (), 40.0, 600, 600, 90))
        >>> [(b.text, b.on_target) for b in chart.chart.bars], chart.legend
        ([('32 s', True)], ('on-target', 'band'))
    """
    if not summary.holds:
        return None
    target = next((h.target_s for h in summary.holds if h.target_s), None)
    bars = tuple(Bar(label=str(i), note=h.side or "", value=h.good_s, text=seconds_text(h.good_s),
                     on_target=target is None or h.good_s >= target)
                 for i, h in enumerate(summary.holds, 1))
    caption = "Each bar is one hold: the seconds you held it with good form."
    if target:
        caption += f" The green band is the target: {target:.0f} s or more."
    chart = BarChart(bars=bars, base=0.0, target=target, target_text=f"{target:.0f} s" if target else "",
                     unit=" s", axis_title="hold", title="How long you held each time")
    return ClientChart("How long you held each time", caption, _legend(bars, target is not None), chart)


def client_chart(summary: SetSummary, spec: Any) -> ClientChart | None:
    """The set's chart: holds for a hold exercise, reps otherwise; None when nothing was counted."""
    if getattr(spec, "kind", "reps") == "hold":
        return hold_chart(summary)
    return rep_chart(summary, spec)


@dataclass(frozen=True, slots=True)
class TrendPanel:
    """One small chart of a client's progress, with its heading ("Form score")."""

    heading: str
    chart: TrendChart


def _day(iso_utc: str) -> str:
    """A stored UTC time as the local date a client reads ("12 Mar")."""
    day = datetime.fromisoformat(iso_utc).astimezone()
    return f"{day.day} {day:%b}"


def trend_panels(points: Sequence[TrendPoint], spec: Any) -> list[TrendPanel]:
    """The client's progress on one exercise: count (or seconds held), form score, and how far they moved.

    Empty with fewer than two sessions (one point is no trend). The range panel is left out for a
    hold exercise and when no session had a complete rep; the pain panel when the client gave no
    pain in a check-in.

    Example:
        >>> from formcheck.store.client_history import TrendPoint
        >>> from formcheck.spec import load_spec
        >>> pts = [TrendPoint(i, f"2026-03-0{i}T10:00:00+00:00", "glute_bridge", "Glute bridge", 8 + i, 80 + i, 0.0,
        ...                   28.0 + i) for i in (1, 2)]
        >>> [p.heading for p in trend_panels(pts, load_spec("glute_bridge"))]
        ['Reps', 'Form score', 'How far you moved (degrees)']
    """
    if len(points) < 2:
        return []
    labels = tuple(_day(p.created_at) for p in points)
    hold = getattr(spec, "kind", "reps") == "hold"
    panels = [TrendPanel("Seconds held with good form", TrendChart(labels, tuple(p.hold_s for p in points), " s"))
              if hold else TrendPanel("Reps", TrendChart(labels, tuple(float(p.reps) for p in points), "")),
              TrendPanel("Form score", TrendChart(labels, tuple(float(p.score) for p in points), ""))]
    ranges = tuple(p.mean_range for p in points)
    rep = getattr(spec, "rep", None)
    if not hold and rep is not None and any(math.isfinite(v) for v in ranges):
        unit = feature_unit(str(rep.signal))
        words = "degrees" if unit == "deg" else unit_title(unit)
        panels.append(TrendPanel(f"How far you moved ({words})", TrendChart(labels, ranges, _tick_unit(unit))))
    pains = tuple(p.pain for p in points)
    if any(math.isfinite(v) for v in pains):
        panels.append(TrendPanel("Pain you felt (0-10)", TrendChart(labels, pains, "")))
    return [TrendPanel(p.heading, replace(p.chart, title=p.heading)) for p in panels]
