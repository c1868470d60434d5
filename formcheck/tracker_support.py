"""Helpers of the tracker that need no tracker state: placement guidance and scores.

``Guide`` turns a frame into "can we count?" plus advice ("step back: feet
not visible", "turn side-on", "only one person please"). ``make_rep_record``
turns a finished attempt into a ``RepRecord``; ``rep_quality`` and
``set_score`` give 0-100 scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from formcheck.feedback import Cue, Hold, RepRecord, SetSummary, Side
from formcheck.frame import PoseFrame
from formcheck.landmarks import Landmark
from formcheck.rep_counter import RepEvent
from formcheck.spec import ExerciseSpec

#: A landmark counts as in frame when its presence is at least this.
MIN_PRESENCE = 0.5
#: How far outside the image (fraction of its size) a required landmark may be placed.
FRAME_MARGIN = 0.05
#: Shoulder width / torso length above which the subject faces the camera (side-on is ~0.1-0.4).
FACING_RATIO = 0.65
#: Seconds a wrong view must last before "turn side-on" is shown (a turn of the head is not enough).
VIEW_DEBOUNCE_S = 0.7

_LOWER = {"knee", "ankle", "heel", "foot_index"}
_HEAD = {"nose", "ear"}


def _in_frame(frame: PoseFrame, i: int) -> bool:
    """The model says the landmark is in the image (presence) and its position agrees.

    The model extrapolates landmarks past the border with a high presence now and then, so a
    point placed more than ``FRAME_MARGIN`` outside the image also counts as out of frame.
    """
    x, y = float(frame.image[i, 0]), float(frame.image[i, 1])
    return (frame.presence[i] >= MIN_PRESENCE and -FRAME_MARGIN <= x <= 1 + FRAME_MARGIN
            and -FRAME_MARGIN <= y <= 1 + FRAME_MARGIN)


def _index(part: str, side: str) -> int:
    return int(Landmark.NOSE) if part == "nose" else int(Landmark[f"{side.upper()}_{part.upper()}"])


class Guide:
    """Visibility and placement checks for one spec."""

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self.setup_hint = "get into the start position"
        self._view_bad_since: float | None = None

    def check(self, frame: PoseFrame, side: str) -> tuple[bool, str | None, bool]:
        """``(visible, guidance, view_ok)`` for this frame, following ``side``."""
        if not frame.has_person:
            self._view_bad_since = None
            return False, "no person in view: step into the frame", True
        guidance = "only one person please" if frame.num_people > 1 else None
        missing = [p for p in self.spec.visible if not _in_frame(frame, _index(p, side))]
        if missing:
            if _LOWER & set(missing):
                return False, "step back: feet not visible", True
            if _HEAD & set(missing):
                return False, "step back: head not visible", True
            return False, f"move into the frame: {', '.join(missing)} not visible", True
        view_ok, show = self._view_ok(frame)
        if show and guidance is None:
            guidance = "turn side-on to the camera" if self.spec.view == "side" else "face the camera"
        return True, guidance, view_ok

    def _view_ok(self, frame: PoseFrame) -> tuple[bool, bool]:
        """``(view_ok, show_guidance)``: a wrong view blocks the setup at once; the advice
        appears only once it has lasted ``VIEW_DEBOUNCE_S`` (a turn of the head is not enough)."""
        if self.spec.view == "any":
            return True, False
        px = frame.pixels()
        sw = float(np.hypot(*(px[Landmark.LEFT_SHOULDER] - px[Landmark.RIGHT_SHOULDER])))
        torso = max(float(np.hypot(*(px[Landmark.LEFT_SHOULDER] - px[Landmark.LEFT_HIP]))),
                    float(np.hypot(*(px[Landmark.RIGHT_SHOULDER] - px[Landmark.RIGHT_HIP]))), 1e-6)
        ratio = sw / torso
        bad = ratio > FACING_RATIO if self.spec.view == "side" else ratio < 0.35
        if not bad or math.isnan(ratio):
            self._view_bad_since = None
            return True, False
        if self._view_bad_since is None:
            self._view_bad_since = frame.t
        return False, frame.t - self._view_bad_since >= VIEW_DEBOUNCE_S

    def reset(self) -> None:
        self._view_bad_since = None


def make_rep_record(spec: ExerciseSpec, ev: RepEvent, index: int, side: Side | None,
                    ids: list[str]) -> tuple[RepRecord, list[Cue]]:
    """The record of a finished attempt and the built-in cues it raises (``too_fast``, ``partial_rep``).

    Args:
        spec: The exercise (a reps spec).
        ev: The attempt from the rep counter.
        index: 1-based rep number in the set.
        side: Side the rep belongs to, if any.
        ids: Ids of the form cues raised during the rep.
    """
    rep = spec.rep
    assert rep is not None
    extra: list[Cue] = []
    voided = any(r.voids_rep for r in spec.rules if r.id in ids)
    if ev.complete and ev.end - ev.start < rep.min_duration:
        extra.append(Cue("too_fast", "Slow down: control the movement", 0, round(ev.start, 3),
                         round(ev.end, 3), index))
    if not ev.complete:
        extra.append(Cue("partial_rep", "Go through the full range of motion", 0, round(ev.start, 3),
                         round(ev.end, 3), index))
    rec = RepRecord(
        index=index, start=round(ev.start, 3), peak=round(ev.peak, 3), end=round(ev.end, 3),
        complete=ev.complete, side=side, rom=round(ev.rom, 2),
        rom_fraction=round(ev.rom / abs(rep.peak - rep.start), 3),
        tempo_up=round(ev.peak - ev.start, 3), tempo_hold=round(ev.peak_end - ev.peak, 3),
        tempo_down=round(ev.end - ev.peak_end, 3), cues=tuple(dict.fromkeys(ids + [c.id for c in extra])),
        quality=0, counted=ev.complete and not voided)
    return replace(rec, quality=rep_quality(rec, spec)), extra


def rep_quality(rec: RepRecord, spec: ExerciseSpec) -> int:
    """0-100: full range and no cues = 100; each distinct cue, a short hold or a rushed rep costs points."""
    q = 100.0 * min(1.0, rec.rom_fraction) if not rec.complete else 100.0
    form_cues = [c for c in rec.cues if c not in ("partial_rep", "too_fast")]
    q -= 20.0 * len(form_cues)
    if "too_fast" in rec.cues:
        q -= 15.0
    if spec.rep is not None and spec.rep.hold_at_peak > 0 and rec.tempo_hold < spec.rep.hold_at_peak:
        q -= 10.0 * (1.0 - rec.tempo_hold / spec.rep.hold_at_peak)
    if not rec.counted:
        q = min(q, 40.0)
    return int(max(0.0, min(100.0, round(q))))


def set_score(spec: ExerciseSpec, rows: Sequence[RepRecord], holds: Sequence[Hold]) -> int:
    """0-100 for the set: mean rep quality, weighted by the share of good reps; or hold time in good form."""
    if spec.kind == "hold":
        good = sum(h.good_s for h in holds)
        lost = sum(h.lost_s for h in holds)
        if good + lost <= 0:
            return 0
        target = spec.hold.target_s if spec.hold else good
        return int(round(100.0 * good / (good + lost) * min(1.0, good / target)))
    if not rows:
        return 0
    mean_q = sum(r.quality for r in rows) / len(rows)
    share = sum(1 for r in rows if r.complete and r.counted) / len(rows)
    return int(round(mean_q * share))


def build_summary(spec: ExerciseSpec, rows: Sequence[RepRecord], holds: Sequence[Hold], cues: Sequence[Cue],
                  t0: float, t: float, frames: int, with_person: int, crowded: int) -> SetSummary:
    """The ``SetSummary`` of a set: counts from the rep rows, notes about who was in view, the score."""
    notes = []
    if frames and with_person == 0:
        notes.append("no person detected")
    if crowded:
        notes.append(f"several people in view in {crowded} frames")
    by_side: dict[str, int] = {}
    for r in rows:
        if r.complete and r.counted and r.side and spec.sides != "near":
            by_side[r.side] = by_side.get(r.side, 0) + 1
    return SetSummary(
        exercise=spec.name, title=spec.title,
        reps=sum(1 for r in rows if r.complete and r.counted), reps_by_side=by_side,
        partial_reps=sum(1 for r in rows if not r.complete), rep_rows=tuple(rows), holds=tuple(holds),
        cues=tuple(sorted(cues, key=lambda c: c.start)), duration_s=round(t - t0, 3), frames=frames,
        frames_with_person=with_person, score=set_score(spec, rows, holds), notes=tuple(notes))
