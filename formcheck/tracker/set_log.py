"""The set so far: rep records, counts per side, the last rep; turned into a ``SetSummary`` on demand.

Counts are kept beside the records because ``Feedback`` needs them on every
frame; they are recounted from the records (``scoring.count_reps``) when one is added.

Example:
    >>> from formcheck.spec import load_spec
    >>> log = SetLog(load_spec("glute_bridge"))
    >>> log.reps, log.partial_reps, log.next_index
    (0, 0, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

from formcheck.records.feedback import Cue, Hold, RepRecord, SetSummary
from formcheck.spec import ExerciseSpec
from formcheck.tracker.scoring import RUSHED, build_summary, count_reps


class SetLog:
    """Rep records of one set, in order.

    Args:
        spec: The exercise.
    """

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self.reset()

    def reset(self) -> None:
        self.rows: list[RepRecord] = []
        self.reps = 0
        self.partial_reps = 0
        self.by_side: dict[str, int] = {}
        self.last_rep: RepRecord | None = None

    @property
    def usual_duration(self) -> float | None:
        """Lower median duration of the complete reps so far (None before the first).

        Of an even number the quicker middle one: a slow first rep (getting into position, the
        set-up at the bar) does not make the reps after the second look rushed. One rep is no
        tempo yet: beside it, a rep is rushed only if it is also quicker than the spec's own
        controlled rep (``min_duration``), so the usual is capped where those two agree.
        """
        took = sorted(r.end - r.start for r in self.rows if r.complete)
        if not took:
            return None
        if len(took) == 1 and self.spec.rep is not None:
            return min(took[0], self.spec.rep.min_duration / RUSHED)
        return took[(len(took) - 1) // 2]

    def furthest(self, side: str | None) -> float | None:
        """The furthest far end (towards the spec's ``peak``) of the complete reps so far, of ``side``'s
        where each side has its own reps; None before the first."""
        rep = self.spec.rep
        ends = [r.extreme for r in self.rows
                if r.complete and (self.spec.sides != "each" or r.side == side)]
        if rep is None or not ends:
            return None
        return max(ends) if rep.direction > 0 else min(ends)

    @property
    def next_index(self) -> int:
        """1-based number of the next rep record."""
        return len(self.rows) + 1

    def add(self, rec: RepRecord) -> None:
        """Record a finished attempt and update the counts."""
        self.rows.append(rec)
        self.last_rep = rec
        self.reps, self.partial_reps, self.by_side = count_reps(self.spec, self.rows)

    def summary(self, extra_rows: Sequence[RepRecord], holds: Sequence[Hold], cues: Sequence[Cue],
                t0: float, t: float, frames: int, with_person: int, crowded_s: float) -> SetSummary:
        """The ``SetSummary`` of the rows so far plus ``extra_rows`` (attempts still under way)."""
        return build_summary(self.spec, [*self.rows, *extra_rows], holds, cues, t0, t, frames, with_person,
                             crowded_s)
