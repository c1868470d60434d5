"""Resolve a MediaPipe pose model (``.task`` file) that works offline.

Order (first that works wins):

1. an explicit path (``--model`` or ``FORMCHECK_MODEL``);
2. the user cache (``platformdirs.user_cache_dir("formcheck")``), checked
   against the size and sha256 recorded beside it;
3. a download of Google's ``pose_landmarker_full.task`` (short timeout: that
   host is unreachable on many machines);
4. a build from the ``mediapipe==0.10.21`` wheel fetched with pip from the
   package index: its BlazePose ``.tflite`` files get the TFLite metadata the
   Tasks API needs (see ``model_metadata.py``) and are zipped into a ``.task``.

Every file written goes to a temp file first and is renamed into place, so a
crash never leaves a half-written model in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from formcheck.records.atomic import atomic_path, atomic_write_text
from formcheck.records.errors import ModelError, OutputError

MODEL_NAME = "pose_landmarker_full.task"
OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_full/float16/latest/pose_landmarker_full.task"
)
LEGACY_WHEEL = "mediapipe==0.10.21"
_DETECTOR = "mediapipe/modules/pose_detection/pose_detection.tflite"
_LANDMARKS = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
_MIN_TASK_BYTES = 1_000_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ModelInfo:
    """A ready model file and where it came from."""

    path: Path
    source: str  # "explicit", "cache:downloaded", "cache:built-from-wheel"
    size: int
    sha256: str


def cache_dir() -> Path:
    """Folder of the user cache (``FORMCHECK_CACHE_DIR`` overrides it)."""
    env = os.environ.get("FORMCHECK_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("formcheck"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _record_path(model: Path) -> Path:
    return model.with_suffix(model.suffix + ".json")


def _looks_like_task(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return {"pose_detector.tflite", "pose_landmarks_detector.tflite"} <= names


@contextmanager
def _installing(dest: Path, source: str) -> Iterator[tuple[Path, list[ModelInfo]]]:
    """Yield a temp path to write the model to; on success it is checked, renamed to ``dest``
    and its size and sha256 recorded beside it (the record last: no record, no trusted file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    done: list[ModelInfo] = []
    with atomic_path(dest, ".part") as tmp:
        yield tmp, done
        if tmp.stat().st_size < _MIN_TASK_BYTES or not _looks_like_task(tmp):
            raise ModelError(f"{source}: the file is not a pose landmarker .task bundle")
        done.append(ModelInfo(path=dest, source=source, size=tmp.stat().st_size, sha256=_sha256(tmp)))
    info = done[0]
    atomic_write_text(_record_path(dest), json.dumps({"source": source, "size": info.size, "sha256": info.sha256}))


def check_cached(path: Path) -> ModelInfo | None:
    """Return the cached model's info if it matches its recorded size and sha256."""
    record = _record_path(path)
    if not path.is_file() or not record.is_file():
        return None
    try:
        meta = json.loads(record.read_text())
        size, sha, source = int(meta["size"]), str(meta["sha256"]), str(meta["source"])
    except (ValueError, KeyError, TypeError, OSError):
        return None
    if path.stat().st_size != size or _sha256(path) != sha:
        return None
    return ModelInfo(path=path, source="cache:" + source, size=size, sha256=sha)


def download_official(dest: Path, timeout: float = 5.0, progress: Progress | None = None) -> ModelInfo:
    """Download Google's full pose model into ``dest`` (raises ``ModelError``)."""
    if progress:
        progress(f"downloading {OFFICIAL_URL} (timeout {timeout:.0f} s)")
    try:
        with _installing(dest, "downloaded") as (tmp, done):
            with open(tmp, "wb") as out, urllib.request.urlopen(OFFICIAL_URL, timeout=timeout) as resp:
                shutil.copyfileobj(resp, out)
    except (OSError, ValueError, OutputError) as exc:
        raise ModelError(f"download failed: {exc}") from exc
    return done[0]


def _fetch_legacy_wheel(workdir: Path, progress: Progress | None) -> Path:
    if progress:
        progress(f"fetching the {LEGACY_WHEEL} wheel from the package index with pip")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-build-isolation",
           "--only-binary", ":all:", "--disable-pip-version-check", "-q",
           "-d", str(workdir), LEGACY_WHEEL]
    # The model files are platform independent: any platform's wheel will do,
    # so when no wheel fits this interpreter, ask for a common one.
    fallbacks = [[], ["--platform", "manylinux_2_28_x86_64", "--python-version", "3.11"]]
    errors = []
    for extra in fallbacks:
        proc = subprocess.run(cmd[:-1] + extra + cmd[-1:], capture_output=True, text=True)
        wheels = sorted(workdir.glob("mediapipe-0.10.21-*.whl"))
        if proc.returncode == 0 and wheels:
            return wheels[0]
        errors.append((proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no wheel"])
    raise ModelError(f"pip could not fetch {LEGACY_WHEEL}: {errors[-1][0]}")


def build_from_wheel(dest: Path, wheel: Path | None = None, progress: Progress | None = None) -> ModelInfo:
    """Build ``pose_landmarker_full.task`` from the 0.10.21 wheel's BlazePose files."""
    from formcheck.pose.model_metadata import (
        add_detector_metadata,
        add_landmarks_metadata,
    )

    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="formcheck-model-") as tmpdir:
        work = Path(tmpdir)
        wheel = wheel or _fetch_legacy_wheel(work, progress)
        if progress:
            progress(f"extracting BlazePose weights from {wheel.name}")
        try:
            with zipfile.ZipFile(wheel) as zf:
                detector = zf.read(_DETECTOR)
                landmarks = zf.read(_LANDMARKS)
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ModelError(f"{wheel} does not hold the BlazePose model files: {exc}") from exc
        if progress:
            progress("adding TFLite metadata and writing the .task bundle")
        with _installing(dest, "built-from-wheel") as (tmp, done):
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as out:
                # Fixed entry dates keep the build byte-for-byte reproducible.
                for name, data in (("pose_detector.tflite", add_detector_metadata(detector)),
                                   ("pose_landmarks_detector.tflite", add_landmarks_metadata(landmarks))):
                    out.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
        return done[0]


def resolve_model(
    explicit: str | os.PathLike[str] | None = None,
    *,
    allow_download: bool = True,
    allow_build: bool = True,
    progress: Progress | None = None,
) -> ModelInfo:
    """Return a ready pose model, fetching or building it when needed.

    Args:
        explicit: A ``.task`` path given by the user; ``FORMCHECK_MODEL`` is
            used when this is None.
        allow_download: Try Google's model host (5 s timeout).
        allow_build: Build from the mediapipe 0.10.21 wheel via pip.
        progress: Called with a line of text before each slow step.

    Raises:
        ModelError: Nothing worked; the message lists what was tried.

    Example:
        >>> info = resolve_model()  # doctest: +SKIP
        >>> info.path.name
        'pose_landmarker_full.task'
    """
    explicit = explicit or os.environ.get("FORMCHECK_MODEL") or None
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ModelError(f"model file not found: {path} (from --model / FORMCHECK_MODEL)")
        if not _looks_like_task(path):
            raise ModelError(f"{path} is not a pose landmarker .task file (a zip of two .tflite models)")
        return ModelInfo(path=path, source="explicit", size=path.stat().st_size, sha256=_sha256(path))

    dest = cache_dir() / MODEL_NAME
    cached = check_cached(dest)
    if cached:
        return cached
    tried = []
    if dest.exists():
        tried.append(f"cache {dest}: corrupt or unrecorded, rebuilding")
        if progress:
            progress(f"cached model {dest} failed its checksum; replacing it")
    else:
        tried.append(f"cache {dest}: empty")
    if allow_download:
        try:
            return download_official(dest, progress=progress)
        except ModelError as exc:
            tried.append(f"download: {exc}")
    if allow_build:
        try:
            return build_from_wheel(dest, progress=progress)
        except ModelError as exc:
            tried.append(f"build from wheel: {exc}")
    raise ModelError(
        "no pose model available. Tried: " + "; ".join(tried) + ". "
        f"Supply one by hand: download {MODEL_NAME} on another machine and pass "
        "--model PATH or set FORMCHECK_MODEL=PATH."
    )
