"""Shared fixtures: the real pose model (built once per session), real clips, sample videos."""

from __future__ import annotations

import os
from pathlib import Path

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
