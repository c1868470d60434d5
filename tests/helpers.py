"""Small builders shared by tests (no model, no video decoding)."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np


def write_video(path: Path, frames: int = 12, size: tuple[int, int] = (64, 48), fps: float = 10.0,
                painter=None) -> Path:  # type: ignore[no-untyped-def]
    """Write a small mp4v clip; ``painter(i) -> image`` draws frame i (default: a moving bar)."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for i in range(frames):
        if painter is not None:
            image = painter(i)
        else:
            image = np.full((h, w, 3), 40, np.uint8)
            image[:, (i * 3) % w] = 255
        writer.write(image)
    writer.release()
    return path


ROOT = Path(__file__).resolve().parent.parent


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a ``python -m formcheck`` child: this checkout's code first."""
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra)
    return env


def can_mount_read_only() -> bool:
    """True when a child can get a private mount namespace (root with ``unshare``): see :func:`child_argv`."""
    import os
    import shutil
    import subprocess

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


def child_argv(argv: list[str], read_only: tuple[Path, ...] = ()) -> list[str]:
    """``argv``, run with each path of ``read_only`` bind-mounted read-only for that child alone.

    The mounts live in the child's private mount namespace (``unshare --mount``):
    they vanish with it and nobody else sees them. Even root cannot write there,
    unlike a ``chmod 555`` folder.
    """
    if not read_only:
        return argv
    mounts = " && ".join(f'mount --bind "{p}" "{p}" && mount -o remount,bind,ro "{p}"' for p in read_only)
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{mounts} && exec "$@"', "sh", *argv]


def run_cli(args: list[str], *, cwd: Path | None = None, timeout: float = 300, file_size_limit: int | None = None,
            memory_limit: int | None = None, read_only: tuple[Path, ...] = (), stdout: object = None,
            **env: str):  # type: ignore[no-untyped-def]
    """Run ``python -m formcheck ARGS`` in a child process; return the ``CompletedProcess``.

    Args:
        file_size_limit: Bytes any one file may grow to (``RLIMIT_FSIZE``, with
            ``SIGXFSZ`` ignored, so writes past it fail with ``EFBIG``: a full disk
            without root).
        memory_limit: Bytes of address space (``RLIMIT_AS``): a runaway allocation fails
            in the child instead of swapping the machine.
        read_only: Paths mounted read-only for the child (see :func:`child_argv`).
        stdout: Where the child's stdout goes (default: captured).
    """
    import sys

    return run_child([sys.executable, "-m", "formcheck", *args], cwd=cwd, timeout=timeout,
                     file_size_limit=file_size_limit, memory_limit=memory_limit, read_only=read_only,
                     stdout=stdout, **env)


def run_child(argv: list[str], *, cwd: Path | None = None, timeout: float = 300, file_size_limit: int | None = None,
              memory_limit: int | None = None, read_only: tuple[Path, ...] = (), stdout: object = None,
              **env: str):  # type: ignore[no-untyped-def]
    """Run ``argv`` with this checkout's code on ``PYTHONPATH`` (see :func:`run_cli`)."""
    import resource
    import signal
    import subprocess

    def limits() -> None:
        if file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return subprocess.run(child_argv(argv, read_only), cwd=cwd, env=cli_env(**env),
                          stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, preexec_fn=limits)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children...), read from ``/proc`` (Linux)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:  # the task ended meanwhile
                continue
            found += kids
            todo += kids
    return found


def still_running(pids: list[int]) -> list[int]:
    """Those of ``pids`` that still run (a zombie has ended: only its exit status is left)."""
    running = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            running.append(pid)
    return running


def open_files(pid: int) -> list[str]:
    """Paths of the files process ``pid`` has open, read from ``/proc`` ([] once it has ended)."""
    paths = []
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            paths.append(os.readlink(fd))
        except OSError:  # closed meanwhile
            continue
    return paths


def as_unprivileged(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions bind it: as root, without the capabilities that bypass them.

    Root reads a ``chmod 000`` folder anyway (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``);
    ``setpriv`` drops both from the child's bounding set, so its program starts without them.
    Other users need nothing. Check :func:`can_drop_file_override` first.
    """
    import os

    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *argv]


def can_drop_file_override() -> bool:
    """True when :func:`as_unprivileged` works here (not root, or root with ``setpriv``)."""
    import os
    import shutil

    return os.geteuid() != 0 or shutil.which("setpriv") is not None
