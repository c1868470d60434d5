"""Layer 1-2: frame sources on real decoded video (OpenCV), and every bad input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.pose.sources import (
    FrameIteratorSource,
    VideoFileSource,
    WebcamSource,
    open_source,
)
from formcheck.records.errors import VideoSourceError
from tests.helpers import cut_off_copy, write_video


def test_video_file_reports_fps_count_size_and_increasing_times(tmp_path: Path) -> None:
    path = write_video(tmp_path / "c.mp4", frames=15, size=(64, 48), fps=10.0)
    with VideoFileSource(path) as src:
        assert (src.fps, src.frame_count, src.size) == (10.0, 15, (64, 48))
        items = list(src)
    times = [t for _, t in items]
    assert len(items) == 15
    assert all(b > a for a, b in zip(times, times[1:]))
    assert times[0] == pytest.approx(0.0) and times[-1] == pytest.approx(1.4, abs=0.02)
    assert items[0][0].shape == (48, 64, 3) and items[0][0].dtype == np.uint8


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is needed to tag a clip's rotation")
@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotation_flag_is_honoured_like_ffmpeg_does(tmp_path: Path, rotate: int) -> None:
    def paint(i: int) -> np.ndarray:
        image = np.zeros((32, 64, 3), np.uint8)
        image[:16, :16] = 255  # a white corner shows the orientation
        return image

    src_path = write_video(tmp_path / "src.mp4", frames=3, size=(64, 32), painter=paint)
    rotated = tmp_path / f"rot{rotate}.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src_path), "-c", "copy",
                    "-metadata:s:v:0", f"rotate={rotate}", str(rotated)], check=True)
    reference = tmp_path / "ref.png"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(rotated), "-frames:v", "1", str(reference)], check=True)
    expected = cv2.imread(str(reference))
    with VideoFileSource(rotated) as src:
        image, _ = next(iter(src))
        assert src.size == (expected.shape[1], expected.shape[0])
    assert image.shape == expected.shape
    # Same bright corner as ffmpeg's own auto-rotation (codec noise aside).
    assert np.abs(image.astype(int) - expected.astype(int)).mean() < 8


def test_portrait_phone_clip_comes_out_upright(real_clips: Path) -> None:
    with VideoFileSource(real_clips / "bird_dog_polybag_side_portrait.mp4") as src:
        image, _ = next(iter(src))
        assert src.size == (1080, 1920)
    assert image.shape == (1920, 1080, 3)


@pytest.mark.parametrize("step", [1, 2])
def test_a_clip_cut_off_part_way_notes_how_many_frames_it_held(tmp_path: Path, step: int) -> None:
    clip = write_video(tmp_path / "c.mp4", frames=40, size=(64, 48), fps=10.0)
    cut = cut_off_copy(clip, tmp_path / "cut.mp4", keep=0.5)
    with VideoFileSource(cut) as src:
        assert src.frame_count == 40  # the index still lists every frame
        assert src.ended_early_note() is None  # nothing read yet
        decoded = len(list(src.every(step)))
        note = src.ended_early_note()
    assert 5 <= decoded * step <= 30
    assert note is not None and note.startswith(f"the video ended early: {src.frames_at_end} of 40 frames decoded")
    assert src.frames_at_end is not None and src.frames_at_end < 36


def test_a_whole_clip_or_one_read_in_part_has_no_ended_early_note(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "c.mp4", frames=40, size=(64, 48), fps=10.0)
    with VideoFileSource(cut_off_copy(clip, tmp_path / "whole.mp4", keep=1.0)) as src:
        assert len(list(src)) == 40 and src.ended_early_note() is None
    with VideoFileSource(cut_off_copy(clip, tmp_path / "cut.mp4", keep=0.5)) as src:
        for _ in zip(range(3), src):  # the caller stops: the file did not end
            pass
        assert src.ended_early_note() is None


def test_frame_iterator_source_nudges_repeated_timestamps() -> None:
    frames = [(np.zeros((4, 4, 3), np.uint8), t) for t in (0.0, 0.1, 0.1, 0.05, 0.3)]
    src = FrameIteratorSource(frames)
    times = [t for _, t in src]
    assert all(b > a for a, b in zip(times, times[1:]))
    assert src.size == (4, 4) and src.frame_count == 5


def test_frame_iterator_rejects_non_images() -> None:
    with pytest.raises(VideoSourceError, match="HxWx3"):
        list(FrameIteratorSource([(np.zeros((4, 4)), 0.0)]))


# --- bad input: each a VideoSourceError with a clear message -------------------------

def _truncated(tmp_path: Path) -> Path:
    good = write_video(tmp_path / "good.mp4", frames=30)
    bad = tmp_path / "truncated.mp4"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return bad


def _zero_frames(tmp_path: Path) -> Path:
    path = tmp_path / "zero.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 48))
    writer.release()
    return path


def _image(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), np.full((48, 64, 3), 128, np.uint8))
    return path


def _image_named_mp4(tmp_path: Path) -> Path:
    path = tmp_path / "photo.mp4"
    ok, data = cv2.imencode(".jpg", np.full((48, 64, 3), 128, np.uint8))
    path.write_bytes(data.tobytes())
    return path


@pytest.mark.parametrize(("make", "needle"), [
    (lambda p: p / "missing.mp4", "not found"),
    (lambda p: p, "is a folder"),
    (lambda p: (p / "notes.mp4").write_text("hello") and p / "notes.mp4", "cannot open|no decodable"),
    (lambda p: (p / "empty.mp4").write_bytes(b"") or p / "empty.mp4", "empty"),
    (_image, "still image|cannot open|no decodable"),
    (_image_named_mp4, "still image|cannot open|no decodable"),
    (_truncated, "cannot open|no decodable"),
    (_zero_frames, "cannot open|no decodable|no frames"),
], ids=["missing", "folder", "text", "empty", "image", "image-as-mp4", "truncated", "zero-frames"])
def test_bad_video_inputs_raise_a_clear_error(tmp_path: Path, make, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(VideoSourceError, match=needle) as info:
        VideoFileSource(path)
    assert "\n" not in str(info.value)


def test_unknown_webcam_index_is_a_clear_error() -> None:
    with pytest.raises(VideoSourceError, match="no webcam at index 97"):
        WebcamSource(97)


@pytest.mark.parametrize("index", [-1, 100, 10**30], ids=["negative", "100", "30-digits"])
def test_a_webcam_index_outside_0_to_99_is_refused_before_opencv(index: int) -> None:
    """OpenCV crashes on -1 (segmentation fault) and raises on an index past a C int."""
    with pytest.raises(VideoSourceError, match=r"^no webcam at index .*: camera indices are 0 to 99"):
        WebcamSource(index)


def test_open_source_picks_webcam_for_digits(tmp_path: Path) -> None:
    with pytest.raises(VideoSourceError, match="webcam"):
        open_source("97")
    path = write_video(tmp_path / "c.mp4", frames=3)
    with open_source(str(path)) as src:
        assert isinstance(src, VideoFileSource)
