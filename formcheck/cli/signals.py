"""Termination signals become an exception, so a killed run cleans up like a failed one.

``SIGTERM`` (``kill``, a service manager) and ``SIGHUP`` (the terminal closed)
would end Python at once, skipping ``finally`` blocks: temp files would stay
beside the outputs and a created output folder would stay empty. Inside
:func:`signals_raise` they raise :class:`Terminated` instead (``SIGINT``
already raises ``KeyboardInterrupt``). ``SIGKILL`` cannot be caught: the next
write of the same file removes what such a run left (``records.atomic``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Signals turned into :class:`Terminated`.
HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """Raised in the main thread when the process receives ``SIGTERM`` or ``SIGHUP``.

    A ``BaseException``, like ``KeyboardInterrupt``: ``except Exception`` does not swallow it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def signals_raise() -> Iterator[None]:
    """Inside the block, ``SIGTERM``/``SIGHUP`` raise :class:`Terminated` (main thread only).

    Example:
        >>> with signals_raise():
        ...     pass  # a run that cleans up on `kill`
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise) for sig in HANDLED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
