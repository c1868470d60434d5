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
from typing import TYPE_CHECKING, Any
from unittest import mock

import numpy as np
import platformdirs
import pytest

if TYPE_CHECKING:
    from tests.landmark_library import LandmarkLibrary

ROOT = Path(__file__).resolve().parent.parent
REAL_CLIPS = ROOT.parent / "shared" / "real_clips"
#: 15 filmed clips from three sources nobody tuned on (issue 21), judged beside ``REAL_CLIPS``.
REAL_CLIPS_2 = ROOT.parent / "shared" / "real_clips_2"
SAMPLE_VIDEOS = ROOT / "sample_videos"
#: The user's model cache, read (never written) to save a build per test session.
USER_MODEL_CACHE = Path(os.environ.get("FORMCHECK_CACHE_DIR") or platformdirs.user_cache_dir("formcheck"))
#: Environment variables pointed into the session's temp folder.
TEMP_HOME_VARIABLES = ("FORMCHECK_CACHE_DIR", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                       "XDG_STATE_HOME", "PIP_CACHE_DIR")
TEMP_HOME = pytest.StashKey[Path]()


#: Environment variables pointed into the session's temp folder, beside those of TEMP_HOME_VARIABLES:
#: matplotlib's config and font cache (MediaPipe imports it) and the runtime folder (Chromium's sound
#: server would make a ``pulse-*`` folder in the system temp folder without one).
TEMP_RUNTIME_VARIABLES = ("MPLCONFIGDIR", "XDG_RUNTIME_DIR")


@pytest.hookimpl(trylast=True)  # after the tmp_path plugin's own configure: its factory exists then
def pytest_configure(config: pytest.Config) -> None:
    """Point the caches, data, config and runtime folders at the session's temp folder, before collection.

    Set this early (not in a fixture) because importing MediaPipe at collection already reads
    ``MPLCONFIGDIR``. A pinned model from the user's cache is copied into the temp model cache,
    so tests that resolve the model find it without building. Child processes inherit all of it.
    """
    from formcheck.pose.model import MODEL_NAME, check_cached

    factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
    root = factory.getbasetemp() / "home"
    for name in TEMP_HOME_VARIABLES + TEMP_RUNTIME_VARIABLES:
        folder = root / name.lower()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ[name] = str(folder)
    os.environ.pop("FORMCHECK_MODEL", None)
    os.environ.pop("FORMCHECK_DB", None)
    installed = check_cached(USER_MODEL_CACHE / MODEL_NAME)
    cache = root / "formcheck_cache_dir"
    if installed is not None and installed.pinned and not (cache / MODEL_NAME).is_file():
        for name in (MODEL_NAME, MODEL_NAME + ".json"):
            shutil.copyfile(USER_MODEL_CACHE / name, cache / name)
    config.stash[TEMP_HOME] = root


#: Markers whose tests take seconds each (the pose model, Chromium, a Ray instance): they are ``slow`` too.
SLOW_KINDS = ("model", "browser", "cluster")
#: A test not marked ``slow`` that takes longer than this (setup and call) is named at the end of the run.
SLOW_S = 5.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``slow`` on every test that runs the pose model, Chromium or Ray (``-m "not slow"`` leaves them out)."""
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


#: Seconds (setup and call) of each test run without a ``slow`` marker (under xdist: in the controller).
_unmarked_seconds: dict[str, float] = {}


#: Seconds the session's shared fixtures took, not yet charged off a test's setup (in a worker).
_SHARED_SETUP_S = [0.0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """The setup report of the test that happened to run the shared extraction says how long it took."""
    report = yield
    if call.when == "setup" and _SHARED_SETUP_S[0]:
        report.user_properties.append(("shared_setup_s", _SHARED_SETUP_S[0]))
        _SHARED_SETUP_S[0] = 0.0
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "slow" not in report.keywords and report.when in ("setup", "call"):
        shared = sum(float(v) for k, v in report.user_properties if k == "shared_setup_s")
        _unmarked_seconds[report.nodeid] = _unmarked_seconds.get(report.nodeid, 0.0) + report.duration - shared


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the tests that took over SLOW_S without a ``slow`` marker (they belong out of ``-m "not slow"``)."""
    late = sorted((s, n) for n, s in _unmarked_seconds.items() if s > SLOW_S)
    if late:
        terminalreporter.write_sep("-", f"over {SLOW_S:.0f} s but not marked slow")
        for seconds, nodeid in reversed(late):
            terminalreporter.write_line(f"{seconds:6.1f} s  {nodeid}")


@pytest.fixture(scope="session")
def temp_home(pytestconfig: pytest.Config) -> Path:
    """The session's stand-in for the home folder (see :func:`pytest_configure`)."""
    return pytestconfig.stash[TEMP_HOME]


@pytest.fixture(scope="session")
def model_path(temp_home: Path) -> Path:
    """A pinned ``.task`` file in the temp cache: the user's copied in, else built for real (once)."""
    from formcheck.pose.model import resolve_model

    return resolve_model().path


@pytest.fixture(scope="session", autouse=True)
def _shared_landmarks_first(request: pytest.FixtureRequest) -> None:
    """Every worker starts by extracting the shared landmarks when a selected test reads them.

    With ``pytest -n 2`` each worker may have been given other tests first; doing this at
    each worker's start puts both cores on the pose model together (see LandmarkLibrary).
    """
    if any("landmark_library" in getattr(item, "fixturenames", ()) for item in request.session.items):
        import time

        start = time.monotonic()
        request.getfixturevalue("landmark_library")
        _SHARED_SETUP_S[0] += time.monotonic() - start  # not this test's own time


@pytest.fixture(scope="session")
def landmark_library(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                     model_path: Path) -> LandmarkLibrary:
    """The landmarks of the clips the session's tests read, extracted once and shared by every test.

    On first use it extracts every clip any selected test will read from it (the samples when a
    selected test also takes ``sample_videos``, the filmed clips when one takes ``real_clips`` or ``real_clips_2``),
    so the workers of ``pytest -n`` share that work at the start. Kept for this session only.
    """
    from tests.landmark_library import LandmarkLibrary

    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "landmarks"
    library = LandmarkLibrary(folder, model_path)
    needs = {name for item in request.session.items if "landmark_library" in getattr(item, "fixturenames", ())
             for name in getattr(item, "fixturenames", ())}
    clips: list[Path] = []
    if "sample_videos" in needs:
        clips += sorted(SAMPLE_VIDEOS.glob("*.mp4"))
    if "real_clips" in needs and (REAL_CLIPS / "labels.json").is_file():
        clips += sorted(REAL_CLIPS.glob("*.mp4"))
    if "real_clips_2" in needs and (REAL_CLIPS_2 / "labels.json").is_file():
        clips += sorted(REAL_CLIPS_2.glob("*.mp4"))
    library.prefetch(clips)
    return library


@pytest.fixture(scope="session")
def read_only_mounts() -> None:
    """Skip unless children can get read-only mounts (root with ``unshare``; see tests.helpers)."""
    from tests.helpers import can_mount_read_only

    if not can_mount_read_only():
        pytest.skip("needs root and `unshare --mount` for a read-only folder that root cannot write")


@pytest.fixture(scope="session")
def permissions_obeyed() -> None:
    """Skip unless a child can be made to obey file modes (not root, or root with ``setpriv``)."""
    from tests.helpers import require_permissions_obeyed

    require_permissions_obeyed()


@pytest.fixture(scope="session")
def real_clips() -> Path:
    """``../shared/real_clips`` (tests using it skip when it is absent)."""
    if not (REAL_CLIPS / "labels.json").is_file():
        pytest.skip("../shared/real_clips is not present")
    return REAL_CLIPS


@pytest.fixture(scope="session")
def real_clips_2() -> Path:
    """``../shared/real_clips_2`` (tests using it skip when it is absent)."""
    if not (REAL_CLIPS_2 / "labels.json").is_file():
        pytest.skip("../shared/real_clips_2 is not present")
    return REAL_CLIPS_2


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
