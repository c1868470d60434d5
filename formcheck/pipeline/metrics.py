"""Accuracy metrics of the harness: pure functions on counts and time spans.

Definitions (as in the repetition-counting literature, e.g. RepCount-A):

* **count error**: how far the count lies outside ``[complete, complete + partial]``
  of the label (a rep cut by the clip's edge may be counted or not: the real
  clips' counting convention), 0 inside it;
* **exact-count rate**: share of clips whose count error is 0;
* **MAE**: mean of ``|pred - true| / true`` over clips; a clip with 0 true
  reps (no exercise, a hold) divides by 1 instead, so a phantom rep there
  costs as much as a miss on a one-rep clip;
* **OBO** (off-by-one accuracy): share of clips with ``|pred - true| <= 1``;
* **cue precision**: cues that overlap a labelled fault of the same id / all
  cues; **cue recall**: labelled faults overlapped by a cue of the same id /
  all labelled faults (a cue matches a fault when ids are equal and the time
  ranges overlap);
* **false cues per minute**: cues raised on clips labelled clean (no faults),
  per minute of such clips.

Only clips whose faults are labelled with times (``faults_known``) enter the
cue metrics: the real clips' faults are free text.

Example:
    >>> mae([ClipScore("a", "x", true_reps=4, pred_reps=5)])
    0.25
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A cue or a labelled fault: its id and time range in seconds (``end`` None = to the clip end)."""

    id: str
    start: float
    end: float | None = None


@dataclass(frozen=True)
class ClipScore:
    """What the harness found on one clip, next to its label.

    Attributes:
        name: Clip file name.
        exercise: Spec id used (or the label's exercise).
        true_reps / pred_reps: Complete reps in the label / counted.
        true_partial / pred_partial: Partial reps in the label / found.
        cues: Cues raised (all of them, with times).
        faults: Labelled faults with times; ignored when ``faults_known`` is False.
        faults_known: True when the label lists faults with times (sample clips).
        duration_s: Clip length.
        status: ``"ok"``, ``"no spec"`` (left out of the totals) or ``"error"``.
        note: Free text shown in the table (e.g. per-spec counts of a no-exercise clip).
    """

    name: str
    exercise: str | None
    true_reps: int = 0
    pred_reps: int = 0
    true_partial: int = 0
    pred_partial: int = 0
    cues: tuple[Span, ...] = ()
    faults: tuple[Span, ...] = ()
    faults_known: bool = True
    duration_s: float = 0.0
    status: str = "ok"
    note: str = ""
    true_hold_s: float | None = None
    pred_hold_s: float | None = None
    per_spec: dict[str, int] = field(default_factory=dict)
    view: str = ""  # the label's camera view (side, oblique, front, moving, 45 ...)
    kind: str = ""  # "sample" (generated) or "real" (filmed)
    any_reps: int | None = None  # the spec-free counter's count (``eval --exercise any``)
    any_period_s: float | None = None  # ... and the rep period it found
    count_confidence: str | None = None  # the set's second, spec-free count agreed? (``count_check``)

    @property
    def error(self) -> int:
        """Signed count error: 0 when ``true <= pred <= true + true_partial``, else the distance outside."""
        if self.pred_reps < self.true_reps:
            return self.pred_reps - self.true_reps
        return max(0, self.pred_reps - self.true_reps - self.true_partial)

    @property
    def scored(self) -> bool:
        """True when the clip enters the totals."""
        return self.status == "ok"


def overlaps(a: Span, b: Span, clip_end: float = float("inf")) -> bool:
    """True when two spans share at least one instant (touching ends count)."""
    a_end = clip_end if a.end is None else a.end
    b_end = clip_end if b.end is None else b.end
    return a.start <= b_end and b.start <= a_end


def match_cues(cues: Sequence[Span], faults: Sequence[Span],
               clip_end: float = float("inf")) -> tuple[int, int]:
    """Return (cues matching some fault, faults matched by some cue); ids must be equal."""
    cue_hits = sum(any(c.id == f.id and overlaps(c, f, clip_end) for f in faults) for c in cues)
    fault_hits = sum(any(c.id == f.id and overlaps(c, f, clip_end) for c in cues) for f in faults)
    return cue_hits, fault_hits


def _scored(scores: Sequence[ClipScore]) -> list[ClipScore]:
    return [s for s in scores if s.scored]


def exact_rate(scores: Sequence[ClipScore]) -> float | None:
    """Share of scored clips counted exactly (None when there are none)."""
    rows = _scored(scores)
    return sum(s.error == 0 for s in rows) / len(rows) if rows else None


def mae(scores: Sequence[ClipScore]) -> float | None:
    """Mean ``|pred - true| / max(true, 1)`` over scored clips."""
    rows = _scored(scores)
    return sum(abs(s.error) / max(s.true_reps, 1) for s in rows) / len(rows) if rows else None


def obo(scores: Sequence[ClipScore]) -> float | None:
    """Share of scored clips with ``|pred - true| <= 1``."""
    rows = _scored(scores)
    return sum(abs(s.error) <= 1 for s in rows) / len(rows) if rows else None


def cue_precision_recall(scores: Sequence[ClipScore]) -> tuple[float | None, float | None, int, int]:
    """(precision, recall, cues, faults) over scored clips whose faults are known.

    Precision is None when no cue was raised; recall is None when no fault is labelled.
    """
    rows = [s for s in _scored(scores) if s.faults_known]
    n_cues = sum(len(s.cues) for s in rows)
    n_faults = sum(len(s.faults) for s in rows)
    cue_hits = fault_hits = 0
    for s in rows:
        c, f = match_cues(s.cues, s.faults, s.duration_s)
        cue_hits += c
        fault_hits += f
    precision = cue_hits / n_cues if n_cues else None
    recall = fault_hits / n_faults if n_faults else None
    return precision, recall, n_cues, n_faults


def is_clean(score: ClipScore) -> bool:
    """A scored exercise clip with known faults and none labelled."""
    return score.scored and score.faults_known and not score.faults and score.exercise is not None


def false_cues_per_minute(score: ClipScore) -> float | None:
    """Cues per minute on one clean clip (None if the clip is not clean or has no length)."""
    if not is_clean(score) or score.duration_s <= 0:
        return None
    return len(score.cues) / (score.duration_s / 60.0)


def total_false_cues_per_minute(scores: Sequence[ClipScore]) -> tuple[float | None, float]:
    """(cues per minute over all clean clips, minutes of clean clips)."""
    rows = [s for s in scores if is_clean(s) and s.duration_s > 0]
    minutes = sum(s.duration_s for s in rows) / 60.0
    if not rows:
        return None, 0.0
    return sum(len(s.cues) for s in rows) / minutes, minutes


def false_cues_by_rule(scores: Sequence[ClipScore]) -> dict[str, int]:
    """How many cues each rule raised on clean clips, most first (which rules the false cues come from).

    Example:
        >>> clean = ClipScore("a", "deadlift", cues=(Span("too_fast", 1), Span("rounded_back", 2),
        ...                                          Span("too_fast", 5)))
        >>> false_cues_by_rule([clean])
        {'too_fast': 2, 'rounded_back': 1}
    """
    counts: dict[str, int] = {}
    for s in scores:
        if is_clean(s):
            for c in s.cues:
                counts[c.id] = counts.get(c.id, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class Totals:
    """Totals over the scored clips (None where a metric has no data)."""

    clips: int
    exact_rate: float | None
    mae: float | None
    obo: float | None
    cue_precision: float | None
    cue_recall: float | None
    cues: int
    faults: int
    false_cues_per_min: float | None
    clean_minutes: float
    not_scored: int


def totals(scores: Sequence[ClipScore]) -> Totals:
    """Every total metric of a harness run."""
    precision, recall, n_cues, n_faults = cue_precision_recall(scores)
    fcpm, minutes = total_false_cues_per_minute(scores)
    return Totals(clips=len(_scored(scores)), exact_rate=exact_rate(scores), mae=mae(scores),
                  obo=obo(scores), cue_precision=precision, cue_recall=recall, cues=n_cues,
                  faults=n_faults, false_cues_per_min=fcpm, clean_minutes=minutes,
                  not_scored=len(scores) - len(_scored(scores)))
