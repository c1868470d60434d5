"""The tracker: pose frames in, ``Feedback`` out, one frame at a time.

``Tracker(spec).update(frame)`` is the only stateful step of the engine. It
composes the pieces, each in its own module:

    frame → Guide (visible? placement) → SideFollower → FeatureStream (features,
          One-Euro) → setup gate → RepTracking (counters) or HoldTimer
          → RuleEngine (form cues) → SetLog (records, counts) → Feedback

States (``Feedback.phase``): ``not_visible`` → ``setup`` → ``ready`` → rep
phases (``ascent``/``peak``/``descent``/``start``) or ``hold``. Nothing is
counted before the setup pose has been held for ``spec.setup_s`` seconds,
nor while the required body parts are out of frame. Time comes from frame
timestamps only. ``process(frames)`` gives the same result as calling
``update`` on each frame but computes the features for the whole clip at once.

Example:
    >>> from formcheck.spec import load_spec
    >>> from formcheck.records.frame import PoseFrame
    >>> tr = Tracker(load_spec("plank"))
    >>> tr.update(PoseFrame.empty(0.0, (640, 360))).phase
    'not_visible'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Literal

from formcheck.features.frames import SIDES, LandmarkArrays, SideName
from formcheck.features.single_frame import LandmarkRows
from formcheck.features.smoothing import OneEuroFilter
from formcheck.records.feedback import Cue, Feedback, Hold, Phase, RepRecord, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.spec import ExerciseSpec
from formcheck.tracker.absence import Absence
from formcheck.tracker.count_check import check_count
from formcheck.tracker.crowd import Crowd
from formcheck.tracker.diagnosis import Diagnosis
from formcheck.tracker.feature_stream import FeatureStream, side_keys
from formcheck.tracker.form_rules import RuleEngine
from formcheck.tracker.guidance import Guide
from formcheck.tracker.hold_tracking import HoldTracking
from formcheck.tracker.landmark_fixes import LandmarkFixes
from formcheck.tracker.rep_counter import RepEvent
from formcheck.tracker.rep_tracking import RepTracking
from formcheck.tracker.scoring import RepJudging, build_summary, make_rep_record
from formcheck.tracker.set_log import SetLog
from formcheck.tracker.setup_gate import StartGate
from formcheck.tracker.side_follower import SideFollower

#: Judges a finished attempt by its time span: a message when the movement was another exercise
#: (it then counts for nothing: no rep, no partial, just that message as a cue), else None.
RepVeto = Callable[[float, float], str | None]
#: The cue of a vetoed attempt.
WRONG_EXERCISE = "wrong_exercise"


class Tracker:
    """State machine for one exercise spec.

    Args:
        spec: The exercise (see ``formcheck.spec.load_spec``).
        count_leading: A clip that starts in a rep's way down counts that rep (the labelled
            clips' convention); live, pass False: a movement under way at START is not the set.
        veto: Asked about each finished attempt (see :data:`RepVeto`); None: every one counts.

    Example:
        >>> # for frame in frames: fb = tracker.update(frame); print(fb.reps, fb.cues)
    """

    def __init__(self, spec: ExerciseSpec, *, count_leading: bool = True, veto: RepVeto | None = None) -> None:
        self.spec = spec
        self._veto = veto
        self._names = spec.feature_names()
        self._keys = side_keys(self._names)
        self._shown = list(dict.fromkeys([*spec.key_features, *self._names]))  # Feedback.features, in order
        self._guide = Guide(spec)
        self._follower = SideFollower(spec.sides)
        sm = spec.smoothing
        self._features = FeatureStream(
            self._names, spec.min_visibility,
            OneEuroFilter(sm.min_cutoff, sm.beta, sm.d_cutoff) if sm.enabled else None,
            combined={spec.rep.signal: (spec.rep.combine, spec.rep.direction)}
            if spec.rep is not None and spec.sides == "both" else None)
        sides: tuple[SideName, ...] = SIDES if spec.sides == "each" else ("left",)
        self._reps = RepTracking(spec, sides, count_leading) if spec.rep is not None else None
        self._rules = RuleEngine(spec.rules, spec.cues)
        self._holds = HoldTracking(spec, self._rules) if spec.kind == "hold" and spec.hold else None
        self._log = SetLog(spec)
        self._start = StartGate(spec)
        self._diagnosis = Diagnosis(spec)
        self.reset()

    # ------------------------------------------------------------------ public state
    @property
    def reps(self) -> int:
        """Complete, counted reps so far."""
        return self._log.reps

    @property
    def partial_reps(self) -> int:
        """Attempts that did not reach the peak (or did not return)."""
        return self._log.partial_reps

    @property
    def reps_by_side(self) -> dict[str, int]:
        """Counted reps per side (alternating / one-side exercises); a copy."""
        return dict(self._log.by_side)

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def start_position(self) -> str:
        """The start position the set began from (``StartGate.position``)."""
        return self._start.position

    def reset(self) -> None:
        """Forget everything (call on exercise change or a new set)."""
        if self._reps is not None:
            self._reps.reset()
        if self._holds is not None:
            self._holds.reset()
        self._features.reset()
        self._follower.reset()
        self._fixes = LandmarkFixes(self.spec)  # the landmarks' corrections: names kept, depth restored
        self._rules.reset()
        self._guide.reset()
        self._log.reset()
        self._phase: Phase = "not_visible"
        self._start.close()
        self._diagnosis.reset()
        self._absence = Absence()
        self._t0: float | None = None
        self._t = 0.0
        self._frames = self._with_person = 0
        self._crowd = Crowd()

    # ------------------------------------------------------------------ frames in
    def update(self, frame: PoseFrame) -> Feedback:
        """Advance by one frame and return what the user should see now."""
        frame = self._fixes.frame(frame)
        return self._step(frame, LandmarkRows.from_frame(frame), None)

    def process(self, frames: Sequence[PoseFrame]) -> list[Feedback]:
        """``update`` on every frame, with features computed for the whole clip at once."""
        frames = self._fixes.clip(frames)
        arr = LandmarkArrays.from_frames(frames)
        self._features.load_batch(arr)
        try:
            return [self._step(f, LandmarkRows.of(arr, i), i) for i, f in enumerate(frames)]
        finally:
            self._features.clear_batch()

    def _step(self, frame: PoseFrame, rows: LandmarkRows, i: int | None) -> Feedback:
        """One frame; ``i``: its index in the clip loaded by ``process`` (None live)."""
        t = float(frame.t)
        if self._t0 is None:
            self._t0 = t
        self._t = t
        self._frames += 1
        self._crowd.see(t, frame.num_people)
        if frame.person_switched:
            self._abandon(t)  # another person: whatever the previous one was doing is void
        side = self._follower.side
        visible, guidance, view_ok = self._guide.check(frame, side, rows)
        if frame.has_person:
            self._with_person += 1
        if not visible:
            self._diagnosis.see(person=frame.has_person, visible=False, guidance=guidance, feats={},
                                signal=math.nan, turn=math.nan, ready=self._start.open)
            gap = self._absence.missing(t)
            if gap == "dropped" and self._phase != "not_visible":  # keep the state, say nothing
                return self._emit(t, frame, {n: math.nan for n in self._names}, None)
            return self._not_visible(t, frame, guidance, gap == "gone")
        self._absence.seen()
        side = self._follower.update(rows.vis)
        # Per-side counters need both sides; the rest reads the followed side (or the combined signal).
        needed = SIDES if self.spec.sides == "each" else (side,)
        vals = self._features.values(rows, i, needed, t)
        feats = {n: vals[k] for n, k in self._keys[side]}
        if self._reps is not None:
            self._reps.record(t, vals, side)  # every frame in view, gate or not: the second opinion's signal
        self._rules.view_ok = view_ok  # image-plane rules are not judged from the wrong view
        self._rules.depth_ok = not self._guide.seen_end_on  # nor any rule with the torso seen end-on
        if self._start.update(t, feats, feed=self._holds is None):
            self._phase = "ready"
        self._rules.start_position = self._start.position  # rules may skip a start position
        self._diagnosis.see(person=True, visible=True, guidance=guidance, feats=feats, turn=self._guide.turn,
                            end_on=self._guide.seen_end_on,
                            signal=self._reps.signal(vals, self._reps.sides[0], side) if self._reps else math.nan,
                            ready=self._holds.any_open if self._holds else self._start.open)
        if self._holds is not None:
            return self._hold_step(t, frame, vals, side, guidance)
        if not self._start.open:
            if self._reps is not None:
                self._reps.before_setup(t, vals, side, self._start.verdict, new_shot=self._features.new_shot)
            self._phase = "setup"
            self._rules.update(t, "setup", feats)
            return self._emit(t, frame, feats, guidance or self._guide.setup_hint)
        return self._rep_step(t, frame, vals, feats, side, guidance)

    # ------------------------------------------------------------------ reps
    def _rep_step(self, t: float, frame: PoseFrame, vals: dict[str, float], feats: dict[str, float],
                  side: SideName, guidance: str | None) -> Feedback:
        assert self._reps is not None
        fed = self._reps.feed(t, vals, side, counting=True, new_shot=self._features.new_shot)
        for ev, s in fed.finished:
            self._finish_rep(ev, s)
        counter = self._reps.counters[fed.side]
        moving_side: SideName = fed.side if self.spec.sides == "each" else side  # type: ignore[assignment]
        if self.spec.sides == "each":
            feats = {n: vals[k] for n, k in self._keys[moving_side]}
        fresh = counter.phase == "start" and self.reps + self.partial_reps == 0
        self._phase = "ready" if fresh else counter.phase
        n_before = len(self._rules.cues)
        self._rules.update(t, self._phase, feats, self._reps.baseline(fed.side) if counter.in_rep else None,
                           rep=self._log.next_index if counter.in_rep else None)
        if counter.in_rep:
            self._reps.cue_indices[fed.side] += list(range(n_before, len(self._rules.cues)))
        return self._emit(t, frame, feats, guidance, progress=fed.progress,
                          side=moving_side if self.spec.sides != "both" else None)

    def _finish_rep(self, ev: RepEvent, counter_side: str, at_edge: bool = False) -> None:
        assert self._reps is not None
        raised = [i for i in self._reps.cue_indices[counter_side] if i < len(self._rules.cues)]
        self._reps.cue_indices[counter_side] = []
        if not at_edge and _vetoed(self._veto, self._rules, ev, raised):
            return
        # A fault that began before the rep and lasted into it (hips sagging through the set)
        # belongs to this rep too: it lowers the rep's quality, not only the set's.
        cue_idx = sorted(set(raised) | set(self._rules.overlapping(ev.start, ev.end)))
        index = self._log.next_index
        for i in cue_idx:
            if self._rules.cues[i].rep is None:
                self._rules.set_rep(i, index)
        side = _rep_side(self.spec.sides, self._follower.side, counter_side)
        judging = RepJudging(usual_s=self._log.usual_duration, judge_range=self._guide.in_view_from(ev.start),
                             uncertainty=self._reps.uncertainty(counter_side),
                             readable=self._guide.across_from(ev.start), furthest=self._log.furthest(side))
        rec, extra = make_rep_record(self.spec, ev, index, side, [self._rules.cues[i].id for i in cue_idx],
                                     at_edge=at_edge, judging=judging)
        for cue in extra:
            self._rules.emit(cue)
        self._log.add(rec)

    # ------------------------------------------------------------------ holds
    def _hold_step(self, t: float, frame: PoseFrame, vals: dict[str, float], side: SideName,
                   guidance: str | None) -> Feedback:
        assert self._holds is not None
        self._phase, feats = self._holds.step(t, vals, side)  # type: ignore[assignment]
        hint = guidance if self._phase == "hold" else (guidance or self._guide.setup_hint)
        return self._emit(t, frame, feats, hint, side=self._holds.active_side if self._holds.per_side else None)

    # ------------------------------------------------------------------ not visible / output
    def _not_visible(self, t: float, frame: PoseFrame, guidance: str | None, gone: bool) -> Feedback:
        if gone:
            self._abandon(t)
        self._rules.update(t, "not_visible", {})
        if self._holds is not None:
            self._holds.lost(t)
        self._phase = "not_visible"
        return self._emit(t, frame, {n: math.nan for n in self._names}, guidance)

    def _abandon(self, t: float) -> None:
        """Drop the rep under way (person left or switched); setup is needed again."""
        if self._reps is not None:
            for ev, s in self._reps.abandon():
                self._finish_rep(ev, s, at_edge=True)  # cut by the person leaving: no cue
        if self._holds is not None:
            self._holds.abandon()
        self._rules.close_all(t)
        self._start.close()
        self._features.reset()

    def _emit(self, t: float, frame: PoseFrame, feats: dict[str, float], guidance: str | None,
              progress: float = 0.0, side: SideName | None = None) -> Feedback:
        holds, log = self._holds, self._log
        return Feedback(
            t=t, phase=self._phase, reps=log.reps, reps_by_side=dict(log.by_side), partial_reps=log.partial_reps,
            hold_s=round(holds.good_s, 3) if holds else 0.0, hold_lost_s=round(holds.lost_s, 3) if holds else 0.0,
            hold_target_s=self.spec.hold.target_s if self.spec.hold else None,
            rom_fraction=round(progress, 3), cues=self._rules.visible(t), guidance=guidance,
            features={n: feats.get(n, math.nan) for n in self._shown},
            side=side, last_rep=log.last_rep, num_people=frame.num_people)

    def summary(self, unfinished: Literal["partial", "ignore"] = "partial",
                recognised: Callable[[], bool] | None = None) -> SetSummary:
        """The set so far: reps, holds, cues, score. It changes nothing (a page may call it on every rerun).

        ``unfinished``: an attempt still under way is a partial rep (``"partial"``: the clip ended mid-rep), or
        left out (``"ignore"``: the user pressed STOP or switched exercise mid-movement: no partial, no penalty).
        ``recognised``: whether the whole clip looks like this exercise (a clip's replay only:
        :func:`formcheck.tracker.count_check.check_count`).
        """
        t, side_of = self._t, partial(_rep_side, self.spec.sides, self._follower.side)
        cues = [c if c.end is not None else replace(c, end=t) for c in self._rules.cues]
        extra: list[RepRecord] = []
        if self._reps is not None and unfinished == "partial":  # stream ended mid-rep: the attempt is partial
            extra, more = _unfinished(self.spec, self._reps, self._rules, self._log.next_index, side_of)
            cues += more
        holds = self._holds.holds(t) if self._holds else []
        made = (holds, cues, self._t0 if self._t0 is not None else t, t, self._frames, self._with_person,
                self._crowd.seconds)
        return _explained(self.spec, self._log.summary(extra, *made), holds, self._frames, self._diagnosis,
                          self._reps, side_of, lambda rows: build_summary(self.spec, rows, *made), recognised)


def _rep_side(sides: str, followed: SideName, counter_side: str) -> SideName | None:
    """The side a rep record names: none for a bilateral set, the counter's for ``sides: each``, else the
    side followed."""
    return None if sides == "both" else ("left" if counter_side == "left" else "right") if sides == "each" \
        else followed


def _explained(spec: ExerciseSpec, summary: SetSummary, holds: Sequence[Hold], frames: int, diagnosis: Diagnosis,
               reps: RepTracking | None, side_of: Callable[[str], SideName | None],
               rebuild: Callable[[list[RepRecord]], SetSummary],
               recognised: Callable[[], bool] | None = None) -> SetSummary:
    """``summary`` with why nothing was counted, and a second, spec-free opinion on its count (a gate
    alone must not silence a set that moved: :mod:`formcheck.tracker.count_check`)."""
    unjudged = diagnosis.unjudged_note()
    summary = replace(summary, reason=diagnosis.reason(summary.reps, sum(h.good_s for h in holds), frames),
                      notes=(*summary.notes, unjudged) if unjudged else summary.notes)
    return summary if reps is None else check_count(spec, summary, reps, diagnosis, side_of, rebuild, recognised)


def _vetoed(veto: RepVeto | None, rules: RuleEngine, ev: RepEvent, raised: list[int]) -> bool:
    """Ask ``veto`` about a finished attempt; a vetoed one raises its message as a cue and is no rep."""
    message = veto(ev.start, ev.end) if veto is not None else None
    if not message:
        return False
    for i in raised:  # the cues raised during the attempt belong to no rep
        rules.set_rep(i, None)
    rules.emit(Cue(WRONG_EXERCISE, message, 3, round(ev.start, 3), round(ev.end, 3)))
    return True


def _unfinished(spec: ExerciseSpec, reps: RepTracking, rules: RuleEngine, index: int,
                side_of: Callable[[str], SideName | None]) -> tuple[list[RepRecord], list[Cue]]:
    """The attempts still under way as partial rep records (numbered from ``index``), and their cues."""
    records: list[RepRecord] = []
    cues: list[Cue] = []
    for ev, s in reps.pending():
        ids = [rules.cues[i].id for i in reps.cue_indices[s] if i < len(rules.cues)]
        rec, more = make_rep_record(spec, ev, index + len(records), side_of(s), ids, at_edge=True)
        records.append(rec)
        cues += more
    return records, cues
