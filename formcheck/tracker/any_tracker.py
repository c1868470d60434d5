"""The tracker for "Any exercise": ``Tracker``'s surface around the spec-free counter.

``AnyTracker(any_spec()).update(frame) -> Feedback`` counts live with
:class:`~formcheck.tracker.any_counter.AnyCounter` (nothing is counted until it has
learned the movement from the first reps; then those reps count at once);
``process(frames)`` counts a whole clip with
:func:`~formcheck.tracker.any_counter.count_clip`. It has no form rules: it does not
know the form. What it judges is consistency: a rep much quicker than the set's usual
one raises ``too_fast``, a movement well short of the set's usual range is a partial
rep. The summary's ``extra`` names the body parts that moved and the rep period.

Example:
    >>> from formcheck.records.frame import PoseFrame
    >>> tr = AnyTracker(any_spec())
    >>> tr.update(PoseFrame.empty(0.0, (640, 360))).phase
    'not_visible'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np

from formcheck.features.pose_axis import BODY_INDEX, pose_vector, pose_vectors
from formcheck.records.feedback import Cue, Feedback, Phase, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.spec import ExerciseSpec
from formcheck.tracker.any_counter import AnyCounter, count_clip
from formcheck.tracker.rep_counter import RepEvent
from formcheck.tracker.scoring import RepJudging, make_rep_record
from formcheck.tracker.set_log import SetLog
from formcheck.tracker.tracker import Tracker

#: The exercise id that selects the spec-free counter (CLI ``--exercise any``, the app's picker).
ANY = "any"
#: A landmark counts as seen at this visibility; a frame needs most of the body seen.
MIN_VISIBILITY, MIN_SEEN = 0.3, 0.6


def any_spec() -> ExerciseSpec:
    """The stand-in spec of "Any exercise": a name, a title, no rules, no setup pose.

    Its ``rep`` section only sets the tempo floor (``min_duration``) and turns the range target
    off; the counter does not read it.
    """
    return ExerciseSpec.model_validate({
        "name": ANY, "title": "Any exercise", "view": "any", "kind": "reps", "visible": [],
        "description": "Counts whatever you repeat: no spec, no form cues beyond tempo and range consistency.",
        "placement": "Whole body in frame; the camera still.",
        "key_features": ["hip_angle"], "setup_s": 0.0,
        "rep": {"signal": "hip_angle", "start": 0.0, "peak": 1.0, "min_duration": 0.3, "max_duration": 60.0}})


def _seen(frame: PoseFrame) -> bool:
    return frame.has_person and float(np.mean(frame.visibility[BODY_INDEX] >= MIN_VISIBILITY)) >= MIN_SEEN


class AnyTracker:
    """Counts the reps of whatever the person repeats; the same surface as ``Tracker``.

    Args:
        spec: :func:`any_spec` (the report's exercise id and title come from it).
        count_leading: Unused (the spec-free counter never counts a movement under way at the start).
    """

    def __init__(self, spec: ExerciseSpec | None = None, *, count_leading: bool = True) -> None:
        self.spec = spec or any_spec()
        self._counter = AnyCounter()
        self._log = SetLog(self.spec)
        self.reset()

    @property
    def reps(self) -> int:
        return self._log.reps

    @property
    def partial_reps(self) -> int:
        return self._log.partial_reps

    @property
    def reps_by_side(self) -> dict[str, int]:
        return {}

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def period_s(self) -> float | None:
        """The rep period learned (None before)."""
        return self._counter.axis.period_s if self._counter.axis is not None else None

    @property
    def parts(self) -> tuple[str, ...]:
        """The body parts that move in the rep (empty before it is learned)."""
        return self._counter.axis.parts if self._counter.axis is not None else ()

    def reset(self) -> None:
        """Forget everything (a new set): the learned movement too."""
        self._counter.reset()
        self._log.reset()
        self._cues: list[Cue] = []
        self._phase: Phase = "not_visible"
        self._t0: float | None = None
        self._t = 0.0
        self._frames = self._with_person = self._crowded = 0

    def _see(self, frame: PoseFrame) -> None:
        t = float(frame.t)
        self._t0 = t if self._t0 is None else self._t0
        self._t = t
        self._frames += 1
        self._with_person += int(frame.has_person)
        self._crowded += int(frame.num_people > 1)

    def _record(self, ev: RepEvent) -> None:
        rec, cues = make_rep_record(self.spec, ev, self._log.next_index, None, [],
                                    judging=RepJudging(usual_s=self._log.usual_duration, judge_range=False))
        self._cues += cues
        self._log.add(replace(rec, rom_fraction=round(ev.fraction, 3)))

    def update(self, frame: PoseFrame) -> Feedback:
        """Advance by one frame (live)."""
        self._see(frame)
        if not _seen(frame):
            self._phase = "not_visible"
            return self._emit(frame)
        vec = pose_vector(frame.image)
        for ev in self._counter.update(float(frame.t), vec):
            self._record(ev)
        c = self._counter.counter
        self._phase = "setup" if c is None else "ready" if self.reps + self.partial_reps == 0 and not c.in_rep \
            else c.phase
        return self._emit(frame, c.progress(self._counter.signal) if c is not None and c.in_rep else 0.0)

    def process(self, frames: Sequence[PoseFrame]) -> list[Feedback]:
        """A whole clip at once (offline: the axis and period come from the whole clip)."""
        self.reset()
        if not frames:
            return []
        seen = np.array([_seen(f) for f in frames])
        t = np.array([float(f.t) for f in frames])
        vecs = pose_vectors(np.stack([f.image[:, :2] for f in frames]), seen)
        fps = (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 30.0
        found = count_clip(vecs, fps, t)
        self._counter.axis = found.axis
        events = list(found.events)
        out = []
        for i, f in enumerate(frames):
            self._see(f)
            while events and events[0].end <= t[i]:
                self._record(events.pop(0))
            inside = any(e.start <= t[i] for e in events[:1])
            self._phase = "not_visible" if not seen[i] else "ascent" if inside else "start"
            out.append(self._emit(f))
        for ev in events:
            self._record(ev)
        return out

    def _emit(self, frame: PoseFrame, progress: float = 0.0) -> Feedback:
        log = self._log
        return Feedback(t=float(frame.t), phase=self._phase, reps=log.reps, partial_reps=log.partial_reps,
                        rom_fraction=round(min(max(progress, 0.0), 1.2), 3) if math.isfinite(progress) else 0.0,
                        features={n: math.nan for n in self.spec.key_features}, last_rep=log.last_rep,
                        num_people=frame.num_people)

    def summary(self, unfinished: Literal["partial", "ignore"] = "partial") -> SetSummary:
        """The set so far; ``extra`` holds ``moved`` (body parts) and ``period_s``."""
        t = self._t
        s = self._log.summary([], [], self._cues, self._t0 if self._t0 is not None else t, t, self._frames,
                              self._with_person, self._crowded)
        period = self.period_s
        extra = {"moved": list(self.parts), "period_s": round(float(period), 2) if period is not None else None,
                 "counter": "spec-free"}
        reason = None
        if s.reps == 0:
            reason = ("no person was seen in the clip" if self._with_person == 0 else
                      "no repeated movement was found" if self.period_s is None and self._counter.learning else
                      "a repeated movement was found but no full rep")
        return replace(s, extra={**s.extra, **extra}, reason=reason)


def make_tracker(spec: ExerciseSpec, *, count_leading: bool = True) -> Tracker | AnyTracker:
    """The tracker of an exercise: the spec-free one for :func:`any_spec`, else ``Tracker(spec)``."""
    if spec.name == ANY:
        return AnyTracker(spec)
    return Tracker(spec, count_leading=count_leading)
