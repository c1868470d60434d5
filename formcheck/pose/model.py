"""Resolve a MediaPipe pose model (``.task`` file) that works offline: a pinned one.

The specs' thresholds were checked with one model, so formcheck uses only a
model whose sha256 is in :data:`KNOWN_MODELS` unless told otherwise. Order
(first that works wins):

1. an explicit path (``--model`` or ``FORMCHECK_MODEL``): any valid ``.task``
   file, reported as pinned or not;
2. the user cache (``platformdirs.user_cache_dir("formcheck")``), used only
   when its sha256 is a known one;
3. a build from the ``mediapipe==0.10.21`` wheel fetched with pip from the
   package index: its BlazePose ``.tflite`` files (sha256 checked against
   :data:`PINNED_WEIGHTS`) get the TFLite metadata the Tasks API needs (see
   ``model_metadata.py``) and are zipped, aligned, into a ``.task`` whose
   sha256 must be a known one (the build is byte-for-byte reproducible).

Google's "latest" ``pose_landmarker_full.task`` is not fetched: its weights
change without notice and its hash could not be pinned.

Every file written goes to a temp file first and is renamed into place, so a
crash never leaves a half-written model in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from formcheck.records.atomic import atomic_path, atomic_write_text, describe_os_error, new_temp_file
from formcheck.records.errors import ModelError, OutputError

MODEL_NAME = "pose_landmarker_full.task"
LEGACY_WHEEL = "mediapipe==0.10.21"
_DETECTOR = "mediapipe/modules/pose_detection/pose_detection.tflite"
_LANDMARKS = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
_MIN_TASK_BYTES = 1_000_000

#: sha256 of the model files formcheck uses without ``--model``: the specs' thresholds were
#: checked with these (same weights; build 2 only lays the bundle out aligned).
KNOWN_MODELS: dict[str, str] = {
    "e03d92066dda6fe4f5f64dfefc63b360ae4a65f3239588731936deac41921122":
        "formcheck build 2 of the mediapipe 0.10.21 BlazePose full weights (aligned)",
    "d850132f962affca6acc6b04684b26da904ea9daa45a843856e9b579d16181d6":
        "formcheck build 1 of the mediapipe 0.10.21 BlazePose full weights",
}
#: sha256 of the BlazePose weights inside the mediapipe 0.10.21 wheel (identical on every platform).
PINNED_WEIGHTS: dict[str, str] = {
    _DETECTOR: "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    _LANDMARKS: "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ModelInfo:
    """A ready model file and where it came from."""

    path: Path
    source: str  # "explicit", "built-from-wheel", "cache:built-from-wheel"
    size: int
    sha256: str

    @property
    def pinned(self) -> str | None:
        """What the file is when its sha256 is a known one (:data:`KNOWN_MODELS`), else None."""
        return KNOWN_MODELS.get(self.sha256)


def cache_dir() -> Path:
    """Folder of the user cache (``FORMCHECK_CACHE_DIR`` overrides it)."""
    env = os.environ.get("FORMCHECK_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("formcheck"))


#: What to do when the model cache cannot be written (said by every such error).
CACHE_HINT = ("set FORMCHECK_CACHE_DIR to a writable folder, or FORMCHECK_MODEL (or --model) "
              f"to a {MODEL_NAME} file")


def writable_cache_folder(folder: Path) -> Path:
    """Create ``folder`` if needed and prove it writable, before any slow step writes there.

    Raises:
        ModelError: ``folder`` is a file, or cannot be created or written; the message says
            which variable to set instead (:data:`CACHE_HINT`).

    Example:
        >>> writable_cache_folder(Path("/etc/passwd"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        formcheck.records.errors.ModelError: the model cache /etc/passwd is a file, not a folder: set ...
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # the folder, or a parent of it, is a file
        raise ModelError(f"the model cache {folder} is a file, not a folder: {CACHE_HINT}") from exc
    except OSError as exc:
        raise ModelError(f"cannot create the model cache {folder}: {describe_os_error(exc)}; {CACHE_HINT}") from exc
    try:
        new_temp_file(folder / "write-probe").unlink()
    except (OutputError, OSError) as exc:
        raise ModelError(f"the model cache {folder} is not writable: {CACHE_HINT}") from exc
    return folder


def prepare_mediapipe_import() -> None:
    """Set the environment MediaPipe and matplotlib read at import (only variables still unset).

    Matplotlib and sounddevice, which MediaPipe imports for helpers formcheck never calls, are
    imported only if something reads them (``unused_imports``).

    MediaPipe's Python package imports matplotlib (for drawing helpers formcheck never
    uses), and matplotlib writes its config and font cache under ``~/.config`` and
    ``~/.cache``: pointed at formcheck's own cache (``MPLCONFIGDIR``), a run writes only
    where formcheck says. MediaPipe's C++ logging prints harmless warnings for every
    landmarker: its level is raised. Call it before the first ``import mediapipe``.

    Example:
        >>> prepare_mediapipe_import()
        >>> "MPLCONFIGDIR" in os.environ
        True
    """
    from formcheck.pose.unused_imports import defer_unused_imports

    defer_unused_imports()  # matplotlib and sounddevice: 0.4 s of start-up for helpers never called
    if not os.environ.get("MPLCONFIGDIR"):  # empty counts as unset, as for matplotlib itself
        os.environ["MPLCONFIGDIR"] = _matplotlib_folder()
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _matplotlib_folder() -> str:
    """``<cache>/matplotlib``; a temp folder removed at exit when the cache cannot be written.

    Given an unwritable folder, matplotlib falls back to a temp folder too, but prints
    two warning lines first: with a read-only home and ``FORMCHECK_MODEL`` set, a run
    that needs no cache must still print nothing but its own lines.
    """
    import atexit
    import shutil

    folder = cache_dir() / "matplotlib"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return str(folder)
    except OSError:
        pass
    temp = tempfile.mkdtemp(prefix="formcheck-matplotlib-")
    atexit.register(shutil.rmtree, temp, ignore_errors=True)
    return temp


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
def _installing(dest: Path, source: str, pinned_only: bool = False) -> Iterator[tuple[Path, list[ModelInfo]]]:
    """Yield a temp path to write the model to; on success it is checked, renamed to ``dest``
    and its size and sha256 recorded beside it (the record last: no record, no trusted file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    done: list[ModelInfo] = []
    with atomic_path(dest, ".part") as tmp:
        yield tmp, done
        if tmp.stat().st_size < _MIN_TASK_BYTES or not _looks_like_task(tmp):
            raise ModelError(f"{source}: the file is not a pose landmarker .task bundle")
        info = ModelInfo(path=dest, source=source, size=tmp.stat().st_size, sha256=_sha256(tmp))
        if pinned_only and info.pinned is None:
            raise ModelError(f"{source}: the bundle's sha256 {info.sha256} is not a pinned one (another "
                             "flatbuffers version?); pass a pinned model with --model PATH")
        done.append(info)
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
    prepare_mediapipe_import()
    from formcheck.pose.model_metadata import (
        add_detector_metadata,
        add_landmarks_metadata,
    )

    writable_cache_folder(dest.parent)  # before fetching a wheel that could not be kept
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
        for member, data in ((_DETECTOR, detector), (_LANDMARKS, landmarks)):
            if hashlib.sha256(data).hexdigest() != PINNED_WEIGHTS[member]:
                raise ModelError(f"{wheel.name}: {member} is not the pinned BlazePose file (sha256 differs)")
        if progress:
            progress("adding TFLite metadata and writing the .task bundle")
        with _installing(dest, "built-from-wheel", pinned_only=True) as (tmp, done):
            write_task_bundle(tmp, {"pose_detector.tflite": add_detector_metadata(detector),
                                    "pose_landmarks_detector.tflite": add_landmarks_metadata(landmarks)})
        return done[0]


#: Entry data in the bundle starts at a multiple of this (LiteRT maps tensors in place).
ZIP_ALIGN = 64
_ALIGN_EXTRA_ID = 0xD935  # the extra-field id Android's zipalign uses for padding


def write_task_bundle(path: Path, members: dict[str, bytes]) -> None:
    """Write a ``.task`` zip whose entries' data start on :data:`ZIP_ALIGN`-byte boundaries.

    LiteRT reads tensors straight from the bundle; an entry at an odd offset
    makes it copy them ("unaligned buffer ... copying to an aligned heap
    buffer"). Fixed dates keep the build byte-for-byte reproducible.

    Example:
        >>> members = {"pose_detector.tflite": det, "pose_landmarks_detector.tflite": lm}  # doctest: +SKIP
        >>> write_task_bundle(tmp, members)  # doctest: +SKIP
    """
    with open(path, "wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as out:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            header = 30 + len(name.encode()) + 6  # local header, name, our extra field's own header
            pad = -(fh.tell() + header) % ZIP_ALIGN
            info.extra = struct.pack("<HHH", _ALIGN_EXTRA_ID, 2 + pad, ZIP_ALIGN) + b"\0" * pad
            out.writestr(info, data)


def resolve_model(
    explicit: str | os.PathLike[str] | None = None,
    *,
    allow_download: bool = False,
    allow_build: bool = True,
    progress: Progress | None = None,
) -> ModelInfo:
    """Return a ready pose model: explicit, else a pinned cached one, else a fresh pinned build.

    Args:
        explicit: A ``.task`` path given by the user; ``FORMCHECK_MODEL`` is
            used when this is None. Any valid bundle is accepted (``pinned``
            tells whether it is a known one).
        allow_download: Ignored: no downloaded model is pinned (kept so older
            callers still work).
        allow_build: Build from the mediapipe 0.10.21 wheel via pip.
        progress: Called with a line of text before each slow step.

    Raises:
        ModelError: Nothing worked; the message lists what was tried.

    Example:
        >>> info = resolve_model()  # doctest: +SKIP
        >>> info.path.name, info.pinned is not None
        ('pose_landmarker_full.task', True)
    """
    del allow_download
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
    if cached and cached.pinned:
        return cached
    tried = []
    if cached:
        tried.append(f"cache {dest}: sha256 {cached.sha256[:12]}... is not a pinned model, rebuilding")
        if progress:
            progress(f"cached model {dest} is not a pinned one (sha256 {cached.sha256[:12]}...); replacing it")
    elif dest.exists():
        tried.append(f"cache {dest}: corrupt or unrecorded, rebuilding")
        if progress:
            progress(f"cached model {dest} failed its checksum; replacing it")
    else:
        tried.append(f"cache {dest}: empty")
    if allow_build:
        writable_cache_folder(dest.parent)  # an unwritable cache is the one thing to fix: say only that
        try:
            return build_from_wheel(dest, progress=progress)
        except (ModelError, OutputError) as exc:
            tried.append(f"build from wheel: {exc}")
    raise ModelError(
        "no pose model available. Tried: " + "; ".join(tried) + ". "
        f"Supply one by hand: copy {MODEL_NAME} from a machine where `formcheck model info` says "
        "pinned, and pass --model PATH or set FORMCHECK_MODEL=PATH."
    )
