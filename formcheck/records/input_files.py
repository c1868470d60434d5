"""Checking a user's input file before reading it: one clear error instead of an ``OSError``.

``Path.exists()`` and ``Path.is_file()`` raise ``PermissionError`` for a file
inside a folder the user may not search, and ``open()`` raises it for a file
the user may not read: uncaught, either is a traceback. :func:`check_readable_file`
turns every such case into the caller's :class:`FormcheckError` subclass, with
a message that names the file and says what is wrong.

Example:
    >>> from formcheck.records.errors import VideoSourceError
    >>> check_readable_file("no/such/clip.mp4", "video", VideoSourceError)
    Traceback (most recent call last):
    ...
    formcheck.records.errors.VideoSourceError: video not found: no/such/clip.mp4
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from formcheck.records.atomic import describe_os_error
from formcheck.records.errors import FormcheckError

#: Errnos that mean "there is no such file" (a path through a file counts as missing too).
_MISSING = (errno.ENOENT, errno.ENOTDIR)


def check_readable_file(path: str | Path, what: str, error: type[FormcheckError]) -> Path:
    """Return ``path`` when it is a file this process may open for reading; raise ``error`` otherwise.

    The file is opened (and closed at once) rather than checked with
    ``os.access``: that answers for the real user id and misses read-only
    mounts and other reasons an open fails. The open does not block on a
    named pipe.

    Args:
        path: The file the user named.
        what: What the file is, for the message (``"video"``, ``"landmarks file"``).
        error: The error to raise (e.g. ``VideoSourceError``).

    Raises:
        FormcheckError: The ``error`` given: the file is missing, a folder, or cannot be read
            (no permission on it or on one of its folders, an I/O error).

    Example:
        >>> from formcheck.records.errors import LandmarksFileError
        >>> check_readable_file(".", "landmarks file", LandmarksFileError)
        Traceback (most recent call last):
        ...
        formcheck.records.errors.LandmarksFileError: . is a folder, not a landmarks file
    """
    path = Path(path)
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            raise error(f"{path} is a folder, not a {what}")
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        if exc.errno in _MISSING:
            raise error(f"{what} not found: {path}") from exc
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise error(f"cannot read {path}: permission denied (check the permissions of the file "
                        "and of the folders above it)") from exc
        raise error(f"cannot read {path}: {describe_os_error(exc)}") from exc
    return path
