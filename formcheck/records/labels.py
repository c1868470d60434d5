"""Ground-truth labels for clips: one schema for sample videos and real clips.

A label is a JSON file beside its clip (``clip.mp4`` → ``clip.json``)::

    {
      "schema_version": 1,
      "clip": "glute_bridge_side.mp4",        # file name, beside the label
      "exercise": "glute_bridge",             # a spec id
      "view": "side",                         # side | front | 45 | other
      "fps": 15.0, "duration_s": 12.0, "frame_count": 180, "size": [960, 540],
      "reps": [                                # every rep, complete or partial
        {"start": 1.0, "top": 2.0, "end": 3.2, "side": null, "complete": true}
      ],
      "holds": [{"start": 2.0, "end": 12.0, "side": null}],   # side: per-side stretches
      "faults": [{"id": "hips_low", "start": 4.0, "end": 6.0}],
      "landmarks": "glute_bridge_side.npz",   # generator joints (optional)
      "source": {"generator": "formcheck synth", "seed": 1, ...}
    }

``side`` is the subject's side that moves (``"left"``/``"right"``) for
alternating exercises, else null. (Bird-dog: the side of the extended arm, so
``"left"`` = left arm with right leg; one-arm exercises: the working arm.)
Synthetic clips (``formcheck synth``) also fill ``size``, ``frame_count`` and
``landmarks``; a partial rep is a rep with ``complete: false`` plus a
``partial_rep`` fault over the same time range; ``source.options`` holds every
generator option, so a clip can be re-created from its label. Fault ids are the ids of form rules in the
exercise specs, so a cue matches a fault when ids are equal and their time
ranges overlap.

Real clips come with a free-text ``labels.json`` list: :func:`load_real_clip_labels`
turns each entry into this schema (counts only; per-rep times unknown).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from formcheck.records.errors import LabelError

SCHEMA_VERSION: Literal[1] = 1

Side = Literal["left", "right"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepLabel(_Strict):
    """One repetition: start, top (peak) and end times in seconds."""

    start: float = Field(ge=0)
    top: float = Field(ge=0)
    end: float = Field(ge=0)
    side: Side | None = None
    complete: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> RepLabel:
        if not self.start <= self.top <= self.end:
            raise ValueError(f"rep times must satisfy start <= top <= end, got {self.start}, {self.top}, {self.end}")
        return self


class HoldLabel(_Strict):
    """A hold of the exercise's target position from ``start`` to ``end`` (s), on ``side`` for per-side stretches."""

    start: float = Field(ge=0)
    end: float = Field(ge=0)
    side: Side | None = None


class FaultLabel(_Strict):
    """A form fault (a spec form-rule id) present from ``start`` to ``end`` (s)."""

    id: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> FaultLabel:
        if self.end < self.start:
            raise ValueError(f"fault {self.id}: end {self.end} before start {self.start}")
        return self


class ClipLabel(_Strict):
    """Ground truth of one clip (see the module docstring for the JSON shape)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    clip: str
    exercise: str | None  # None: not an exercise we have a spec for / no exercise
    view: str = "side"
    fps: float = Field(gt=0)
    duration_s: float = Field(ge=0)
    frame_count: int | None = None
    size: tuple[int, int] | None = None
    reps: list[RepLabel] = Field(default_factory=list)
    holds: list[HoldLabel] = Field(default_factory=list)
    faults: list[FaultLabel] = Field(default_factory=list)
    landmarks: str | None = None
    source: dict[str, Any] = Field(default_factory=dict)
    # Real clips have counts but no per-rep times; then these are set directly.
    count_complete: int | None = None
    count_partial: int | None = None

    @property
    def reps_complete(self) -> int:
        if self.count_complete is not None:
            return self.count_complete
        return sum(1 for r in self.reps if r.complete)

    @property
    def reps_partial(self) -> int:
        if self.count_partial is not None:
            return self.count_partial
        return sum(1 for r in self.reps if not r.complete)

    def reps_by_side(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.reps:
            if r.complete and r.side:
                out[r.side] = out.get(r.side, 0) + 1
        return out

    @model_validator(mode="after")
    def _inside_clip(self) -> ClipLabel:
        limit = self.duration_s + 1e-6
        items: list[RepLabel | HoldLabel | FaultLabel] = [*self.reps, *self.holds, *self.faults]
        for item in items:
            if item.end > limit:
                raise ValueError(f"{type(item).__name__} ends at {item.end} s, after the clip ({self.duration_s} s)")
        return self


def load_label(path: str | Path) -> ClipLabel:
    """Read and validate one label file; errors name the file and field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        return ClipLabel.model_validate(data)
    except OSError as exc:
        raise LabelError(f"cannot read label {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise LabelError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise LabelError(f"{path}: field {where}: {first['msg']}") from exc


def save_label(path: str | Path, label: ClipLabel) -> None:
    """Write a label as pretty JSON (atomically)."""
    from formcheck.records.atomic import atomic_write_text

    text = json.dumps(label.model_dump(mode="json", exclude_none=False), indent=1)
    atomic_write_text(Path(path), text + "\n", suffix=".json")


def view_bucket(text: str) -> str:
    """A free-text camera view as one of ``side``, ``oblique``, ``front``, ``moving``.

    Example:
        >>> [view_bucket(v) for v in ("side (head left)", "front-oblique (~45 deg)", "head-on", "camera orbits")]
        ['side', 'oblique', 'front', 'moving']
    """
    t = text.strip().lower()
    if t.startswith(("camera orbits", "moving")) or "orbit" in t.split(",")[0]:
        return "moving"
    if t.startswith("side") or t.startswith("0"):
        return "side"
    if "oblique" in t.split(",")[0] or t.startswith(("45", "30", "60")):
        return "oblique"
    if t.startswith(("front", "head-on", "rear", "back")):
        return "front"
    return "other"


def load_fault_annotations(path: str | Path) -> dict[str, list[FaultLabel]]:
    """Frame-checked faults of real clips: ``{clip file name: [FaultLabel, ...]}`` (empty list: clean).

    Raises:
        LabelError: The file is unreadable or an entry is malformed (file and clip named).
    """
    path = Path(path)
    try:
        clips = json.loads(path.read_text(encoding="utf-8"))["clips"]
        return {name: [FaultLabel.model_validate(f) for f in entry["faults"]] for name, entry in clips.items()}
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise LabelError(f"{path}: not a fault annotation file ({type(exc).__name__}: {exc})") from exc


def load_real_clip_labels(path: str | Path) -> list[ClipLabel]:
    """Convert ``real_clips/labels.json`` (a list of free-text entries) to labels."""
    path = Path(path)
    try:
        entries = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise LabelError(f"cannot read {path}: {exc}") from exc
    labels = []
    for entry in entries:
        # The first word is the spec id (README of the real clips); the rest is free text.
        first_word = re.split(r"[\s(]", str(entry.get("exercise", "")).strip(), maxsplit=1)[0]
        exercise = first_word or None
        holds = []
        if entry.get("hold_s") is not None:
            holds = [HoldLabel(start=0.0, end=float(entry["hold_s"]))]
        try:
            width, height = (int(v) for v in str(entry["resolution"]).split("x"))
            labels.append(ClipLabel(
                clip=entry["file"], exercise=exercise, view=view_bucket(str(entry.get("view", "side"))),
                fps=float(entry["fps"]), duration_s=float(entry["duration_s"]),
                size=(width, height),
                holds=holds, count_complete=int(entry["reps_complete"]),
                count_partial=int(entry["reps_partial"]),
                source={"kind": "real", "notes": entry.get("notes", ""), "view_text": entry.get("view", ""),
                        "rep_times_s": entry.get("rep_times_s", ""), "form_faults": entry.get("form_faults", "")},
            ))
        except (KeyError, ValueError, ValidationError) as exc:
            raise LabelError(f"{path}: entry {entry.get('file', '?')}: {exc}") from exc
    return labels
