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
