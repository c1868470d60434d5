"""The clips a batch is given: video files, folders (``-r``: their sub-folders too) and glob patterns.

A folder's clips are its files with a video ending (:data:`VIDEO_SUFFIXES`).
What cannot be looked at is never dropped silently: a folder that cannot be
read, a symlink that leads nowhere (dangling) or round in a circle (a loop)
comes back as an :class:`~formcheck.sinks.batch_index.UnreadablePath` with the
reason, for the command's output and ``index.html``. With ``-r`` a symlinked
folder is followed like any other, unless it leads back to a folder the walk
is already inside (a loop): so the walk always ends.

Example:
    >>> search = find_clips(["clips/"], recursive=True)  # doctest: +SKIP
    >>> [p.name for p in search.clips], [u.reason for u in search.unreadable]  # doctest: +SKIP
    (['a.mp4', 'b.mov'], ['cannot read the folder: Permission denied'])
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from formcheck.records.atomic import describe_os_error
from formcheck.records.errors import VideoSourceError
from formcheck.sinks.batch_index import UnreadablePath

#: File name endings taken as clips when a folder is given.
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v")
#: Unreadable paths named in the "no video clips" error (the rest are counted).
NAMED_IN_ERROR = 3

#: A folder's identity (device, inode): the same folder reached by another path has the same one.
_Identity = tuple[int, int]


@dataclass(frozen=True)
class ClipSearch:
    """What :func:`find_clips` found: the clips (sorted, unique) and what it could not look at."""

    clips: list[Path]
    unreadable: list[UnreadablePath]


def find_clips(targets: Sequence[str | Path], recursive: bool = False) -> ClipSearch:
    """Clips named by ``targets``: video files, folders (their videos), or glob patterns.

    Args:
        targets: Clips, folders or glob patterns, as the user typed them.
        recursive: Also look into sub-folders of folder targets (symlinked ones included).

    Raises:
        VideoSourceError: A target matches nothing, or no clip is found at all.

    Example:
        >>> [p.name for p in find_clips(["sample_videos/plank_*.mp4"]).clips][:1]  # doctest: +SKIP
        ['plank_side.mp4']
    """
    found: list[Path] = []
    unreadable: list[UnreadablePath] = []
    for raw in targets:
        target = Path(raw)
        if target.is_dir():
            _walk(target, recursive, found, unreadable)
        elif target.is_file():
            found.append(target)
        elif glob.has_magic(str(raw)):
            matches = [Path(m) for m in glob.glob(str(raw), recursive=True)]
            if not matches:
                raise VideoSourceError(f"no file matches {raw}")
            for match in matches:  # any file the pattern names, as with a file named outright
                info = _status(match, unreadable, report_broken=True)
                if info is not None and stat.S_ISREG(info.st_mode):
                    found.append(match)
        else:
            raise VideoSourceError(f"no such clip, folder or pattern: {raw}")
    first_names: dict[Path, Path] = {}
    for path in found:  # a clip met twice (a symlink, a folder given twice) keeps the first path met
        first_names.setdefault(path.resolve(), path)
    clips = sorted(first_names.values(), key=str)
    unreadable.sort(key=lambda u: u.path)
    if not clips:
        raise VideoSourceError("no video clips in " + ", ".join(str(t) for t in targets)
                               + f" (looked for {' '.join(VIDEO_SUFFIXES)}){_unread_note(unreadable)}")
    return ClipSearch(clips, unreadable)


def _unread_note(unreadable: Sequence[UnreadablePath]) -> str:
    if not unreadable:
        return ""
    named = "; ".join(f"{u.path}: {u.reason}" for u in unreadable[:NAMED_IN_ERROR])
    more = len(unreadable) - NAMED_IN_ERROR
    return f"; not read: {named}" + (f" and {more} more" if more > 0 else "")


def _walk(top: Path, recursive: bool, found: list[Path], unreadable: list[UnreadablePath]) -> None:
    """Add the clips of ``top`` (and, recursively, of its sub-folders) to ``found``, in name order.

    A folder reached a second time by another path (a symlink) is not walked again;
    one that is a folder the walk is inside is a loop, and listed as such.
    """
    top_info = top.stat()
    top_identity = (top_info.st_dev, top_info.st_ino)
    walked = {top_identity}
    pending: list[tuple[Path, dict[_Identity, Path]]] = [(top, {top_identity: top})]
    while pending:
        folder, inside = pending.pop()
        try:
            with os.scandir(folder) as entries:
                paths = sorted(Path(entry.path) for entry in entries)
        except OSError as exc:
            unreadable.append(UnreadablePath(str(folder), f"cannot read the folder: {describe_os_error(exc)}"))
            continue
        subfolders = []
        for path in paths:
            info = _status(path, unreadable, report_broken=recursive or _is_video(path))  # a folder, maybe
            if info is None:
                continue
            if stat.S_ISREG(info.st_mode) and _is_video(path):
                found.append(path)
            if not recursive or not stat.S_ISDIR(info.st_mode):
                continue
            identity = (info.st_dev, info.st_ino)
            if identity in inside:
                unreadable.append(UnreadablePath(str(path), f"symlink loop: leads back to {inside[identity]}"))
            elif identity not in walked:
                walked.add(identity)
                subfolders.append((path, {**inside, identity: path}))
        pending += reversed(subfolders)  # the first in name order is walked first


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def _status(path: Path, unreadable: list[UnreadablePath], *, report_broken: bool) -> os.stat_result | None:
    """``path``'s status, symlinks followed; None when it cannot be had (listed if ``report_broken``)."""
    try:
        return path.stat()
    except OSError as exc:
        if report_broken:
            unreadable.append(UnreadablePath(str(path), _why_unreachable(path, exc)))
        return None


def _why_unreachable(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT and path.is_symlink():
        try:
            return f"dangling symlink to {os.readlink(path)}"
        except OSError:
            return "dangling symlink"
    return describe_os_error(exc)
