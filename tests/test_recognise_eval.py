"""Layer 2: ``formcheck eval --recognise`` on labelled clips, the pose pass replaced by generator tracks.

The CLI runs in-process on two sample labels; ``cached_pose`` hands back each label's exercise as a
clean synthetic track, so no model runs and the output's shape is what is checked: per clip the
truth, the top three with confidences, right or wrong and sure or not; then top-1, top-3 and
wrong-while-confident per source, and the confusions.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from formcheck.cli import main
from formcheck.pipeline.recognise_eval import RecognisedClip, format_recognition, scores
from formcheck.synth import synth_track

CLIPS = ("plank_side", "glute_bridge_side")


def _synthetic_pose(video: Path, *_: Any, **__: Any) -> tuple[list[Any], dict[str, Any]]:
    label = json.loads(video.with_suffix(".json").read_text())
    kw = {"hold": 8.0} if label["exercise"] == "plank" else {"reps": 3}
    return synth_track(label["exercise"], seed=3, jitter=0.005, **kw)[0], {}


def test_eval_recognise_prints_each_clip_the_totals_by_source_and_the_confusions(
        sample_videos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in CLIPS:
        shutil.copy(sample_videos / f"{name}.json", tmp_path / f"{name}.json")
    with mock.patch("formcheck.pose.cache.cached_pose", _synthetic_pose):
        assert main(["eval", "--recognise", str(tmp_path), "--cache", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    print(out)
    lines = out.splitlines()
    assert any(line.startswith("plank_side.mp4") and " plank " in line and " ok " in line for line in lines)
    assert any(line.startswith("glute_bridge_side.mp4") and "glute_bridge 1.00" in line for line in lines)
    assert any(line.split()[:4] == ["sample", "2", "2/2", "2/2"] for line in lines)
    assert any(line.split()[:4] == ["all", "2", "2/2", "2/2"] for line in lines)
    assert "confusions (truth -> guess: clips)" in out and "  none" in out


def test_wrong_while_confident_counts_only_confident_misses() -> None:
    rows = [RecognisedClip("a", "sample", "plank", (("plank", 0.9),), True, 5.0),
            RecognisedClip("b", "real", "bent_over_row", (("one_arm_row", 0.8), ("bent_over_row", 0.2)), True, 7.0),
            RecognisedClip("c", "real", "face_pull", (("bent_over_row", 0.5), ("face_pull", 0.4)), False, 9.0)]
    s = scores(rows)
    assert (s.clips, s.top1, s.top3, s.wrong_confident) == (3, 1, 3, 1)
    assert s.ms_per_clip == pytest.approx(7.0)
    text = format_recognition(rows)
    assert "bent_over_row -> one_arm_row: 1" in text and "face_pull -> bent_over_row: 1" in text
    assert "WRONG" not in text  # both misses have the truth in their top three
