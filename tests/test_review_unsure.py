"""Layer 4a: the Review page asks which exercise when the recogniser is unsure (AppTest, no model).

The analysis is replaced by a stand-in: asked to suggest, it is unsure between a bent-over row
and a one-arm row; asked for an exercise, it fails with a message naming it (nothing to draw).
The page must show the question with a button per candidate, decide nothing, and analyse the
pick at once, reusing the pose pass the question came with.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from formcheck.app.clip_analysis import ClipPose, UnsureExerciseError
from formcheck.pipeline.recognise import Candidate, Recognition
from formcheck.records.errors import VideoSourceError
from formcheck.spec import load_spec
from tests.test_app_pages import open_page

POSE = ClipPose("sha", [], 30.0)


def _candidate(name: str, p: float) -> Candidate:
    return Candidate(name, str(load_spec(name).title), p, p, 1, 1, 1, 1, 1, spec_score=0.7, classifier=p, atypical=0.6)


@pytest.fixture()
def calls(tmp_path: Path) -> Iterator[list[tuple[str | None, Any]]]:
    seen: list[tuple[str | None, Any]] = []

    def analyse(path: Path, exercise: str | None, **kw: Any) -> Any:
        seen.append((exercise, kw.get("landmarks")))
        if exercise is None and kw.get("ask"):
            raise UnsureExerciseError(Recognition((_candidate("bent_over_row", 0.52),
                                                   _candidate("one_arm_row", 0.41))), POSE)
        raise VideoSourceError(f"stand-in: analysed as {exercise}")

    with mock.patch.dict(os.environ, {"FORMCHECK_DB": str(tmp_path / "history.sqlite3")}), \
            mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None), \
            mock.patch("formcheck.app.review_job.analyze_clip_file", analyse):
        yield seen


@pytest.mark.slow  # a few seconds of AppTest reruns on shared cores
def test_unsure_recognition_asks_and_analyses_the_pick(calls: list[tuple[str | None, Any]],
                                                       sample_videos: Path) -> None:
    at = open_page("review")
    clip = sample_videos / "bent_over_row_side.mp4"
    at.file_uploader(key="review_upload").set_value((clip.name, clip.read_bytes(), "video/mp4"))
    at.run()
    at.button(key="review_go").click()  # the default: suggest from the clip
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    row, one_arm = load_spec("bent_over_row").title, load_spec("one_arm_row").title
    assert [w.value for w in at.warning] == [f"Looks like {row} — or {one_arm}? Pick one."]
    assert not at.error and not at.subheader  # nothing decided, nothing analysed
    assert [b.label for b in at.button if b.key and b.key.startswith("review-pick-")] == [row, one_arm]
    at.button(key="review-pick-one_arm_row").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [c[0] for c in calls] == [None, "one_arm_row"]
    assert calls[1][1] is POSE  # the pick reuses the pose pass
    assert any("analysed as one_arm_row" in e.value for e in at.error) and not at.warning
