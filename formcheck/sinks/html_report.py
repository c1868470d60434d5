"""``report.html``: one self-contained page a trainer sends to a client.

Everything is inside the file: CSS inline, the chart as inline SVG
(:mod:`formcheck.sinks.svg_chart`), key frames as base64 JPEGs
(:mod:`formcheck.sinks.key_frames`); no script, no font or image from the
network. It reads top-down: the clip, date and exercise; the summary in plain
words (:mod:`formcheck.sinks.client_summary`); the key frames; one chart of the
set in the client's words, a bar per rep against the target
(:mod:`formcheck.sinks.client_chart`); the per-rep table; the trainer's notes
(typed into the page before printing, or given when it is written). The
technical per-feature charts are the app's, for the trainer. ``@media print``
lays it out for A4 / Letter, so the browser's "Print → Save as PDF" gives a
clean PDF.

Example:
    >>> path = write_client_report(result, "out/", video="clip.mp4",
    ...                            meta=ReportMeta(clip="clip.mp4", client="Sam"))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from formcheck.features.labels import feature_unit, plain_label
from formcheck.records.atomic import atomic_write_text
from formcheck.records.feedback import RepRecord
from formcheck.records.result import AnalysisResult
from formcheck.records.version import __version__
from formcheck.sinks.client_chart import LEGEND_WORDS, client_chart, trend_panels, value_text
from formcheck.sinks.client_summary import client_sentences, fault_words
from formcheck.sinks.key_frames import KeyFrame, render_key_frames
from formcheck.sinks.svg_chart import BAND, ON_TARGET, SHORT, bar_chart_svg, trend_chart_svg
from formcheck.store.client_history import TrendPoint

HTML_REPORT_NAME = "report.html"

_CSS = """
:root { --ink: #1d2733; --muted: #5b6b7c; --line: #d9e0e7; --bad: #b03a2e; --good: #1e7d4f; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 860px; margin: 24px auto; padding: 0 18px; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 8px; margin-bottom: 16px; }
h1 { font-size: 26px; margin: 0; } h2 { font-size: 18px; margin: 26px 0 8px; }
.meta { color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 22px; margin-top: 4px; }
.summary { font-size: 18px; background: #f4f7fa; border-left: 5px solid var(--ink); padding: 10px 16px; }
.summary p { margin: 4px 0; } .summary p.fault { color: var(--bad); }
.figures { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; min-width: 110px; }
.figure b { display: block; font-size: 24px; } .figure span { color: var(--muted); font-size: 13px; }
.frames { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
figure img { width: 100%; display: block; }
figcaption { padding: 6px 10px; font-size: 13px; } figcaption b { display: block; }
.table-box { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f4f7fa; } td.bad { color: var(--bad); } td:nth-child(-n+3) { white-space: nowrap; }
.caption { margin: 0 0 6px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; color: var(--muted); margin: 0 0 6px; }
.key { display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: -1px;
       border-radius: 2px; }
.key.on-target { background: __ON__; } .key.short { background: __SHORT__; }
.key.partial { background: repeating-linear-gradient(45deg, __SHORT__ 0 3px, #fff 3px 6px); }
.key.band { background: __BAND__; border: 1px dashed #1e7d4f; }
.chart-box svg { max-width: 100%; height: auto; display: block; }
.trends { display: flex; flex-wrap: wrap; gap: 10px 18px; }
.trend-box { flex: 0 1 300px; font-size: 13px; } .trend-box svg { max-width: 100%; height: auto; display: block; }
.notes { border: 1px solid var(--line); border-radius: 6px; min-height: 120px; padding: 8px 12px;
         background: repeating-linear-gradient(#fff, #fff 27px, #e8edf2 28px); white-space: pre-wrap; }
.hint { color: var(--muted); font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 30px; border-top: 1px solid var(--line); padding-top: 6px; }
@media (max-width: 520px) { body { margin: 12px auto; padding: 0 12px; } h1 { font-size: 22px; }
  .summary { font-size: 16px; } .figure { min-width: 0; flex: 1 1 90px; }
  table.reps thead { display: none; } table.reps tr { display: block; border: 1px solid var(--line);
  border-radius: 6px; margin: 0 0 8px; padding: 4px 8px; }
  table.reps td { display: flex; gap: 12px; border: 0; padding: 2px 0; white-space: normal; }
  table.reps td::before { content: attr(data-label); flex: 0 0 45%; color: var(--muted); } }
@media print {
  @page { size: A4; margin: 14mm; }
  body { margin: 0; max-width: none; font-size: 12px; }
  .hint { display: none; }
  .summary, th, .notes, .key, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure, .chart-box, .trends, tr, .summary, .notes { break-inside: avoid; }
  h2 { break-after: avoid; }
  .frames { grid-template-columns: repeat(3, 1fr); }
}
""".replace("__ON__", ON_TARGET).replace("__SHORT__", SHORT).replace("__BAND__", BAND)


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report says about the clip, beside the analysis.

    Attributes:
        clip: The clip's file name as the client knows it (never a temporary path).
        when: Date of the analysis (default: now).
        client: The client's name, if the trainer gave it.
        notes: The trainer's notes, printed in the notes box.
        trend: The client's sessions of this exercise in History, oldest first (this one included):
            drawn as their progress when there are two or more.
        personal: The client's personal targets the set was judged by, in words (empty: the standard ones).
    """

    clip: str
    when: datetime | None = None
    client: str = ""
    notes: str = ""
    trend: tuple[TrendPoint, ...] = ()
    personal: tuple[str, ...] = ()


def _figures(result: AnalysisResult) -> str:
    s = result.summary
    items: list[tuple[str, str]] = []
    if getattr(result.spec, "kind", "reps") == "hold":
        items.append((f"{sum(h.good_s for h in s.holds):.0f} s", "good hold"))
    else:
        items.append((str(s.reps), "reps"))
        if s.partial_reps:
            items.append((str(s.partial_reps), "partial reps"))
    items += [(f"{s.score}/100", "form score"), (f"{s.duration_s:.0f} s", "clip length")]
    return "".join(f'<div class="figure"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in items)


def _key_frames(frames: list[KeyFrame]) -> str:
    if not frames:
        return '<p class="hint">No key frames: the video was not available or nobody was in view.</p>'
    out = []
    for kf in frames:
        m = kf.moment
        out.append(f'<figure class="key-frame"><img src="{kf.data_uri}" alt="{escape(m.title)}">'
                   f"<figcaption><b>{escape(m.title)}</b>{escape(m.caption)}</figcaption></figure>")
    return '<div class="frames">' + "".join(out) + "</div>"


def _chart_section(result: AnalysisResult, personal: bool = False) -> str:
    """The set's one chart with its heading, caption and legend (or why there is none).

    ``personal``: the target is the client's own (learnt from their reference set), and the caption says so.
    """
    chart = client_chart(result.summary, result.spec)
    if chart is None:
        return ""  # nothing counted: the summary above says why
    if personal:
        chart = replace(chart, caption=chart.caption.replace("The green band is the target",
                                                             "The green band is your personal target"))
    legend = "".join(f'<span><i class="key {k}"></i>{escape(LEGEND_WORDS[k])}</span>' for k in chart.legend)
    return (f"<h2>{escape(chart.heading)}</h2>"
            f'<section id="rep-chart"><p class="caption">{escape(chart.caption)}</p>'
            f'<div class="legend">{legend}</div><div class="chart-box">{bar_chart_svg(chart.chart)}</div></section>')


def _personal(meta: ReportMeta) -> str:
    """Which targets were the client's own (learnt from their reference set), beside the standard ones."""
    if not meta.personal:
        return ""
    items = "".join(f"<li>{escape(p)}</li>" for p in meta.personal)
    return ('<section id="personal-targets"><p><b>Your personal targets.</b> Your trainer set these from a '
            f"reference set of yours; every other target is the exercise's standard one.</p><ul>{items}</ul>"
            "</section>")


def _progress(result: AnalysisResult, meta: ReportMeta) -> str:
    """The client's progress on this exercise over their sessions in History (nothing with fewer than two)."""
    panels = trend_panels(meta.trend, result.spec)
    if not panels:
        return ""
    first = meta.trend[0].created_at
    since = datetime.fromisoformat(first).astimezone()
    charts = "".join(f'<div class="trend-box"><b>{escape(p.heading)}</b>{trend_chart_svg(p.chart)}</div>'
                     for p in panels)
    return (f'<h2>Your progress</h2><section id="progress"><p class="caption">Your {len(meta.trend)} sessions of '
            f"this exercise since {since:%d %B %Y}, one point each, the latest on the right.</p>"
            f'<div class="trends">{charts}</div></section>')


def _rep_form(rep: RepRecord, spec: object) -> str:
    """The "Form" cell: the rep's faults, and what else cost it points; "good" only at full quality
    (never "good" beside a partial rep's 40/100, issue 21)."""
    said = [fault_words(c, spec) for c in rep.cues]
    if rep.at_edge:
        said.append("only partly filmed (not scored)")
    elif not rep.complete and "partial_rep" not in rep.cues:
        said.append("not through the full range")
    top = getattr(getattr(spec, "rep", None), "hold_at_peak", 0.0) or 0.0
    if rep.complete and top > 0 and rep.tempo_hold < top:
        said.append(f"top held under {top:g} s")
    if not said and rep.quality < 100:
        said.append("did not count")
    return "; ".join(said) or "good"


def _rep_table(result: AnalysisResult) -> str:
    """One row per rep; on a phone each row stacks into a card, every value beside its heading."""
    rows = result.summary.rep_rows
    if not rows:
        return ""  # a hold, or nothing counted: the figures and the summary say so
    spec = result.spec
    signal = str(getattr(getattr(spec, "rep", None), "signal", "") or "")
    sided = any(r.side for r in rows)
    head = ["Rep", *(["Side"] if sided else []), "When", f"How far ({plain_label(signal)})" if signal else "How far",
            "Up / hold / down (s)", "Quality", "Form"]
    body = []
    for r in rows:
        reach = value_text(feature_unit(signal), r.extreme) + ("" if r.complete else " (not a whole rep)")
        faults = _rep_form(r, spec)
        cells = [str(r.index), *([r.side or ""] if sided else []), f"{r.start:.1f}–{r.end:.1f} s", reach,
                 f"{r.tempo_up:.1f} / {r.tempo_hold:.1f} / {r.tempo_down:.1f}", f"{r.quality}/100", faults]
        classes = [""] * (len(cells) - 1) + [' class="bad"' if r.cues else ""]
        body.append("<tr>" + "".join(f'<td data-label="{escape(h)}"{c}>{escape(v)}</td>'
                                     for h, v, c in zip(head, cells, classes)) + "</tr>")
    heads = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (f'<h2>Rep by rep</h2><div class="table-box"><table class="reps"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _summary(result: AnalysisResult) -> str:
    sentences = client_sentences(result.summary, result.spec)
    out = [f"<p><b>{escape(sentences[0])}</b></p>"]
    for s in sentences[1:]:
        cls = ' class="fault"' if not s.startswith(("Good form", "A rep took")) else ""
        out.append(f"<p{cls}>{escape(s)}</p>")
    return '<section class="summary" id="summary">' + "".join(out) + "</section>"


def render_client_report(result: AnalysisResult, key_frames: list[KeyFrame], meta: ReportMeta) -> str:
    """The whole HTML page as text (see the module docstring for its sections).

    Example:
        >>> html = render_client_report(result, [], ReportMeta(clip="bridge.mp4"))  # doctest: +SKIP
        >>> "<script" in html
        False
    """
    when = (meta.when or datetime.now(timezone.utc)).astimezone()
    title = str(getattr(result.spec, "title", result.exercise))
    facts = [f"Clip: {meta.clip}", f"Date: {when:%d %B %Y, %H:%M}", f"Exercise: {title}"]
    if meta.client:
        facts.insert(0, f"Client: {meta.client}")
    if meta.personal:
        facts.append("Targets: personal")
    notes = escape(meta.notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — {escape(meta.clip)}</title>
<style>{_CSS}</style></head>
<body>
<header><h1>{escape(title)}</h1>
<div class="meta">{"".join(f"<span>{escape(f)}</span>" for f in facts)}</div></header>
{_summary(result)}
<div class="figures">{_figures(result)}</div>
<h2>Key moments</h2>
{_key_frames(key_frames)}
{_chart_section(result, bool(meta.personal))}
{_personal(meta)}
{_rep_table(result)}
{_progress(result, meta)}
<h2>Trainer's notes</h2>
<p class="hint">Click in the box to type notes before printing.</p>
<div class="notes" id="trainer-notes" contenteditable="true">{notes}</div>
<footer>Made with formcheck {escape(__version__)} from the video alone: joint angles estimated by a pose
model, not a medical assessment.</footer>
</body></html>
"""


def write_client_report(result: AnalysisResult, out_dir: str | Path, *, video: str | Path | None = None,
                        meta: ReportMeta | None = None) -> Path:
    """Render the key frames from ``video`` (when given) and write ``out_dir/report.html`` atomically.

    Args:
        result: The analysis.
        out_dir: An existing folder.
        video: The analysed video, for key frames; None (a landmarks file) gives a report without pictures.
        meta: Clip name, date, client, notes; default: the result's source file name, now.

    Raises:
        VideoSourceError: ``video`` cannot be decoded.
        OutputError: The file cannot be written.
    """
    frames = render_key_frames(video, result) if video is not None else []
    meta = meta or ReportMeta(clip=Path(result.source).name)
    return atomic_write_text(Path(out_dir) / HTML_REPORT_NAME, render_client_report(result, frames, meta))
