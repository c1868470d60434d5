"""Layer 2: the live loop's frame hand-off on stub sources (no camera, no model)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from formcheck.pipeline.live import LatestFrame, has_display
from formcheck.records.errors import VideoSourceError
from formcheck.records.feedback import SetSummary


def _frames(n: int, delay: float = 0.0, fail_at: int | None = None) -> Iterator[tuple[np.ndarray, float]]:
    for i in range(n):
        if fail_at is not None and i == fail_at:
            raise VideoSourceError("camera unplugged")
        if delay:
            time.sleep(delay)
        yield np.full((4, 4, 3), i, np.uint8), i / 30.0


def test_slow_consumer_gets_newest_frames_and_older_ones_are_dropped() -> None:
    latest = LatestFrame(_frames(40, delay=0.005))
    seen = []
    for image, _t in latest:
        seen.append(int(image[0, 0, 0]))
        time.sleep(0.03)  # the "model" is ~6x slower than the camera
    assert seen[-1] == 39  # the stream's last frame is never lost
    assert seen == sorted(seen) and len(set(seen)) == len(seen)  # in order, never twice
    assert latest.dropped > 0 and latest.dropped == 40 - len(seen)


def test_consumer_that_keeps_up_sees_every_frame() -> None:
    taken = threading.Event()

    def paced() -> Iterator[tuple[np.ndarray, float]]:
        # the next frame "arrives" only after the consumer took the previous one
        for i in range(15):
            yield np.full((4, 4, 3), i, np.uint8), i / 30.0
            assert taken.wait(timeout=5.0)
            taken.clear()

    latest = LatestFrame(paced())
    seen = []
    for img, _ in latest:
        seen.append(int(img[0, 0, 0]))
        taken.set()
    assert seen == list(range(15)) and latest.dropped == 0


def test_source_error_reaches_the_consumer() -> None:
    with pytest.raises(VideoSourceError, match="unplugged"):
        for _ in LatestFrame(_frames(10, delay=0.001, fail_at=5)):
            pass


def test_stop_ends_the_reader_thread() -> None:
    def endless() -> Iterator[tuple[np.ndarray, float]]:
        i = 0
        while True:
            time.sleep(0.002)
            i += 1
            yield np.zeros((2, 2, 3), np.uint8), i / 30.0

    latest = LatestFrame(endless())
    next(iter(latest))
    latest.stop()
    assert not any(t.name == "formcheck-camera" and t.is_alive() for t in threading.enumerate())


def test_has_display_without_a_usable_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert has_display() is False
    monkeypatch.setenv("DISPLAY", ":87")  # set but no X server there: OpenCV's Qt would abort
    assert has_display() is False
    monkeypatch.setattr("sys.platform", "darwin")
    assert has_display() is True


class StubWindow:
    """Presses the given keys on the given frame numbers; optionally 'closes' after a frame."""

    def __init__(self, keys: dict[int, str] | None = None, close_after: int | None = None) -> None:
        self.keys, self.close_after, self.shown, self.was_closed = keys or {}, close_after, 0, False

    def show(self, image_bgr: np.ndarray) -> int:
        self.shown += 1
        key = self.keys.get(self.shown)
        return ord(key) if key else -1

    def closed(self) -> bool:
        return self.close_after is not None and self.shown >= self.close_after

    def close(self) -> None:
        self.was_closed = True


class StubSession:
    """Counts frames as 'reps' so the loop's set handling is visible (loop logic only)."""

    def __init__(self) -> None:
        self.frames, self.sets = 0, 0

    def process(self, image: np.ndarray, t: float) -> tuple[np.ndarray, object]:
        self.frames += 1
        return image, None

    def reset(self, exercise: object = None) -> SetSummary:
        done = self.summary()
        self.frames, self.sets = 0, self.sets + 1
        return done

    def summary(self, unfinished: str = "partial") -> SetSummary:
        return SetSummary(exercise="x", title="X", reps=self.frames, reps_by_side={}, partial_reps=0,
                          rep_rows=(), holds=(), cues=(), duration_s=0.0, frames=self.frames,
                          frames_with_person=self.frames, score=100)


@pytest.mark.parametrize("window, reason, frames_in_last_set", [
    (StubWindow(keys={5: "q"}), "quit", 5),
    (StubWindow(keys={4: "\x1b"}), "quit", 4),
    (StubWindow(close_after=7), "window closed", 7),
    (StubWindow(), "source ended", 10),  # camera gone: the set so far is kept
    (StubWindow(keys={3: "r", 8: "q"}), "quit", 5),  # r: new set after frame 3
])
def test_live_loop_stops_and_keeps_the_set(window: StubWindow, reason: str, frames_in_last_set: int) -> None:
    from formcheck.pipeline.live import run_window

    said: list[str] = []
    summary, why = run_window(StubSession(), _frames(10), window, echo=said.append)  # type: ignore[arg-type]
    assert (why, summary.reps) == (reason, frames_in_last_set)
    assert window.was_closed
    assert len(said) == sum(k == "r" for k in window.keys.values())
    if said:
        assert said[0].startswith("set finished:") and "reps: 3" in said[0]


@pytest.mark.model
def test_live_session_counts_a_sample_clip_and_reset_returns_the_set(sample_videos, model_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from formcheck.pipeline.live import LiveSession
    from formcheck.pose.sources import VideoFileSource

    video = sample_videos / "glute_bridge_side.mp4"
    true = sum(r["complete"] for r in json.loads(video.with_suffix(".json").read_text())["reps"])
    with LiveSession("glute_bridge", model_path) as live, VideoFileSource(video) as src:
        for image, t in src:
            annotated, feedback = live.process(image, t)
            assert annotated.shape == image.shape
        assert feedback.reps == true and live.fps > 0
        previous = live.reset("plank")
        assert previous.exercise == "glute_bridge" and previous.reps == true
        assert live.summary().exercise == "plank" and live.summary().reps == 0 and live.summary().frames == 0


@pytest.mark.model
def test_start_and_stop_in_the_middle_of_a_movement_add_no_rep_no_partial_no_cue(sample_videos, model_path) -> None:  # type: ignore[no-untyped-def]
    """The clip's reps run 1.5-4.6, 5.1-8.2 and 8.6-12.0 s: START at 4.0 s (on the way down from the
    first rep's top), STOP at 10.0 s (the third rep under way). The set is the second rep, clean."""
    import json

    from formcheck.pipeline.live import LiveSession
    from formcheck.pose.sources import VideoFileSource

    video = sample_videos / "glute_bridge_side.mp4"
    reps = json.loads(video.with_suffix(".json").read_text())["reps"]
    start, stop = 4.0, 10.0
    assert reps[0]["start"] < start < reps[0]["end"] and reps[2]["start"] < stop < reps[2]["end"]
    with LiveSession("glute_bridge", model_path) as live, VideoFileSource(video) as src:
        for image, t in src:
            if start <= t <= stop:
                live.process(image, t - start)
        done = live.reset()
    assert (done.reps, done.partial_reps, done.cues, done.score) == (1, 0, (), 100), done
