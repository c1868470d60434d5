"""Turns for clip analyses, shared by every session of one server process (no streamlit here).

Each analysis runs the pose model over a whole clip: two at once on a 2-core
machine take as long as two one after the other, and each holds a model and its
buffers. So at most ``slots`` analyses run at a time (``FORMCHECK_REVIEWS``, see
:mod:`formcheck.app.settings`); the others wait in arrival order and are told
their place, and each starts by itself when its turn comes.

Example:
    >>> turns = TurnQueue()
    >>> with turns.turn("mine", slots=1):
    ...     turns.ahead("mine"), turns.running
    (0, 1)
    >>> turns.running
    0
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Seconds between two looks at the queue while waiting (to notice a stop request).
POLL_S = 0.25


class TurnQueue:
    """First come, first served turns with at most ``slots`` holders at a time."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: list[object] = []
        self.running = 0

    def ahead(self, who: object) -> int:
        """Analyses that run or wait before ``who`` (0 once it runs, or if it is not queued)."""
        with self._changed:
            if who not in self._waiting:
                return 0
            return self.running + self._waiting.index(who)

    @contextmanager
    def turn(self, who: object, *, slots: int, on_wait: Callable[[int], None] | None = None) -> Iterator[None]:
        """Wait for a free slot in arrival order, hold it for the ``with`` block, then pass it on.

        Args:
            who: The waiting analysis (any object, compared by identity).
            slots: Analyses allowed at once (at least 1).
            on_wait: Called with the number of analyses ahead, while waiting, every
                :data:`POLL_S` seconds; an exception it raises (a stop) leaves the queue.
        """
        slots = max(1, slots)
        with self._changed:
            self._waiting.append(who)
        try:
            while True:
                with self._changed:
                    if self._waiting[0] is who and self.running < slots:
                        self._waiting.pop(0)
                        self.running += 1
                        self._changed.notify_all()
                        break
                    ahead = self.running + self._waiting.index(who)
                    self._changed.wait(POLL_S)
                if on_wait is not None:
                    on_wait(ahead)
        except BaseException:
            with self._changed:
                self._waiting.remove(who)
                self._changed.notify_all()
            raise
        try:
            yield
        finally:
            with self._changed:
                self.running -= 1
                self._changed.notify_all()
            return_freed_memory()


def return_freed_memory() -> None:
    """Give the memory an analysis freed back to the system.

    glibc keeps freed blocks in its per-thread arenas for reuse; after a pass over
    a long clip that is tens of MB the server would go on holding (``malloc_trim``
    returns them; elsewhere there is nothing to do).
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def waiting_text(ahead: int) -> str:
    """What a waiting analysis tells the user.

    Example:
        >>> waiting_text(1)
        'Waiting: 1 review ahead of yours (it starts by itself)'
        >>> waiting_text(2)
        'Waiting: 2 reviews ahead of yours (it starts by itself)'
    """
    return f"Waiting: {ahead} review{'' if ahead == 1 else 's'} ahead of yours (it starts by itself)"


#: The turns of this server process: every session's analyses queue here.
REVIEW_TURNS = TurnQueue()
