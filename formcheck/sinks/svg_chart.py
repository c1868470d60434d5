"""Charts as inline SVG text for the client report: no script, no network, no label cut off.

Two charts: :func:`bar_chart_svg` (one bar per rep or hold, a shaded target band)
and :func:`trend_chart_svg` (one measure over a client's sessions). Every label
is laid out from an estimate of its width (:func:`text_width`, generous for the
wide sans-serif fonts browsers fall back on): margins grow to fit the tick
labels, labels that would overlap are thinned, and nothing is written outside
the ``viewBox``. Legends and explanations are HTML beside the SVG, never over
the plot. The SVG keeps its natural size and shrinks to a narrow screen.

Example:
    >>> chart = BarChart(bars=(Bar("1", "", 157.0, "157°", True), Bar("2", "", 144.0, "144°", False)),
    ...                  base=132.0, target=153.0, target_text="153°", unit="°", axis_title="rep")
    >>> svg = bar_chart_svg(chart)
    >>> svg.count('class="bar ')
    2
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Text sizes (px of the viewBox): ticks and labels, and the small notes under them.
FONT, SMALL = 14, 12
#: Average advance of a character, in ems: DejaVu Sans (Chromium's fallback) runs ~0.6-0.64 for
#: digits and lower case; a little more keeps every estimate on the safe side.
EM_PER_CHAR = 0.66
#: Bar colours: reached the target, short of it (Okabe-Ito, colour-blind safe), and the band.
ON_TARGET, SHORT, BAND = "#0072B2", "#D55E00", "#d9efe2"


def text_width(text: str, size: float = FONT) -> float:
    """The width ``text`` takes at font ``size`` (an over-estimate, so a layout built on it fits).

    Example:
        >>> text_width("157°", 10)
        26.4
    """
    return round(len(text) * size * EM_PER_CHAR, 2)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (steps of 1, 2 or 5 × 10^k).

    Example:
        >>> nice_ticks(0.0, 13.2)
        [0.0, 5.0, 10.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(count, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 5.0, 10.0) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + 1e-9 * step:
        ticks.append(round(v, 10) + 0.0)  # + 0.0: never a "-0"
        v += step
    return ticks


def tick_text(value: float, unit: str = "") -> str:
    """A tick as people write it: whole numbers without decimals, small ones with two digits.

    Example:
        >>> tick_text(150.0, "°"), tick_text(0.25), tick_text(-0.0, "°")
        ('150°', '0.25', '0°')
    """
    value += 0.0
    text = f"{value:.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:.2g}"
    return text + unit


@dataclass(frozen=True, slots=True)
class Bar:
    """One rep (or hold): where it got to, and whether that met the target.

    Attributes:
        label: Under the bar ("3").
        note: A second line under it ("left"), or "".
        value: Where the bar ends (the unit of the chart).
        text: The value as written above the bar ("157°").
        on_target: Reached the target (coloured as such).
        partial: A movement that was not a whole rep (drawn hatched).
    """

    label: str
    note: str
    value: float
    text: str
    on_target: bool
    partial: bool = False


@dataclass(frozen=True, slots=True)
class BarChart:
    """Bars from a common base, and the band a bar should reach into.

    Attributes:
        bars: In order.
        base: Where every bar starts (the start position of the movement; 0 for seconds).
        target: The band's edge in the chart's unit (the spec's range target), or None.
        target_text: Written beside the band's edge ("153°").
        unit: Appended to tick labels ("°", " s", or "" for a unit said in the caption).
        axis_title: Under the labels ("rep", "hold").
        title: The SVG's accessible title.
        target_up: The band lies above ``target`` (False: below it, for movements towards lower values).
    """

    bars: tuple[Bar, ...]
    base: float
    target: float | None
    target_text: str
    unit: str
    axis_title: str
    title: str = ""
    target_up: bool = True


@dataclass(frozen=True, slots=True)
class _Plot:
    """The plot area in the viewBox and the value → y mapping."""

    left: float
    top: float
    width: float
    height: float
    lo: float
    hi: float

    def y(self, v: float) -> float:
        return self.top + (self.hi - v) / (self.hi - self.lo) * self.height

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


def _value_range(values: Sequence[float], base: float, pad_share: float = 0.16) -> tuple[float, float]:
    """The y range: every value with room for its label, starting at ``base`` when the bars all leave it one way."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    pad = (hi - lo) * pad_share or max(abs(hi) * 0.1, 1.0)
    return (lo if lo == base else lo - pad), (hi if hi == base else hi + pad)


def _text(x: float, y: float, text: str, *, size: int = FONT, anchor: str = "middle", fill: str = "#333",
          cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text{klass} x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
            f"{escape(text)}</text>")


def _every(labels: Sequence[str], room: float, size: int) -> int:
    """Show every k-th label so that none overlaps its neighbour (``room``: px between two bar centres)."""
    widest = max((text_width(t, size) for t in labels), default=0.0)
    return max(1, math.ceil((widest + 4) / room)) if room > 0 else len(labels) or 1


def _y_axis(out: list[str], plot: _Plot, unit: str) -> None:
    for v in nice_ticks(plot.lo, plot.hi):
        y = plot.y(v)
        out.append(f'<line x1="{plot.left:.1f}" x2="{plot.right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6e6e6"/>')
        out.append(_text(plot.left - 6, y + FONT * 0.35, tick_text(v, unit), anchor="end", fill="#555"))


def _svg_open(width: float, height: float, title: str, cls: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" font-family="sans-serif">'
            f"<title>{escape(title)}</title>")


def bar_chart_svg(chart: BarChart, *, height: int = 300) -> str:
    """One bar per rep or hold from ``chart.base``, the target band shaded behind them.

    Value labels sit beyond each bar's end when they fit its slot; the labels under
    the bars are thinned (every k-th) when they would touch; a side note too long
    for a slot is shortened to its initial ("left" → "L").

    Returns:
        ``<svg class="rep-bars" ...>`` with one ``<rect class="bar ...">`` per bar.
    """
    bars = chart.bars
    values = [chart.base, *(b.value for b in bars)]
    if chart.target is not None:
        values.append(chart.target)
    lo, hi = _value_range(values, chart.base)
    ticks = nice_ticks(lo, hi)
    left = 10 + max((text_width(tick_text(v, chart.unit)) for v in ticks), default=20.0)
    right = 12 + (text_width(chart.target_text, SMALL) if chart.target is not None else 0.0)
    slot = min(64.0, max(24.0, 560.0 / max(len(bars), 1)))
    has_notes = any(b.note for b in bars)
    bottom = 8 + FONT + (SMALL + 4 if has_notes else 0) + FONT + 8
    plot = _Plot(left=left, top=10.0, width=max(slot * len(bars), 360.0), height=height - 10.0 - bottom,
                 lo=lo, hi=hi)
    width = plot.right + right
    out = [_svg_open(width, height, chart.title, "rep-bars")]
    if chart.target is not None:
        edge = plot.y(chart.target)
        band_top, band_bottom = (plot.top, edge) if chart.target_up else (edge, plot.bottom)
        out.append(f'<rect class="target" x="{plot.left:.1f}" y="{band_top:.1f}" width="{plot.width:.1f}" '
                   f'height="{band_bottom - band_top:.1f}" fill="{BAND}"/>')
        out.append(f'<line x1="{plot.left:.1f}" x2="{plot.right:.1f}" y1="{edge:.1f}" y2="{edge:.1f}" '
                   f'stroke="#1e7d4f" stroke-dasharray="5,3"/>')
        out.append(_text(plot.right + 6, edge + SMALL * 0.35, chart.target_text, size=SMALL, anchor="start",
                         fill="#1e7d4f", cls="target-label"))
    _y_axis(out, plot, chart.unit)
    out.append(f'<defs><pattern id="partial" width="6" height="6" patternUnits="userSpaceOnUse" '
               f'patternTransform="rotate(45)"><rect width="3" height="6" fill="{SHORT}"/></pattern></defs>')
    step = plot.width / max(len(bars), 1)
    label_every = _every([b.label for b in bars], step, FONT)
    base_y = plot.y(chart.base)
    for i, b in enumerate(bars):
        cx = plot.left + step * (i + 0.5)
        end_y = plot.y(b.value) if math.isfinite(b.value) else base_y
        top, h = min(base_y, end_y), abs(end_y - base_y)
        fill = "url(#partial)" if b.partial else ON_TARGET if b.on_target else SHORT
        kind = "partial" if b.partial else "on-target" if b.on_target else "short"
        half = min(step * 0.3, 28.0)
        out.append(f'<rect class="bar {kind}" x="{cx - half:.1f}" y="{top:.1f}" width="{2 * half:.1f}" '
                   f'height="{max(h, 1.5):.1f}" fill="{fill}"><title>{escape(f"{b.label}: {b.text}")}</title></rect>')
        if b.text and text_width(b.text, SMALL) <= step - 2:
            above = end_y <= base_y
            out.append(_text(cx, end_y - 5 if above else end_y + SMALL + 3, b.text, size=SMALL, fill="#222",
                             cls="value"))
        if i % label_every == 0:
            out.append(_text(cx, plot.bottom + 6 + FONT, b.label, cls="bar-label"))
        if b.note and (i % label_every == 0):
            note = b.note if text_width(b.note, SMALL) <= step * label_every - 4 else b.note[:1].upper()
            out.append(_text(cx, plot.bottom + 10 + FONT + SMALL, note, size=SMALL, fill="#666", cls="bar-note"))
    out.append(f'<line x1="{plot.left:.1f}" x2="{plot.right:.1f}" y1="{base_y:.1f}" y2="{base_y:.1f}" '
               f'stroke="#444"/>')
    out.append(_text(plot.left + plot.width / 2, height - 6, chart.axis_title, fill="#555", cls="axis-title"))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class TrendChart:
    """One measure over a client's sessions, oldest first.

    Attributes:
        labels: Under each point (the session's date, "12 Mar").
        values: The measure per session (NaN: not measured that time, no point).
        unit: Appended to tick labels ("°", "", " s").
        title: The SVG's accessible title.
    """

    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str
    title: str = ""


def trend_chart_svg(chart: TrendChart, *, width: int = 300, height: int = 170) -> str:
    """A small line chart: one point per session, evenly spaced, the line broken where a value is unknown.

    Returns:
        ``<svg class="trend" ...>`` with one ``<circle class="point">`` per known value.

    Example:
        >>> svg = trend_chart_svg(TrendChart(("1 Mar", "8 Mar", "15 Mar"), (8.0, math.nan, 12.0), ""))
        >>> svg.count('class="point"'), svg.count("<path")
        (2, 0)
    """
    lo, hi = _value_range(chart.values, math.nan, pad_share=0.25)
    ticks = nice_ticks(lo, hi, 3)
    left = 10 + max((text_width(tick_text(v, chart.unit), SMALL) for v in ticks), default=20.0)
    plot = _Plot(left=left, top=10.0, width=width - left - 12.0, height=height - 10.0 - (SMALL + 12), lo=lo, hi=hi)
    out = [_svg_open(width, height, chart.title, "trend")]
    for v in ticks:
        y = plot.y(v)
        out.append(f'<line x1="{plot.left:.1f}" x2="{plot.right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6e6e6"/>')
        out.append(_text(plot.left - 5, y + SMALL * 0.35, tick_text(v, chart.unit), size=SMALL, anchor="end",
                         fill="#555"))
    n = len(chart.values)
    step = plot.width / max(n, 1)
    xs = [plot.left + step * (i + 0.5) for i in range(n)]
    run: list[str] = []
    for x, v in [*zip(xs, chart.values), (0.0, math.nan)]:  # the sentinel ends the last run
        if math.isfinite(v):
            run.append(f"{x:.1f},{plot.y(v):.1f}")
            continue
        if len(run) > 1:
            out.append(f'<path d="M{"L".join(run)}" fill="none" stroke="{ON_TARGET}" stroke-width="2"/>')
        run = []
    for x, v, label in zip(xs, chart.values, chart.labels):
        if math.isfinite(v):
            out.append(f'<circle class="point" cx="{x:.1f}" cy="{plot.y(v):.1f}" r="4" fill="{ON_TARGET}">'
                       f"<title>{escape(f'{label}: {tick_text(v, chart.unit)}')}</title></circle>")
    every = _every(chart.labels, step, SMALL)
    last = n - 1
    for i, (x, label) in enumerate(zip(xs, chart.labels)):
        # Every k-th label from the newest backwards: the latest session is always named.
        if (last - i) % every == 0 and x - text_width(label, SMALL) / 2 >= 0 \
                and x + text_width(label, SMALL) / 2 <= width:
            out.append(_text(x, height - 6, label, size=SMALL, fill="#555", cls="trend-label"))
    out.append("</svg>")
    return "".join(out)
