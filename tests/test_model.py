"""Layer 3 (real model): the offline build path, pinning, cache checks, and model errors.

The build runs once per test session, for real, into a temp folder: pip
fetches the mediapipe 0.10.21 wheel and its BlazePose weights become a
``.task`` file whose sha256 must be a pinned one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from formcheck.pose.model import KNOWN_MODELS, MODEL_NAME, check_cached, resolve_model
from formcheck.records.errors import ModelError
from tests.helpers import run_cli

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def built_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("model-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("FORMCHECK_CACHE_DIR", str(cache))
    mp.delenv("FORMCHECK_MODEL", raising=False)
    try:
        lines: list[str] = []
        info = resolve_model(progress=lines.append)
    finally:
        mp.undo()
    assert info.source == "built-from-wheel"
    assert any("0.10.21" in line for line in lines)  # progress was reported
    assert not any("download" in line for line in lines)  # Google's unpinned "latest" is never fetched
    return cache


def test_the_build_is_the_pinned_file(built_cache: Path) -> None:
    info = check_cached(built_cache / MODEL_NAME)
    assert info is not None and info.sha256 in KNOWN_MODELS
    assert "aligned" in KNOWN_MODELS[info.sha256]


def test_bundle_entries_start_aligned_so_litert_maps_them_in_place(built_cache: Path, tmp_path: Path,
                                                                    sample_videos: Path) -> None:
    path = built_cache / MODEL_NAME
    with zipfile.ZipFile(path) as zf:
        starts = [i.header_offset + 30 + len(i.filename.encode()) + len(i.extra) for i in zf.infolist()]
    assert starts and all(start % 64 == 0 for start in starts)
    npz = sample_videos / "glute_bridge_side.mp4"
    proc = run_cli(["pose", str(npz), "-o", str(tmp_path / "p.npz"), "--max-seconds", "1", "--verbose",
                    "--model", str(path)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Sparsity" in proc.stderr  # --verbose shows the libraries' lines...
    assert "unaligned buffer" not in proc.stderr  # ...but no longer this one


def test_an_unpinned_cached_model_is_not_used(built_cache: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid .task of other bytes (as Google's "latest" downloaded by an older formcheck)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    with zipfile.ZipFile(built_cache / MODEL_NAME) as src, zipfile.ZipFile(cache / MODEL_NAME, "w") as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))  # same models, other layout: another sha256
    import hashlib
    import json

    data = (cache / MODEL_NAME).read_bytes()
    (cache / (MODEL_NAME + ".json")).write_text(json.dumps(
        {"source": "downloaded", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}))
    cached = check_cached(cache / MODEL_NAME)
    assert cached is not None and cached.pinned is None
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(cache))
    with pytest.raises(ModelError, match="not a pinned model"):
        resolve_model(allow_build=False)
    explicit = resolve_model(cache / MODEL_NAME)  # the user's own choice is allowed, and said so
    assert explicit.source == "explicit" and explicit.pinned is None
    proc = run_cli(["model", "info", "--model", str(cache / MODEL_NAME)])
    assert proc.returncode == 0 and "pinned: no" in proc.stdout
    proc = run_cli(["model", "info", "--model", str(built_cache / MODEL_NAME)])
    assert proc.returncode == 0 and "pinned: yes: formcheck build 2" in proc.stdout


def test_built_model_is_a_task_bundle_with_metadata(built_cache: Path) -> None:
    path = built_cache / MODEL_NAME
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        detector = zf.read("pose_detector.tflite")
    assert names == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
    assert b"TFLITE_METADATA" in detector and b"M001" in detector
    info = check_cached(path)
    assert info is not None and info.size == path.stat().st_size and len(info.sha256) == 64


def test_built_model_finds_the_person_where_the_generator_put_them(built_cache: Path, sample_videos: Path) -> None:
    """Landmarks of the freshly built model agree with a sample clip's exact ground truth."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.landmarks_file import load_landmarks
    from formcheck.pose.sources import VideoFileSource
    from formcheck.synth.validate import compare

    clip = sample_videos / "glute_bridge_side.mp4"
    truth, _ = load_landmarks(clip.with_suffix(".npz"))
    with VideoFileSource(clip) as src, PoseEstimator(built_cache / MODEL_NAME) as pose:
        frames = [pose.process(image, t) for image, t in src if t < 3.0]
    acc = compare(clip.stem, frames, truth[:len(frames)])
    print(f"\n[model] built model on {clip.name}: {acc.row()}")
    assert acc.frames >= 40
    assert acc.detected >= 0.95 and acc.within >= 0.9, acc.row()


def test_cache_hit_is_reused_without_rebuilding(built_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(built_cache))
    info = resolve_model(allow_build=False)
    assert info.source == "cache:built-from-wheel" and info.path == built_cache / MODEL_NAME


def test_corrupt_cache_is_detected_and_rebuilt(built_cache: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in (MODEL_NAME, MODEL_NAME + ".json"):
        (cache / name).write_bytes((built_cache / name).read_bytes())
    with open(cache / MODEL_NAME, "r+b") as fh:  # flip bytes in the middle
        fh.seek(4_000_000)
        fh.write(b"\x00" * 64)
    assert check_cached(cache / MODEL_NAME) is None
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(cache))
    with pytest.raises(ModelError, match="corrupt"):
        resolve_model(allow_build=False)
    lines: list[str] = []
    info = resolve_model(progress=lines.append)
    assert info.source == "built-from-wheel"
    assert any("checksum" in line for line in lines)
    assert check_cached(cache / MODEL_NAME) is not None


def test_explicit_path_wins(built_cache: Path) -> None:
    info = resolve_model(built_cache / MODEL_NAME, allow_build=False)
    assert info.source == "explicit"


@pytest.mark.parametrize("content", [None, b"not a model"])
def test_bad_explicit_path_is_a_clear_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "m.task"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelError, match="not found|not a pose landmarker"):
        resolve_model(path)


def test_nothing_works_says_what_was_tried_and_how_to_supply(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FORMCHECK_MODEL", raising=False)
    with pytest.raises(ModelError) as info:
        resolve_model(allow_build=False)
    message = str(info.value)
    assert "Tried" in message and "FORMCHECK_MODEL" in message and "--model" in message
    assert "download" not in message
