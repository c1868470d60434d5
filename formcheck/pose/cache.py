"""A cache of pose landmarks per clip, so re-running the harness is fast.

The pose model is the slow stage (tens of ms per frame on a laptop CPU); the
tracker replays cached landmarks in milliseconds. Entries are landmarks files
(:mod:`formcheck.pose.landmarks_file`) named after the clip's sha256, the model's sha256
and the estimator's version (one per tracking, see :data:`~formcheck.pose.estimator.TRACKING_VERSIONS`),
so an edited clip, another model or an estimator that reads clips differently never hits a
stale entry.

The default folder is the user cache (``platformdirs``), never the repository:
landmarks derived from the filmed real clips must not end up in git.

Example:
    >>> frames = cached_pose("sample_videos/glute_bridge_side.mp4")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.pose.landmarks_file import NOTES_KEY, load_landmarks, save_landmarks
from formcheck.records.atomic import describe_os_error, new_temp_file
from formcheck.records.errors import LandmarksFileError, OutputError
from formcheck.records.frame import PoseFrame
from formcheck.records.input_files import check_readable_file

if TYPE_CHECKING:
    from formcheck.pose.estimator import PoseEstimator

#: Called with (frames done, frames expected or None) while the model runs.
Progress = Callable[[int, int | None], None]


def default_cache_dir() -> Path:
    """``<user cache>/formcheck/landmarks`` (``FORMCHECK_CACHE_DIR`` moves the user cache)."""
    from formcheck.pose.model import cache_dir

    return cache_dir() / "landmarks"


def ready_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The landmarks cache folder, created if missing and proven writable.

    Checked before any pose work, so a bad ``--cache`` fails at once instead of
    after minutes of running the model.

    Raises:
        OutputError: The path is a file, or the folder cannot be created or written.

    Example:
        >>> ready_cache_dir("/tmp/fc_cache")  # doctest: +SKIP
        PosixPath('/tmp/fc_cache')
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"landmarks cache {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the landmarks cache {folder}: {describe_os_error(exc)}") from exc
    new_temp_file(folder / "write-probe").unlink()  # OutputError when the folder is read-only
    return folder


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_pose(video: str | Path, model_path: str | Path | None = None,
             progress: Progress | None = None, *, frame_step: int = 1,
             estimator: PoseEstimator | None = None) -> tuple[list[PoseFrame], dict[str, object]]:
    """Run the pose model over every ``frame_step``-th frame of ``video``.

    Args:
        video: A video file.
        model_path: Pose model; resolved offline when None (ignored with ``estimator``).
        progress: Called with (frames done, frames expected) after each analysed frame.
        frame_step: 1 analyses every frame, 2 every other frame (half the work).
        estimator: A loaded model to reuse (a batch worker's); a new stream is started on it.

    Returns:
        The frames and file metadata (source, fps, size, model, frame_step; ``notes`` when
        the video ended early, see :func:`~formcheck.pose.landmarks_file.meta_notes`).

    Example:
        >>> frames, meta = run_pose("sample_videos/plank_side.mp4", frame_step=2)  # doctest: +SKIP
    """
    from contextlib import ExitStack

    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.sources import VideoFileSource

    frames: list[PoseFrame] = []
    with ExitStack() as stack:
        src = stack.enter_context(VideoFileSource(video))
        if estimator is None:
            pose = stack.enter_context(PoseEstimator(model_path))
        else:
            pose = estimator
            pose.new_stream()
        expected = -(-src.frame_count // frame_step) if src.frame_count else None
        for image, t in src.every(frame_step):
            frames.append(pose.process(image, t))
            if progress is not None:
                progress(len(frames), expected)
        meta: dict[str, object] = {"source": str(video), "fps": src.fps, "size": list(src.size),
                                   "model": str(pose.model_path), "frame_step": frame_step}
        note = src.ended_early_note()
        if note is not None:
            meta[NOTES_KEY] = [note]
    return frames, meta


def cached_pose(video: str | Path, cache_dir: str | Path | None = None, *,
                model_path: str | Path | None = None, progress: Progress | None = None,
                frame_step: int = 1) -> tuple[list[PoseFrame], dict[str, object]]:
    """Landmarks of ``video`` from the cache, or from the model (then stored).

    Args:
        video: A video file.
        cache_dir: Folder of cached landmarks files; created if missing.
            Defaults to :func:`default_cache_dir`.
        model_path: Pose model; resolved offline when None.
        progress: Called per frame while the model runs (not on a cache hit).
        frame_step: Analyse every ``frame_step``-th frame (cached apart from full-rate entries).

    Returns:
        The frames and the metadata stored with them (source, fps, size, model).

    Raises:
        VideoSourceError: The clip cannot be decoded.
        ModelError: No pose model is available.
        OutputError: The cache folder cannot be written.
    """
    from formcheck.pose.estimator import TRACKING_VERSIONS, resolve_tracking
    from formcheck.pose.model import resolve_model
    from formcheck.records.errors import VideoSourceError

    check_readable_file(video, "video", VideoSourceError)  # before the model is looked for
    folder = ready_cache_dir(cache_dir)
    model = resolve_model(model_path)
    step = f"-s{frame_step}" if frame_step != 1 else ""
    version = TRACKING_VERSIONS[resolve_tracking()]  # $FORMCHECK_POSE: each tracking its own entries
    key = f"{file_sha256(video)[:24]}-{model.sha256[:12]}-e{version}{step}.npz"
    entry = folder / key
    if entry.is_file():
        try:
            return load_landmarks(entry)
        except LandmarksFileError:
            entry.unlink(missing_ok=True)  # damaged or old version: recompute below
    frames, meta = run_pose(video, model.path, progress, frame_step=frame_step)
    if frames:
        save_landmarks(entry, frames, meta)
    return frames, meta
