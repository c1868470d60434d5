"""Layer 1 (pure I/O): landmarks file round trip, versions, output paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.landmarks_file import FORMAT_VERSION, load_landmarks, save_landmarks
from formcheck.records.errors import LandmarksFileError, OutputError
from formcheck.records.frame import PoseFrame


def _frames() -> list[PoseFrame]:
    rng = np.random.default_rng(0)
    out = []
    for i in range(5):
        if i == 2:
            out.append(PoseFrame.empty(t=i / 10, image_wh=(320, 240), index=i))
            continue
        out.append(PoseFrame(t=i / 10, image_wh=(320, 240), image=rng.random((33, 3)), world=rng.random((33, 3)),
                             visibility=rng.random(33), presence=rng.random(33), num_people=1 + (i == 3),
                             person_switched=i == 4, index=i))
    return out


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    frames = _frames()
    path = save_landmarks(tmp_path / "a.npz", frames, {"source": "x.mp4", "fps": 10})
    back, meta = load_landmarks(path)
    assert meta == {"source": "x.mp4", "fps": 10}
    assert len(back) == len(frames)
    for a, b in zip(frames, back):
        assert (a.t, a.image_wh, a.num_people, a.person_switched, a.index) == (
            b.t, b.image_wh, b.num_people, b.person_switched, b.index)
        np.testing.assert_array_equal(a.image, b.image)
        np.testing.assert_array_equal(a.world, b.world)
        np.testing.assert_array_equal(a.visibility, b.visibility)
        np.testing.assert_array_equal(a.presence, b.presence)
    assert not back[2].has_person


def test_other_version_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = save_landmarks(tmp_path / "a.npz", _frames())
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["version"] = np.array(FORMAT_VERSION + 1)
    np.savez(tmp_path / "b.npz", **arrays)
    with pytest.raises(LandmarksFileError, match="version 2.*formcheck pose"):
        load_landmarks(tmp_path / "b.npz")


@pytest.mark.parametrize("content", [b"", b"not a zip", None])
def test_unreadable_files_are_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "x.npz"
    if content is None:
        np.savez(path, a=np.zeros(3))  # a valid npz, but not ours
    else:
        path.write_bytes(content)
    with pytest.raises(LandmarksFileError):
        load_landmarks(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LandmarksFileError, match="not found"):
        load_landmarks(tmp_path / "nope.npz")


def test_missing_output_folder_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        save_landmarks(tmp_path / "no" / "dir" / "a.npz", _frames())
    assert not (tmp_path / "no").exists()


def test_no_temp_files_left_behind(tmp_path: Path) -> None:
    save_landmarks(tmp_path / "a.npz", _frames())
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]


def _rewrite(path: Path, **changes: object) -> Path:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays.update({k: np.asarray(v) for k, v in changes.items()})
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


@pytest.mark.parametrize("version", ["abc", "", "1.5"])
def test_a_version_that_is_not_a_number_is_one_clear_error(tmp_path: Path, version: str) -> None:
    path = _rewrite(save_landmarks(tmp_path / "a.npz", _frames()), version=np.array(version))
    with pytest.raises(LandmarksFileError, match="format version '"):
        load_landmarks(path)


def test_times_that_go_backwards_are_refused(tmp_path: Path) -> None:
    path = _rewrite(save_landmarks(tmp_path / "a.npz", _frames()), t=np.array([0.0, 0.1, 0.3, 0.2, 0.4]))
    with pytest.raises(LandmarksFileError, match="time goes backwards at frame 3"):
        load_landmarks(path)
    _rewrite(path, t=np.array([0.0, 0.1, np.nan, 0.2, 0.4]))
    with pytest.raises(LandmarksFileError, match="frame 2 has no valid time"):
        load_landmarks(path)


def test_a_person_of_nan_landmarks_is_no_person(tmp_path: Path) -> None:
    frames = _frames()
    path = save_landmarks(tmp_path / "a.npz", frames)
    image = np.stack([f.image for f in frames])
    image[3] = np.nan  # frame 3 claims two people but holds no landmark
    _rewrite(path, image=image)
    loaded, _ = load_landmarks(path)
    assert [f.has_person for f in loaded] == [True, True, False, False, True]
    assert loaded[3].t == pytest.approx(0.3) and loaded[3].num_people == 0


def test_an_all_nan_file_analyses_as_nobody(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from formcheck.cli import main

    frames = _frames()
    path = save_landmarks(tmp_path / "a.npz", frames, {"fps": 10})
    _rewrite(path, image=np.full((5, 33, 3), np.nan, np.float32), world=np.full((5, 33, 3), np.nan, np.float32))
    assert main(["analyze", str(path), "-e", "plank", "--out", str(tmp_path / "o")]) == 0
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["frames"] == 5 and report["frames_with_person"] == 0
    assert "no person detected" in report["notes"]
