"""Rep records and scores: a finished attempt becomes a ``RepRecord``; a set gets a 0-100 score.

``make_rep_record`` turns a counter event into a ``RepRecord`` with the
built-in cues it raises (``too_fast``, ``partial_rep``); ``rep_quality`` and
``set_score`` give 0-100 scores; ``build_summary`` assembles the ``SetSummary``.
All pure functions of their arguments.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from formcheck.features.registry import parse_name
from formcheck.records.feedback import Cue, Hold, LossKind, RepRecord, ScoreLoss, SetSummary, Side
from formcheck.spec import ExerciseSpec, RepSignal
from formcheck.tracker.noise import NOISE_K, Uncertainty, timing_sd
from formcheck.tracker.rep_counter import RepEvent

#: A rep is rushed when it takes less than this share of the set's usual rep duration ...
RUSHED = 0.6
#: ... or less than this share of the spec's ``min_duration`` (ballistic, whatever the set's tempo).
BALLISTIC = 0.6


def tempo_message(up_s: float, down_s: float) -> str:
    """The words of a rushed rep: the way back named when it was no slower than the way out (lowering
    is where control is lost, and what physiotherapists ask to slow), else the whole movement.

    Example:
        >>> tempo_message(0.5, 0.3), tempo_message(0.4, 0.8)
        ('Slower on the way down', 'Slow down: control the movement')
    """
    return "Slower on the way down" if down_s <= up_s else "Slow down: control the movement"


#: How far the model's reading of an angle sits from the truth for one person, view and camera
#: distance, as one standard deviation over the sweep's renders (model against generator truth: hip
#: angle 8.9 deg, neck lift 7.3, upper arm 8.5). A far end short of a range target by less is short
#: only beside the person's own further reps (:func:`_short_of_target`).
MODEL_OFFSET_DEG = 8.0


@dataclass(frozen=True, slots=True)
class RepJudging:
    """What the set so far and the camera let a rep's tempo and range be judged against.

    Attributes:
        usual_s: The set's usual rep duration so far (None before the second rep): a rep much
            faster than the person's own tempo is rushed (``too_fast``); a steady fast set is not.
        judge_range: False when the camera view makes the absolute range target unreliable.
        uncertainty: The rep signal's noise and the frame interval: a rep is rushed, or short of the
            range target, only by more than ``NOISE_K`` times what they can explain (None: no margin);
            and whether the signal switched between guesses during the rep: then neither its tempo nor
            its range is judged (it still counts, or is partial, as measured).
        readable: False when the torso was seen end-on during the rep (the signal comes from the
            model's compressed depth): as for a switching signal, neither tempo nor range is judged.
        furthest: The furthest far end of the set's earlier complete reps (on this rep's side), in
            the signal's units (None: none yet); see :func:`_short_of_target`.
    """

    usual_s: float | None = None
    judge_range: bool = True
    uncertainty: Uncertainty | None = None
    readable: bool = True
    furthest: float | None = None


#: A rep whose range is not judged against the spec's target (a movement counted alone: its start
#: position or rest, which the target is measured from, was not confirmed).
UNJUDGED_RANGE = RepJudging(judge_range=False)


def make_rep_record(spec: ExerciseSpec, ev: RepEvent, index: int, side: Side | None, ids: list[str],
                    at_edge: bool = False, judging: RepJudging | None = None) -> tuple[RepRecord, list[Cue]]:
    """The record of a finished attempt and the built-in cues it raises (``too_fast``, ``partial_rep``).

    Args:
        spec: The exercise (a reps spec).
        ev: The attempt from the rep counter.
        index: 1-based rep number in the set.
        side: Side the rep belongs to, if any.
        ids: Ids of the form cues raised during the rep.
        at_edge: The attempt was cut by the end of the clip or set (a fragment, not the user's
            fault: recorded as partial without a cue).
        judging: What its tempo and range are judged against (:class:`RepJudging`; None: the spec alone).
    """
    rep = spec.rep
    assert rep is not None
    how = judging or RepJudging()
    extra: list[Cue] = []
    voided = any(r.voids_rep for r in spec.rules if r.id in ids)
    took = ev.end - ev.start
    unc = how.uncertainty or Uncertainty()
    # The duration as it could be measured a noise margin longer: a 15 fps clip times a rep to 1/15 s.
    took_at_most = took + NOISE_K * timing_sd(unc.frame_s, unc.signal_sd, _speeds(ev))
    # A signal that switched between the pose model's guesses during the rep times and sizes nothing.
    steady = unc.steady_since(ev.start) and how.readable
    if steady and ev.complete and (took_at_most < BALLISTIC * rep.min_duration
                                   or (how.usual_s is not None and took_at_most < RUSHED * how.usual_s)):
        extra.append(Cue("too_fast", tempo_message(ev.peak - ev.start, ev.end - ev.peak_end), 0,
                         round(ev.start, 3), round(ev.end, 3), index))
    if steady and not ev.complete and not at_edge:
        extra.append(Cue("partial_rep", "Go through the full range of motion", 0, round(ev.start, 3),
                         round(ev.end, 3), index))
    if steady and ev.complete and how.judge_range and _short_of_target(rep, ev, NOISE_K * unc.signal_sd,
                                                                       how.furthest):
        extra.append(Cue(rep.short_id, rep.short_message, 2, round(ev.start, 3), round(ev.end, 3), index))
    rec = RepRecord(
        index=index, start=round(ev.start, 3), peak=round(ev.peak, 3), end=round(ev.end, 3),
        complete=ev.complete, side=side, rom=round(ev.rom, 2),
        rom_fraction=round(ev.rom / abs(rep.peak - rep.start), 3), extreme=round(ev.extreme, 2),
        tempo_up=round(ev.peak - ev.start, 3), tempo_hold=round(ev.peak_end - ev.peak, 3),
        tempo_down=round(ev.end - ev.peak_end, 3), cues=tuple(dict.fromkeys(ids + [c.id for c in extra])),
        quality=0, counted=ev.complete and not voided, at_edge=at_edge and not ev.complete)
    return replace(rec, quality=rep_quality(rec, spec)), extra


def _speeds(ev: RepEvent) -> tuple[float, float]:
    """The signal's mean speed on the way out and on the way back (units a second; 0 when unknown)."""
    out, back = ev.peak - ev.start, ev.end - ev.peak_end
    return (ev.rom / out if out > 0 else 0.0, ev.rom / back if back > 0 else 0.0)


def _short_of_target(rep: RepSignal, ev: RepEvent, margin: float = 0.0, furthest: float | None = None) -> bool:
    """The movement turned back more than ``margin`` before the spec's ``peak`` (only judged when the far
    end is the peak end), and either short of the person's own furthest rep of the set by ``margin``
    too, or short of the ``peak`` by more than the model's offset (:data:`MODEL_OFFSET_DEG`).

    The model reads a body's absolute angles with an offset from clip to clip (one person, one view,
    one distance) that the person's own noise does not show: a rep that stops short of the line
    where the set's other reps went further is short whatever the offset (a bridge's low rep); a
    set whose every rep stops short is, only by more than the offset can explain.
    """
    d = rep.direction
    if math.isnan(ev.rest) or d * ev.extreme < d * ev.rest:
        return False  # the far end is the spec's start end (rest at the peak end): no target there
    if not d * ev.extreme < d * rep.peak - margin:
        return False
    if furthest is not None and d * ev.extreme < d * furthest - margin:
        return True
    offset = MODEL_OFFSET_DEG if parse_name(rep.signal)[0].unit == "deg" else 0.0
    return d * ev.extreme < d * rep.peak - max(margin, offset)


def rep_quality(rec: RepRecord, spec: ExerciseSpec) -> int:
    """0-100: full range and no cues = 100; each distinct cue, a short hold or a rushed rep costs points."""
    q = 100.0 * min(1.0, rec.rom_fraction) if not rec.complete else 100.0
    short = spec.rep.short_id if spec.rep is not None else "short_range"
    form_cues = [c for c in rec.cues if c not in ("partial_rep", "too_fast", short)]
    q -= 20.0 * len(form_cues)
    if "too_fast" in rec.cues:
        q -= 15.0
    if short in rec.cues:
        q -= 20.0
    if spec.rep is not None and spec.rep.hold_at_peak > 0 and rec.tempo_hold < spec.rep.hold_at_peak:
        q -= 10.0 * (1.0 - rec.tempo_hold / spec.rep.hold_at_peak)
    if not rec.counted:
        q = min(q, 40.0)
    return int(max(0.0, min(100.0, round(q))))


def scored_reps(rows: Sequence[RepRecord]) -> list[RepRecord]:
    """The reps the score judges: all but the fragments the clip's end (or the person leaving) cut off.

    Example:
        >>> [r.index for r in scored_reps([RepRecord(1, 0, 1, 2, True), RepRecord(2, 3, 4, 5, False, at_edge=True)])]
        [1]
    """
    return [r for r in rows if not r.at_edge]


#: Points a fault seen between reps (a set-level cue) takes off the set's score.
SET_CUE_PENALTY = 10


def set_score(spec: ExerciseSpec, rows: Sequence[RepRecord], holds: Sequence[Hold],
              set_cues: Sequence[str] = ()) -> int:
    """0-100 for the set: mean rep quality, weighted by the share of good reps, less
    ``SET_CUE_PENALTY`` per distinct fault seen between reps (``set_cues``); or, for a hold,
    the share of the hold in good form times the share of the target reached."""
    if spec.kind == "hold":
        good = sum(h.good_s for h in holds)
        lost = sum(h.lost_s for h in holds)
        if good + lost <= 0:
            return 0
        target = spec.hold.target_s if spec.hold else good
        return int(round(100.0 * good / (good + lost) * min(1.0, good / target)))
    rows = scored_reps(rows)
    if not rows:
        return 0
    mean_q = sum(r.quality for r in rows) / len(rows)
    share = sum(1 for r in rows if r.complete and r.counted) / len(rows)
    return int(max(0.0, round(mean_q * share - SET_CUE_PENALTY * len(set(set_cues)))))


def score_losses(spec: ExerciseSpec, rows: Sequence[RepRecord], holds: Sequence[Hold],
                 set_cues: Sequence[str], score: int) -> tuple[ScoreLoss, ...]:
    """What :func:`set_score` took points off for, largest first, adding up to ``100 - score``.

    The same arithmetic as the score, taken apart: the share of reps that were partial or
    voided, each rep's quality loss by its cause (each form cue, a rushed rep, a range short
    of the target, a hold at the top cut short), the faults seen between reps; for a hold,
    the time in poor form and the target not reached. Whole points, by largest remainder.
    Nothing at 100; nothing for a set with nothing counted (its ``reason`` says why).

    Example:
        >>> from formcheck.spec import load_spec
        >>> spec = load_spec("glute_bridge")
        >>> rows = [RepRecord(1, 0, 1, 2, True), RepRecord(2, 3, 4, 5, False, rom_fraction=0.5, quality=50)]
        >>> [(x.points, x.kind, x.reps) for x in score_losses(spec, rows, [], [], set_score(spec, rows, []))]
        [(62, 'partial', (2,))]
    """
    parts: dict[tuple[LossKind, str | None], list[Any]] = {}

    def add(kind: LossKind, points: float, cue: str | None = None, rep: int | None = None) -> None:
        entry = parts.setdefault((kind, cue), [0.0, []])
        entry[0] += points
        if rep is not None and rep not in entry[1]:
            entry[1].append(rep)

    if spec.kind == "hold":
        good, lost = sum(h.good_s for h in holds), sum(h.lost_s for h in holds)
        if good + lost > 0:
            form = good / (good + lost)
            reached = min(1.0, good / spec.hold.target_s) if spec.hold else 1.0
            add("hold_form", 100.0 * (1.0 - form))
            add("hold_short", 100.0 * form * (1.0 - reached))
    elif rows := scored_reps(rows):
        n = len(rows)
        share = sum(1 for r in rows if r.complete and r.counted) / n
        for r in rows:
            if not (r.complete and r.counted):  # the share of reps that do not count
                add("partial" if not r.complete else "uncounted", 100.0 / n, rep=r.index)
            for kind, cue, points in _rep_loss_parts(spec, r):
                add(kind, share * points / n, cue, r.index)
        for cue in dict.fromkeys(set_cues):
            add("set_cue", float(SET_CUE_PENALTY), cue)
    return _whole_points(parts, 100 - score)


def _rep_loss_parts(spec: ExerciseSpec, rec: RepRecord) -> list[tuple[LossKind, str | None, float]]:
    """A rep's ``100 - quality`` by cause (the terms of :func:`rep_quality`), scaled to add up to it."""
    short = spec.rep.short_id if spec.rep is not None else "short_range"
    raw: list[tuple[LossKind, str | None, float]] = []
    if not rec.complete:
        raw.append(("partial", None, 100.0 - 100.0 * min(1.0, rec.rom_fraction)))
    raw += [("cue", c, 20.0) for c in rec.cues if c not in ("partial_rep", "too_fast", short)]
    if "too_fast" in rec.cues:
        raw.append(("too_fast", None, 15.0))
    if short in rec.cues:
        raw.append(("short_range", short, 20.0))
    if spec.rep is not None and spec.rep.hold_at_peak > 0 and rec.tempo_hold < spec.rep.hold_at_peak:
        raw.append(("short_hold", None, 10.0 * (1.0 - rec.tempo_hold / spec.rep.hold_at_peak)))
    total, lost = sum(p for _, _, p in raw), 100.0 - rec.quality
    if lost <= 0:
        return []
    if not rec.complete:  # a partial rep's quality, capped as one that does not count: all of it is "partial"
        return [("partial", None, lost)]
    if total <= 0:
        return [("uncounted", None, lost)]
    return [(kind, cue, p * lost / total) for kind, cue, p in raw]


def _whole_points(parts: dict[tuple[LossKind, str | None], list[Any]], total: int) -> tuple[ScoreLoss, ...]:
    """The losses in whole points adding up to ``total`` (largest remainder), largest first."""
    raw = {k: v[0] for k, v in parts.items() if v[0] > 0}
    if total <= 0 or not raw:
        return ()
    scale = total / sum(raw.values())
    exact = {k: p * scale for k, p in raw.items()}
    points = {k: int(p) for k, p in exact.items()}
    for k in sorted(exact, key=lambda k: points[k] - exact[k])[: total - sum(points.values())]:
        points[k] += 1
    losses = [ScoreLoss(p, kind, cue, tuple(sorted(parts[(kind, cue)][1]))) for (kind, cue), p in points.items()
              if p > 0]
    return tuple(sorted(losses, key=lambda x: -x.points))


def count_reps(spec: ExerciseSpec, rows: Sequence[RepRecord]) -> tuple[int, int, dict[str, int]]:
    """``(counted reps, partial reps, counted reps per side)`` of rep records.

    A bilateral exercise filmed from one side (``sides: near``) has no per-side count: its
    rows name the measured side, but both sides did the rep.
    """
    by_side: dict[str, int] = {}
    reps = partial = 0
    for r in rows:
        if r.complete and r.counted:
            reps += 1
            if r.side and spec.sides != "near":
                by_side[r.side] = by_side.get(r.side, 0) + 1
        elif not r.complete:
            partial += 1
    return reps, partial, by_side


#: A first rep whose way up the clip did not show (it began within this of the first frame, at its top).
_UNSEEN_S = 0.1


def start_fragment(spec: ExerciseSpec, rows: Sequence[RepRecord], cues: Sequence[Cue],
                   t0: float) -> tuple[list[RepRecord], list[Cue]]:
    """The rows and cues with a first "rep" that is only the end of a movement the clip began in.

    A clip that starts mid-movement shows the first rep's way down only; it counts when it came
    down from where the set's reps go (the sweep's start at the top). When its range is under
    half the set's own (the median of at least two other counted reps), the person was not at
    the top but settling: it is a fragment cut by the clip's start, as the labellers count it,
    partial and not scored (``at_edge``), and the range or tempo cues it raised are dropped.

    Example:
        >>> from formcheck.spec import load_spec
        >>> rows = [RepRecord(1, 0.0, 0.0, 1.4, True, rom=15.0), RepRecord(2, 2, 3, 4, True, rom=88.0),
        ...         RepRecord(3, 5, 6, 7, True, rom=90.0)]
        >>> [r.complete for r in start_fragment(load_spec("prone_t_raise"), rows, [], 0.0)[0]]
        [False, True, True]
    """
    if not rows or spec.rep is None:
        return list(rows), list(cues)
    first, others = rows[0], [r.rom for r in rows[1:] if r.complete and r.counted]
    unseen_way_up = first.start - t0 <= _UNSEEN_S and first.tempo_up <= _UNSEEN_S
    if not (first.complete and unseen_way_up and len(others) >= 2
            and first.rom < 0.5 * statistics.median_low(others)):
        return list(rows), list(cues)
    judged = {spec.rep.short_id, "too_fast"}
    fragment = replace(first, complete=False, counted=False, at_edge=True,
                       cues=tuple(c for c in first.cues if c not in judged))
    kept = [c for c in cues if not (c.rep == first.index and c.id in judged)]
    return [replace(fragment, quality=rep_quality(fragment, spec)), *rows[1:]], kept


def build_summary(spec: ExerciseSpec, rows: Sequence[RepRecord], holds: Sequence[Hold], cues: Sequence[Cue],
                  t0: float, t: float, frames: int, with_person: int, crowded_s: float) -> SetSummary:
    """The ``SetSummary`` of a set: counts from the rep rows, notes about who was in view, the score.

    ``crowded_s``: seconds with several people in view, in stretches that lasted (``tracker.crowd``).
    """
    notes = []
    if frames and with_person == 0:
        notes.append("no person detected")
    if crowded_s > 0:
        notes.append(f"several people in view for {max(crowded_s, 1.0):.0f} s")
    rows, cues = start_fragment(spec, rows, cues, t0)
    reps, partial, by_side = count_reps(spec, rows)
    set_cues = [c.id for c in cues if c.rep is None and c.id in {r.id for r in spec.rules}]
    score = set_score(spec, rows, holds, set_cues)
    return SetSummary(
        exercise=spec.name, title=spec.title,
        reps=reps, reps_by_side=by_side, partial_reps=partial, rep_rows=tuple(rows), holds=tuple(holds),
        cues=tuple(sorted(cues, key=lambda c: c.start)), duration_s=round(t - t0, 3), frames=frames,
        frames_with_person=with_person, notes=tuple(notes), score=score,
        score_losses=score_losses(spec, rows, holds, set_cues, score))
