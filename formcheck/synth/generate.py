"""Synthetic clips and landmark tracks with exact ground truth.

Two outputs from one simulation (timeline → poses → joints → camera):

- :func:`render_clip` writes ``clip.mp4`` (the figure drawn for the real pose
  model), ``clip.json`` (the :class:`~formcheck.records.labels.ClipLabel`) and
  ``clip.npz`` (generator joints as MediaPipe landmarks, landmarks-file format).
- :func:`synth_track` returns the landmark track as ``list[PoseFrame]`` plus
  its label without drawing anything (fast; for tracker unit tests).

Same options and seed → identical label, landmarks and video bytes.

Example:
    >>> frames, label = synth_track("glute_bridge", reps=3, seed=1)
    >>> label.reps_complete, frames[0].has_person
    (3, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.pose.landmarks_file import save_landmarks
from formcheck.records.atomic import atomic_write, check_writable_output
from formcheck.records.errors import OutputError, SynthError
from formcheck.records.frame import PoseFrame
from formcheck.records.labels import ClipLabel, save_label
from formcheck.synth.camera import VIEWS, Camera
from formcheck.synth.exercises import Exercise
from formcheck.synth.groundtruth import landmark_points, to_pose_frame
from formcheck.synth.motions import PoseFn
from formcheck.synth.skeleton import Body, F, Joints, forward_kinematics, moved
from formcheck.synth.timeline import Timeline, plan

GENERATOR = "formcheck synth"
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class SynthOptions:
    """Everything that decides a synthetic clip (all of it goes into the label's ``source``).

    Attributes:
        exercise: Exercise id, e.g. ``glute_bridge`` (``idle``: no exercise).
        reps: Reps (None: the exercise's default).
        fault: One fault id shown by the clip, or None.
        seed: Seeds tempo variation and landmark jitter.
        side: ``left``/``right`` working side (bird-dog arm, row arm, lunge front leg,
            single-leg RDL standing leg).
        view: ``side``, ``45`` or ``front``.
        tempo: (up, hold, down, rest) seconds, or None for the exercise's default.
        hold: Hold time at the top (hold exercises: the hold), overrides tempo.
        rom: Range of motion scale (below 1 every rep is partial).
        height: Body height in metres.
        fps: Frames per second.
        size: Frame ``(width, height)``.
        camera_height: Camera height (m), None: automatic.
        camera_distance: Camera distance (m), None: frame the motion.
        camera_yaw: Degrees the camera is turned from the view towards the
            figure's front (a slightly oblique side view shows the far arm).
        camera_pitch: Degrees the camera looks down (a phone on a shelf), None:
            level-ish at ``camera_height``; overrides ``camera_height``.
        cut_to: A second view the video cuts to half-way through (an edited
            clip from two cameras), None: one camera.
        travel: Metres the whole body moves towards its front over the clip
            (negative: backwards), e.g. a set walked towards a front camera.
        fault_reps: 0-based reps the fault affects (None: every other rep).
        figure: ``volume``, ``stick`` (control) or ``none`` (empty scene).
        jitter: Std of Gaussian noise added to every landmark, metres (0: exact).
        duration: Length of an ``idle`` clip in seconds.
        setting: Another setting the exercise's spec admits (``bench``: see
            :attr:`~formcheck.synth.exercises.Exercise.settings`), None: its usual one.
    """

    exercise: str
    reps: int | None = None
    fault: str | None = None
    seed: int = 0
    side: str | None = None
    view: str = "side"
    tempo: tuple[float, float, float, float] | None = None
    hold: float | None = None
    rom: float = 1.0
    height: float = 1.75
    fps: float = 15.0
    size: tuple[int, int] = (640, 360)
    camera_height: float | None = None
    camera_distance: float | None = None
    camera_yaw: float = 0.0
    camera_pitch: float | None = None
    cut_to: str | None = None
    travel: float = 0.0
    fault_reps: tuple[int, ...] | None = None
    figure: str = "volume"
    jitter: float = 0.0
    duration: float | None = None
    setting: str | None = None

    def timeline(self) -> Timeline:
        return plan(self.exercise, reps=self.reps, fault=self.fault, seed=self.seed, side=self.side,
                    tempo=self.tempo, hold=self.hold, rom=self.rom,
                    fault_reps=list(self.fault_reps) if self.fault_reps is not None else None,
                    duration=self.duration)


@dataclass
class Simulation:
    """Joints of every frame of a clip, the camera and the schedule."""

    options: SynthOptions
    body: Body
    timeline: Timeline
    times: np.ndarray
    joints: list[Joints]
    points: np.ndarray  # (n, 33, 3) landmark world positions
    camera: Camera
    cut_camera: Camera | None = None  # the camera from frame ``cut_frame`` on (``cut_to``)
    cut_frame: int = 0

    def camera_at(self, frame: int) -> Camera:
        """The camera that films frame ``frame``."""
        return self.cut_camera if self.cut_camera is not None and frame >= self.cut_frame else self.camera


#: Allowed ranges of the camera and noise options: (low, high, unit).
OPTION_RANGES: dict[str, tuple[float, float, str]] = {
    "camera_distance": (0.5, 50.0, "m"),
    "camera_height": (0.0, 20.0, "m"),
    "camera_yaw": (-90.0, 90.0, "degrees"),
    "camera_pitch": (0.0, 60.0, "degrees"),
    "travel": (-10.0, 10.0, "m"),
    "jitter": (0.0, 0.2, "m"),
}


def check_camera(options: SynthOptions) -> None:
    """Camera and noise options must be finite and in :data:`OPTION_RANGES` (``SynthError``)."""
    for name, (low, high, unit) in OPTION_RANGES.items():
        value = getattr(options, name)
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            flag = "--" + name.replace("_", "-")
            raise SynthError(f"{flag} must be between {low:g} and {high:g} {unit}, got {value}")


def simulate(options: SynthOptions) -> Simulation:
    """Run the motion script and place the camera (no drawing)."""
    for view in (options.view, options.cut_to or options.view):
        if view not in VIEWS:
            raise SynthError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    if not 4.0 <= options.fps <= 120.0:
        raise SynthError(f"fps must be 4-120, got {options.fps}")
    w, h = options.size
    if not (160 <= w <= 3840 and 120 <= h <= 2160):
        raise SynthError(f"frame size must be between 160x120 and 3840x2160, got {w}x{h}")
    check_camera(options)
    if options.seed < 0:  # numpy's generators take no negative seed (a traceback before)
        raise SynthError(f"--seed must be a whole number of 0 or more, got {options.seed}")
    try:
        body = Body.scaled(options.height)
    except ValueError as exc:
        raise SynthError(str(exc)) from exc
    tl = options.timeline()
    n = int(round(tl.duration * options.fps))
    times = np.arange(n) / options.fps
    pose_fn = _pose_function(tl.exercise, options.setting)
    joints = [forward_kinematics(body, pose_fn(body, tl.phase_at(float(t)))) for t in times]
    if options.travel:  # an even walk towards the figure's front (F) over the whole clip
        joints = [moved(j, F * options.travel * i / max(1, n - 1)) for i, j in enumerate(joints)]
    points = np.stack([landmark_points(j) for j in joints])
    if options.jitter > 0:
        rng = np.random.default_rng(options.seed + 7919)
        points = points + rng.normal(0.0, options.jitter, points.shape)
    # Frame the figure's outline, not just the joint centres.
    outline = np.concatenate([points.reshape(-1, 3), np.stack([j["head"] for j in joints]) + [0, 0.12, 0]])

    def frame(view: str) -> Camera:
        return Camera.framing(view, outline, options.size, height=options.camera_height,
                              distance=options.camera_distance, yaw=options.camera_yaw, pitch=options.camera_pitch)

    cut = frame(options.cut_to) if options.cut_to is not None else None
    return Simulation(options, body, tl, times, joints, points, frame(options.view), cut, n // 2)


def _pose_function(exercise: Exercise, setting: str | None) -> PoseFn:
    """The exercise's motion in ``setting`` (None: its usual one)."""
    if setting is None:
        return exercise.pose
    if setting not in exercise.settings:
        known = ", ".join(exercise.settings) or "none"
        raise SynthError(f"{exercise.id} has no setting {setting!r}; its settings: {known}")
    return exercise.settings[setting]


def pose_frames(sim: Simulation) -> list[PoseFrame]:
    """The ground-truth track: one PoseFrame per video frame (empty frames for an empty scene)."""
    if sim.options.figure == "none":
        return [PoseFrame.empty(float(t), sim.camera.size, i) for i, t in enumerate(sim.times)]
    return [to_pose_frame(p, sim.camera_at(i), float(t), i) for i, (p, t) in enumerate(zip(sim.points, sim.times))]


def make_label(sim: Simulation, clip_name: str, landmarks_name: str | None) -> ClipLabel:
    """The ground-truth label of a simulation."""
    o, tl = sim.options, sim.timeline
    exercise = None if tl.exercise.kind == "idle" else o.exercise
    source: dict[str, Any] = {"generator": GENERATOR, "generator_version": GENERATOR_VERSION,
                              "seed": o.seed, "options": _jsonable(asdict(o))}
    if o.figure != "volume":
        exercise = None if o.figure == "none" else exercise
        source["figure"] = o.figure
    return ClipLabel(clip=clip_name, exercise=exercise, view=o.view, fps=o.fps,
                     duration_s=round(len(sim.times) / o.fps, 6), frame_count=len(sim.times), size=o.size,
                     reps=tl.rep_labels() if o.figure != "none" else [],
                     holds=tl.hold_labels() if o.figure != "none" else [],
                     faults=tl.fault_labels() if o.figure != "none" else [],
                     landmarks=landmarks_name, source=source)


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def synth_track(exercise: str, **options: Any) -> tuple[list[PoseFrame], ClipLabel]:
    """Landmark track and label of a synthetic clip, without rendering.

    Args:
        exercise: Exercise id.
        **options: Any :class:`SynthOptions` field (``reps``, ``fault``, ``seed``,
            ``side``, ``view``, ``tempo``, ``hold``, ``rom``, ``jitter``, ...).

    Example:
        >>> frames, label = synth_track("bird_dog", reps=2, jitter=0.005, seed=3)
        >>> [r.side for r in label.reps]
        ['left', 'right']
    """
    opts = SynthOptions(exercise=exercise, **_tupled(options))
    sim = simulate(opts)
    return pose_frames(sim), make_label(sim, f"{exercise}.npz", f"{exercise}.npz")


def _tupled(options: dict[str, Any]) -> dict[str, Any]:
    out = dict(options)
    for key in ("tempo", "size", "fault_reps"):
        if out.get(key) is not None:
            out[key] = tuple(out[key])
    return out


def write_track(options: SynthOptions, out_npz: str | Path) -> ClipLabel:
    """Landmark-only mode: write ``track.npz`` and ``track.json`` (no video)."""
    out = check_writable_output(out_npz)
    if out.suffix != ".npz":
        raise OutputError(f"landmark-only output must end in .npz, got {out.name}")
    sim = simulate(options)
    label = make_label(sim, out.name, out.name)
    meta = {"generator": GENERATOR, "fps": options.fps, "label": out.with_suffix(".json").name}
    save_landmarks(out, pose_frames(sim), meta)
    save_label(out.with_suffix(".json"), label)
    return label


def render_clip(options: SynthOptions, out_mp4: str | Path,
                progress: Callable[[int, int], None] | None = None) -> ClipLabel:
    """Render ``clip.mp4`` and write ``clip.json`` and ``clip.npz`` beside it.

    Raises:
        OutputError: The folder is missing, the name does not end in .mp4, or
            the video cannot be written.
        SynthError: Bad options.
    """
    import cv2

    from formcheck.sinks.video import check_frame_count
    from formcheck.synth.render import Renderer

    out = check_writable_output(out_mp4)
    if out.suffix.lower() != ".mp4":
        raise OutputError(f"video output must end in .mp4, got {out.name}")
    sim = simulate(options)
    centre = sim.points.reshape(-1, 3).mean(axis=0)
    prop_side = "r" if (options.side == "right") else "l"
    renderers = [Renderer(camera, sim.body, centre, options.figure, sim.timeline.exercise.prop, prop_side)
                 for camera in (sim.camera, sim.cut_camera) if camera is not None]

    def write(tmp: Path) -> None:
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*"mp4v"), options.fps, options.size)
        if not writer.isOpened():
            raise OutputError(f"cannot open a video writer for {out}")
        try:
            for i, j in enumerate(sim.joints):
                writer.write(renderers[-1 if sim.camera_at(i) is sim.cut_camera else 0].draw(j))
                if progress:
                    progress(i + 1, len(sim.joints))
        finally:
            writer.release()

    atomic_write(out, write, suffix=".mp4", check=lambda tmp: check_frame_count(tmp, len(sim.joints), out))
    label = make_label(sim, out.name, out.with_suffix(".npz").name)
    save_landmarks(out.with_suffix(".npz"), pose_frames(sim),
                   {"generator": GENERATOR, "fps": options.fps, "clip": out.name})
    save_label(out.with_suffix(".json"), label)
    return label


__all__ = ["SynthOptions", "make_label", "pose_frames", "render_clip", "simulate", "synth_track", "write_track"]
