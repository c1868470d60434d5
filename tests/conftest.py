"""Shared fixtures: the real pose model, real clips, sample videos, and temp folders for everything.

Tests never write to the user's home: every cache, data and config folder the
code (and pip, for the model build) would use there points into the session's
temp folder. The user's installed pose model is only read, and copied in.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import platformdirs
import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_CLIPS = ROOT.parent / "shared" / "real_clips"
SAMPLE_VIDEOS = ROOT / "sample_videos"
#: The user's model cache, read (never written) to save a build per test session.
USER_MODEL_CACHE = Path(os.environ.get("FORMCHECK_CACHE_DIR") or platformdirs.user_cache_dir("formcheck"))
#: Environment variables pointed into the session's temp folder.
TEMP_HOME_VARIABLES = ("FORMCHECK_CACHE_DIR", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                       "XDG_STATE_HOME", "PIP_CACHE_DIR")


@pytest.fixture(scope="session", autouse=True)
def temp_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the caches, data and config folders at a temp folder for the whole session.

    A pinned model from the user's cache is copied into the temp model cache,
    so tests that resolve the model find it without building.
    """
    from formcheck.pose.model import MODEL_NAME, check_cached

    root = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    for name in TEMP_HOME_VARIABLES:
        mp.setenv(name, str(root / name.lower()))
    mp.delenv("FORMCHECK_MODEL", raising=False)
    mp.delenv("FORMCHECK_DB", raising=False)
    installed = check_cached(USER_MODEL_CACHE / MODEL_NAME)
    if installed is not None and installed.pinned:
        cache = root / "formcheck_cache_dir"
        cache.mkdir()
        for name in (MODEL_NAME, MODEL_NAME + ".json"):
            shutil.copyfile(USER_MODEL_CACHE / name, cache / name)
    try:
        yield root
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def model_path(temp_home: Path) -> Path:
    """A pinned ``.task`` file in the temp cache: the user's copied in, else built for real (once)."""
    from formcheck.pose.model import resolve_model

    return resolve_model().path


@pytest.fixture(scope="session")
def landmarks_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Landmarks of clips, cached for this session only (the eval and suggestion tests share it)."""
    return tmp_path_factory.mktemp("landmarks")


@pytest.fixture(scope="session")
def read_only_mounts() -> None:
    """Skip unless children can get read-only mounts (root with ``unshare``; see tests.helpers)."""
    from tests.helpers import can_mount_read_only

    if not can_mount_read_only():
        pytest.skip("needs root and `unshare --mount` for a read-only folder that root cannot write")


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
def sample_or_real_frame() -> np.ndarray:
    """One BGR frame with a person in it: from sample_videos/ if present, else a real clip."""
    import cv2

    # A standing figure first: the two-person test crops half the frame's width around it, which a
    # body lying across the frame (a back extension) does not fit.
    candidates = ([SAMPLE_VIDEOS / "bent_over_row_side.mp4"] + sorted(SAMPLE_VIDEOS.glob("*.mp4"))
                  + [REAL_CLIPS / "squat_homegainz_side.mp4"])
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
