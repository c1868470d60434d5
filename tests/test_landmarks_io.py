"""Layer 1 (pure I/O): landmarks file round trip, versions, output paths."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.landmarks_file import FORMAT_VERSION, load_landmarks, save_landmarks
from formcheck.records.errors import LandmarksFileError, OutputError
from formcheck.records.frame import PoseFrame
from tests.helpers import write_npz


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


# -- numbers and sizes a file cannot mean ---------------------------------------------------

@pytest.mark.parametrize("meta, said", [
    ({"fps": -1}, "meta fps -1 is not a frame rate"),
    ({"fps": float("nan")}, "meta fps nan is not a frame rate"),
    ({"fps": 0}, "meta fps 0 is not a frame rate"),
    ({"fps": 1e9}, "meta fps 1000000000.0 is not a frame rate"),
    ({"fps": "fast"}, "meta fps 'fast' is not a frame rate"),
    ({"size": [0, 480]}, "meta size [0, 480] is not a frame size"),
    ({"size": [640]}, "meta size [640] is not a frame size"),
    ({"frame_step": 0}, "meta frame_step 0 is not a whole number"),
    ({"frame_step": 1.5}, "meta frame_step 1.5 is not a whole number"),
], ids=["fps-negative", "fps-nan", "fps-0", "fps-1e9", "fps-text", "size-0", "size-one", "step-0", "step-half"])
def test_metadata_numbers_that_cannot_be_are_refused(tmp_path: Path, meta: dict[str, object], said: str) -> None:
    path = save_landmarks(tmp_path / "a.npz", _frames(), {"source": "x.mp4", "fps": 10, **meta})
    with pytest.raises(LandmarksFileError, match=rf"a\.npz is damaged: {re.escape(said)}"):
        load_landmarks(path)


@pytest.mark.parametrize("wh", [[0, 240], [-320, 240], [100_000, 240]])
def test_a_frame_size_that_cannot_be_is_refused(tmp_path: Path, wh: list[int]) -> None:
    path = _rewrite(save_landmarks(tmp_path / "a.npz", _frames()), image_wh=np.array(wh, np.int32))
    with pytest.raises(LandmarksFileError, match=rf"is damaged: image_wh {re.escape(str(wh))} is not a frame size"):
        load_landmarks(path)


def test_analyze_of_a_file_with_a_negative_frame_rate_is_one_line_and_no_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, ``"fps": -1.0`` went into report.json as it was."""
    from formcheck.cli import main

    path = save_landmarks(tmp_path / "a.npz", _frames(), {"fps": -1})
    assert main(["analyze", str(path), "-e", "plank", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("formcheck: error: ") and err.count("\n") == 1 and "meta fps -1 is not a frame rate" in err
    assert not (tmp_path / "o").exists()


def _saved_arrays(tmp_path: Path) -> dict[str, np.ndarray]:
    with np.load(save_landmarks(tmp_path / "base.npz", _frames()), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@pytest.mark.parametrize("change, said", [
    ({"image": ((10, 33, 3), "f4")}, "its arrays disagree on the number of frames (t 5, image 10, "),
    ({"visibility": ((5, 32), "f4")}, "visibility is (5, 32) float32, expected (frames, 33) of kind 'f'"),
    ({"t": ((5,), "U3")}, "t is (5,) <U3, expected (frames,) of kind 'f'"),
    ({"num_people": ((5,), "f8")}, "num_people is (5,) float64, expected (frames,) of kind 'iu'"),
    ({"image": ((5, 33, 3), "c16")}, "image is (5, 33, 3) complex128, expected (frames, 33, 3) of kind 'f'"),
    ({"meta": ((), "U1000000")}, "meta is () <U1000000, expected () of kind 'U'"),
], ids=["frames-disagree", "visibility-shape", "t-text", "num-people-float", "image-complex", "meta-4mb"])
def test_arrays_of_other_shapes_or_types_are_refused(tmp_path: Path, change: dict[str, object], said: str) -> None:
    path = write_npz(tmp_path / "a.npz", {**_saved_arrays(tmp_path), **change})
    with pytest.raises(LandmarksFileError, match=rf"a\.npz is damaged: {re.escape(said)}"):
        load_landmarks(path)


def test_more_frames_than_two_hours_at_60_fps_are_refused_from_the_headers(tmp_path: Path) -> None:
    """Only the headers are written: the loader must not need the data to refuse."""
    n = 2 * 60 * 60 * 60 + 1
    arrays = _saved_arrays(tmp_path)
    per_frame = {k: ((n, *v.shape[1:]), v.dtype) for k, v in arrays.items() if v.ndim and v.shape[0] == 5}
    assert len(per_frame) == 7
    path = write_npz(tmp_path / "a.npz", {**arrays, **per_frame}, data=False)
    with pytest.raises(LandmarksFileError, match=rf"a\.npz holds {n} frames; formcheck reads at most {n - 1} "):
        load_landmarks(path)


def test_members_outside_the_format_are_never_read(tmp_path: Path) -> None:
    """A member the format does not name may claim gigabytes (here: a header without its data)."""
    path = write_npz(tmp_path / "a.npz", {**_saved_arrays(tmp_path), "junk": ((3_000_000, 33, 3), "f4")}, data=False)
    frames, _ = load_landmarks(path)
    assert len(frames) == 5
