"""Layer 2: the live loop's frame hand-off on stub sources (no camera, no model)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from formcheck.errors import VideoSourceError
from formcheck.live import LatestFrame, has_display


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
    for image, t in latest:
        seen.append(int(image[0, 0, 0]))
        time.sleep(0.03)  # the "model" is ~6x slower than the camera
    assert seen[-1] == 39  # the stream's last frame is never lost
    assert seen == sorted(seen) and len(set(seen)) == len(seen)  # in order, never twice
    assert latest.dropped > 0 and latest.dropped == 40 - len(seen)


def test_fast_consumer_sees_every_frame() -> None:
    seen = [int(img[0, 0, 0]) for img, _ in LatestFrame(_frames(15, delay=0.01))]
    assert seen == list(range(15))


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


def test_has_display_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert has_display() is False
    monkeypatch.setenv("DISPLAY", ":0")
    assert has_display() is True
