"""The spec-free counter on the RepCount-pose benchmark's landmarks (``formcheck eval --repcount DIR``).

The folder holds ``NAME.npy`` (one row per frame: the 33 landmarks' x, y, z, each axis
min-max normalised within the frame, then 5 joint angles; all-zero rows: no person) and
``labels.csv`` (``name, type, count, boundaries``). Each clip is counted by
:func:`formcheck.tracker.any_counter.count_clip` on the landmarks' x and y, told nothing
about the exercise. Scores are RepCount's: MAE is the mean of ``|pred - count| / count``,
OBO the share of clips with ``|pred - count| <= 1``.

Example:
    >>> rows = run_repcount("../shared/repcount_pose")  # doctest: +SKIP
    >>> print(format_repcount(rows))  # doctest: +SKIP
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.features.pose_axis import BODY, fill_missing
from formcheck.pose.landmarks_file import MAX_FRAMES
from formcheck.records.errors import LabelError
from formcheck.tracker.any_counter import count_clip

#: The benchmark's frame rate is not stored; its clips are 25-30 fps.
FPS = 30.0
#: Rows compared at a time to find the frames without a person.
_CHUNK = 50_000
LABELS = "labels.csv"


@dataclass(frozen=True)
class RepcountRow:
    """One clip: its name, exercise type, labelled count, the count, and the period found (s)."""

    name: str
    type: str
    count: int
    predicted: int
    period_s: float

    @property
    def error(self) -> float:
        return abs(self.predicted - self.count) / self.count

    @property
    def off_by_one(self) -> bool:
        return abs(self.predicted - self.count) <= 1


def load_repcount_landmarks(path: Path) -> np.ndarray:
    """A clip's pose vectors: body landmarks' x, y of each row, lost frames filled.

    The file is mapped, not read: its shape is checked from the header (at most
    :data:`MAX_FRAMES` rows, 2 hours at 60 fps), and only the 99 landmark columns
    become floats. Before, a 99 MB file of bytes became 800 MB of floats and more.
    """
    try:
        raw = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError) as exc:
        raise LabelError(f"{path}: not a RepCount-pose landmarks file ({exc})") from exc
    if not isinstance(raw, np.ndarray) or raw.ndim != 2 or raw.shape[1] < 99:
        shape = raw.shape if isinstance(raw, np.ndarray) else "not one array"
        raise LabelError(f"{path}: expected rows of at least 99 columns (33 landmarks x, y, z), got {shape}")
    if len(raw) > MAX_FRAMES:
        raise LabelError(f"{path}: {len(raw):,} rows, over the {MAX_FRAMES:,} of 2 hours at 60 fps")
    try:
        a = np.array(raw[:, :99], dtype=np.float64)
        present = np.zeros(len(raw), bool)
        for start in range(0, len(raw), _CHUNK):  # a row of zeros is a frame without a person
            present[start:start + _CHUNK] = (raw[start:start + _CHUNK] != 0).any(axis=1)
    except (TypeError, ValueError) as exc:  # not numbers
        raise LabelError(f"{path}: not a RepCount-pose landmarks file ({exc})") from exc
    xy = a.reshape(len(a), 33, 3)[:, BODY, :2].reshape(len(a), -1)
    return fill_missing(xy, present)


def run_repcount(folder: str | Path, names: set[str] | None = None,
                 log: Callable[[str], None] | None = None) -> list[RepcountRow]:
    """Count every clip listed in ``folder/labels.csv`` (only ``names`` when given).

    Raises:
        LabelError: No ``labels.csv``, a malformed row, or a listed clip missing.
    """
    root = Path(folder)
    labels = root / LABELS
    if not labels.is_file():
        raise LabelError(f"--repcount: no {LABELS} in {root} (expected the RepCount-pose folder format)")
    rows = []
    with labels.open(newline="") as fh:
        for rec in csv.DictReader(fh):
            try:
                name, kind, count = rec["name"].strip(), rec["type"].strip(), int(rec["count"])
            except (KeyError, ValueError, AttributeError) as exc:
                raise LabelError(f"{labels}: a row without name, type and a whole count: {rec}") from exc
            if names is not None and name not in names:
                continue
            if count <= 0:
                continue  # MAE divides by the count: RepCount's own scripts leave such clips out too
            vecs = load_repcount_landmarks(root / name)
            found = count_clip(vecs, FPS)
            rows.append(RepcountRow(name, kind, count, found.reps,
                                    found.axis.period_s if found.axis is not None else float("nan")))
            if log is not None:
                log(f"{name}: {found.reps} (label {count})")
    return rows


def scores(rows: list[RepcountRow]) -> dict[str, tuple[int, float, float]]:
    """Per type and ``"all"``: (clips, MAE, OBO)."""
    groups: dict[str, list[RepcountRow]] = {}
    for r in rows:
        groups.setdefault(r.type, []).append(r)
    out = {k: (len(v), float(np.mean([r.error for r in v])), float(np.mean([r.off_by_one for r in v])))
           for k, v in sorted(groups.items())}
    if rows:
        out["all"] = (len(rows), float(np.mean([r.error for r in rows])), float(np.mean([r.off_by_one for r in rows])))
    return out


def format_repcount(rows: list[RepcountRow], per_clip: bool = False) -> str:
    """The table ``formcheck eval --repcount`` prints: per type and overall (and each clip)."""
    lines = []
    if per_clip:
        lines += [f"{'clip':18} {'type':15} {'label':>5} {'count':>5} {'period':>7}"]
        lines += [f"{r.name:18} {r.type:15} {r.count:5d} {r.predicted:5d} {r.period_s:6.2f}s" for r in rows]
        lines.append("")
    lines.append(f"{'type':15} {'clips':>5} {'MAE':>6} {'OBO':>6}")
    for kind, (n, mae, obo) in scores(rows).items():
        lines.append(f"{kind:15} {n:5d} {mae:6.3f} {obo:6.3f}")
    return "\n".join(lines)
