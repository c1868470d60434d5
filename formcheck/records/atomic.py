"""Atomic file output: write to a hidden temp file beside the target, rename only on success.

Every file formcheck writes (reports, videos, landmarks, labels, the model,
exports) goes through here, so a crash, a full disk or an exception never
leaves a half-written file under the final name, and an existing file stays
untouched until its replacement is complete:

* a write error (``ENOSPC``, ``EFBIG``...) raises ``OutputError`` and the temp
  file is deleted; a ``check`` callback can refuse a temp file that a library
  wrote without reporting its errors (OpenCV's video writer);
* the temp file is flushed to disk (``fsync``) before the rename;
* temp files are named ``.<name>.<pid>-<random><suffix>``: a run killed with
  ``SIGKILL`` cannot clean up, so the next write of the same file deletes the
  temp files of processes that no longer exist.

The temp file is created with mode 0666 and ``O_EXCL``: the kernel applies the
process umask, so the result gets the mode a plain ``open()`` would give,
without calling ``os.umask`` (process-wide, and racy in the threaded app).

Example:
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     d = pathlib.Path(tmp)
    ...     _ = atomic_write_text(d / "a.txt", "hello")
    ...     (d / "a.txt").read_text()
    'hello'
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from formcheck.records.errors import OutputError

#: Prefix of every temp file (hidden): ``.<name>.<pid>-<random><suffix>``.
TEMP_PREFIX = "."
#: Temp files of the old naming (no pid) older than this are left-overs of a killed run.
_LEGACY_TEMP_AGE_S = 3600.0

#: Called with the finished temp file before the rename; raises ``OutputError`` to refuse it.
Check = Callable[[Path], None]


def describe_os_error(exc: OSError) -> str:
    """``strerror`` of an ``OSError`` plus a hint for the usual "disk full" errnos.

    Example:
        >>> describe_os_error(OSError(28, "No space left on device"))
        'No space left on device (disk full or file size limit reached)'
    """
    import errno

    text = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        text += " (disk full or file size limit reached)"
    return text


def check_output_path(path: str | Path) -> Path:
    """Raise ``OutputError`` when ``path``'s folder does not exist or ``path`` is a folder or no regular file.

    A device, pipe or socket (``-o /dev/full``, ``-o /dev/stdout``) is refused: the
    finished file is renamed over its target, which would replace the device itself
    (as root, ``/dev/null`` with a landmarks file) instead of writing into it.

    Example:
        >>> try:
        ...     check_output_path("/dev/null")
        ... except OutputError as exc:
        ...     print(exc)
        output path is not a regular file: /dev/null (a device, pipe or socket); give a file name
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"output folder does not exist: {parent} (create it first)")
    if path.is_dir():
        raise OutputError(f"output path is a folder: {path}")
    if path.exists() and not path.is_file():
        raise OutputError(f"output path is not a regular file: {path} (a device, pipe or socket); give a file name")
    return path


def check_writable_output(path: str | Path) -> Path:
    """:func:`check_output_path`, then a temp file made and removed beside ``path``: the folder is writable.

    For a command that works for a while before it writes (the pose model over
    a clip): a read-only or full folder fails at once, not at the end.

    Raises:
        OutputError: The folder is missing or cannot be written, or ``path`` is a folder.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     check_writable_output(Path(tmp) / "a.npz").name
        'a.npz'
    """
    target = check_output_path(path)
    new_temp_file(target).unlink()
    return target


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temp files of ``target`` left by processes that no longer run; return them.

    Only temp files of this very target are touched (``.<name>.<pid>-<hex>...``),
    never another file of the folder.

    Example:
        >>> remove_stale_temps(Path("out/annotated.mp4"))  # doctest: +SKIP
        [PosixPath('out/.annotated.mp4.4242-0f1e2d3c.mp4')]
    """
    removed: list[Path] = []
    name = re.escape(target.name)
    ours = re.compile(rf"^\.{name}\.(\d+)-[0-9a-f]{{8}}")
    legacy = re.compile(rf"^\.{name}\.[0-9a-f]{{8}}\.")
    try:
        candidates = list(target.parent.glob(f"{TEMP_PREFIX}{target.name}.*"))
    except OSError:
        return removed
    for path in candidates:
        match = ours.match(path.name)
        try:
            if match:
                stale = not _process_alive(int(match.group(1)))
            else:
                stale = bool(legacy.match(path.name)) and \
                    time.time() - path.stat().st_mtime > _LEGACY_TEMP_AGE_S
            if stale:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # gone already, or not ours to delete
    return removed


def new_temp_file(target: Path, suffix: str = ".tmp") -> Path:
    """Create an empty, hidden, uniquely named file beside ``target`` (mode 0666 minus the umask).

    Temp files of ``target`` left by killed runs are deleted first.

    Raises:
        OutputError: The folder cannot be written.
    """
    remove_stale_temps(target)
    for _ in range(100):
        tmp = target.parent / f"{TEMP_PREFIX}{target.name}.{os.getpid()}-{secrets.token_hex(4)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {describe_os_error(exc)}") from exc
        os.close(fd)
        return tmp
    raise OutputError(f"cannot create a temporary file beside {target}")


def _sync(path: Path) -> None:
    """Flush a finished file to disk, so a power cut after the rename cannot leave it empty."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _finish(tmp: Path, target: Path, check: Check | None) -> None:
    """Check, sync and rename one finished temp file (errors become ``OutputError``)."""
    if check is not None:
        check(tmp)
    try:
        _sync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {describe_os_error(exc)}") from exc


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp", check: Check | None = None) -> Iterator[Path]:
    """Yield a temp path to write; on a clean exit it is checked and renamed to ``path``, else deleted.

    Args:
        path: The final file; its folder must exist.
        suffix: Ending of the temp file (some writers pick the format from it).
        check: Called with the temp file before the rename; raising refuses it.

    Raises:
        OutputError: The folder is missing, the check failed, or the sync or rename failed.
    """
    target = check_output_path(path)
    tmp = new_temp_file(target, suffix)
    try:
        yield tmp
        _finish(tmp, target, check)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: str | Path, writer: Callable[[Path], object], suffix: str = ".tmp",
                 check: Check | None = None) -> Path:
    """Call ``writer(tmp_path)``, then rename the temp file to ``path``; returns ``path``.

    Raises:
        OutputError: The writer hit an ``OSError`` (disk full...), or see :func:`atomic_path`.
    """
    with atomic_path(path, suffix, check) as tmp:
        try:
            writer(tmp)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {describe_os_error(exc)}") from exc
    return Path(path)


def atomic_write_text(path: str | Path, text: str, suffix: str = ".tmp") -> Path:
    """Write ``text`` (UTF-8, no newline translation) to ``path`` atomically."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return atomic_write(path, write, suffix)


def atomic_write_texts(out_dir: Path, texts: Mapping[str, str]) -> dict[str, Path]:
    """Write ``{file name: text}`` into ``out_dir``: every file staged first, then all renamed.

    Raises:
        OutputError: A write failed; no final file was replaced.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in texts.items():
            final = out_dir / name
            tmp = new_temp_file(final)
            staged.append((tmp, final))  # before writing: a failed write is cleaned up too
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            _sync(tmp)
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        raise OutputError(f"cannot write into {out_dir}: {describe_os_error(exc)}") from exc
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return {name: out_dir / name for name in texts}


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet, deepest first."""
    missing = []
    current = folder.absolute()
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    return missing


@contextmanager
def output_folder(path: str | Path) -> Iterator[Path]:
    """Create ``path`` (and missing parents) for a run's outputs; undo that if the run fails.

    On an exception inside the block, the folders this call created are removed
    again when they are still empty, so a failed run leaves no empty folder behind.

    Raises:
        OutputError: ``path`` is a file, or the folder cannot be created or written.

    Example:
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with output_folder(pathlib.Path(tmp) / "a" / "b") as out:
        ...         _ = (out / "report.json").write_text("{}")
        ...     sorted(p.name for p in (pathlib.Path(tmp) / "a" / "b").iterdir())
        ['report.json']
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"output folder {folder} is a file, not a folder")
    created = _missing_folders(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_empty(created)
        raise OutputError(f"cannot create output folder {folder}: {describe_os_error(exc)}") from exc
    if not os.access(folder, os.W_OK):
        _remove_empty(created)
        raise OutputError(f"output folder {folder} is not writable")
    try:
        yield folder
    except BaseException:
        _remove_empty(created)
        raise


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) once they hold nothing but this process's temp files."""
    ours = re.compile(rf"^\..+\.{os.getpid()}-[0-9a-f]{{8}}")
    for folder in folders:
        try:
            for leftover in folder.iterdir():  # e.g. a temp file a signal cut off from its cleanup
                if leftover.is_file() and ours.match(leftover.name):
                    leftover.unlink()
            folder.rmdir()
        except OSError:
            return  # not empty (a complete output, someone else's file): keep it and its parents
