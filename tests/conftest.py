"""Shared fixtures: the real pose model (built once per session), real clips, sample videos."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_CLIPS = ROOT.parent / "shared" / "real_clips"
SAMPLE_VIDEOS = ROOT / "sample_videos"


@pytest.fixture(scope="session")
def model_path() -> Path:
    """A ready ``.task`` file: the user cache if valid, else built for real (once)."""
    from formcheck.pose.model import resolve_model

    return resolve_model(allow_download=False).path


@pytest.fixture(scope="session")
def real_clips() -> Path:
    """``../shared/real_clips`` (tests using it skip when it is absent)."""
    if not (REAL_CLIPS / "labels.json").is_file():
        pytest.skip("../shared/real_clips is not present")
    return REAL_CLIPS


@pytest.fixture(scope="session")
def sample_videos() -> Path:
    if not any(SAMPLE_VIDEOS.glob("*.mp4")):
        pytest.skip("sample_videos/ has no clips yet (run `formcheck synth --samples`)")
    return SAMPLE_VIDEOS


@pytest.fixture(scope="session")
def sample_or_real_frame() -> "np.ndarray":
    """One BGR frame with a person in it: from sample_videos/ if present, else a real clip."""
    import cv2

    candidates = sorted(SAMPLE_VIDEOS.glob("*.mp4")) + [REAL_CLIPS / "squat_homegainz_side.mp4"]
    for path in candidates:
        if path.is_file() and "idle" not in path.name:
            cap = cv2.VideoCapture(str(path))
            cap.set(cv2.CAP_PROP_POS_FRAMES, 30)
            ok, image = cap.read()
            cap.release()
            if ok:
                return image
    pytest.skip("no clip with a person available")


@pytest.fixture(autouse=True)
def _quiet_mediapipe() -> None:
    os.environ.setdefault("GLOG_minloglevel", "2")


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A history database file in tmp_path, given to the app through ``FORMCHECK_DB``."""
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("FORMCHECK_DB", str(path))
    return path


@pytest.fixture()
def no_webrtc_runtime() -> Iterator[None]:
    """AppTest has no webrtc runtime: only ``get_this_session_info`` of streamlit-webrtc is patched."""
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        yield
