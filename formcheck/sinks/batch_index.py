"""The files that sum up a batch of clips: ``summary.csv`` and ``index.html``.

One row per clip, the failed ones included (their ``status`` is ``error`` and
``error`` says why): a trainer sees at a glance which clips to look at again.
``summary.csv`` columns start with the contract ``clip, exercise, reps,
partial_reps, score, cues`` (ids, for programs); ``index.html`` is
self-contained, links each clip's own reports and reads as words: exercise
titles, the result of a rep exercise in reps and of a hold exercise in seconds,
cues as the faults they name.

Example:
    >>> row = BatchRow(clip="a.mp4", exercise="plank", reps=0, partial_reps=0, score=80, cues="hips_sagging×2")
    >>> summary_csv([row]).splitlines()[0]
    'clip,exercise,reps,partial_reps,score,cues,status,hold_s,duration_s,frame_step,seconds,report,error,guessed,confidence,alternative'

With ``--exercise auto`` the recogniser chose the exercise: ``guessed`` is ``yes`` (``unsure`` when
its confidence was under the app's threshold, where the app would have asked), ``confidence`` its
probability (0-1) and ``alternative`` the runner-up's id; the three are empty when the exercise
was given. They come after the contract's columns: programs reading by name or position still work.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from html import escape
from typing import Any

from formcheck.records.csv_cells import spreadsheet_safe
from formcheck.records.errors import SpecError
from formcheck.sinks.client_summary import fault_words
from formcheck.sinks.presentation import plural
from formcheck.spec import load_spec

SUMMARY_CSV = "summary.csv"
INDEX_HTML = "index.html"

SUMMARY_COLUMNS: tuple[str, ...] = ("clip", "exercise", "reps", "partial_reps", "score", "cues", "status",
                                    "hold_s", "duration_s", "frame_step", "seconds", "report", "error",
                                    "guessed", "confidence", "alternative")


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
        guessed: ``"yes"`` when the recogniser chose the exercise (``--exercise auto``), ``"unsure"``
            when it did so below its confidence threshold, "" when the exercise was given.
        confidence: The recogniser's probability of its choice (0-1), None when not guessed.
        alternative: The runner-up exercise's id when guessed, else "".
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
    guessed: str = ""
    confidence: float | None = None
    alternative: str = ""


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
        "'=1+1.mp4,,0,0,0,,error,0.0,0.0,1,0.0,,cannot open,,,"
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        values = asdict(row)
        writer.writerow([round(v, 2) if isinstance(v, float) else "" if v is None else spreadsheet_safe(v)
                         for v in (values[c] for c in SUMMARY_COLUMNS)])
    return buf.getvalue()


_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2733; max-width: 1100px; margin: 24px auto; padding: 0 16px; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d9e0e7; padding: 5px 8px;
text-align: left; } th { background: #f4f7fa; } tr.error td { color: #b03a2e; } .muted { color: #5b6b7c; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


def _spec(name: str) -> Any:
    """The spec ``name``, or None when it is unknown or broken (the row still shows its id)."""
    try:
        return load_spec(name) if name else None
    except SpecError:
        return None


def result_words(row: BatchRow, spec: Any) -> str:
    """What the clip came to: reps for a rep exercise, seconds for a hold exercise (never "hold 0.0" on reps).

    Example:
        >>> result_words(BatchRow(clip="a.mp4", reps=5, partial_reps=1), None)
        '5 reps, 1 partial'
        >>> result_words(BatchRow(clip="p.mp4", hold_s=28.4), load_spec("plank"))
        '28.4 s held'
    """
    if getattr(spec, "kind", "reps") == "hold":
        return f"{row.hold_s:.1f} s held"
    return plural(row.reps, "rep") + (f", {row.partial_reps} partial" if row.partial_reps else "")


def cue_words(cues: str, spec: Any) -> str:
    """``"hips_low×2 too_fast"`` in words: each fault as the spec says it, with its count.

    Example:
        >>> cue_words("hips_low×2 too_fast", load_spec("glute_bridge"))
        'you stopped short of the full range ×2; you moved too fast'
    """
    out = []
    for item in cues.split():
        cue_id, _, count = item.partition("×")
        out.append(fault_words(cue_id, spec) + (f" ×{count}" if count else ""))
    return "; ".join(out)


def exercise_words(row: BatchRow, title: str) -> str:
    """The exercise cell: its title, and when it was guessed, how sure the guess was.

    Example:
        >>> exercise_words(BatchRow(clip="a.mp4", guessed="yes", confidence=0.93), "Plank")
        'Plank (guessed, 93 % sure)'
        >>> exercise_words(BatchRow(clip="a.mp4", guessed="unsure", confidence=0.41, alternative="cat_cow"), "Bird-dog")
        'Bird-dog? (guessed, 41 % sure; or Cat-cow: check)'
    """
    if not row.guessed:
        return title
    sure = f"{100 * row.confidence:.0f} % sure" if row.confidence is not None else "guessed"
    if row.guessed != "unsure":
        return f"{title} (guessed, {sure})"
    other = str(getattr(_spec(row.alternative), "title", "") or row.alternative)
    return f"{title}? (guessed, {sure}" + (f"; or {other}: check)" if other else ": check)")


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
    head = ("Clip", "Exercise", "Result", "Score", "Form cues", "Reports")
    body = []
    for r in rows:
        if r.status != "ok":
            body.append(f'<tr class="error"><td>{escape(r.clip)}</td>'
                        f'<td colspan="{len(head) - 1}">failed: {escape(r.error)}</td></tr>')
            continue
        links = []
        if r.report:
            if html_reports:
                links.append(f'<a href="{escape(r.report)}/report.html">report</a>')
            links.append(f'<a href="{escape(r.report)}/report.json">json</a>')
            links.append(f'<a href="{escape(r.report)}/reps.csv">reps</a>')
        spec = _spec(r.exercise)
        title = str(getattr(spec, "title", "") or r.exercise)
        cells = [f"<td>{escape(r.clip)}</td>", f"<td>{escape(exercise_words(r, title))}</td>",
                 f"<td>{escape(result_words(r, spec))}</td>",
                 f'<td class="num">{r.score}</td>', f"<td>{escape(cue_words(r.cues, spec)) or '—'}</td>",
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
summary.csv has the same rows, with ids for programs</p>
<table><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>
<tbody>{"".join(body)}</tbody></table>{not_read}</body></html>
"""
