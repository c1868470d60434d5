"""Atomic file output: write to a hidden temp file beside the target, rename only on success.

Every file formcheck writes (reports, videos, landmarks, labels, the model,
exports) goes through here, so a crash, a full disk or an exception never
leaves a half-written file under the final name, and an existing file stays
untouched until its replacement is complete.

The temp file is created with mode 0666 and ``O_EXCL``: the kernel applies the
process umask, so the result gets the mode a plain ``open()`` would give,
without calling ``os.umask`` (process-wide, and racy in the threaded app).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_text(d / "a.txt", "hello")
    PosixPath('...a.txt')
    >>> (d / "a.txt").read_text()
    'hello'
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from formcheck.records.errors import OutputError

#: Prefix of every temp file (hidden): ``.<name>.<random>.<suffix>``.
TEMP_PREFIX = "."


def check_output_path(path: str | Path) -> Path:
    """Raise ``OutputError`` when ``path``'s folder does not exist or ``path`` is a folder."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"output folder does not exist: {parent} (create it first)")
    if path.is_dir():
        raise OutputError(f"output path is a folder: {path}")
    return path


def new_temp_file(target: Path, suffix: str = ".tmp") -> Path:
    """Create an empty, hidden, uniquely named file beside ``target`` (mode 0666 minus the umask)."""
    for _ in range(100):
        tmp = target.parent / f"{TEMP_PREFIX}{target.name}.{secrets.token_hex(4)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise OutputError(f"cannot create a temporary file beside {target}")


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temp path to write; on a clean exit it is renamed to ``path``, else deleted.

    Raises:
        OutputError: The folder is missing, or the rename fails.
    """
    target = check_output_path(path)
    tmp = new_temp_file(target, suffix)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: str | Path, writer: Callable[[Path], object], suffix: str = ".tmp") -> Path:
    """Call ``writer(tmp_path)``, then rename the temp file to ``path``; returns ``path``."""
    with atomic_path(path, suffix) as tmp:
        writer(tmp)
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
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        raise OutputError(f"cannot write into {out_dir}: {exc}") from exc
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return {name: out_dir / name for name in texts}
