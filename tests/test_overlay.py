"""Layer 1: the overlay and the video sink on hand-made records (no model, no tracker)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.records.errors import OutputError
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark
from formcheck.sinks.overlay import annotate, draw_overlay, draw_view, feature_anchor
from formcheck.sinks.presentation import Target, present, rest_view
from formcheck.sinks.video import VideoSink
from tests import records


def _background(w: int = 640, h: int = 360) -> np.ndarray:
    return np.full((h, w, 3), 120, np.uint8)


def test_overlay_returns_a_new_annotated_image_and_leaves_the_input() -> None:
    image = _background()
    out = draw_overlay(image, records.person_frame(), records.feedback(), records.spec())
    assert out.shape == image.shape and out.dtype == np.uint8
    assert (image == 120).all()
    assert (out != image).any(axis=2).mean() > 0.05  # skeleton, counter, phase, ROM bar drawn


def test_rep_count_changes_the_picture() -> None:
    frame, spec = records.person_frame(), records.spec()
    a = draw_overlay(_background(), frame, records.feedback(reps=1), spec)
    b = draw_overlay(_background(), frame, records.feedback(reps=8), spec)
    diff = np.argwhere((a != b).any(axis=2))
    assert len(diff) > 0
    assert diff[:, 0].max() < 140 and diff[:, 1].max() < 200  # only the top-left counter differs


def _bottom_strip(image: np.ndarray) -> np.ndarray:
    return image[-20:].reshape(-1, 3).mean(axis=0)


def test_cue_banner_is_red_guidance_amber_and_absent_without_either() -> None:
    frame, spec = records.person_frame(), records.spec()
    cue = draw_overlay(_background(), frame, records.feedback(cue="Lift your hips"), spec)
    guide = draw_overlay(_background(), frame, records.feedback(guidance="Turn side-on"), spec)
    none = draw_overlay(_background(), frame, records.feedback(), spec)
    b, g, r = _bottom_strip(cue)
    assert r > 150 and b < 100  # red (BGR)
    b, g, r = _bottom_strip(guide)
    assert r > 150 and g > 130 and b < 80  # amber
    assert np.abs(_bottom_strip(none) - 120).max() < 5


def test_hold_timer_drawn_for_hold_spec() -> None:
    frame = records.person_frame()
    spec = records.spec(kind="hold", title="Plank")
    a = draw_overlay(_background(), frame, records.feedback(phase="hold", hold_s=3.0, hold_target_s=30.0), spec)
    b = draw_overlay(_background(), frame, records.feedback(phase="hold", hold_s=12.0, hold_target_s=30.0), spec)
    diff = np.argwhere((a != b).any(axis=2))
    assert diff[:, 0].max() < 150  # only the top panels change
    assert (diff[:, 1] < 200).any() and (diff[:, 1] > 640 * 0.5).any()  # big seconds top-left, timer top-right


@pytest.mark.parametrize("wh", [(640, 360), (1080, 1920), (160, 120), (1920, 1080)])
def test_any_frame_size_with_or_without_person(wh: tuple[int, int]) -> None:
    """Every size gets the counter panel and the red cue banner; the skeleton only with a person."""
    w, h = wh
    fb = records.feedback(cue="Keep your hips level and your back flat all the way through")
    drawn = {}
    for name, frame in (("person", records.person_frame(wh=wh)), ("empty", PoseFrame.empty(t=0.0, image_wh=wh))):
        out = draw_overlay(_background(w, h), frame, fb, records.spec())
        assert out.shape == (h, w, 3) and out.dtype == np.uint8
        b, g, r = _bottom_strip(out)
        assert r > 150 and b < 100, f"{name} {wh}: no red cue banner at the bottom"
        assert (out[: h // 4, : w // 3] != 120).any(), f"{name} {wh}: no counter panel top-left"
        drawn[name] = out
    frame = records.person_frame(wh=wh)
    hip = frame.pixels()[int(Landmark.LEFT_HIP)].round().astype(int)
    x0, y0 = max(hip[0] - 3, 0), max(hip[1] - 3, 0)
    around_hip = (slice(y0, hip[1] + 4), slice(x0, hip[0] + 4))
    assert (drawn["person"][around_hip] != drawn["empty"][around_hip]).any(), f"{wh}: no skeleton at the hip"


@pytest.mark.parametrize("name, side, expected", [
    ("left_hip_angle", None, Landmark.LEFT_HIP),
    ("hip_angle", "right", Landmark.RIGHT_HIP),
    ("right_knee_angle", "left", Landmark.RIGHT_KNEE),
    ("torso_incline", "left", Landmark.LEFT_SHOULDER),
    ("pelvis_tilt", "left", None),
    ("hip_angle_asym", None, None),
    ("not_a_feature", None, None),
])
def test_feature_anchor(name: str, side: str | None, expected: Landmark | None) -> None:
    assert feature_anchor(name, records.person_frame(), side) == expected


def test_the_video_says_what_the_presentation_says_in_plain_words() -> None:
    fb = records.feedback(reps=1, phase="peak", cue="Lift your hips", reps_by_side={"left": 1})
    view = present(fb, records.spec(), Target(reps=5, label="Set 1 of 2"))
    _, texts = annotate(_background(), records.person_frame(), fb, records.spec(), view)
    assert {"1", "rep of 5", "left 1", "Top", "Glute bridge", "Set 1 of 2", "Lift your hips"} <= set(texts)
    assert "hip 150°" in texts and "knee 95°" in texts  # plain feature names, not ids
    assert not any("_" in t or "3d" in t or "partial" in t for t in texts)


def test_a_rest_is_drawn_without_a_body() -> None:
    out, texts = draw_view(_background(), rest_view(7.5, "Bird-dog", "8 reps each side", "Camera at hip height"))
    assert texts == ("8", "s", "Next: Bird-dog", "8 reps each side", "Rest", "Camera at hip height")
    b, g, r = _bottom_strip(out)
    assert b > r  # the "what is next" banner is blue, not a red cue


def test_video_sink_writes_a_readable_mp4(tmp_path: Path) -> None:
    target = tmp_path / "a.mp4"
    with VideoSink(target, fps=15.0, size=(160, 120)) as sink:
        for i in range(10):
            img = np.zeros((120, 160, 3), np.uint8)
            img[:, i * 10:(i + 1) * 10] = 255
            sink.write(img)
        sink.write(np.zeros((60, 80, 3), np.uint8))  # another size is resized, not an error
    cap = cv2.VideoCapture(str(target))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    assert n == 11
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp4"]


def _mp4_layout(path: Path) -> list[bytes]:
    """The top-level box types of an MP4 file, in file order."""
    data, boxes, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        boxes.append(data[at + 4:at + 8])
        at += size if size else len(data)
    return boxes


def test_video_sink_writes_web_ready_h264_about_the_size_of_its_input(tmp_path: Path, sample_videos: Path) -> None:
    """OpenCV's mp4v wrote the sample clip's frames back at 4.9x its size, in a codec Chromium does not play."""
    import av

    from formcheck.pose.sources import VideoFileSource

    clip = sample_videos / "glute_bridge_side.mp4"
    target = tmp_path / "copy.mp4"
    with VideoFileSource(clip) as src, VideoSink(target, fps=src.fps, size=src.size) as sink:
        for image, _ in src:
            sink.write(image)
    with av.open(str(target)) as written:
        stream = written.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert stream.frames == sink.frames_written == 198
    boxes = _mp4_layout(target)
    assert boxes.index(b"moov") < boxes.index(b"mdat")  # faststart: a player starts before the whole file is in
    ratio = target.stat().st_size / clip.stat().st_size
    print(f"\n[video] {clip.name}: {clip.stat().st_size} B in, {target.stat().st_size} B out ({ratio:.2f}x)")
    assert ratio < 1.5


def test_video_sink_drops_an_odd_last_row_and_column(tmp_path: Path) -> None:
    """H.264 4:2:0 needs even sides; an odd-sized clip must still be written."""
    target = tmp_path / "odd.mp4"
    with VideoSink(target, fps=10.0, size=(65, 49)) as sink:
        for _ in range(3):
            sink.write(np.full((49, 65, 3), 90, np.uint8))
    cap = cv2.VideoCapture(str(target))
    ok, image = cap.read()
    cap.release()
    assert ok and image.shape == (48, 64, 3)


def test_video_sink_adds_a_black_strip_under_the_picture_in_the_same_encode(tmp_path: Path) -> None:
    """The app's video: a strip of a fifth of the height under the picture for the player's controls."""
    import av

    target = tmp_path / "padded.mp4"
    with VideoSink(target, fps=10.0, size=(65, 49), pad_bottom=0.2) as sink:
        for _ in range(3):
            sink.write(np.full((49, 65, 3), 200, np.uint8))
    with av.open(str(target)) as written:
        stream = written.streams.video[0]
        assert stream.codec_context.name == "h264"
        pictures = [f.to_ndarray(format="rgb24") for f in written.decode(stream)]
    assert len(pictures) == 3 and pictures[0].shape == (58, 64, 3)  # 48 rows + 10 (a fifth, even)
    assert abs(int(pictures[-1][:46].mean()) - 200) <= 3 and pictures[-1][50:].max() <= 20


def test_video_sink_leaves_nothing_when_the_block_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), VideoSink(tmp_path / "b.mp4", fps=15.0, size=(64, 48)) as sink:
        sink.write(np.zeros((48, 64, 3), np.uint8))
        raise RuntimeError("crash mid-clip")
    assert list(tmp_path.iterdir()) == []


def test_video_sink_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        VideoSink(tmp_path / "nope" / "c.mp4", fps=15.0, size=(64, 48))


def test_long_cue_wraps_to_two_lines_instead_of_shrinking() -> None:
    from formcheck.sinks.overlay import wrap_text

    lines, scale = wrap_text("Push your hips higher: straight line from shoulders to knees", 620, 1.0, 2)
    assert len(lines) == 2 and scale == 1.0
    lines, scale = wrap_text("Hips up", 620, 1.0, 2)
    assert lines == ["Hips up"] and scale == 1.0


def test_labels_at_one_joint_do_not_overlap() -> None:
    from formcheck.sinks.overlay import _hits, place_label

    taken: list[tuple[int, int, int, int]] = []
    for _ in range(4):
        taken.append(place_label((320.0, 180.0), (90, 24), taken, (640, 360), 10))
    assert all(not _hits(a, b) for i, a in enumerate(taken) for b in taken[i + 1:])
    assert all(0 <= x0 and x1 <= 640 and 0 <= y0 and y1 <= 360 for x0, y0, x1, y1 in taken)
