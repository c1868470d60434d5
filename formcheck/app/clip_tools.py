"""Plain helpers behind the Review and Samples pages (no streamlit here).

* :func:`check_upload`: empty, oversized or non-video uploads are refused before decoding
  (sizes in the words of :func:`megabytes`).
* :func:`track_table`, :func:`rep_table`, :func:`cue_table`: tidy frames for charts and tables.
* :func:`compare_with_label`: per-rep and per-fault match/mismatch against a ground-truth label.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from formcheck.app.settings import VIDEO_TYPES
from formcheck.pipeline.metrics import Span, overlaps
from formcheck.records.errors import VideoSourceError
from formcheck.records.feedback import SetSummary
from formcheck.records.labels import ClipLabel
from formcheck.sinks.chart_data import ChartGroup


def sniff_video(head: bytes) -> bool:
    """True when the first bytes look like a video container we can decode (MP4/MOV, MKV/WebM, AVI)."""
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return True
    if head[:4] == b"\x1a\x45\xdf\xa3":  # Matroska / WebM (EBML)
        return True
    return head[:4] == b"RIFF" and head[8:12] == b"AVI "


def megabytes(size_bytes: int) -> str:
    """A size in MB (2**20 bytes) as people write it: at most 3 decimals, no trailing zeros.

    Example:
        >>> megabytes(524_288), megabytes(200 * 2**20), megabytes(550_000), megabytes(1048)
        ('0.5', '200', '0.525', '0.001')
    """
    return f"{round(size_bytes / 2**20, 3):g}"


def check_upload(name: str, size: int, head: bytes, limit_bytes: int) -> None:
    """Reject empty, oversized and non-video uploads before any decoding (or copying).

    Args:
        name: The file's name as the user knows it.
        size: Its size in bytes.
        head: Its first 16 bytes (or all of it, when shorter).
        limit_bytes: The largest size accepted.

    Raises:
        VideoSourceError: With a one-line message naming the file and the problem.

    Example:
        >>> check_upload("set.mp4", 5 * 2**20, b"\\x00\\x00\\x00\\x18ftypmp42", 2**20)
        Traceback (most recent call last):
        formcheck.records.errors.VideoSourceError: set.mp4: 5 MB is over the 1 MB limit (trim the clip, ...)
    """
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in VIDEO_TYPES:
        raise VideoSourceError(f"{name}: not a video file type ({', '.join(VIDEO_TYPES)} accepted)")
    if size <= 0:
        raise VideoSourceError(f"{name}: the file is empty")
    if size > limit_bytes:
        raise VideoSourceError(f"{name}: {megabytes(size)} MB is over the {megabytes(limit_bytes)} MB "
                               "limit (trim the clip, or raise FORMCHECK_UPLOAD_MB)")
    if not sniff_video(head):
        raise VideoSourceError(f"{name}: this is not a video file (its content is not MP4/MOV, MKV/WebM or AVI)")


def track_table(group: ChartGroup) -> pd.DataFrame:
    """Long table ``t, value, feature, segment`` of a chart's features, unknown values left out.

    ``segment`` counts the unbroken runs of each feature: drawn as separate lines,
    a stretch with nobody in view stays a gap instead of a straight line across it.
    """
    frames = []
    for track in group.tracks:
        known = np.isfinite(track.values)
        segment = np.cumsum(np.diff(np.concatenate([[False], known]).astype(int)) == 1)
        frames.append(pd.DataFrame({"t": track.t[known], "value": track.values[known], "feature": track.label,
                                    "segment": [f"{track.label}#{k}" for k in segment[known]]}))
    if not frames:
        return pd.DataFrame(columns=["t", "value", "feature", "segment"])
    return pd.concat(frames, ignore_index=True)


def rep_table(summary: SetSummary) -> pd.DataFrame:
    """One row per rep, for display and charts (times in s, ROM in the signal's units)."""
    rows = [{
        "rep": r.index, "side": r.side or "", "start": round(r.start, 2), "peak": round(r.peak, 2),
        "end": round(r.end, 2), "complete": r.complete, "counted": r.counted,
        "ROM": round(r.rom, 1), "ROM / needed": round(r.rom_fraction, 1), "up s": round(r.tempo_up, 2),
        "hold s": round(r.tempo_hold, 2), "down s": round(r.tempo_down, 2), "quality": r.quality,
        "cues": ", ".join(r.cues),
    } for r in summary.rep_rows]
    return pd.DataFrame(rows, columns=["rep", "side", "start", "peak", "end", "complete", "counted", "ROM",
                                       "ROM / needed", "up s", "hold s", "down s", "quality", "cues"])


def cue_table(summary: SetSummary) -> pd.DataFrame:
    """One row per cue raised: id, message, start, end (None = to the end of the set), rep.

    A set-level cue (raised between reps) shows "between reps" as its rep.
    """
    rows = [{"cue": c.id, "message": c.message, "start": round(c.start, 2),
             "end": round(c.end if c.end is not None else summary.duration_s, 2),
             "rep": str(c.rep) if c.rep is not None else "between reps"}
            for c in summary.cues]
    return pd.DataFrame(rows, columns=["cue", "message", "start", "end", "rep"])


@dataclass(frozen=True, slots=True)
class LabelComparison:
    """Ground truth next to what formcheck found on a sample clip."""

    true_reps: int
    found_reps: int
    reps: pd.DataFrame  # one row per labelled and per unmatched found rep
    faults: pd.DataFrame  # one row per labelled fault and per cue not matching any fault

    @property
    def count_match(self) -> bool:
        return self.true_reps == self.found_reps


def compare_with_label(label: ClipLabel, summary: SetSummary) -> LabelComparison:
    """Match labelled reps to found reps (time overlap, same side) and faults to cues (id + overlap).

    A found rep is used for at most one labelled rep, greedily in time order.
    """
    found = [r for r in summary.rep_rows if r.complete and r.counted]
    used: set[int] = set()
    rep_rows: list[dict[str, Any]] = []
    for i, rep in enumerate(label.reps, start=1):
        truth = Span("rep", rep.start, rep.end)
        hit = next((f for f in found if f.index not in used and overlaps(truth, Span("rep", f.start, f.end))
                    and (rep.side is None or f.side in (None, rep.side))), None)
        if hit is not None:
            used.add(hit.index)
        expected = "complete" if rep.complete else "partial"
        ok = (hit is not None) == rep.complete
        rep_rows.append({"label rep": i, "side": rep.side or "", "label": f"{rep.start:.1f}-{rep.end:.1f} s",
                         "expected": expected, "found": f"{hit.start:.1f}-{hit.end:.1f} s" if hit else "—",
                         "result": "match" if ok else "mismatch"})
    for f in found:
        if f.index not in used:
            rep_rows.append({"label rep": None, "side": f.side or "", "label": "—", "expected": "no rep",
                             "found": f"{f.start:.1f}-{f.end:.1f} s", "result": "mismatch (extra rep)"})
    cues = [Span(c.id, c.start, c.end) for c in summary.cues]
    fault_rows: list[dict[str, Any]] = []
    for fault in label.faults:
        span = Span(fault.id, fault.start, fault.end)
        hit_cue = any(c.id == span.id and overlaps(c, span, summary.duration_s) for c in cues)
        fault_rows.append({"fault": fault.id, "label": f"{fault.start:.1f}-{fault.end:.1f} s",
                           "result": "match" if hit_cue else "mismatch (missed)"})
    faults = [Span(f.id, f.start, f.end) for f in label.faults]
    for c in cues:
        if not any(c.id == f.id and overlaps(c, f, summary.duration_s) for f in faults):
            end = f"{c.end:.1f}" if c.end is not None else "end"
            fault_rows.append({"fault": c.id, "label": "—", "result": f"mismatch (cue at {c.start:.1f}-{end} s)"})
    return LabelComparison(
        true_reps=label.reps_complete, found_reps=summary.reps,
        reps=pd.DataFrame(rep_rows, columns=["label rep", "side", "label", "expected", "found", "result"]),
        faults=pd.DataFrame(fault_rows, columns=["fault", "label", "result"]),
    )
