"""The tracker: pose frames in, ``Feedback`` out, one frame at a time.

``Tracker(spec).update(frame)`` is the only stateful step of the engine. It
composes the pieces, each in its own module:

    frame → visibility/guidance → side → features (feature_registry) → One-Euro
          → setup gate → RepCounter(s) or HoldTimer → RuleEngine → Feedback

States (``Feedback.phase``): ``not_visible`` → ``setup`` → ``ready`` → rep
phases (``ascent``/``peak``/``descent``/``start``) or ``hold``. Nothing is
counted before the setup pose has been held for ``spec.setup_s`` seconds,
nor while the required body parts are out of frame. Time comes from frame
timestamps only. ``process(frames)`` gives the same result as calling
``update`` on each frame but computes the features for the whole clip at once.

Example:
    >>> from formcheck.spec import load_spec
    >>> from formcheck.frame import PoseFrame
    >>> tr = Tracker(load_spec("plank"))
    >>> tr.update(PoseFrame.empty(0.0, (640, 360))).phase
    'not_visible'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from formcheck.feature_registry import SIDE_LANDMARKS, SIDES, LandmarkArrays, SideName, compute_sides
from formcheck.feedback import Cue, Feedback, Hold, Phase, RepRecord, SetSummary
from formcheck.form_rules import RuleEngine
from formcheck.frame import PoseFrame
from formcheck.hold_timer import HoldTimer
from formcheck.rep_counter import RepCounter, RepEvent
from formcheck.smoothing import OneEuroFilter
from formcheck.spec import ExerciseSpec, parse_condition
from formcheck.tracker_support import Guide, build_summary, make_rep_record

_LEFT_IDX = np.array(SIDE_LANDMARKS["left"])
_RIGHT_IDX = np.array(SIDE_LANDMARKS["right"])
#: An attempt outside ``rep.require`` this long is another movement and is dropped.
REQUIRE_GRACE_S = 0.3
#: Seconds out of view after which a rep under way is abandoned and setup is required again.
LOST_RESET_S = 1.0
_PHASE_RANK = {"start": 0, "ascent": 1, "descent": 2, "peak": 3}


class Tracker:
    """State machine for one exercise spec.

    Args:
        spec: The exercise (see ``formcheck.spec.load_spec``).

    Example:
        >>> # for frame in frames: fb = tracker.update(frame); print(fb.reps, fb.cues)
    """

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self._names = spec.feature_names()
        self._setup = [parse_condition(c) for c in spec.setup]
        self._keep = [parse_condition(c) for c in spec.hold.keep] if spec.hold and spec.hold.keep else self._setup
        self._require = [parse_condition(c) for c in spec.rep.require] if spec.rep else []
        self._guide = Guide(spec)
        sides: tuple[SideName, ...] = SIDES if spec.sides == "each" else ("left",)
        self._counter_sides = sides
        self._rules = RuleEngine(spec.rules, spec.cues)
        self.reset()

    # ------------------------------------------------------------------ public state
    @property
    def reps(self) -> int:
        """Complete, counted reps so far."""
        return self._n_reps

    @property
    def partial_reps(self) -> int:
        """Attempts that did not reach the peak (or did not return)."""
        return self._n_partial

    @property
    def reps_by_side(self) -> dict[str, int]:
        """Counted reps per side (alternating / one-side exercises); a copy."""
        return dict(self._by_side)

    @property
    def phase(self) -> Phase:
        return self._phase

    def reset(self) -> None:
        """Forget everything (call on exercise change or a new set)."""
        sp = self.spec
        self._counters: dict[str, RepCounter] = {}
        if sp.rep is not None:
            for s in self._counter_sides:
                self._counters[s] = RepCounter(sp.rep.start, sp.rep.peak, sp.rep.partial_threshold,
                                               sp.rep.max_duration)
        self._hold = HoldTimer(sp.hold.target_s, sp.hold.grace_s) if sp.hold else None
        self._filter = (OneEuroFilter(sp.smoothing.min_cutoff, sp.smoothing.beta, sp.smoothing.d_cutoff)
                        if sp.smoothing.enabled else None)
        self._filter_keys: list[str] = []
        self._batch: dict[str, np.ndarray] = {}  # whole-clip features while process() runs
        self._rules.reset()
        self._guide.reset()
        self._rep_rows: list[RepRecord] = []
        self._n_reps = self._n_partial = 0  # kept with _rep_rows: Feedback needs them every frame
        self._by_side: dict[str, int] = {}
        self._phase: Phase = "not_visible"
        self._side: SideName = "left" if sp.sides != "right" else "right"
        self._side_score = 0.0  # EMA of left-minus-right visibility
        self._setup_since: float | None = None
        self._lost_since: float | None = None
        self._ready = False
        self._t0: float | None = None
        self._t = 0.0
        self._frames = 0
        self._with_person = 0
        self._crowded = 0
        self._baseline: dict[str, dict[str, float]] = {s: {} for s in self._counter_sides}
        self._rest_x: dict[str, float] = {s: math.inf for s in self._counter_sides}
        self._off_s: dict[str, float] = {s: 0.0 for s in self._counter_sides}  # time outside rep.require
        self._require_t: dict[str, float] = {}
        self._rep_cues: dict[str, list[int]] = {s: [] for s in self._counter_sides}
        self._last_rep: RepRecord | None = None

    # ------------------------------------------------------------------ features
    def update(self, frame: PoseFrame) -> Feedback:
        """Advance by one frame and return what the user should see now."""
        arr = LandmarkArrays.from_frame(frame)
        return self._step(frame, arr, 0)

    def process(self, frames: Sequence[PoseFrame]) -> list[Feedback]:
        """``update`` on every frame, with features computed for the whole clip at once."""
        arr = LandmarkArrays.from_frames(frames)
        self._batch = self._all_values(arr)
        try:
            return [self._step(f, arr, i, batch=True) for i, f in enumerate(frames)]
        finally:
            self._batch = {}

    def _all_values(self, arr: LandmarkArrays) -> dict[str, np.ndarray]:
        both = compute_sides(arr, self._names, SIDES, self.spec.min_visibility)
        return {f"{side}:{k}": v for side, vals in both.items() for k, v in vals.items()}

    # ------------------------------------------------------------------ the step
    def _step(self, frame: PoseFrame, arr: LandmarkArrays, i: int, batch: bool = False) -> Feedback:
        t = float(frame.t)
        if self._t0 is None:
            self._t0 = t
        self._t = t
        self._frames += 1
        sp = self.spec
        if frame.num_people > 1:
            self._crowded += 1
        if frame.person_switched:
            self._abandon(t)  # another person: whatever the previous one was doing is void
        visible, guidance, view_ok = self._guide.check(frame, self._side)
        if frame.has_person:
            self._with_person += 1
        if not visible:
            return self._not_visible(t, frame, guidance)
        self._lost_since = None
        self._pick_side(arr.vis[i:i + 1])
        raw = self._values(arr, i, batch)
        vals = self._smooth(raw, t)
        feats = {n: vals[f"{self._side}:{n}"] for n in self._names}
        setup_ok = all(_cmp(feats.get(c.feature, math.nan), c.op, c.value) for c in self._setup)
        if not view_ok:
            setup_ok = False  # wrong camera view: angles would be meaningless, so do not start
        if not self._ready:
            self._try_ready(t, setup_ok)
        if not self._ready:
            if sp.kind == "reps":
                # Follow the signal from the moment the setup pose holds, so that a rep started
                # as soon as the pose was reached still counts once the pose has held setup_s;
                # outside the pose, forget it (getting into position is not a rep).
                if setup_ok:
                    self._feed_counters(t, vals, counting=False)
                else:
                    self._reset_counters()
            self._phase = "setup"
            self._rules.update(t, "setup", feats)
            return self._emit(t, frame, feats, guidance or self._guide.setup_hint)
        if sp.kind == "hold":
            keep_ok = all(_cmp(feats.get(c.feature, math.nan), c.op, c.value) for c in self._keep)
            return self._hold_step(t, frame, feats, keep_ok and view_ok, guidance)
        return self._rep_step(t, frame, vals, feats, setup_ok, guidance)

    def _sides_needed(self) -> tuple[SideName, ...]:
        """Sides whose features this frame needs: both for per-side counters or averaging, else the followed one."""
        return SIDES if self.spec.sides in ("each", "both") else (self._side,)

    def _values(self, arr: LandmarkArrays, i: int, batch: bool) -> dict[str, float]:
        sides = self._sides_needed()
        if batch:
            return {f"{s}:{n}": float(self._batch[f"{s}:{n}"][i]) for s in sides for n in self._names}
        # Live path: only the sides needed (half the work in "near" mode).
        per_side = compute_sides(arr, self._names, sides, self.spec.min_visibility)
        return {f"{s}:{k}": float(v[0]) for s, vals in per_side.items() for k, v in vals.items()}

    def _smooth(self, raw: dict[str, float], t: float) -> dict[str, float]:
        if self._filter is None:
            return raw
        keys = list(raw)
        if keys != self._filter_keys:  # the followed side changed: its history does not apply
            self._filter.reset()
            self._filter_keys = keys
        out = self._filter.update(np.fromiter(raw.values(), dtype=np.float64, count=len(keys)), t)
        return dict(zip(keys, out.tolist()))

    def _pick_side(self, vis: np.ndarray) -> None:
        """Follow the side facing the camera, switching only on a clear, lasting difference."""
        if self.spec.sides == "left" or self.spec.sides == "right":
            self._side = self.spec.sides
            return
        row = vis[0]
        diff = float(row[_LEFT_IDX].sum() - row[_RIGHT_IDX].sum()) / len(_LEFT_IDX)
        self._side_score = diff if self._frames <= 1 else 0.9 * self._side_score + 0.1 * diff
        if self._side_score > 0.05:
            self._side = "left"
        elif self._side_score < -0.05:
            self._side = "right"

    def _try_ready(self, t: float, setup_ok: bool) -> None:
        if setup_ok:
            if self._setup_since is None:
                self._setup_since = t
            if t - self._setup_since >= self.spec.setup_s:
                self._ready = True
                self._phase = "ready"
        else:
            self._setup_since = None

    def _reset_counters(self) -> None:
        for s, c in self._counters.items():
            c.reset()
            self._rest_x[s] = math.inf
            self._baseline[s] = {}

    def _sig_key(self, counter_side: str) -> str:
        sig = self.spec.rep.signal if self.spec.rep else ""
        return f"{counter_side if self.spec.sides == 'each' else self._side}:{sig}"

    # ------------------------------------------------------------------ reps
    def _signal(self, vals: dict[str, float], side: str) -> float:
        if self.spec.sides == "both":
            sig = self.spec.rep.signal  # type: ignore[union-attr]
            pair = [vals.get(f"left:{sig}", math.nan), vals.get(f"right:{sig}", math.nan)]
            pair = [p for p in pair if not math.isnan(p)]
            return sum(pair) / len(pair) if pair else math.nan
        return vals.get(self._sig_key(side), math.nan)

    def _feed_counters(self, t: float, vals: dict[str, float], counting: bool) -> tuple[str, float]:
        """Feed every counter; returns the side furthest into a rep and its progress (0-1.2).

        With ``counting`` False (before the setup has held long enough) finished attempts are
        dropped: they started before the pose was established.
        """
        sp = self.spec
        best_side, best_rank, progress = None, -1, 0.0
        for s, c in self._counters.items():
            v = self._signal(vals, s)
            if c.in_rep:
                self._rest_x[s] = math.inf  # the next rest starts a new baseline
            elif not math.isnan(v) and v * c.direction <= self._rest_x[s]:
                # Baseline for "since the rep began" rules: the features at the deepest point of
                # the rest before the rep (arms hanging, limbs down), not where the signal crossed
                # the start threshold, by which time the fault may already be under way.
                self._rest_x[s] = v * c.direction
                side = s if sp.sides == "each" else self._side
                self._baseline[s] = {n: vals.get(f"{side}:{n}", math.nan) for n in self._names}
            was_in_rep = c.in_rep
            ev = c.update(t, v)
            if self._require:
                self._check_require(s, c.in_rep or ev is not None, was_in_rep, t, vals)
            if ev is not None and counting and self._off_s[s] < REQUIRE_GRACE_S:
                self._finish_rep(ev, s)
            rank = _PHASE_RANK[c.phase]
            if rank > best_rank:
                best_side, best_rank = s, rank
                p = c.progress(v)
                progress = 0.0 if math.isnan(p) else min(1.2, max(0.0, p))
        assert best_side is not None
        return best_side, progress

    def _check_require(self, s: str, in_rep: bool, was_in_rep: bool, t: float, vals: dict[str, float]) -> None:
        """Accumulate the time an attempt spends outside ``rep.require`` (reset when one begins)."""
        if in_rep and not was_in_rep:
            self._off_s[s] = 0.0
        if in_rep:
            side = s if self.spec.sides == "each" else self._side
            ok = all(_cmp(vals.get(f"{side}:{c.feature}", math.nan), c.op, c.value) for c in self._require)
            if not ok:
                self._off_s[s] += max(0.0, t - self._require_t.get(s, t))
        self._require_t[s] = t

    def _rep_step(self, t: float, frame: PoseFrame, vals: dict[str, float], feats: dict[str, float],
                  setup_ok: bool, guidance: str | None) -> Feedback:
        sp = self.spec
        assert sp.rep is not None
        best_side, progress = self._feed_counters(t, vals, counting=True)
        assert best_side is not None
        counter = self._counters[best_side]
        moving_side: SideName = best_side if sp.sides == "each" else self._side  # type: ignore[assignment]
        if sp.sides == "each":
            feats = {n: vals[f"{moving_side}:{n}"] for n in self._names}
        self._phase = "ready" if counter.phase == "start" and self.reps + self.partial_reps == 0 else counter.phase
        n_before = len(self._rules.cues)
        self._rules.update(t, self._phase, feats, self._baseline[best_side] if counter.in_rep else None,
                           rep=len(self._rep_rows) + 1 if counter.in_rep else None)
        if counter.in_rep:
            self._rep_cues[best_side] += list(range(n_before, len(self._rules.cues)))
        fb = self._emit(t, frame, feats, guidance, progress=progress,
                        side=moving_side if sp.sides in ("each", "near", "left", "right") else None)
        return fb

    def _finish_rep(self, ev: RepEvent, counter_side: str) -> None:
        cue_idx = [i for i in self._rep_cues[counter_side] if i < len(self._rules.cues)]
        self._rep_cues[counter_side] = []
        index = len(self._rep_rows) + 1
        for i in cue_idx:
            self._rules.set_rep(i, index)
        rec, extra = self._record(ev, counter_side, index, [self._rules.cues[i].id for i in cue_idx])
        for cue in extra:
            self._rules.emit(cue)
        self._rep_rows.append(rec)
        self._last_rep = rec
        if rec.complete and rec.counted:
            self._n_reps += 1
            # A bilateral exercise filmed from one side has no per-side count:
            # its rows name the measured side, but both sides did the rep.
            if rec.side and self.spec.sides != "near":
                self._by_side[rec.side] = self._by_side.get(rec.side, 0) + 1
        elif not rec.complete:
            self._n_partial += 1

    def _record(self, ev: RepEvent, counter_side: str, index: int,
                ids: list[str]) -> tuple[RepRecord, list[Cue]]:
        side: SideName | None = self._side if self.spec.sides != "both" else None
        if self.spec.sides == "each":
            side = "left" if counter_side == "left" else "right"
        return make_rep_record(self.spec, ev, index, side, ids)

    # ------------------------------------------------------------------ holds
    def _hold_step(self, t: float, frame: PoseFrame, feats: dict[str, float], in_pose: bool,
                   guidance: str | None) -> Feedback:
        assert self._hold is not None
        self._rules.update(t, "hold" if in_pose else "setup", feats)
        form_ok = not any(("hold" in r.phases or "always" in r.phases) for r in self._rules.active_rules())
        self._hold.update(t, in_pose, form_ok)
        self._phase = "hold" if self._hold.active else "setup"
        if not self._hold.active:
            self._ready = False  # a new hold needs the setup pose again
            self._setup_since = None
        return self._emit(t, frame, feats, guidance if self._hold.active else (guidance or self._guide.setup_hint))

    # ------------------------------------------------------------------ not visible / output
    def _not_visible(self, t: float, frame: PoseFrame, guidance: str | None) -> Feedback:
        if self._lost_since is None:
            self._lost_since = t
        if t - self._lost_since >= LOST_RESET_S:
            self._abandon(t)
        self._rules.update(t, "not_visible", {})
        if self._hold is not None:
            self._hold.update(t, False, True)
        self._phase = "not_visible"
        return self._emit(t, frame, {n: math.nan for n in self._names}, guidance)

    def _abandon(self, t: float) -> None:
        """Drop the rep under way (person left or switched); setup is needed again."""
        for s, c in self._counters.items():
            ev = c.abandon()
            if ev is not None and self._off_s[s] < REQUIRE_GRACE_S:
                self._finish_rep(ev, s)
        if self._hold is not None:
            self._hold.finish()
        self._rules.close_all(t)
        self._ready = False
        self._setup_since = None
        if self._filter is not None:
            self._filter.reset()

    def _emit(self, t: float, frame: PoseFrame, feats: dict[str, float], guidance: str | None,
              progress: float = 0.0, side: SideName | None = None) -> Feedback:
        hold = self._hold
        fb = Feedback(
            t=t, phase=self._phase, reps=self._n_reps, reps_by_side=dict(self._by_side),
            partial_reps=self._n_partial,
            hold_s=round(hold.good_s, 3) if hold else 0.0, hold_lost_s=round(hold.lost_s, 3) if hold else 0.0,
            hold_target_s=self.spec.hold.target_s if self.spec.hold else None,
            rom_fraction=round(progress, 3), cues=self._rules.visible(t), guidance=guidance,
            features={n: feats.get(n, math.nan) for n in self.spec.key_features} | feats,
            side=side, last_rep=self._last_rep, num_people=frame.num_people)
        return fb

    def summary(self) -> SetSummary:
        """The set so far: reps (an unfinished attempt is reported as partial), holds, cues, score.

        Does not change the tracker: it can be called at any time, e.g. on every rerun of a page.
        """
        t = self._t
        rows = list(self._rep_rows)
        cues = [c if c.end is not None else replace(c, end=t) for c in self._rules.cues]
        for s, c in self._counters.items():
            ev = c.pending()  # stream ended mid-rep: report the attempt as partial
            if ev is not None and self._off_s[s] < REQUIRE_GRACE_S:
                ids = [self._rules.cues[i].id for i in self._rep_cues[s] if i < len(self._rules.cues)]
                rec, extra = self._record(ev, s, len(rows) + 1, ids)
                rows.append(rec)
                cues += extra
        holds = list(self._hold.holds) if self._hold else []
        if self._hold is not None and self._hold.active:
            holds.append(Hold(self._hold.start, t, round(self._hold.good_s, 3), round(self._hold.lost_s, 3),
                              self._hold.target_s))
        return build_summary(self.spec, rows, holds, cues, self._t0 if self._t0 is not None else t, t,
                             self._frames, self._with_person, self._crowded)


def _cmp(v: float, op: str, ref: float) -> bool:
    if math.isnan(v):
        return False
    return {"<": v < ref, "<=": v <= ref, ">": v > ref, ">=": v >= ref}[op]
