"""The ``formcheck model`` and ``formcheck pose`` commands, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.cli import main
from formcheck.pose.landmarks_file import load_landmarks
from tests.helpers import write_video


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "model" in out and "pose" in out


@pytest.mark.model
def test_model_path_prints_an_existing_task_file(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "path", "--no-download"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.suffix == ".task" and printed.is_file()


@pytest.mark.model
def test_model_info_shows_source_size_sha(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "info", "--no-download"]) == 0
    out = capsys.readouterr().out
    assert "source:" in out and "sha256:" in out and "size:" in out


def test_model_with_missing_explicit_file_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "path", "--model", str(tmp_path / "none.task")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("formcheck: error:") and "not found" in err and "\n" not in err


@pytest.fixture(scope="module")
def person_clip(tmp_path_factory: pytest.TempPathFactory, sample_or_real_frame: np.ndarray) -> Path:
    """A short clip of a real person frame, slightly shifted each frame."""
    frame = sample_or_real_frame
    h, w = frame.shape[:2]

    def paint(i: int) -> np.ndarray:
        return cv2.warpAffine(frame, np.float32([[1, 0, i], [0, 1, 0]]), (w, h), borderMode=cv2.BORDER_REPLICATE)

    return write_video(tmp_path_factory.mktemp("clip") / "person.mp4", frames=10, size=(w, h), fps=10, painter=paint)


@pytest.mark.model
def test_pose_writes_landmarks_that_load_back(person_clip: Path, model_path: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.npz"
    assert main(["pose", str(person_clip), "-o", str(out), "--no-progress", "--model", str(model_path)]) == 0
    frames, meta = load_landmarks(out)
    assert len(frames) == 10 and sum(f.has_person for f in frames) >= 9
    assert meta["fps"] == 10 and meta["source"] == str(person_clip)
    assert "person found in" in capsys.readouterr().err


@pytest.mark.model
def test_pose_json_lines(person_clip: Path, model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pose", str(person_clip), "--json", "--model", str(model_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 10 and [d["index"] for d in lines] == list(range(10))
    assert len(lines[5]["image"]) == 33 and lines[5]["num_people"] >= 1


@pytest.mark.model
def test_pose_on_a_clip_with_nobody_says_so(model_path: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_video(tmp_path / "empty_room.mp4", frames=6, size=(160, 120))
    out = tmp_path / "e.npz"
    assert main(["pose", str(clip), "-o", str(out), "--no-progress", "--model", str(model_path)]) == 0
    assert "no person detected" in capsys.readouterr().err
    frames, _ = load_landmarks(out)
    assert not any(f.has_person for f in frames)


def _text_as_video(p: Path) -> Path:
    (p / "notes.mp4").write_text("not a video")
    return p / "notes.mp4"


@pytest.mark.parametrize(("make", "needle"), [
    (lambda p: p / "missing.mp4", "not found"),
    (lambda p: p, "is a folder"),
    (_text_as_video, "cannot open"),
    (lambda p: Path("97"), "no webcam at index 97"),
], ids=["missing", "folder", "text", "webcam"])
def test_pose_bad_inputs_exit_nonzero_with_one_line(tmp_path: Path, make, needle: str,  # type: ignore[no-untyped-def]
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.npz"
    assert main(["pose", str(make(tmp_path)), "-o", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("formcheck: error:") and needle in err[-1]
    assert not out.exists()


def test_pose_output_in_missing_folder_fails_before_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_video(tmp_path / "c.mp4", frames=3)
    assert main(["pose", str(clip), "-o", str(tmp_path / "nope" / "x.npz")]) == 1
    assert "output folder does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nope").exists()
