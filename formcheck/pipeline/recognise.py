"""Which exercise a clip shows, read off the specs themselves: no tracker runs.

Each spec says what its exercise looks like: a start posture (``setup``; a hold's ``keep``),
one signal that a rep moves from ``start`` towards ``peak``, how long the top is held
(``rep.hold_at_peak``), the sides that work (``sides: each``: one at a time) and the parts that
matter (``key_features``). :func:`recognise` measures these on the clip's whole-clip feature
columns and scores each spec in [0, 1] as the product of:

* **posture**: how well the setup conditions hold, each with a soft margin in its feature's
  unit, over the best-held fifth of the clip (the start posture is held between reps);
* **movement**: a rep exercise's signal travels out and back at least once, by a distance
  comparable with the spec's own range, away from where the body rests in the direction of
  ``peak``; a hold's pose is kept, still, for seconds;
* **tempo**: the time at the far end against ``hold_at_peak`` (a 5 s squeeze, a quick raise);
* **sides**: a one-arm exercise wants one side moving, a two-sided one both (where both are seen);
* **the rest of the body**: a large movement of a part the spec does not name (the legs in an
  arm raise) counts against it, and so does a part it plants on the floor (``planted``: a push-up's
  hands) travelling in the picture.

The ranking comes back with a confidence, the best score's share of the two best (0.5: a tie),
and the words behind each score. Below :data:`CONFIDENT` the app asks instead of deciding.

Example:
    >>> result = recognise(frames)  # doctest: +SKIP
    >>> result.best.name, result.confident  # doctest: +SKIP
    ('glute_bridge', True)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from formcheck.features.frames import SIDES, Frames, LandmarkArrays, lm, near_side
from formcheck.features.registry import parse_name
from formcheck.features.resolve import compute_sides
from formcheck.pipeline.recognise_features import longest_run, out_and_back
from formcheck.records.frame import PoseFrame
from formcheck.spec import ExerciseSpec, parse_condition

#: The best candidate's share of the two best scores from which the answer is given, not asked.
CONFIDENT = 0.6
#: A clip this far from its exercise's synthetic clips (in units of the farthest 1 % of held-out ones)
#: looks like nothing the classifier was fitted on (a bench, a view it never saw): the app asks.
ATYPICAL = 1.7
#: The best candidate's spec must read at least this well (:func:`read_specs`) to be named at all.
MIN_READING = 0.05
#: The power of a spec's reading against the classifier's probability (1: equal say; 0: none).
SPEC_WEIGHT = 0.5
#: A spec's reading is floored at this before it weighs the classifier's probability: one poorly
#: measured part of a clip does not rule an exercise out.
SPEC_FLOOR = 0.02
#: A condition's margin is judged in these steps of its feature's unit (a soft threshold).
_UNIT_STEP = {"deg": 8.0, "torso": 0.08}
#: The start posture tells the resting end of a rep's range from the far end when it holds in this
#: much larger a share of the frames at one end than at the other (a squat's standing posture: all
#: at the top, none at the bottom; lying face down: alike at both ends, telling nothing).
_REST_POSTURE_GAP = 0.3
#: Share of the clip over which the posture is judged (the best-held part).
_POSTURE_SHARE = 0.2
#: Body parts whose movement the specs may or may not name, and the features that show it.
_PARTS: dict[str, tuple[str, ...]] = {
    "arms": ("elbow_angle_3d", "upper_arm_elevation_3d"),
    "legs": ("knee_angle_3d", "thigh_elevation_3d"),
}
_PART_OF_LANDMARK = {"wrist": "arms", "elbow": "arms", "knee": "legs", "ankle": "legs", "heel": "legs",
                     "foot_index": "legs"}
#: A part moving this far (degrees, 5th to 95th percentile) moves; twice that is a movement of its own.
_PART_MOVES_DEG = 35.0
#: A part the spec plants on the floor (``ExerciseSpec.planted``) travels against the other planted parts in
#: the picture, while the start posture holds, under the first of these (the body's size there) when it
#: stays put: a hand or foot placed again, the model's jitter (filmed push-ups, planks, cat-cows, bridges
#: and their variants: at most 0.17). Past the second it travels like a working limb (a row's hands: a
#: forearm's length, about half the body's size).
_PLANTED_TRAVEL = (0.2, 0.4)
#: A side seen in under this share of the frames the other side is seen in is left out of a part's motion.
_SEEN_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Candidate:
    """One spec read against the clip: its score, its share of the two best, and why."""

    name: str
    title: str
    score: float
    confidence: float
    posture: float
    movement: float
    tempo: float
    sides: float
    stillness: float
    spec_score: float = 0.0  # the spec's own reading (:func:`read_specs`), 0-1
    classifier: float = float("nan")  # the classifier's probability (NaN: it does not know the exercise)
    atypical: float = float("nan")  # how unlike the exercise's synthetic clips (1: the farthest 1 %; NaN: unknown)

    def reasons(self) -> str:
        """The weakest of the scores in words ("posture 0.31: the start position is not held")."""
        parts = {"the start posture": self.posture, "the movement": self.movement,
                 "the time at the top": self.tempo, "the sides that move": self.sides,
                 "the parts that move": self.stillness}
        worst = min(parts, key=lambda k: parts[k])
        return f"matches {100 * self.score:.0f} %; weakest: {worst} ({100 * parts[worst]:.0f} %)"


@dataclass(frozen=True, slots=True)
class Recognition:
    """The candidates, best first, and whether the best is sure enough to be used without asking."""

    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def confident(self) -> bool:
        if not self.candidates:
            return False
        best = self.candidates[0]
        return best.spec_score > MIN_READING and best.confidence >= CONFIDENT and not best.atypical > ATYPICAL

    def top(self, n: int = 3) -> list[str]:
        """Spec ids of the ``n`` best candidates."""
        return [c.name for c in self.candidates[:n]]

    def question(self) -> str | None:
        """What to ask when unsure ("Looks like Bent-over row — or One-arm row? Pick one"), else None."""
        if self.confident or not self.candidates or self.candidates[0].spec_score <= MIN_READING:
            return None
        a, b = self.candidates[0], self.candidates[1] if len(self.candidates) > 1 else None
        return f"Looks like {a.title}" + (f" — or {b.title}?" if b is not None else "?") + " Pick one."


def _smoothstep(lo: float, hi: float, x: np.ndarray | float) -> Any:
    t = np.clip((np.asarray(x, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _median5(v: np.ndarray) -> np.ndarray:
    """A 5-frame running median that ignores NaN (a hidden limb's spikes go; movements stay)."""
    if len(v) < 5:
        return v
    pad = np.concatenate([np.full(2, np.nan), v, np.full(2, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(pad, 5)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(windows, axis=1))


class _Clip:
    """A clip's feature columns, computed on first use and shared by every spec."""

    def __init__(self, frames: Sequence[PoseFrame]) -> None:
        self.arr = LandmarkArrays.from_frames(frames)
        self.frames = Frames(self.arr, 0.5)
        self.person = np.array([f.has_person for f in frames], dtype=bool)
        t = np.array([f.t for f in frames], dtype=np.float64)
        self.fps = (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 30.0
        self.near = near_side(self.arr) if len(frames) else "left"
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def value(self, name: str, side: str) -> np.ndarray:
        key = (name, side)
        if key not in self._cache:
            self._cache[key] = compute_sides(self.arr, [name], (side,), 0.5, self.frames)[side][name]  # type: ignore[arg-type]
        return self._cache[key]

    def sides_of(self, name: str) -> dict[str, np.ndarray]:
        """Both sides' values of a feature that follows a side, else the one value under "left"."""
        d, mode = parse_name(name)
        if mode != "follow":
            return {"left": self.value(name, "left")}
        return {s: self.value(name, s) for s in SIDES}

    def best_side(self, name: str) -> np.ndarray:
        """The near side's values, the far side's where the near one is unseen."""
        sides = self.sides_of(name)
        if len(sides) == 1:
            return next(iter(sides.values()))
        near, far = sides[self.near], sides["right" if self.near == "left" else "left"]
        return np.where(np.isnan(near), far, near)


def _condition_scores(clip: _Clip, conditions: Sequence[str], side: str | None) -> np.ndarray:
    """Per frame, how well every condition holds (the least of their soft scores; unseen: 0.5).

    ``side``: the side the conditions' sided features follow (None: the near side, the far one
    where the near one is unseen).
    """
    out = np.ones(len(clip.person))
    for text in conditions:
        cond = parse_condition(text)
        d, mode = parse_name(cond.feature)
        step = _UNIT_STEP.get(d.unit, max(0.1 * abs(cond.value), 0.02))
        values = clip.value(cond.feature, side) if side is not None and mode == "follow" else \
            clip.best_side(cond.feature)
        margin = (values - cond.value) if cond.op.startswith(">") else (cond.value - values)
        with np.errstate(over="ignore", invalid="ignore"):
            soft = 1.0 / (1.0 + np.exp(-margin / step))
        out = np.minimum(out, np.where(np.isnan(soft), 0.5, soft))
    return np.where(clip.person, out, 0.0)


def _pose_scores(clip: _Clip, spec: ExerciseSpec, conditions: Sequence[str]) -> np.ndarray:
    """The conditions' frame scores on the side the spec follows: for an exercise worked on one side
    at a time (``sides: each``) either side may be the one in the pose, so the better of the two."""
    if spec.sides != "each":
        return _condition_scores(clip, conditions, None)
    return np.asarray(np.maximum(*(_condition_scores(clip, conditions, s) for s in SIDES)))


def _setup_scores(clip: _Clip, spec: ExerciseSpec) -> np.ndarray:
    """:func:`_pose_scores` of the spec's start positions (``ExerciseSpec.setups``), the best one each frame."""
    setups = spec.setups() or [[]]
    return np.asarray(np.max([_pose_scores(clip, spec, conditions) for conditions in setups], axis=0))


def _posture(clip: _Clip, frame_scores: np.ndarray) -> float:
    seen = frame_scores[clip.person]
    if seen.size == 0:
        return 0.0
    return float(np.quantile(seen, 1.0 - _POSTURE_SHARE))


def _excursions(v: np.ndarray, rest: float, far: float) -> tuple[int, float]:
    """Out-and-back trips from ``rest`` past 70 % of the way to ``far`` (back by 30 %), and frames past
    halfway (the time at the top: a rep held a little lower than the clip's highest spends its hold
    under 70 %, and would count as no time at the top)."""
    span = far - rest
    if not span or math.isnan(span):
        return 0, 0.0
    x = (v - rest) / span
    return out_and_back(x), float(np.sum(x > 0.5))


def _rest_end(v: np.ndarray, lo: float, hi: float, posture_frames: np.ndarray, start: float) -> float:
    """The end of the signal's range (``lo`` or ``hi``) where the body rests: the one where the start
    posture holds in clearly more of the frames near it, else the one nearer the spec's ``start``.

    Not where the posture-holding frames' median lies: a posture that holds at both ends (lying face
    down, arms lifted or not) leaves the median wherever the clip spends most time, which for an
    exercise held at its peak (a 5 s squeeze) is the peak, and the movement then read as going the
    wrong way from rest.
    """
    x = (v - lo) / (hi - lo) if hi > lo else np.full(len(v), np.nan)
    held = posture_frames > 0.5
    at_lo, at_hi = x < 0.3, x > 0.7
    if at_lo.sum() >= 5 and at_hi.sum() >= 5:
        gap = float(held[at_lo].mean() - held[at_hi].mean())
        if abs(gap) >= _REST_POSTURE_GAP:
            return lo if gap > 0 else hi
    return lo if abs(lo - start) <= abs(hi - start) else hi


def _signal_fit(clip: _Clip, spec: ExerciseSpec, values: np.ndarray, posture_frames: np.ndarray) -> tuple[float, float]:
    """(movement, tempo) of one series of the rep signal."""
    rep = spec.rep
    assert rep is not None
    v = _median5(values)
    seen = v[~np.isnan(v)]
    if seen.size < max(5, 0.2 * clip.person.sum()):
        return 0.0, 0.5
    lo, hi = np.quantile(seen, [0.05, 0.95])
    span = abs(rep.peak - rep.start)
    ratio = (hi - lo) / span
    size = float(_smoothstep(0.2, 0.6, ratio) * (1.0 - 0.7 * _smoothstep(2.5, 5.0, ratio)))
    rest = _rest_end(v, lo, hi, posture_frames, rep.start)
    far = hi if rest == lo else lo
    direction = 1.0
    if rep.rest != "either" and (far - rest) * (rep.peak - rep.start) < 0:
        direction = 0.35  # it moves the wrong way from rest for this exercise
    trips, dwell = _excursions(v, rest, far)
    moved = size * direction * (1.0 if trips >= 1 else 0.35)
    tempo = 1.0
    if trips >= 1 and rep.hold_at_peak > 0:
        at_top = dwell / trips / clip.fps
        tempo = float(math.exp(-abs(math.log((at_top + 1.0) / (rep.hold_at_peak + 1.0)))))
    return moved, tempo


def _owned_parts(spec: ExerciseSpec) -> set[str]:
    names = list(spec.key_features) + ([spec.rep.signal] if spec.rep else [])
    owned = set()
    for name in names:
        d, _ = parse_name(name)
        # The landmarks a feature masks itself count too: a bird-dog's reach moves both limbs.
        owned |= {_PART_OF_LANDMARK[p] for _, p in (*d.parts, *d.masked) if p in _PART_OF_LANDMARK}
    return owned


def _part_motion(clip: _Clip, frames: np.ndarray | None = None) -> dict[str, float]:
    """How far each body part moves over the clip, or over ``frames`` (a mask): degrees, the larger
    side's 5th-95th percentile."""
    out = {}
    for part, names in _PARTS.items():
        ranges = []
        for name in names:
            sides = list(clip.sides_of(name).values())
            shown = [int(np.sum(~np.isnan(v if frames is None else v[frames]))) for v in sides]
            for v, n in zip(sides, shown):
                # A limb hidden much of the time (behind a bench, behind the body) is read wildly in the
                # frames it shows: its range is not a movement when the other side is seen throughout.
                if n < _SEEN_SHARE * max(shown):
                    continue
                seen = _median5(v)
                if frames is not None:
                    seen = seen[frames]
                seen = seen[~np.isnan(seen)]
                if seen.size >= 10:
                    lo, hi = np.quantile(seen, [0.05, 0.95])
                    ranges.append(hi - lo)
        out[part] = float(max(ranges)) if ranges else 0.0
    return out


def _travel(points: np.ndarray) -> float:
    """How far ``(n, 2)`` points wander from where they mostly are: the 90th percentile of the distance
    from their median (a few wild frames are not travel); NaN when under 10 are seen."""
    seen = points[~np.isnan(points).any(-1)]
    if len(seen) < 10:
        return math.nan
    return float(np.quantile(np.linalg.norm(seen - np.median(seen, axis=0), axis=-1), 0.9))


def _planted(clip: _Clip, spec: ExerciseSpec, frame_scores: np.ndarray) -> float:
    """1 when the parts the spec plants on the floor stay put against each other in the picture while the
    start posture holds, down to 0.4 when one travels like a working limb.

    A push-up's hands stay on the floor with its feet while the shoulders go up and down; a row with the
    chest on a bench lies alike, but its hands travel away from its planted feet. Each part is read
    against the others' midpoint, so a handheld camera's drift moves them all alike and is not travel
    (a spec that plants one part has nothing to read it against). Travel is measured against the body's
    size in the picture (the torso's length, or the shoulders' width where that is larger: a body seen
    head-on), on the better-seen side of each part (a hidden far hand's guessed position wanders).
    """
    posed = (frame_scores > 0.5) & clip.person
    if len(spec.planted) < 2 or posed.sum() < 10:
        return 1.0
    px, vis = clip.arr.px[posed], clip.arr.vis[posed]
    pair = {part: (lm("left", part), lm("right", part)) for part in ("shoulder", "hip")}
    torso = np.linalg.norm(px[:, list(pair["shoulder"])].mean(1) - px[:, list(pair["hip"])].mean(1), axis=-1)
    across = np.linalg.norm(px[:, pair["shoulder"][0]] - px[:, pair["shoulder"][1]], axis=-1)
    size = max(float(np.nanmedian(torso)), float(np.nanmedian(across)))
    if not size > 0:
        return 1.0
    seen = {part: np.stack([np.where((vis[:, i] > 0.5)[:, None], px[:, i], np.nan)
                            for i in (lm(s, part) for s in SIDES)]) for part in spec.planted}
    worst = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a part unseen on both sides in a frame
        for part, points in seen.items():
            others = np.nanmean(np.concatenate([p for q, p in seen.items() if q != part]), axis=0)
            travels = [_travel(side - others) for side in points]
            if not np.isnan(travels).all():
                worst = max(worst, float(np.nanmin(travels)) / size)
    return float(1.0 - 0.6 * _smoothstep(*_PLANTED_TRAVEL, worst))


def _score(clip: _Clip, spec: ExerciseSpec, motion: dict[str, float]) -> Candidate:
    # Any start position the spec admits: each frame's best.
    frame_scores = _setup_scores(clip, spec)
    posture = _posture(clip, frame_scores)
    tempo = sides = 1.0
    if spec.kind == "hold":
        # The hold starts in the setup pose and lasts while the looser `keep` pose holds.
        keep = spec.hold.keep if spec.hold is not None and spec.hold.keep else spec.setup
        kept = (_pose_scores(clip, spec, list(keep)) > 0.5) & (np.maximum.accumulate(frame_scores > 0.5))
        movement = float(_smoothstep(1.0, 4.0, longest_run(kept) / clip.fps))
        # A hold keeps the body still while held: limbs that swing through a rep's range are a rep
        # exercise (getting into the pose, before it is held, may move anything).
        held_motion = _part_motion(clip, kept) if kept.sum() >= 10 else motion
        movement *= float(1.0 - 0.8 * _smoothstep(0.5 * _PART_MOVES_DEG, 1.5 * _PART_MOVES_DEG,
                                                  max(held_motion.values(), default=0.0)))
    else:
        assert spec.rep is not None
        series = clip.sides_of(spec.rep.signal)
        fits = {s: _signal_fit(clip, spec, v, frame_scores) for s, v in series.items()}
        if spec.sides == "each" and len(fits) == 2:
            moves = sorted(f[0] for f in fits.values())
            movement, tempo = max(fits.values())
            if not spec.alternating:  # one arm works: the other side moves much less
                sides = float(0.55 + 0.45 * _smoothstep(0.2, 0.6, 1.0 - moves[0] / max(moves[1], 1e-6)))
        else:
            combined = clip.best_side(spec.rep.signal)
            movement, tempo = _signal_fit(clip, spec, combined, frame_scores)
            if len(fits) == 2 and spec.sides == "both":
                moves = sorted(f[0] for f in fits.values())
                sides = float(1.0 - 0.35 * _smoothstep(0.4, 0.8, 1.0 - moves[0] / max(moves[1], 1e-6)))
    owned = _owned_parts(spec)
    stillness = _planted(clip, spec, frame_scores)
    for part, deg in motion.items():
        if part not in owned:
            stillness *= float(1.0 - 0.6 * _smoothstep(_PART_MOVES_DEG, 2 * _PART_MOVES_DEG, deg))
    score = posture * movement * tempo * sides * stillness
    return Candidate(spec.name, str(spec.title), score, 0.0, posture, movement, tempo, sides, stillness)


def read_specs(frames: Sequence[PoseFrame], names: Sequence[str] | None = None) -> Recognition:
    """Every spec in ``names`` (default: all) read against the clip by its own words alone, best first;
    the confidence is the best score's share of the two best.

    Specs that fail to load are skipped.
    """
    from formcheck.records.errors import FormcheckError
    from formcheck.spec import list_specs, load_spec

    if not frames or not any(f.has_person for f in frames):
        return Recognition(())
    clip = _Clip(frames)
    motion = _part_motion(clip)
    scored = []
    for name in names if names is not None else list_specs():
        try:
            spec = load_spec(name)
        except FormcheckError:
            continue
        scored.append(_score(clip, spec, motion))
    scored.sort(key=lambda c: -c.score)
    if not scored:
        return Recognition(())
    second = scored[1].score if len(scored) > 1 else 0.0
    out = []
    for c in scored:
        other = second if c is scored[0] else scored[0].score
        share = c.score / (c.score + other) if c.score + other > 0 else 0.0
        out.append(Candidate(c.name, c.title, c.score, share, c.posture, c.movement, c.tempo, c.sides,
                             c.stillness, spec_score=c.score))
    return Recognition(tuple(out))


def recognise(frames: Sequence[PoseFrame], names: Sequence[str] | None = None) -> Recognition:
    """Every spec in ``names`` (default: all), best first, each with its probability.

    The classifier's probability (fitted on synthetic clips, :mod:`formcheck.pipeline.recognise_model`)
    times the spec's own reading (:func:`read_specs`, floored at :data:`SPEC_FLOOR`), normalised
    over ``names``. A spec the classifier does not know gets the classifier's mean probability, so it
    is read by its spec alone. Specs that fail to load are skipped.

    Example:
        >>> from formcheck.synth import synth_track
        >>> recognise(synth_track("plank", hold=8.0, jitter=0.005, seed=1)[0]).top(1)
        ['plank']
    """
    from formcheck.pipeline.recognise_model import classify

    read = read_specs(frames, names)
    if not read.candidates:
        return read
    probs = classify(frames)
    unknown = (1.0 / len(probs) if probs else 1.0, float("nan"))
    joint = [probs.get(c.name, unknown)[0] * (c.spec_score + SPEC_FLOOR) ** SPEC_WEIGHT for c in read.candidates]
    total = sum(joint) or 1.0
    out = [replace(c, score=j / total, confidence=j / total, classifier=probs.get(c.name, (math.nan, 0))[0],
                   atypical=probs.get(c.name, unknown)[1]) for c, j in zip(read.candidates, joint)]
    return Recognition(tuple(sorted(out, key=lambda c: -c.score)))
