"""Temporary folders of the app's sessions, and their removal (no streamlit here).

The Review keeps its files on disk rather than in memory: the uploaded clip
(for another analysis with another exercise) and each analysis's annotated
video. A :class:`ScratchFolder` is removed by :meth:`~ScratchFolder.cleanup`
(deferred while an analysis uses it), else when the last reference to it goes,
else when the interpreter exits.

A session's page state should be the last reference, but Streamlit keeps a
closed tab's session for a reconnect (``server.disconnectedSessionTTL``) and
sometimes longer: :class:`SessionFolders` removes a session's folders once the
session has not been connected for a grace period, so files do not pile up
while the server runs.

Example:
    >>> folder = ScratchFolder("formcheck-doc-")  # doctest: +SKIP
    >>> with folder.in_use():  # doctest: +SKIP
    ...     folder.cleanup()  # deferred: removed when the block ends
    >>> folder.path.exists()  # doctest: +SKIP
    False
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class ScratchFolder:
    """A new empty folder in the temp folder (its name starts with ``prefix``)."""

    def __init__(self, prefix: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        self._lock = threading.Lock()
        self._users = 0
        self._doomed = False
        # Not TemporaryDirectory: its implicit cleanup warns, and a warning in a finalizer is noise.
        self._remove = weakref.finalize(self, shutil.rmtree, str(self.path), True)

    @contextmanager
    def in_use(self) -> Iterator[Path]:
        """Keep the folder while the block runs, even if :meth:`cleanup` is called meanwhile."""
        with self._lock:
            self._users += 1
        try:
            yield self.path
        finally:
            with self._lock:
                self._users -= 1
                remove = self._doomed and self._users == 0
            if remove:
                self._remove()

    def cleanup(self) -> None:
        """Remove the folder now, or once the last :meth:`in_use` block ends (later calls do nothing)."""
        with self._lock:
            self._doomed = True
            if self._users:
                return
        self._remove()

    @property
    def removed(self) -> bool:
        return not self._remove.alive

    def __repr__(self) -> str:
        return f"ScratchFolder({str(self.path)!r})"


class SessionFolders:
    """Scratch folders by the session they belong to, removed once it has been gone for ``grace_s`` seconds.

    Args:
        connected: Whether a session id is connected now.
        grace_s: Seconds a session may stay away (Streamlit's reconnect window and a margin).
        clock: Monotonic seconds.
    """

    def __init__(self, connected: Callable[[str], bool], grace_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._connected, self._grace, self._clock = connected, grace_s, clock
        self._lock = threading.Lock()
        self._folders: dict[str, list[ScratchFolder]] = {}
        self._seen: dict[str, float] = {}

    def keep(self, session_id: str, folder: ScratchFolder) -> None:
        """Remove ``folder`` with the session ``session_id`` (if nothing removed it before)."""
        with self._lock:
            kept = self._folders.setdefault(session_id, [])
            kept[:] = [f for f in kept if not f.removed] + [folder]
            self._seen[session_id] = self._clock()

    def sweep(self) -> int:
        """Remove the folders of sessions away for longer than the grace period; return how many."""
        now = self._clock()
        gone: list[ScratchFolder] = []
        with self._lock:
            for session_id in list(self._folders):
                if self._connected(session_id):
                    self._seen[session_id] = now
                elif now - self._seen[session_id] > self._grace:
                    gone += self._folders.pop(session_id)
                    del self._seen[session_id]
        for folder in gone:
            folder.cleanup()
        return len(gone)

    def __len__(self) -> int:
        with self._lock:
            return sum(len(folders) for folders in self._folders.values())
