"""Layer 3: ``formcheck analyze`` / ``eval`` / ``live`` in-process, bad input first, then the real model."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.cli import main
from formcheck.pose.landmarks_file import load_landmarks, save_landmarks
from tests.helpers import write_video


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


def test_unknown_exercise_lists_known_and_suggests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.spec import list_specs

    video = write_video(tmp_path / "v.mp4")
    assert main(["analyze", str(video), "--exercise", "glute_brige", "--out", str(tmp_path / "o")]) == 1
    err = _err(capsys)
    assert "unknown exercise 'glute_brige'" in err and "Did you mean 'glute_bridge'?" in err
    assert all(name in err for name in list_specs())
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "nope.mp4", "video not found"),
    (lambda p: (p / "notes.txt").write_text("not a video\n") and p / "notes.txt", "video"),
    (lambda p: p, "folder"),
])
def test_bad_video_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], make,  # type: ignore[no-untyped-def]
                                     message: str) -> None:
    assert main(["analyze", str(make(tmp_path)), "-e", "glute_bridge", "--out", str(tmp_path / "o"),
                 "--no-progress"]) == 1
    err = _err(capsys)
    assert message in err and "Traceback" not in err and err.startswith("formcheck: error:")


def test_out_below_a_file_fails_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = write_video(tmp_path / "v.mp4")
    (tmp_path / "a").write_text("a file, not a folder")
    assert main(["analyze", str(video), "-e", "glute_bridge", "--out", str(tmp_path / "a" / "b"),
                 "--model", str(tmp_path / "no-model.task")]) == 1  # the model is never looked for
    assert "cannot create output folder" in _err(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "v.mp4"]


def test_landmarks_file_of_another_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.npz"
    np.savez(path, format=np.array("formcheck-landmarks"), version=np.array(99))
    assert main(["analyze", str(path), "-e", "plank", "--out", str(tmp_path / "o")]) == 1
    err = _err(capsys)
    assert "version 99" in err and "Traceback" not in err


def _empty_scene(path: Path, seconds: float = 2.0) -> Path:
    def paint(i: int) -> np.ndarray:
        img = np.full((360, 640, 3), (170, 180, 190), np.uint8)
        cv2.rectangle(img, (0, 260), (640, 360), (90, 110, 130), -1)  # a floor, nobody on it
        return img
    return write_video(path, frames=int(15 * seconds), size=(640, 360), fps=15.0, painter=paint)


@pytest.mark.model
def test_clip_with_nobody_reports_zero_reps(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            model_path: Path) -> None:
    video = _empty_scene(tmp_path / "empty.mp4")
    out = tmp_path / "out"
    assert main(["analyze", str(video), "-e", "glute_bridge", "--out", str(out), "--no-progress",
                 "--model", str(model_path)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["reps"] == 0 and report["frames_with_person"] == 0 and report["frames"] == 30
    assert "no person detected" in report["notes"]
    assert "no person detected" in capsys.readouterr().out
    cap = cv2.VideoCapture(str(out / "annotated.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 30
    cap.release()


def _sample(sample_videos: Path, exercise: str) -> tuple[Path, dict]:  # type: ignore[type-arg]
    for label_path in sorted(sample_videos.glob("*.json")):
        label = json.loads(label_path.read_text())
        if label.get("exercise") == exercise and not label.get("faults"):
            return sample_videos / label["clip"], label
    pytest.skip(f"no clean {exercise} sample clip")


@pytest.mark.model
@pytest.mark.slow
def test_analyze_sample_clip_with_the_real_model(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 sample_videos: Path, model_path: Path) -> None:
    video, label = _sample(sample_videos, "glute_bridge")
    out = tmp_path / "out"
    assert main(["analyze", str(video), "-e", "glute_bridge", "--out", str(out), "--json", "--no-progress",
                 "--model", str(model_path)]) == 0
    printed = json.loads(capsys.readouterr().out)  # --json: stdout is exactly the report
    report = json.loads((out / "report.json").read_text())
    assert printed == report
    true = sum(1 for r in label["reps"] if r.get("complete", True))
    assert report["reps"] == true
    assert len([r for r in report["rep_rows"] if r["complete"]]) >= true
    assert len((out / "reps.csv").read_text().splitlines()) == 1 + len(report["rep_rows"])
    assert len((out / "angles.csv").read_text().splitlines()) == 1 + report["frames"]
    cap = cv2.VideoCapture(str(out / "annotated.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == report["frames"]
    cap.release()


def test_analyze_a_landmarks_file_without_the_model(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    sample_videos: Path) -> None:
    video, label = _sample(sample_videos, "glute_bridge")
    npz = video.with_suffix(".npz")
    if not npz.is_file():
        pytest.skip("sample clip has no landmarks file")
    out = tmp_path / "out"
    assert main(["analyze", str(npz), "-e", "glute_bridge", "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["reps"] == sum(1 for r in label["reps"] if r.get("complete", True))
    assert not (out / "annotated.mp4").exists()  # a landmarks file has no pictures
    assert "reps:" in capsys.readouterr().out


def test_person_leaving_mid_rep_is_not_counted(tmp_path: Path, sample_videos: Path) -> None:
    video, label = _sample(sample_videos, "glute_bridge")
    npz = video.with_suffix(".npz")
    if not npz.is_file():
        pytest.skip("sample clip has no landmarks file")
    frames, meta = load_landmarks(npz)
    rep = label["reps"][len(label["reps"]) // 2]
    from formcheck.records.frame import PoseFrame

    gone = [PoseFrame.empty(f.t, f.image_wh, f.index) if rep["start"] + 0.3 < f.t < rep["end"] + 1.5 else f
            for f in frames]
    left = save_landmarks(tmp_path / "left.npz", gone, meta)
    assert main(["analyze", str(left), "-e", "glute_bridge", "--out", str(tmp_path / "o")]) == 0
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    full = sum(1 for r in label["reps"] if r.get("complete", True))
    assert full - 2 <= report["reps"] <= full - 1  # the interrupted rep never counts
    assert report["frames_with_person"] < report["frames"]


def test_live_without_a_webcam_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["live", "--exercise", "glute_bridge", "--camera", "97"]) == 1
    err = _err(capsys)
    assert "no webcam at index 97" in err and "Traceback" not in err


def test_live_without_a_display_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    video = write_video(tmp_path / "v.mp4")
    assert main(["live", "--exercise", "plank", "--video", str(video)]) == 1
    err = _err(capsys)
    assert "needs a display" in err and "Traceback" not in err


def test_eval_on_a_folder_without_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path)]) == 1
    assert "no labelled clips" in _err(capsys)
