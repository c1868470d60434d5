"""Line charts as inline SVG text: what the client report draws, with no script and no network.

One chart has one unit on its y axis. Lines break where a value is unknown
(NaN: nobody in view, a hidden limb) instead of being drawn straight across the
gap; thresholds are dashed horizontal lines with their meaning written beside
them; reps and no-person spans are shaded bands. Every chart of a report gets
the same time range, so their time axes line up.

Example:
    >>> import numpy as np
    >>> svg = line_chart_svg([Series("knee", np.array([0.0, 1.0, 2.0]), np.array([90.0, np.nan, 120.0]))],
    ...                      t_range=(0.0, 2.0), y_title="degrees")
    >>> svg.count("<path")  # the unknown middle value breaks the line in two
    2
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

#: Line colours, in the order series are given (colour-blind safe: Okabe-Ito).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class Series:
    """One line: times (s) and values (NaN = unknown: the line breaks there)."""

    label: str
    t: np.ndarray
    values: np.ndarray
    colour: str = ""


@dataclass(frozen=True, slots=True)
class HLine:
    """A horizontal threshold line and what crossing it means."""

    value: float
    label: str
    colour: str = "#C0392B"


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded time span (a rep, a stretch with nobody in view)."""

    start: float
    end: float
    label: str = ""
    colour: str = "#EEF3F8"


@dataclass(frozen=True, slots=True)
class _Frame:
    """Plot area and the data → pixel mapping."""

    left: float
    top: float
    width: float
    height: float
    t0: float
    t1: float
    y0: float
    y1: float

    def x(self, t: float) -> float:
        return self.left + (t - self.t0) / (self.t1 - self.t0) * self.width

    def y(self, v: float) -> float:
        return self.top + (self.y1 - v) / (self.y1 - self.y0) * self.height


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
        ticks.append(round(v, 10))
        v += step
    return ticks


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.2g}"


def _y_range(series: Sequence[Series], lines: Sequence[HLine]) -> tuple[float, float]:
    values = [float(v) for s in series for v in s.values if math.isfinite(v)]
    values += [h.value for h in lines if math.isfinite(h.value)]
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    return lo - pad, hi + pad


def path_segments(t: np.ndarray, values: np.ndarray) -> list[list[tuple[float, float]]]:
    """Runs of consecutive finite points: one polyline per run, so gaps stay gaps.

    Example:
        >>> path_segments(np.array([0.0, 1, 2, 3]), np.array([1.0, np.nan, 2, 3]))
        [[(0.0, 1.0)], [(2.0, 2.0), (3.0, 3.0)]]
    """
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for ti, vi in zip(np.asarray(t, dtype=float), np.asarray(values, dtype=float)):
        if math.isfinite(vi) and math.isfinite(ti):
            current.append((float(ti), float(vi)))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def spread(ys: Sequence[float], gap: float) -> list[float]:
    """Move label positions apart by at least ``gap`` (keeping their order), so close lines stay legible.

    Example:
        >>> spread([10.0, 12.0, 40.0], 11.0)
        [10.0, 21.0, 40.0]
    """
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    last = -math.inf
    for i in order:
        out[i] = max(out[i], last + gap)
        last = out[i]
    return out


def _line_path(fr: _Frame, run: list[tuple[float, float]]) -> str:
    if len(run) == 1:  # a lone point: a tiny dash so it is visible
        x, y = fr.x(run[0][0]), fr.y(run[0][1])
        return f"M{x - 1.5:.1f},{y:.1f}H{x + 1.5:.1f}"
    return "M" + "L".join(f"{fr.x(t):.1f},{fr.y(v):.1f}" for t, v in run)


def line_chart_svg(series: Sequence[Series], *, t_range: tuple[float, float], y_title: str,
                   lines: Sequence[HLine] = (), bands: Sequence[Band] = (), title: str = "",
                   width: int = 760, height: int = 230) -> str:
    """An SVG line chart (a string to put inline in HTML).

    Args:
        series: The lines, all in the unit of ``y_title``.
        t_range: ``(start, end)`` seconds of the x axis: give every chart of a page the same.
        y_title: The unit, written on the y axis ("degrees").
        lines: Threshold lines with their meaning.
        bands: Shaded spans (reps, stretches with nobody in view).
        title: Shown above the plot.
        width: Pixel width of the SVG (it scales to its container).
        height: Pixel height.

    Returns:
        ``<svg ...>...</svg>`` with a ``<title>`` and a legend; one ``<path>`` per unbroken run of values.
    """
    t0, t1 = t_range
    if not t1 > t0:
        t1 = t0 + 1.0
    y0, y1 = _y_range(series, lines)
    fr = _Frame(left=58.0, top=26.0 if title else 10.0, width=width - 58.0 - 150.0,
                height=height - (26.0 if title else 10.0) - 34.0, t0=t0, t1=t1, y0=y0, y1=y1)
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" font-family="sans-serif" font-size="11">'),
           f"<title>{escape(title or y_title)}</title>"]
    if title:
        out.append(f'<text x="{fr.left}" y="15" font-size="13" font-weight="bold">{escape(title)}</text>')
    bottom, right = fr.top + fr.height, fr.left + fr.width
    for band in bands:
        a, b = max(band.start, t0), min(band.end, t1)
        if b > a:
            out.append(f'<rect class="band" x="{fr.x(a):.1f}" y="{fr.top:.1f}" width="{fr.x(b) - fr.x(a):.1f}" '
                       f'height="{fr.height:.1f}" fill="{band.colour}"><title>{escape(band.label)}</title></rect>')
            if band.label:
                out.append(f'<text x="{fr.x(a) + 2:.1f}" y="{fr.top + fr.height - 3:.1f}" fill="#667" '
                           f'font-size="9">{escape(band.label)}</text>')
    for v in nice_ticks(y0, y1):
        y = fr.y(v)
        out.append(f'<line x1="{fr.left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                   f'<text x="{fr.left - 5}" y="{y + 3.5:.1f}" text-anchor="end" fill="#444">{_fmt(v)}</text>')
    for v in nice_ticks(t0, t1, 8):
        x = fr.x(v)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="#444"/>'
                   f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle" fill="#444">{_fmt(v)}</text>')
    out.append(f'<rect x="{fr.left}" y="{fr.top}" width="{fr.width}" height="{fr.height}" fill="none" stroke="#999"/>')
    out.append(f'<text x="{fr.left + fr.width / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#444">'
               f"time (s)</text>")
    out.append(f'<text transform="translate(13,{fr.top + fr.height / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'fill="#444">{escape(y_title)}</text>')
    label_ys = spread([fr.y(h.value) + 3.5 for h in lines], 11.0)
    for h, label_y in zip(lines, label_ys):
        y = fr.y(h.value)
        out.append(f'<line class="threshold" x1="{fr.left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{h.colour}" stroke-dasharray="5,3"><title>{escape(h.label)}</title></line>'
                   f'<text x="{right + 4}" y="{label_y:.1f}" fill="{h.colour}" font-size="10">'
                   f"{escape(_fmt(h.value))} {escape(_clip(h.label, 24))}<title>{escape(h.label)}</title></text>")
    for i, s in enumerate(series):
        colour = s.colour or PALETTE[i % len(PALETTE)]
        for run in path_segments(s.t, s.values):
            out.append(f'<path class="series" d="{_line_path(fr, run)}" fill="none" stroke="{colour}" '
                       f'stroke-width="1.8"><title>{escape(s.label)}</title></path>')
        ly = fr.top + 4 + 14 * i
        out.append(f'<rect x="{fr.left + 6}" y="{ly:.1f}" width="10" height="3" fill="{colour}"/>'
                   f'<text x="{fr.left + 20}" y="{ly + 4:.1f}" fill="#222">{escape(s.label)}</text>')
    out.append("</svg>")
    return "".join(out)
