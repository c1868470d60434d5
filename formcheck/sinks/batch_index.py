"""The files that sum up a batch of clips: ``summary.csv`` and ``index.html``.

One row per clip, the failed ones included (their ``status`` is ``error`` and
``error`` says why): a trainer sees at a glance which clips to look at again.
``summary.csv`` columns start with the contract ``clip, exercise, reps,
partial_reps, score, cues``; ``index.html`` is self-contained and links each
clip's own reports.

Example:
    >>> row = BatchRow(clip="a.mp4", exercise="plank", reps=0, partial_reps=0, score=80, cues="hips_sagging×2")
    >>> summary_csv([row]).splitlines()[0]
    'clip,exercise,reps,partial_reps,score,cues,status,hold_s,duration_s,frame_step,seconds,report,error'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from html import escape

from formcheck.records.csv_cells import spreadsheet_safe

SUMMARY_CSV = "summary.csv"
INDEX_HTML = "index.html"

SUMMARY_COLUMNS: tuple[str, ...] = ("clip", "exercise", "reps", "partial_reps", "score", "cues", "status",
                                    "hold_s", "duration_s", "frame_step", "seconds", "report", "error")


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One clip of a batch, as the summary shows it.

    Attributes:
        clip: The clip's path as given (relative to the batch folder where possible).
        exercise: Spec id used ("" when the clip failed before one was chosen).
        reps: Complete, counted reps.
        partial_reps: Partial reps.
        score: Form score 0-100.
        cues: Cue ids with their counts (``"hips_low×2 too_fast"``), "" for none.
        status: ``"ok"`` or ``"error"``.
        hold_s: Good hold seconds (holds).
        duration_s: Length of the clip (s).
        frame_step: 1 = every frame analysed, 2 = every other frame.
        seconds: Wall time spent on the clip (0 when it was skipped as current).
        report: Folder of the clip's reports, relative to the batch output folder.
        error: Why the clip failed ("" when it did not).
    """

    clip: str
    exercise: str = ""
    reps: int = 0
    partial_reps: int = 0
    score: int = 0
    cues: str = ""
    status: str = "ok"
    hold_s: float = 0.0
    duration_s: float = 0.0
    frame_step: int = 1
    seconds: float = 0.0
    report: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class UnreadablePath:
    """A path the batch was given (or met in a folder) but could not look at: not a clip, not a row.

    Attributes:
        path: The folder or symlink, as met.
        reason: Why: ``"cannot read the folder: Permission denied"``, ``"dangling symlink to x.mp4"``...
    """

    path: str
    reason: str


def summary_csv(rows: Sequence[BatchRow]) -> str:
    """``summary.csv`` text: a header of :data:`SUMMARY_COLUMNS`, one line per clip.

    Text cells that a spreadsheet would run as a formula (a clip named ``=1+1.mp4``) start
    with a ``'`` (:func:`~formcheck.records.csv_cells.spreadsheet_safe`); numbers stay numbers.

    Example:
        >>> summary_csv([BatchRow(clip="=1+1.mp4", status="error", error="cannot open")]).splitlines()[1]
        "'=1+1.mp4,,0,0,0,,error,0.0,0.0,1,0.0,,cannot open"
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        values = asdict(row)
        writer.writerow([round(v, 2) if isinstance(v, float) else spreadsheet_safe(v)
                         for v in (values[c] for c in SUMMARY_COLUMNS)])
    return buf.getvalue()


_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2733; max-width: 1100px; margin: 24px auto; padding: 0 16px; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d9e0e7; padding: 5px 8px;
text-align: left; } th { background: #f4f7fa; } tr.error td { color: #b03a2e; } .muted { color: #5b6b7c; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


def index_html(rows: Sequence[BatchRow], *, title: str = "formcheck batch", html_reports: bool = False,
               unreadable: Sequence[UnreadablePath] = ()) -> str:
    """``index.html``: the batch's table with a link to each clip's report (self-contained).

    Paths that could not be looked at (``unreadable``) are listed under the table:
    they may hold clips, but they are not clips, so ``summary.csv`` has no row for them.

    Example:
        >>> "<table" in index_html([BatchRow(clip="a.mp4")])
        True
    """
    ok = [r for r in rows if r.status == "ok"]
    failed = len(rows) - len(ok)
    head = ("Clip", "Exercise", "Reps", "Partial", "Score", "Hold (s)", "Cues", "Reports")
    body = []
    for r in rows:
        if r.status != "ok":
            body.append(f'<tr class="error"><td>{escape(r.clip)}</td>'
                        f'<td colspan="7">failed: {escape(r.error)}</td></tr>')
            continue
        links = []
        if r.report:
            if html_reports:
                links.append(f'<a href="{escape(r.report)}/report.html">report</a>')
            links.append(f'<a href="{escape(r.report)}/report.json">json</a>')
            links.append(f'<a href="{escape(r.report)}/reps.csv">reps</a>')
        cells = [f"<td>{escape(r.clip)}</td>", f"<td>{escape(r.exercise)}</td>", f'<td class="num">{r.reps}</td>',
                 f'<td class="num">{r.partial_reps}</td>', f'<td class="num">{r.score}</td>',
                 f'<td class="num">{r.hold_s:.1f}</td>', f"<td>{escape(r.cues) or '—'}</td>",
                 f"<td>{' · '.join(links)}</td>"]
        body.append("<tr>" + "".join(cells) + "</tr>")
    when = datetime.now(timezone.utc).astimezone()
    not_read = ""
    if unreadable:
        items = "".join(f"<li>{escape(u.path)}: {escape(u.reason)}</li>" for u in unreadable)
        not_read = f'<h2>Not looked at</h2><ul class="muted">{items}</ul>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{_CSS}</style></head>
<body><h1>{escape(title)}</h1>
<p class="muted">{len(rows)} clips, {len(ok)} analysed, {failed} failed · {when:%d %B %Y, %H:%M} ·
the same table as summary.csv</p>
<table><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>
<tbody>{"".join(body)}</tbody></table>{not_read}</body></html>
"""
