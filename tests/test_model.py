"""Layer 3 (real model): the offline build path, cache checks, and model errors.

The build runs once per test session, for real: pip fetches the
mediapipe 0.10.21 wheel and its BlazePose weights become a ``.task`` file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.model import MODEL_NAME, check_cached, resolve_model
from formcheck.records.errors import ModelError

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def built_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("model-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("FORMCHECK_CACHE_DIR", str(cache))
    mp.delenv("FORMCHECK_MODEL", raising=False)
    try:
        lines: list[str] = []
        info = resolve_model(allow_download=False, progress=lines.append)
    finally:
        mp.undo()
    assert info.source == "built-from-wheel"
    assert any("0.10.21" in line for line in lines)  # progress was reported
    return cache


def test_built_model_is_a_task_bundle_with_metadata(built_cache: Path) -> None:
    path = built_cache / MODEL_NAME
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        detector = zf.read("pose_detector.tflite")
    assert names == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
    assert b"TFLITE_METADATA" in detector and b"M001" in detector
    info = check_cached(path)
    assert info is not None and info.size == path.stat().st_size and len(info.sha256) == 64


def test_built_model_finds_a_person(built_cache: Path, sample_or_real_frame: np.ndarray) -> None:
    from formcheck.pose.estimator import PoseEstimator

    with PoseEstimator(built_cache / MODEL_NAME) as pose:
        frames = [pose.process(sample_or_real_frame, t) for t in (0.0, 0.04, 0.08)]
    assert all(f.has_person for f in frames)
    # Shoulders above hips above ankles for an upright/side exerciser is not
    # guaranteed; but landmarks must lie in the image and be finite.
    assert np.isfinite(frames[-1].image).all()


def test_cache_hit_is_reused_without_rebuilding(built_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(built_cache))
    info = resolve_model(allow_download=False, allow_build=False)
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
        resolve_model(allow_download=False, allow_build=False)
    lines: list[str] = []
    info = resolve_model(allow_download=False, progress=lines.append)
    assert info.source == "built-from-wheel"
    assert any("checksum" in line for line in lines)
    assert check_cached(cache / MODEL_NAME) is not None


def test_explicit_path_wins(built_cache: Path) -> None:
    info = resolve_model(built_cache / MODEL_NAME, allow_download=False, allow_build=False)
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
        resolve_model(allow_download=False, allow_build=False)
    message = str(info.value)
    assert "Tried" in message and "FORMCHECK_MODEL" in message and "--model" in message
