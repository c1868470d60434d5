"""Report files of an analysed clip: ``report.json``, ``reps.csv``, ``angles.csv``.

``report.json`` field names are a contract shared with the app and the
history store: ``exercise``, ``reps`` (count), ``reps_by_side``,
``partial_reps``, ``holds``, ``rep_rows`` (one row per rep), ``cues`` (with
times). Everything is written to hidden temp files first and renamed into
place only once every file is complete, so a crash never leaves a half-written
or mixed (old + new) report.

Example:
    >>> paths = write_outputs(result, "out/")  # doctest: +SKIP
    >>> sorted(paths)
    ['angles', 'report', 'reps']
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from formcheck.records.atomic import atomic_write_texts, output_folder
from formcheck.records.csv_cells import spreadsheet_safe
from formcheck.records.feedback import Cue, Feedback, Hold, RepRecord, SetSummary
from formcheck.records.result import AnalysisResult
from formcheck.records.version import __version__
from formcheck.sinks.client_summary import edge_sentence, loss_words

REPORT_NAME = "report.json"
REPS_CSV = "reps.csv"
ANGLES_CSV = "angles.csv"
ANNOTATED_NAME = "annotated.mp4"

REP_COLUMNS = ("index", "side", "start", "peak", "end", "duration", "complete", "counted", "rom",
               "rom_fraction", "tempo_up", "tempo_hold", "tempo_down", "quality", "cues")
FRAME_COLUMNS = ("frame", "t", "person", "phase", "reps", "partial_reps", "side", "rom_fraction",
                 "hold_s", "cues", "guidance")


def _num(value: float | None, digits: int = 3) -> float | None:
    """Round for JSON; NaN/inf (unknown) become null, which JSON can carry."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def cue_dict(cue: Cue) -> dict[str, Any]:
    """One cue as a JSON object (``end`` null if it was still showing at the end)."""
    return {"id": cue.id, "message": cue.message, "start": _num(cue.start), "end": _num(cue.end),
            "rep": cue.rep, "priority": cue.priority}


def rep_dict(rep: RepRecord) -> dict[str, Any]:
    """One rep row: times (s), range of motion, tempo, cues and a 0-100 quality."""
    return {
        "index": rep.index, "side": rep.side, "start": _num(rep.start), "peak": _num(rep.peak),
        "end": _num(rep.end), "duration": _num(rep.end - rep.start), "complete": rep.complete,
        "counted": rep.counted, "rom": _num(rep.rom, 1), "rom_fraction": _num(rep.rom_fraction, 2),
        "tempo": {"up": _num(rep.tempo_up, 2), "hold": _num(rep.tempo_hold, 2), "down": _num(rep.tempo_down, 2)},
        "cues": list(rep.cues), "quality": rep.quality, "at_edge": rep.at_edge,
    }


def hold_dict(hold: Hold) -> dict[str, Any]:
    """One hold: span, seconds held with good form, seconds lost to bad form, target."""
    return {"start": _num(hold.start), "end": _num(hold.end), "good_s": _num(hold.good_s, 2),
            "lost_s": _num(hold.lost_s, 2), "target_s": _num(hold.target_s, 2),
            "target_met": None if hold.target_s is None else bool(hold.good_s >= hold.target_s),
            "side": hold.side}


def summary_dict(summary: SetSummary) -> dict[str, Any]:
    """The set-level part of a report (no source file details)."""
    return {
        "exercise": summary.exercise, "title": summary.title, "reps": summary.reps,
        "reps_by_side": dict(summary.reps_by_side), "partial_reps": summary.partial_reps,
        "holds": [hold_dict(h) for h in summary.holds], "rep_rows": [rep_dict(r) for r in summary.rep_rows],
        "cues": [cue_dict(c) for c in summary.cues], "duration_s": _num(summary.duration_s, 2),
        "frames": summary.frames, "frames_with_person": summary.frames_with_person,
        "score": summary.score, "notes": list(summary.notes), "reason": summary.reason,
        "count_confidence": summary.count_confidence,
        "score_losses": [x.as_dict() for x in summary.score_losses],
    }


def report_dict(result: AnalysisResult) -> dict[str, Any]:
    """The ``report.json`` content of an analysis (JSON-safe: no NaN, no numpy types)."""
    spec = result.spec
    out: dict[str, Any] = {"formcheck_version": __version__, "source": result.source, "fps": _num(result.fps, 2)}
    out.update(summary_dict(result.summary))
    for row, loss in zip(out["score_losses"], result.summary.score_losses):
        row["reason"] = loss_words(loss, spec)
    out["kind"] = getattr(spec, "kind", None)
    out["key_features"] = list(getattr(spec, "key_features", []) or [])
    if result.summary.extra:
        out["extra"] = json.loads(json.dumps(result.summary.extra, default=str))
    return out


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return "" if not math.isfinite(value) else round(value, 4)
    return "" if value is None else spreadsheet_safe(value)  # spec texts are typed by people too


def reps_csv(summary: SetSummary) -> str:
    """One row per rep (complete and partial), columns :data:`REP_COLUMNS`."""
    rows = [[_cell(v) for v in (
        r.index, r.side, r.start, r.peak, r.end, r.end - r.start, r.complete, r.counted, r.rom,
        r.rom_fraction, r.tempo_up, r.tempo_hold, r.tempo_down, r.quality, " ".join(r.cues))]
        for r in summary.rep_rows]
    return _csv_text(REP_COLUMNS, rows)


def feature_columns(feedback: Sequence[Feedback], key_features: Sequence[str] = ()) -> list[str]:
    """Feature names for ``angles.csv``: the spec's key features first, then the rest sorted."""
    seen = {name for fb in feedback for name in fb.features}
    first = [k for k in key_features if k in seen]
    return first + sorted(seen - set(first))


def angles_csv(feedback: Sequence[Feedback], key_features: Sequence[str] = ()) -> str:
    """One row per frame: tracker state and every feature value (blank = unknown)."""
    names = feature_columns(feedback, key_features)
    rows = []
    for i, fb in enumerate(feedback):
        state = [i, fb.t, int(fb.num_people > 0), fb.phase, fb.reps, fb.partial_reps, fb.side,
                 fb.rom_fraction, fb.hold_s, " ".join(c.id for c in fb.cues), fb.guidance]
        rows.append([_cell(v) for v in state] + [_cell(fb.features.get(n, math.nan)) for n in names])
    return _csv_text((*FRAME_COLUMNS, *names), rows)


def report_texts(result: AnalysisResult) -> dict[str, str]:
    """``{file name: text}`` of ``report.json``, ``reps.csv`` and ``angles.csv`` (what :func:`write_outputs` writes).

    Example:
        >>> sorted(report_texts(result))  # doctest: +SKIP
        ['angles.csv', 'report.json', 'reps.csv']
    """
    key = list(getattr(result.spec, "key_features", []) or [])
    return {
        REPORT_NAME: json.dumps(report_dict(result), indent=2, allow_nan=False) + "\n",
        REPS_CSV: reps_csv(result.summary),
        ANGLES_CSV: angles_csv(result.feedback, key),
    }


def prepare_out_dir(out_dir: str | Path) -> Path:
    """Create ``out_dir`` (and missing parents); raise ``OutputError`` before any work if it cannot be.

    Raises:
        OutputError: ``out_dir`` is a file, or cannot be created or written.
    """
    with output_folder(out_dir) as out:
        return out


def write_outputs(result: AnalysisResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``report.json``, ``reps.csv`` and ``angles.csv`` into ``out_dir``.

    Returns:
        ``{"report": path, "reps": path, "angles": path}``; the annotated video
        is written during analysis (``analyze_video(annotated_path=...)``).

    Raises:
        OutputError: The folder cannot be created or written.
    """
    out = prepare_out_dir(out_dir)
    written = atomic_write_texts(out, report_texts(result))
    return {"report": written[REPORT_NAME], "reps": written[REPS_CSV], "angles": written[ANGLES_CSV]}


def format_summary(summary: SetSummary, source: str = "", spec: Any = None) -> str:
    """A few human lines about a set (the CLI prints them); with ``spec``, faults in its words."""
    head = f"{source}: {summary.title}" if source else summary.title
    reps = f"reps: {summary.reps}"
    if summary.partial_reps:
        reps += f" (+{summary.partial_reps} partial)"
    if summary.reps_by_side:
        reps += "   by side: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.reps_by_side.items()))
    lines = [head, "  " + reps]
    if summary.count_confidence:  # the second, spec-free count of the same signal (docs/accuracy.md)
        lines.append(f"  count check: {summary.count_confidence}")
    if "moved" in summary.extra:  # the spec-free counter: what moved, how fast it repeated
        period = summary.extra.get("period_s")
        lines.append(f"  moved: {', '.join(summary.extra['moved']) or 'nothing repeated'}"
                     + (f"   rep period: {period:.1f} s" if period else ""))
    for h in summary.holds:
        target = f"; target {h.target_s:.0f} s" if h.target_s else ""
        side = f" ({h.side} side)" if h.side else ""  # a stretch held to each side in turn
        lines.append(f"  hold{side} {h.start:.1f}-{h.end:.1f} s: {h.good_s:.1f} s good, {h.lost_s:.1f} s lost{target}")
    if summary.cues:
        by_id: dict[str, list[float]] = {}
        messages: dict[str, str] = {}
        for c in summary.cues:
            by_id.setdefault(c.id, []).append(c.start)
            messages[c.id] = c.message
        for cid, times in by_id.items():
            at = ", ".join(f"{t:.1f}" for t in times[:6]) + (" ..." if len(times) > 6 else "")
            lines.append(f"  cue {cid} ×{len(times)} \"{messages[cid]}\" at {at} s")
    else:
        lines.append("  cues: none")
    lines.append(f"  score: {summary.score}/100   {summary.frames_with_person}/{summary.frames} frames "
                 f"with a person, {summary.duration_s:.1f} s")
    for loss in summary.score_losses:
        lines.append(f"    -{loss.points}: {loss_words(loss, spec)}")
    if (cut := edge_sentence(summary)) is not None:
        lines.append(f"    {cut}")
    if summary.reason:
        lines.append(f"  why nothing was counted: {summary.reason}")
    for note in summary.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
