"""``report.html``: one self-contained page a trainer sends to a client.

Everything is inside the file: CSS inline, charts as inline SVG
(:mod:`formcheck.sinks.svg_chart`), key frames as base64 JPEGs
(:mod:`formcheck.sinks.key_frames`); no script, no font or image from the
network. It reads top-down: the clip, date and exercise; the summary in plain
words (:mod:`formcheck.sinks.client_summary`); the key frames; the charts; the
per-rep table; the trainer's notes (typed into the page before printing, or
given when it is written). ``@media print`` lays it out for A4 / Letter, so the
browser's "Print → Save as PDF" gives a clean PDF.

Example:
    >>> path = write_client_report(result, "out/", video="clip.mp4",
    ...                            meta=ReportMeta(clip="clip.mp4", client="Sam"))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from formcheck.features.labels import feature_label, format_value
from formcheck.records.atomic import atomic_write_text
from formcheck.records.result import AnalysisResult
from formcheck.records.version import __version__
from formcheck.sinks.chart_data import (
    ChartGroup,
    chart_groups,
    no_person_spans,
    rep_spans,
    time_range,
)
from formcheck.sinks.client_summary import client_sentences, fault_words
from formcheck.sinks.key_frames import KeyFrame, render_key_frames
from formcheck.sinks.svg_chart import Band, HLine, Series, line_chart_svg

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
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; }
th { background: #f4f7fa; } td.bad { color: var(--bad); } td:nth-child(-n+3) { white-space: nowrap; }
.chart { margin: 6px 0 14px; }
.notes { border: 1px solid var(--line); border-radius: 6px; min-height: 120px; padding: 8px 12px;
         background: repeating-linear-gradient(#fff, #fff 27px, #e8edf2 28px); white-space: pre-wrap; }
.hint { color: var(--muted); font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 30px; border-top: 1px solid var(--line); padding-top: 6px; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { margin: 0; max-width: none; font-size: 12px; }
  .hint { display: none; }
  .summary, th, .notes { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure, .chart, tr, .summary, .notes { break-inside: avoid; }
  h2 { break-after: avoid; }
  .frames { grid-template-columns: repeat(3, 1fr); }
}
"""


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report says about the clip, beside the analysis.

    Attributes:
        clip: The clip's file name as the client knows it (never a temporary path).
        when: Date of the analysis (default: now).
        client: The client's name, if the trainer gave it.
        notes: The trainer's notes, printed in the notes box.
    """

    clip: str
    when: datetime | None = None
    client: str = ""
    notes: str = ""


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


def _chart(group: ChartGroup, result: AnalysisResult) -> str:
    series = [Series(tr.label, tr.t, tr.values) for tr in group.tracks]
    many = len(group.tracks) > 1
    lines = [HLine(th.value, f"{label}: {th.label.removeprefix('your ')}" if many else th.label.removeprefix("your "),
                   "#7f8c8d" if th.kind == "rep" else "#C0392B") for label, th in group.thresholds]
    bands = [Band(a, b, label) for a, b, label in rep_spans(result.summary)]
    bands += [Band(a, b, "nobody in view", "#f6e3e1") for a, b in no_person_spans(result.frames)]
    title = ", ".join(tr.label for tr in group.tracks)
    return line_chart_svg(series, t_range=time_range(result.frames, result.summary), y_title=group.y_title,
                          lines=lines, bands=bands, title=title[:1].upper() + title[1:])


def _rep_table(result: AnalysisResult) -> str:
    rows = result.summary.rep_rows
    if not rows:
        return '<p class="hint">No reps in this clip.</p>'
    spec = result.spec
    signal = str(getattr(getattr(spec, "rep", None), "signal", "") or "")
    head = ("Rep", "Side", "Time", f"Range of motion ({feature_label(signal)})" if signal else "Range of motion",
            "Up / hold / down (s)", "Quality", "Form")
    body = []
    for r in rows:
        reach = format_value(signal, r.rom) + ("" if r.complete else " (partial)")
        faults = "; ".join(fault_words(c, spec) for c in r.cues) or "good"
        cls = ' class="bad"' if r.cues else ""
        cells = (str(r.index), r.side or "", f"{r.start:.1f}–{r.end:.1f} s", reach,
                 f"{r.tempo_up:.1f} / {r.tempo_hold:.1f} / {r.tempo_down:.1f}", f"{r.quality}/100")
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + f"<td{cls}>{escape(faults)}</td></tr>")
    return ("<table class=\"reps\"><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


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
    charts = "".join(_chart(g, result) for g in chart_groups(result.feedback, result.spec))
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
<h2>Over the set</h2>
<p class="hint">Shaded: reps and holds (and, in pink, moments with nobody in view). Dashed: where the exercise's
thresholds are; red ones are where a form cue starts.</p>
<section id="charts">{charts or '<p class="hint">No measurements: nobody was in view.</p>'}</section>
<h2>Rep by rep</h2>
{_rep_table(result)}
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
