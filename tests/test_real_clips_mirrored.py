"""Dev clips filmed from the person's other side: the same video mirrored must count the same.

Mirroring changes nothing a physiotherapist would count, but it changes which side faces the
camera and so what the pose model sees: a knee or ankle hidden or cut by the frame's edge on
one side is visible on the other, and the model's depth guesses differ. These clips once
counted differently mirrored (the barbell squat 0 of 3: its 3-D torso read 40-68 degrees
standing; the cat-cow 1 of 2: the knees never measurable). The mirrored copies are written to
a temp folder only; the clips stay outside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from formcheck.pipeline.evaluate import evaluate, format_table
from formcheck.pose.sources import VideoFileSource
from formcheck.sinks.video import VideoSink

MIRRORED = ("squat_barbell_formfit_side.mp4", "cat_cow_polybag_side_portrait.mp4")


def _mirror(src: Path, dst: Path) -> None:
    with VideoFileSource(src) as clip, VideoSink(dst, clip.fps, clip.size) as out:
        for image, _ in clip:
            out.write(cv2.flip(image, 1))


@pytest.mark.model
@pytest.mark.real_clips
def test_mirrored_dev_clips_count_like_the_originals(real_clips: Path, model_path: Path, tmp_path: Path) -> None:
    labels = [lab for lab in json.loads((real_clips / "labels.json").read_text()) if lab["file"] in MIRRORED]
    assert len(labels) == len(MIRRORED)
    for name in MIRRORED:
        _mirror(real_clips / name, tmp_path / name)
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    run = evaluate([tmp_path], cache_dir=tmp_path / "cache", model_path=model_path)
    print("\n" + format_table(run))
    assert sorted(c.name for c in run.clips) == sorted(MIRRORED)
    wrong = [f"{c.name}: {c.pred_reps} (+{c.pred_partial}) for {c.true_reps} (+{c.true_partial})"
             for c in run.clips if c.status != "ok" or c.error != 0]
    assert wrong == []
