"""The accuracy harness: run the real pipeline over labelled clips and score it.

Given folders or files, it finds labels (``*.json`` in :class:`ClipLabel`
form beside sample clips, and ``labels.json`` lists of real clips), runs the
pose model on each video once (landmarks cached by the clip's sha256, see
:mod:`formcheck.pose.cache`), replays the landmarks through the tracker of the
labelled exercise, and scores counts and cues with :mod:`formcheck.pipeline.metrics`.

* A clip labelled ``exercise: null`` runs every rep spec; each must count 0.
* A clip whose exercise has no spec is listed as ``no spec`` and left out of
  the totals.

Example:
    >>> run = evaluate(["sample_videos", "../shared/real_clips"])  # doctest: +SKIP
    >>> print(format_table(run))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from formcheck.pipeline.metrics import (
    ClipScore,
    Span,
    Totals,
    false_cues_by_rule,
    false_cues_per_minute,
    match_cues,
    totals,
)
from formcheck.records.errors import LabelError
from formcheck.records.labels import ClipLabel, FaultLabel, load_fault_annotations, load_label, load_real_clip_labels

REAL_LABELS_NAME = "labels.json"
#: A JSON file beside a clip of the same name with one of these suffixes is that clip's label.
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")

#: Called with a line of text about progress (clip being processed).
Log = Callable[[str], None]


@dataclass(frozen=True)
class LabelledClip:
    """A label and the video it describes."""

    label: ClipLabel
    video: Path
    label_path: Path

    @property
    def faults_known(self) -> bool:
        """Faults with times: sample clips, and real clips listed in a fault annotation file."""
        return self.label.source.get("kind") != "real" or bool(self.label.source.get("faults_checked"))


#: Frame-checked faults of the development clips (ids and times), kept in the repository.
FAULT_ANNOTATIONS = Path(__file__).resolve().parents[2] / "labels" / "real_clip_faults.json"


def _with_faults(lab: ClipLabel, faults: dict[str, list[FaultLabel]]) -> ClipLabel:
    if lab.clip not in faults:
        return lab
    return lab.model_copy(update={"faults": faults[lab.clip], "source": {**lab.source, "faults_checked": True}})


def _label_file(path: Path, faults_file: Path | None = None, log: Log | None = None) -> list[LabelledClip]:
    if path.name == REAL_LABELS_NAME:
        annotations = load_fault_annotations(faults_file) if faults_file is not None and faults_file.is_file() else {}
        return [LabelledClip(_with_faults(lab, annotations), path.parent / lab.clip, path)
                for lab in load_real_clip_labels(path)]
    try:
        lab = load_label(path)
    except LabelError:
        # Other JSON files may sit beside the clips (manifests, configs): a file is a
        # label if it says which clip it describes, or if a clip of its name sits beside it.
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if (isinstance(data, dict) and "clip" in data) or _has_clip_beside(path):
            raise
        if log is not None:
            log(f"skipped {path}: not a clip label")
        return []
    return [LabelledClip(lab, path.parent / lab.clip, path)]


def _has_clip_beside(label: Path) -> bool:
    return any(label.with_suffix(ext).is_file() for ext in VIDEO_SUFFIXES)


def discover(paths: Iterable[str | Path], faults_file: str | Path | None = FAULT_ANNOTATIONS,
             log: Log | None = None) -> list[LabelledClip]:
    """Labelled clips under the given folders/label files, in path order.

    Args:
        paths: Folders of labelled clips, or label files.
        faults_file: Adds frame-checked faults to real clips (``labels.json`` folders); None: none.
        log: Told about each JSON file skipped as not a label.

    Raises:
        LabelError: A path does not exist, or a label file is invalid (a JSON file
            naming a clip, or beside a clip of its name, must be a valid label).
    """
    faults = Path(faults_file) if faults_file is not None else None
    out: list[LabelledClip] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            real = path / REAL_LABELS_NAME
            files = [real] if real.is_file() else sorted(path.glob("*.json"))
            for f in files:
                out += _label_file(f, faults, log)
        elif path.is_file() and path.suffix.lower() == ".json":
            out += _label_file(path, faults, log)
        elif path.is_file():
            raise LabelError(f"{path} is not a label file or a folder of labelled clips")
        else:
            raise LabelError(f"no such folder or label file: {path}")
    return out


def rep_specs() -> list[str]:
    """Ids of every spec that counts reps (those a no-exercise clip must not trigger)."""
    from formcheck.spec import list_specs, load_spec

    return [name for name in list_specs() if getattr(load_spec(name), "kind", "reps") == "reps"]


def _spans(cues: Iterable[Any]) -> tuple[Span, ...]:
    return tuple(Span(c.id, float(c.start), None if c.end is None else float(c.end)) for c in cues)


def _hold_seconds(summary: Any) -> float:
    return float(sum(h.good_s for h in summary.holds))


def _label_fields(clip: LabelledClip) -> dict[str, Any]:
    """The :class:`ClipScore` fields the label alone gives (what was filmed, not what was found)."""
    lab = clip.label
    return dict(name=lab.clip, true_reps=lab.reps_complete, true_partial=lab.reps_partial,
                faults=tuple(Span(f.id, f.start, f.end) for f in lab.faults), faults_known=clip.faults_known,
                duration_s=lab.duration_s, view=lab.view, kind="real" if lab.source.get("kind") == "real" else "sample")


def without_spec(clip: LabelledClip, known_specs: Sequence[str]) -> ClipScore | None:
    """The "no spec" row of a clip whose labelled exercise has no spec, else None.

    Known from the label alone: the harness lists such a clip without running the pose model on it.

    Example:
        >>> from formcheck.records.labels import ClipLabel
        >>> lab = ClipLabel(clip="a.mp4", exercise="handstand", view="side", fps=30.0, duration_s=5.0)
        >>> without_spec(LabelledClip(lab, Path("a.mp4"), Path("a.json")), ["plank"]).status
        'no spec'
    """
    exercise = clip.label.exercise
    if exercise is None or exercise in known_specs:
        return None
    return ClipScore(exercise=exercise, status="no spec", note="no spec for this exercise",
                     **_label_fields(clip))


def score_clip(clip: LabelledClip, frames: Sequence[Any], known_specs: Sequence[str],
               spec_ids: Sequence[str]) -> ClipScore:
    """Run the tracker(s) a label calls for over cached frames and compare with the label."""
    from formcheck.pipeline.analysis import analyze_frames

    lab = clip.label
    base = _label_fields(clip)
    if lab.exercise is None:
        per_spec: dict[str, int] = {}
        cues: list[Span] = []
        for sid in spec_ids:
            result = analyze_frames(frames, sid, source=str(clip.video))
            per_spec[sid] = result.summary.reps
            cues += _spans(result.summary.cues)
        counted = {k: v for k, v in per_spec.items() if v}
        note = "all rep specs: 0" if not counted else "counted by " + ", ".join(f"{k}={v}" for k, v in counted.items())
        return ClipScore(exercise=None, pred_reps=sum(per_spec.values()), cues=tuple(cues), note=note,
                         per_spec=per_spec, **base)
    unscored = without_spec(clip, known_specs)
    if unscored is not None:
        return unscored
    result = analyze_frames(frames, lab.exercise, source=str(clip.video))
    s = result.summary
    true_hold = sum(h.end - h.start for h in lab.holds) if lab.holds else None
    note = "; ".join(s.notes)
    return ClipScore(exercise=lab.exercise, pred_reps=s.reps, pred_partial=s.partial_reps,
                     cues=_spans(s.cues), note=note, true_hold_s=true_hold,
                     pred_hold_s=_hold_seconds(s) if (s.holds or true_hold) else None,
                     count_confidence=s.count_confidence, **base)


@dataclass(frozen=True)
class EvalRun:
    """Per-clip scores and their totals."""

    clips: tuple[ClipScore, ...]
    totals: Totals

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``--json``)."""
        rows = []
        for c in self.clips:
            row = asdict(c)
            row["error"] = c.error
            cue_hits, fault_hits = match_cues(c.cues, c.faults, c.duration_s)
            row["cues_matching_faults"] = cue_hits if c.faults_known else None
            row["faults_matched"] = fault_hits if c.faults_known else None
            row["false_cues_per_min"] = false_cues_per_minute(c)
            rows.append(row)
        return {"clips": rows, "totals": asdict(self.totals)}


def evaluate(paths: Iterable[str | Path], *, cache_dir: str | Path | None = None,
             model_path: str | Path | None = None, log: Log | None = None,
             faults_file: str | Path | None = FAULT_ANNOTATIONS, frame_step: int = 1,
             also: Callable[[Sequence[Any], ClipScore], ClipScore] | None = None) -> EvalRun:
    """Score every labelled clip under ``paths`` (see the module docstring).

    ``frame_step`` > 1 runs the pose model on every n-th frame only (the
    reduced frame rate ``formcheck batch`` may use). ``also`` adds to each scored clip's row
    what another counter makes of the same frames (``eval --exercise any``).

    A labelled video that is missing or unreadable becomes a row with status
    ``"error"`` (left out of the totals) rather than stopping the run.

    Raises:
        LabelError: Invalid label or path.
        ModelError: No pose model.
        OutputError: ``cache_dir`` cannot be written (checked before any clip runs).
    """
    from formcheck.pose.cache import cached_pose, ready_cache_dir
    from formcheck.records.errors import VideoSourceError
    from formcheck.spec import list_specs

    clips = discover(paths, faults_file, log)
    cache_dir = ready_cache_dir(cache_dir)
    known = list_specs()
    spec_ids = rep_specs()
    scores = []
    for i, clip in enumerate(clips, 1):
        if log is not None:
            log(f"[{i}/{len(clips)}] {clip.video.name}")
        unscored = without_spec(clip, known)
        if unscored is not None:  # nothing to score it with: no minutes of the pose model for it
            scores.append(unscored)
            continue
        try:
            frames, _ = cached_pose(clip.video, cache_dir, model_path=model_path, frame_step=frame_step)
        except VideoSourceError as exc:
            # One missing or broken clip should not hide the others' results.
            scores.append(ClipScore(name=clip.label.clip, exercise=clip.label.exercise,
                                    true_reps=clip.label.reps_complete, status="error", note=str(exc)))
            continue
        row = score_clip(clip, frames, known, spec_ids)
        scores.append(also(frames, row) if also is not None else row)
    return EvalRun(clips=tuple(scores), totals=totals(scores))


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100.0 * x:.0f} %"


def _cue_cell(c: ClipScore) -> str:
    if not c.cues:
        return "-"
    ids: dict[str, int] = {}
    for cue in c.cues:
        ids[cue.id] = ids.get(cue.id, 0) + 1
    return " ".join(f"{k}×{v}" if v > 1 else k for k, v in ids.items())


def _fault_cell(c: ClipScore) -> str:
    if not c.faults_known:
        return "(free text)"
    if not c.faults:
        return "clean"
    _, hit = match_cues(c.cues, c.faults, c.duration_s)
    return f"{' '.join(sorted({f.id for f in c.faults}))} {hit}/{len(c.faults)}"


def _breakdown(run: EvalRun) -> list[str]:
    """Exact counts by exercise, by camera view and by source (sample or filmed)."""
    scored = [c for c in run.clips if c.status == "ok"]
    out = []
    keys: tuple[tuple[str, Callable[[ClipScore], str]], ...] = (
        ("by exercise", lambda c: c.exercise or "(none)"), ("by view", lambda c: c.view or "-"),
        ("by source", lambda c: c.kind or "-"))
    for title, key in keys:
        groups: dict[str, list[ClipScore]] = {}
        for c in scored:
            groups.setdefault(key(c), []).append(c)
        cells = [f"{k} {sum(c.error == 0 for c in v)}/{len(v)}" for k, v in sorted(groups.items())]
        out.append(f"exact {title}: " + ", ".join(cells))
    return out


def format_table(run: EvalRun) -> str:
    """The harness result as a plain-text table followed by the totals."""
    head = ("clip", "exercise", "true", "pred", "err", "partial t/p", "cues raised", "faults hit", "note")
    rows = []
    for c in run.clips:
        scored = c.status == "ok"
        rows.append((c.name, c.exercise or "(none)", str(c.true_reps), str(c.pred_reps) if scored else "-",
                     f"{c.error:+d}" if scored else "-",
                     f"{c.true_partial}/{c.pred_partial}" if scored else "-",
                     _cue_cell(c) if scored else "-", _fault_cell(c) if scored else "-",
                     c.note if scored else f"{c.status}: {c.note}" if c.status == "error" else c.status))
    for c in run.clips:
        if c.true_hold_s is not None and c.scored:
            i = run.clips.index(c)
            hold = f"hold {c.pred_hold_s or 0:.1f}/{c.true_hold_s:.1f} s"
            rows[i] = (*rows[i][:-1], (rows[i][-1] + "; " if rows[i][-1] else "") + hold)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    t = run.totals
    fcpm = "n/a" if t.false_cues_per_min is None else f"{t.false_cues_per_min:.2f}"
    out += [
        "",
        f"clips scored: {t.clips} (not scored: {t.not_scored})",
        f"exact count: {_pct(t.exact_rate)}   MAE: {'n/a' if t.mae is None else f'{t.mae:.3f}'}   "
        f"OBO (within 1): {_pct(t.obo)}",
        f"cue precision: {_pct(t.cue_precision)} of {t.cues} cues   cue recall: {_pct(t.cue_recall)} "
        f"of {t.faults} labelled faults   (clips with timed fault labels)",
        f"false cues per minute on clean clips: {fcpm} over {t.clean_minutes:.1f} min",
        _false_cue_rules(run),
    ]
    out += _breakdown(run)
    out.append(_count_checks(run))
    return "\n".join(out)


def _false_cue_rules(run: EvalRun) -> str:
    """Which rules the false cues on clean clips come from (its own line: scripts parse the one above)."""
    by_rule = false_cues_by_rule(run.clips)
    return "false cues by rule on clean clips: " + (
        ", ".join(f"{k} {v}" for k, v in by_rule.items()) if by_rule else "none")


def _count_checks(run: EvalRun) -> str:
    """How often the second, spec-free count agreed with the spec's (rep clips with a spec)."""
    kinds: dict[str, int] = {}
    for c in run.clips:
        if c.status == "ok" and c.count_confidence:
            kind = c.count_confidence.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    order = ("confirmed", "spec only", "movement only", "disagree", "nothing counted")
    return "count check: " + ", ".join(f"{k} {kinds[k]}" for k in order if k in kinds)
