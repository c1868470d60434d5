"""The synthetic robustness sweep: the same motions under many cameras, bodies and tempos.

Counting must not depend on where the camera stands or who exercises. The
generator (``formcheck.synth``) gives exact ground truth, so the sweep replays
each rep exercise over a grid of views (side-on, 45 degrees, each turned 0 or
25 degrees more: 0-70 degrees off the side), camera heights, body heights,
tempos and start phases (the clip begins at rest, halfway up the first rep or
at its top), and checks every count against the label's convention
(``complete <= counted <= complete + partial``). The ``full`` grid adds the
views people film from that a tripod sweep misses: head-on (90 degrees), from
behind a shoulder (rear-oblique, 135 degrees), a camera on a shelf looking
down 20-30 degrees, a clip cut to another camera half-way, and a lunge or
squat set walked towards or away from a camera in front.

Two depths: generator landmarks only (fast, exact 3-D: tests the engine), or
rendered clips through the real pose model (``render=True``: tests the whole
path, slow; ``benchmarks/sweep_render.py``).

Example:
    >>> rows = run_sweep(sweep_cases("quick")[:1])  # doctest: +SKIP
    >>> print(format_sweep(rows))  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.records.frame import PoseFrame
from formcheck.records.labels import ClipLabel

#: The rep exercises the generator and the specs share.
SWEEP_EXERCISES = ("bird_dog", "glute_bridge", "superman", "bent_over_row", "one_arm_row", "deadlift")
#: Where a clip may begin: at rest before the first rep, halfway up it, at its top.
START_PHASES = ("rest", "mid_up", "top")


@dataclass(frozen=True)
class SweepCase:
    """One synthetic clip of the sweep.

    Attributes:
        exercise: Spec and generator id.
        view: Generator view (``formcheck.synth.camera.VIEWS``): ``side``, ``45``, ``front``, ``rear_oblique``.
        camera_yaw: Degrees the camera turns further (towards the figure's front).
        height: Body height in metres.
        camera_height: Camera height in metres (None: the generator frames the motion).
        tempo_scale: Every phase of the default tempo times this (0.6: fast reps).
        start: Where the clip begins (``START_PHASES``).
        seed: Tempo variation and landmark noise.
        pitch: Degrees the camera looks down (None: the generator's height).
        cut_to: The view the clip cuts to half-way (None: one camera).
        travel: Metres the body walks towards its front over the set.
    """

    exercise: str
    view: str = "side"
    camera_yaw: float = 0.0
    height: float = 1.75
    camera_height: float | None = None
    tempo_scale: float = 1.0
    start: str = "rest"
    seed: int = 7
    pitch: float | None = None
    cut_to: str | None = None
    travel: float = 0.0

    @property
    def angle(self) -> float:
        """Degrees off the side-on view (either way round: 135 is behind the far shoulder)."""
        from formcheck.synth.camera import VIEWS

        return abs((VIEWS[self.view] + self.camera_yaw + 180.0) % 360.0 - 180.0)

    def synth_options(self) -> dict[str, object]:
        """The generator's options for this case."""
        return dict(view=self.view, camera_yaw=self.camera_yaw, height=self.height, camera_height=self.camera_height,
                    tempo=_tempo(self.exercise, self.tempo_scale), seed=self.seed, camera_pitch=self.pitch,
                    cut_to=self.cut_to, travel=self.travel)


@dataclass(frozen=True)
class SweepRow:
    """A case, its label's counts and what the tracker counted."""

    case: SweepCase
    true_reps: int
    true_partial: int
    reps: int
    partial_reps: int

    @property
    def exact(self) -> bool:
        """Counted within the label's convention: complete <= counted <= complete + partial."""
        return self.true_reps <= self.reps <= self.true_reps + self.true_partial


def sweep_cases(grid: str = "done-when") -> list[SweepCase]:
    """The cases of a named grid.

    * ``"done-when"``: exercises x side/45 x camera yaw 0/25 x body height 1.55/1.9 m (48).
    * ``"filmed"``: only the cases of :data:`FILMED_VIEWS` (to render them alone).
    * ``"full"``: that, plus camera heights, fast and slow tempos, the three start phases, and
      the views of :data:`FILMED_VIEWS` (:func:`filmed_view_cases`).
    """
    base = [SweepCase(ex, view, yaw, h) for ex, view, yaw, h in
            itertools.product(SWEEP_EXERCISES, ("side", "45"), (0.0, 25.0), (1.55, 1.9))]
    if grid == "done-when":
        return base
    if grid == "filmed":
        return filmed_view_cases()
    if grid != "full":
        raise ValueError(f"unknown sweep grid {grid!r}: 'done-when', 'full' or 'filmed'")
    extra = [SweepCase(ex, view, yaw, 1.75, camera_height=ch) for ex, view, yaw, ch in
             itertools.product(SWEEP_EXERCISES, ("side", "45"), (0.0, 25.0), (0.3, 1.6))]
    extra += [SweepCase(ex, view, 0.0, 1.75, tempo_scale=k) for ex, view, k in
              itertools.product(SWEEP_EXERCISES, ("side", "45"), (0.6, 1.6))]
    extra += [SweepCase(ex, view, 0.0, 1.75, start=st) for ex, view, st in
              itertools.product(SWEEP_EXERCISES, ("side", "45"), START_PHASES[1:])]
    return base + extra + filmed_view_cases()


#: The ways people film themselves that the tripod grid misses (issue 21): ``views`` head-on and
#: rear-oblique, a camera ``pitched`` down from a shelf, a ``cut`` to another camera, a set walked
#: towards or away from the camera (``travel``).
FILMED_VIEWS = ("views", "pitched", "cut", "travel")
#: Standing exercises a person walks through (a walking lunge; a squat set drifting towards the phone).
TRAVEL_EXERCISES = ("lunge", "squat")


def filmed_view_cases(kinds: Sequence[str] = FILMED_VIEWS) -> list[SweepCase]:
    """The cases of :data:`FILMED_VIEWS` (one body height where the grid would not add a new view)."""
    cases: list[SweepCase] = []
    if "views" in kinds:
        cases += [SweepCase(ex, view, 0.0, h) for ex, view, h in
                  itertools.product(SWEEP_EXERCISES, ("front", "rear_oblique"), (1.55, 1.9))]
    if "pitched" in kinds:
        cases += [SweepCase(ex, view, pitch=p) for ex, view, p in
                  itertools.product(SWEEP_EXERCISES, ("side", "45"), (20.0, 30.0))]
    if "cut" in kinds:
        cases += [SweepCase(ex, view, cut_to=to) for ex, (view, to) in
                  itertools.product(SWEEP_EXERCISES, (("side", "45"), ("45", "front")))]
    if "travel" in kinds:
        cases += [SweepCase(ex, view, travel=d) for ex, view, d in
                  itertools.product(TRAVEL_EXERCISES, ("front", "45"), (2.0, -2.0))]
    return cases


def _tempo(exercise: str, scale: float) -> tuple[float, float, float, float] | None:
    if scale == 1.0:
        return None
    from formcheck.synth.exercises import EXERCISES

    up, top, down, rest = EXERCISES[exercise].tempo
    return (up * scale, top * scale, down * scale, rest * scale)


def _cut(frames: list[PoseFrame], label: ClipLabel, start: str) -> tuple[list[PoseFrame], int, int]:
    """Begin the clip later; returns the frames and the (complete, partial) counts that follow.

    The real clips' convention: a rep cut by the clip's start in its way up is partial; one
    already at its top (or on its way down) counts complete.
    """
    complete, partial = label.reps_complete, label.reps_partial
    if start == "rest" or not label.reps:
        return frames, complete, partial
    first = label.reps[0]
    at = first.start + 0.5 * (first.top - first.start) if start == "mid_up" else first.top
    kept = [replace(f, t=f.t - at) for f in frames if f.t >= at]
    if start == "mid_up" and first.complete:
        complete, partial = complete - 1, partial + 1
    return kept, complete, partial


def clip_name(case: SweepCase) -> str:
    """The rendered clip's file name (the start phase cuts the same clip; the tripod grid keeps its old names)."""
    filmed = ((f"_pitch{case.pitch:g}" if case.pitch is not None else "")
              + (f"_cut{case.cut_to}" if case.cut_to else "") + (f"_travel{case.travel:g}" if case.travel else ""))
    return (f"{case.exercise}_{case.view}_{case.camera_yaw:g}_{case.height:g}_{case.camera_height}"
            f"_{case.tempo_scale:g}_{case.seed}{filmed}.mp4")


def run_case(case: SweepCase, *, render_dir: Path | None = None, model_path: str | Path | None = None) -> SweepRow:
    """Generate one case (landmarks, or a rendered clip through the pose model) and count it."""
    from formcheck.pipeline.analysis import analyze_frames, analyze_video
    from formcheck.synth.generate import SynthOptions, render_clip, synth_track

    options = case.synth_options()
    if render_dir is None:
        frames, label = synth_track(case.exercise, jitter=0.01, **options)
    else:
        name = clip_name(case)
        label = render_clip(SynthOptions(exercise=case.exercise, **options), render_dir / name)  # type: ignore[arg-type]
        frames = list(analyze_video(render_dir / name, case.exercise, model_path=model_path).frames)
    frames, complete, partial = _cut(frames, label, case.start)
    summary = analyze_frames(frames, case.exercise).summary
    return SweepRow(case, complete, partial, summary.reps, summary.partial_reps)


def run_sweep(cases: Sequence[SweepCase], *, render_dir: Path | None = None,
              model_path: str | Path | None = None, log: Callable[[str], None] | None = None) -> list[SweepRow]:
    """Every case, in order (``log`` hears about each one)."""
    rows = []
    for i, case in enumerate(cases, 1):
        if log is not None:
            log(f"[{i}/{len(cases)}] {case.exercise} {case.angle:g} deg")
        rows.append(run_case(case, render_dir=render_dir, model_path=model_path))
    return rows


def _filmed_words(c: SweepCase) -> str:
    return ((f", pitched {c.pitch:g} deg down" if c.pitch is not None else "")
            + (f", cut to {c.cut_to}" if c.cut_to else "") + (f", travel {c.travel:+g} m" if c.travel else ""))


def format_sweep(rows: Sequence[SweepRow]) -> str:
    """Exact counts per exercise and view angle, then per other factor, then the misses."""
    def cell(sel: Sequence[SweepRow]) -> str:
        return f"{sum(r.exact for r in sel)}/{len(sel)}" if sel else "-"

    angles = sorted({r.case.angle for r in rows})
    head = ["exercise"] + [f"{a:g} deg" for a in angles] + ["all"]
    lines = ["  ".join(f"{h:>14s}" if i else f"{h:16s}" for i, h in enumerate(head))]
    for ex in sorted({r.case.exercise for r in rows}):
        mine = [r for r in rows if r.case.exercise == ex]
        cells = [cell([r for r in mine if r.case.angle == a]) for a in angles] + [cell(mine)]
        lines.append(f"{ex:16s}" + "".join(f"  {c:>14s}" for c in cells))
    lines.append(f"{'all':16s}" + "".join(f"  {cell([r for r in rows if r.case.angle == a]):>14s}" for a in angles)
                 + f"  {cell(rows):>14s}")
    for label, key in (("body height", lambda c: f"{c.height:g} m"), ("camera height", lambda c: str(c.camera_height)),
                       ("tempo", lambda c: f"x{c.tempo_scale:g}"), ("start", lambda c: c.start),
                       ("camera pitch", lambda c: "level" if c.pitch is None else f"{c.pitch:g} deg down"),
                       ("camera cut", lambda c: f"{c.view} to {c.cut_to}" if c.cut_to else "none"),
                       ("travel", lambda c: f"{c.travel:+g} m" if c.travel else "none")):
        groups = sorted({key(r.case) for r in rows})
        if len(groups) > 1:
            lines.append(f"{label}: " + ", ".join(f"{g} {cell([r for r in rows if key(r.case) == g])}" for g in groups))
    misses = [r for r in rows if not r.exact]
    for r in misses:
        c = r.case
        lines.append(f"miss: {c.exercise} {c.angle:g} deg, body {c.height:g} m, camera height {c.camera_height}, "
                     f"tempo x{c.tempo_scale:g}, start {c.start}{_filmed_words(c)}: "
                     f"true {r.true_reps}+{r.true_partial}, "
                     f"counted {r.reps}+{r.partial_reps}")
    total = sum(r.exact for r in rows)
    lines.append(f"exact: {total}/{len(rows)} ({100.0 * total / len(rows):.0f} %)" if rows else "exact: no cases")
    return "\n".join(lines)
