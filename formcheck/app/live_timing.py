"""Time for the live stream: a clock from frame timestamps, and a processing-rate meter.

Reps are timed by the camera's frame timestamps, not by frame counts (the
callback drops frames while it is busy). Chromium's timestamps can jump when
it renegotiates under load, so :class:`FrameClock` falls back to the wall
clock for a jump and re-anchors on the new timestamps.

Example:
    >>> clock = FrameClock()
    >>> [round(clock.time(t, wall=w), 3) for t, w in ((5.0, 0.0), (5.1, 0.1), (1.0, 0.2))]
    [0.0, 0.1, 0.2]
"""

from __future__ import annotations

import threading
from collections import deque

#: Frame timestamps further apart than this (or going back) are not trusted.
MAX_FRAME_GAP_S = 2.0


class FrameClock:
    """Seconds since the stream's first frame: frame timestamps when sane, else the wall clock."""

    def __init__(self) -> None:
        self._anchor: float | None = None
        self._last_t: float | None = None
        self._last_wall: float | None = None

    def time(self, frame_time: float | None, wall: float) -> float:
        """The time of a frame stamped ``frame_time`` (None: no stamp) that arrived at ``wall``."""
        if self._last_t is None or self._last_wall is None:
            self._anchor = frame_time
            t = 0.0
        else:
            dt = (frame_time - self._anchor - self._last_t) if frame_time is not None \
                and self._anchor is not None else None
            if dt is not None and 0.0 < dt < MAX_FRAME_GAP_S:
                t = self._last_t + dt
            else:  # missing or jumping timestamps: advance by the wall clock, re-anchor
                t = self._last_t + max(wall - self._last_wall, 1e-3)
                self._anchor = frame_time - t if frame_time is not None else None
        self._last_t, self._last_wall = t, wall
        return t

    def reset(self) -> None:
        """A new stream: the next frame is time 0."""
        self._anchor = self._last_t = self._last_wall = None


class FpsMeter:
    """Frames processed per second and mean cost per frame, over the last few seconds."""

    def __init__(self, window: int = 64) -> None:
        self._done: deque[float] = deque(maxlen=window)  # wall time each frame finished
        self._cost: deque[float] = deque(maxlen=window)  # seconds each frame took

    def add(self, start: float, end: float) -> None:
        """A frame began processing at ``start`` and finished at ``end`` (wall seconds)."""
        self._done.append(end)
        self._cost.append(end - start)

    def fps(self, now: float, span_s: float = 5.0) -> float:
        """Frames per second over the last ``span_s`` seconds (0 with fewer than two)."""
        recent = [t for t in self._done if now - t <= span_s]
        return (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) >= 2 and recent[-1] > recent[0] else 0.0

    def ms_per_frame(self) -> float:
        """Mean processing time per frame in milliseconds (0 before any)."""
        return 1000.0 * sum(self._cost) / len(self._cost) if self._cost else 0.0

    def idle_s(self, now: float) -> float | None:
        """Seconds since the last frame finished (None before any)."""
        return now - self._done[-1] if self._done else None

    def clear(self) -> None:
        self._done.clear()
        self._cost.clear()


class PanelNews:
    """Wakes the page when what the panel shows in words changes (count, phase, message) or there is
    something to say, so it redraws at once instead of at its next poll (the count's latency, issue 22).

    Example:
        >>> news = PanelNews()
        >>> news.note(("1", "up", ""), said=False), news.note(("1", "up", ""), said=False)
        (True, False)
        >>> news.wait(0.0), news.wait(0.0)
        (True, False)
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._shown: tuple[str, ...] = ()

    def note(self, shown: tuple[str, ...], said: bool) -> bool:
        """A frame's words on the panel (and whether it spoke): True when that is news."""
        if said or shown != self._shown:
            self._shown = shown
            self._event.set()
            return True
        return False

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for news; True if there was some (since the last call)."""
        news = self._event.wait(timeout)
        self._event.clear()
        return news
