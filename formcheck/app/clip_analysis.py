"""Analyse one clip for the Review and Samples pages (no Streamlit here: it also runs in a thread).

One pose pass per clip: the landmarks serve the exercise ranking (suggestion
and wrong-exercise hint), the analysis, the annotated video and the key
frames. The session is saved to History keyed by the clip's sha256, so
analysing the same clip again replaces its row. The annotated video stays on
disk, in a scratch folder that belongs to the run (gone with it): a finished run
holds no video in memory.

Example:
    >>> run = analyze_clip_file(Path("up.mp4"), None, source="sam.mp4", kind="review",
    ...                         settings=load_settings(), names=list_specs())  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from formcheck.app.scratch import ScratchFolder
from formcheck.app.settings import AppSettings
from formcheck.pipeline.recognise import Recognition, recognise
from formcheck.pipeline.suggest import SpecFit, explain_recognition, rank_specs, wrong_exercise_hint
from formcheck.records.errors import FormcheckError, OutputError, VideoSourceError
from formcheck.records.frame import PoseFrame
from formcheck.sinks.key_frames import KeyFrame

#: Called with (what is happening, fraction done 0-1).
StageProgress = Callable[[str, float], None]

#: Share of the picture's height added under the annotated video for the player's controls.
CONTROLS_PAD = 0.2
#: libx264's quality setting of the video the page plays: the file the app always served (a third
#: smaller than ``analyze``'s CRF 23, which Streamlit holds in memory per session shown).
PLAYER_CRF = 26


class UnsureExerciseError(FormcheckError):
    """The recogniser is unsure which exercise the clip shows: the user is asked to pick one.

    Raised by :func:`analyze_clip_file` with ``ask=True`` instead of deciding; its message is the
    question ("Looks like Bent-over row — or One-arm row? Pick one."), ``choices`` the candidates'
    ``(id, title)``, best first, and ``pose`` the pose pass, to analyse again without the model.
    """

    def __init__(self, recognition: Recognition, pose: ClipPose) -> None:
        super().__init__(recognition.question() or "Which exercise is this? Pick one.")
        self.choices = tuple((c.name, c.title) for c in recognition.candidates[:2])
        self.pose = pose


@dataclass(frozen=True)
class ClipRun:
    """One analysed clip as the pages keep it in the session."""

    result: Any  # formcheck.records.result.AnalysisResult
    source: str  # what the user knows it by (upload name, sample name)
    video: Path | None  # annotated H.264 MP4 in ``files``, None if it could not be made
    video_note: str | None
    report_json: str
    reps_csv: str
    session_id: int | None
    save_error: str | None
    clip_key: str = ""
    ranking: tuple[SpecFit, ...] = ()
    suggestion: str | None = None  # the suggestion in words, when formcheck chose the exercise
    hint: str | None = None  # another exercise fits far better than the one chosen
    key_frames: tuple[KeyFrame, ...] = field(default_factory=tuple)
    client: str = ""
    trainer_notes: str = ""
    files: ScratchFolder | None = None  # the run's files (the video): removed with the run
    personal: tuple[str, ...] = ()  # the client's personal targets this run was judged against, in words

    def discard(self) -> None:
        """Remove the run's files now, e.g. when another run replaces it on the page."""
        if self.files is not None:
            self.files.cleanup()


class ClipPose(NamedTuple):
    """One pose pass over a clip, kept to analyse the same clip again with another exercise."""

    key: str  # the clip's sha256
    frames: list[PoseFrame]
    fps: float
    notes: tuple[str, ...] = ()  # about the video itself (it ended early)


def _landmarks(path: Path, settings: AppSettings, progress: StageProgress,
               cached: ClipPose | None, key: str) -> ClipPose:
    if cached is not None and cached.key == key:
        return cached
    from formcheck.pose.cache import run_pose
    from formcheck.pose.landmarks_file import meta_notes

    def each(done: int, total: int | None) -> None:
        progress(f"Finding the body… frame {done}" + (f" of {total}" if total else ""),
                 0.75 * min(done / total, 1.0) if total else 0.3)

    frames, meta = run_pose(path, settings.model_path, each)
    return ClipPose(key, frames, float(meta.get("fps") or 30.0), meta_notes(meta))  # type: ignore[arg-type]


def analyze_clip_file(path: Path, exercise: str | None, *, source: str, kind: str, settings: AppSettings,
                      names: Sequence[str], client: str = "", trainer_notes: str = "",
                      progress: StageProgress | None = None,
                      landmarks: ClipPose | None = None, ask: bool = False,
                      ) -> tuple[ClipRun, ClipPose]:
    """Pose (once) → ranking → analysis → annotated video → key frames → history.

    Args:
        path: The video file (a temporary copy of an upload, or a sample).
        exercise: A spec id, or None to take the best-fitting spec.
        source: The clip's name as the user knows it (stored and written in the reports).
        kind: History kind ("review" or "sample").
        settings: App settings (model, database).
        names: Spec ids to rank.
        client: The client's name, stored with the session.
        trainer_notes: The trainer's notes, stored with the session.
        progress: Told what is happening.
        landmarks: An earlier pose pass; reused when the clip is the same.
        ask: With no ``exercise``: raise :class:`UnsureExerciseError` when the recogniser is unsure,
            instead of taking its best guess.

    Returns:
        The run and the pose pass, to reuse for another exercise.

    Raises:
        UnsureExerciseError: ``ask`` and the recogniser is unsure (the user picks; nothing is saved).
        FormcheckError: Unreadable clip, unknown spec, no model; or no exercise recognised.
    """
    from formcheck.pipeline.analysis import analyze_frames
    from formcheck.pose.cache import file_sha256
    from formcheck.sinks.key_frames import NearestImages, draw_key_frames, key_moments, render_key_frames
    from formcheck.sinks.report import report_dict, reps_csv

    tell = progress or (lambda _what, _done: None)
    key = file_sha256(path)
    pose = _landmarks(path, settings, tell, landmarks, key)
    frames, fps = pose.frames, pose.fps
    tell("Reading which exercise the movement is…", 0.78)
    recognition: Recognition | None = None
    ranking: tuple[SpecFit, ...] = ()
    hint: str | None = None
    if exercise is None:
        recognition = recognise(frames, names)
        best = recognition.best
        if best is None or (not recognition.confident and recognition.question() is None):
            raise VideoSourceError(f"{source}: no exercise recognised (nobody in view, or no exercise's posture "
                                   "and movement); choose the exercise yourself")
        if ask and not recognition.confident:
            raise UnsureExerciseError(recognition, pose)
        exercise = best.name
    else:  # the trainer chose: a hint when another exercise fits far better (a shortlist of trackers)
        read = recognise(frames, names)
        ranking = tuple(rank_specs(frames, names, keep=[exercise], recognition=read))
        hint = wrong_exercise_hint(ranking, exercise, read) if ranking else None
    spec, personal = client_spec(client, exercise, settings)
    result = analyze_frames(frames, spec, source=source, fps=fps, source_notes=pose.notes)
    suggestion = explain_recognition(recognition, result.summary) if recognition is not None else None
    files = ScratchFolder("formcheck-video-")
    try:
        moments = key_moments(result)
        near = NearestImages([m.t for m in moments])  # picked up by the drawing pass: no decoding of their own
        video, video_note = _annotated_video(path, result, files.path, tell, near.offer)
        tell("Picking key frames…", 0.96)
        key_frames = tuple(draw_key_frames(result, moments, near.images()) if video is not None
                           else render_key_frames(path, result, moments))  # the drawing stopped part way
    except BaseException:  # an error or a stop: nothing of the run is kept
        files.cleanup()
        raise
    session_id, save_error, client, trainer_notes = _save(result.summary, settings, source=source, kind=kind,
                                                          clip_key=key, client=client, trainer_notes=trainer_notes)
    report = json.dumps(report_dict(result), indent=2, allow_nan=False)
    run = ClipRun(result, source, video, video_note, report, reps_csv(result.summary), session_id, save_error,
                  clip_key=key, ranking=ranking, suggestion=suggestion, hint=hint, key_frames=key_frames,
                  client=client, trainer_notes=trainer_notes, files=files, personal=personal)
    return run, pose


def client_spec(client: str, exercise: str, settings: AppSettings) -> tuple[Any, tuple[str, ...]]:
    """The spec to judge ``client``'s set by: their personal one if the trainer made one, else ``exercise``.

    Returns:
        The spec (an id or a loaded spec) and the personal targets in words (empty for the base spec).

    Raises:
        SpecError: The client's personal spec is there but does not load.
    """
    from formcheck.store.personal_targets import personal_spec, personal_words, targets_folder

    mine = personal_spec(client, exercise, targets_folder(settings.db_path))
    if mine is None:
        return exercise, ()
    return mine.spec, personal_words(mine.spec, mine.base)


def _annotated_video(path: Path, result: Any, folder: Path, tell: StageProgress,
                     each_image: Callable[[Any, float], None]) -> tuple[Path | None, str | None]:
    """The annotated video in ``folder`` (or None and why not), drawn frame by frame as the CLI's.

    Written once, as H.264 with the strip for the player's controls under the picture: the
    browser plays it as it is (no second encode, the CLI's cost). ``each_image`` is offered every
    decoded image (the key frames are taken from this pass).
    """
    from formcheck.pipeline.analysis import render_annotated

    tell("Drawing the annotated video…", 0.82)

    def drawn(done: int, total: int | None) -> None:  # also where a stopping job ends (see ReviewJob)
        tell("Drawing the annotated video…", 0.82 + 0.13 * min(done / total, 1.0) if total else 0.82)

    try:
        return render_annotated(path, result, folder / "annotated.mp4", progress=drawn, pad_bottom=CONTROLS_PAD,
                                crf=PLAYER_CRF, each_image=each_image), None
    except OutputError as exc:  # a full disk: the analysis stands without its video
        return None, str(exc)


def _save(summary: Any, settings: AppSettings, *, source: str, kind: str, clip_key: str, client: str,
          trainer_notes: str) -> tuple[int | None, str | None, str, str]:
    """Save the set to History: its id (or why it was not saved) and the client and notes now stored.

    Analysing a clip again replaces its row and keeps the notes stored earlier.
    """
    from formcheck.app.history_access import history  # the signed-in scope (issue 27)

    try:
        store = history(settings)
        session_id = store.save_set(summary, source=source, kind=kind, clip_key=clip_key,  # type: ignore[arg-type]
                                    client=client or None, trainer_notes=trainer_notes or None)
    except FormcheckError as exc:
        return None, str(exc), client, trainer_notes
    stored = store.get(session_id)
    return session_id, None, stored.client, stored.trainer_notes
