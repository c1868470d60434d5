"""Live: a movement that looks like another exercise does not count towards the set's.

A rep counter follows one signal; a bird-dog's leg moves the hip angle a glute bridge counts,
so bird-dogs during a bridge set were counted as bridges ("Push your hips higher") and the set
was marked done. :class:`ExerciseCheck` keeps the live set's recent frames and judges each
finished attempt with the specs' own reading (:func:`formcheck.pipeline.recognise.read_specs`), causally and once
per attempt (a few tens of milliseconds):

* **not the set's exercise**: over the attempt itself (from just before it began), the set's
  start posture is not held (the recogniser's ``posture``, its best-held fifth);
* **clearly another one**: over the last few seconds, another exercise scores well (posture,
  movement, the limbs that move) and several times better than the set's own over the attempt.

Only both together veto the attempt: it then counts for nothing (no rep, no partial) and the
user sees and hears "That looks like a bird-dog; this set is glute bridge". Exercises of one
family (a bridge and a hip thrust, a superman and its hold) share a posture, so the first test
keeps them apart from any veto. No attempt of the sample clips, nor of the filmed clips, is
vetoed by its own exercise (``tests/test_exercise_check.py``). The pose reading of a posture it
does not hold stays low even at a few frames a second (bird-dogs as a bridge: 0.2-0.4, each
exercise's own clips: 0.5 or more), and the other exercise must be read well besides.

Example:
    >>> check = ExerciseCheck(load_spec("glute_bridge"))  # doctest: +SKIP
    >>> tracker = Tracker(check.spec, count_leading=False, veto=check)  # doctest: +SKIP
    >>> for frame in frames:  # doctest: +SKIP
    ...     check.see(frame)
    ...     feedback = tracker.update(frame)
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence

from formcheck.pipeline.recognise import Candidate, read_specs
from formcheck.records.frame import PoseFrame
from formcheck.spec import ExerciseSpec, list_specs

#: The attempt is judged from this many seconds before it began (the rest it started from).
BEFORE_S = 0.5
#: Another exercise is looked for over the last this many seconds (an alternating exercise's two
#: sides, a rep and the rest around it), the better reading of the two kept.
RECENT_S = (6.0, 10.0)
#: The set's start posture is held less than this over the attempt (the recogniser's 0-1) ...
NOT_THIS = 0.45
#: ... and another exercise scores at least this ...
OTHER_MIN = 0.65
#: ... and this many times the set's own score over the attempt: the attempt is vetoed.
OTHER_RATIO = 5.0
#: Frames kept (seconds): an attempt longer than this is judged on its last part.
KEEP_S = 15.0


def article(title: str) -> str:
    """``"a bird-dog"``, ``"an upper-trap stretch"``: the exercise's title as a noun in a sentence
    (its variant in brackets left out).

    Example:
        >>> article("Bird-dog"), article("Upper-trap stretch"), article("Plank (forearm)")
        ('a bird-dog', 'an upper-trap stretch', 'a plank')
    """
    word = re.sub(r"\s*\(.*?\)", "", title).strip().lower()
    return ("an " if word[:1] in "aeiou" else "a ") + word


def wrong_exercise_message(seen: str, chosen: str) -> str:
    """What the user hears when an attempt looked like another exercise.

    Example:
        >>> wrong_exercise_message("Bird-dog", "Glute bridge")
        'That looks like a bird-dog; this set is glute bridge'
    """
    return f"That looks like {article(seen)}; this set is {chosen.lower()}"


class ExerciseCheck:
    """The live set's recent frames, and the veto of attempts that look like another exercise.

    Use it as the tracker's ``veto`` (:data:`formcheck.tracker.tracker.RepVeto`) and hand it
    each frame (:meth:`see`) before the tracker.

    Args:
        spec: The set's exercise.
        names: The exercises it may look like instead (default: every spec).
    """

    def __init__(self, spec: ExerciseSpec, names: Sequence[str] | None = None) -> None:
        self.spec = spec
        self.names = list(names) if names is not None else list_specs()
        if spec.name not in self.names:
            self.names.append(spec.name)
        self._frames: deque[PoseFrame] = deque()
        #: ``(start, end, other exercise)`` of each vetoed attempt, for tests and reports.
        self.vetoed: list[tuple[float, float, str]] = []

    def see(self, frame: PoseFrame) -> None:
        """Keep ``frame`` (the last :data:`KEEP_S` seconds are kept)."""
        self._frames.append(frame)
        while self._frames and frame.t - self._frames[0].t > KEEP_S:
            self._frames.popleft()

    def __call__(self, start: float, end: float) -> str | None:
        """The message when the attempt from ``start`` to ``end`` (s) looked like another exercise, else None."""
        frames = [f for f in self._frames if f.t <= end]
        own = self._own([f for f in frames if f.t >= start - BEFORE_S])
        if own is None or own.posture >= NOT_THIS:
            return None
        other = self._other(frames, min(start - BEFORE_S, end - min(RECENT_S)))
        if other is None or other.score < max(OTHER_MIN, OTHER_RATIO * own.score):
            return None
        self.vetoed.append((start, end, other.name))
        return wrong_exercise_message(other.title, str(self.spec.title))

    def _other(self, frames: Sequence[PoseFrame], since: float) -> Candidate | None:
        """The best other exercise over the recent seconds (each of :data:`RECENT_S`: a short window
        misses a movement cut by a pause, a long one dilutes a change of exercise)."""
        best: Candidate | None = None
        for span in RECENT_S:
            end = frames[-1].t if frames else 0.0
            ranked = read_specs([f for f in frames if f.t >= min(since, end - span)], self.names).candidates
            found = next((c for c in ranked if c.name != self.spec.name), None)
            if found is not None and (best is None or found.score > best.score):
                best = found
        return best

    def _own(self, frames: Sequence[PoseFrame]) -> Candidate | None:
        """The set's exercise read on ``frames`` (None when too few show a person to judge)."""
        if sum(f.has_person for f in frames) < 5:
            return None
        return next(iter(read_specs(frames, [self.spec.name]).candidates), None)
