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


def cut_off_copy(src: Path, dst: Path, keep: float) -> Path:
    """``src`` with its index moved to the front (``faststart``), then cut to ``keep`` of its bytes.

    Like an interrupted download of a web-ready clip: it still opens and lists every
    frame, but its data stops part way. (Cut without the move, an index at the end
    is lost and the file does not open at all.)
    """
    import av

    whole = dst.with_name(f"whole-{dst.name}")
    with av.open(str(src)) as inp, av.open(str(whole), "w", container_options={"movflags": "faststart"}) as out:
        video = inp.streams.video[0]
        copy = out.add_stream_from_template(video)
        for packet in inp.demux(video):
            if packet.dts is not None:  # the demuxer's final empty packet
                packet.stream = copy
                out.mux(packet)
    data = whole.read_bytes()
    whole.unlink()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


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


#: Runs a command without the capabilities that let root ignore file permissions: ``chmod 000``
#: then means "no access" for the child too, as for any other user.
OBEY_PERMISSIONS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                    "--inh-caps=-dac_override,-dac_read_search"]


def require_permissions_obeyed() -> None:
    """Skip the calling test when a child cannot be made to obey file permissions (root without ``setpriv``)."""
    import os
    import shutil
    import subprocess

    import pytest

    if os.geteuid() != 0:
        return  # permissions apply already
    if shutil.which("setpriv") is None or subprocess.run([*OBEY_PERMISSIONS, "true"]).returncode != 0:
        pytest.skip("running as root, and setpriv cannot drop CAP_DAC_OVERRIDE here: chmod would not bind")


def child_argv(argv: list[str], read_only: tuple[Path, ...] = (), obey_permissions: bool = False) -> list[str]:
    """``argv``, run with each path of ``read_only`` bind-mounted read-only for that child alone.

    The mounts live in the child's private mount namespace (``unshare --mount``):
    they vanish with it and nobody else sees them. Even root cannot write there,
    unlike a ``chmod 555`` folder. With ``obey_permissions`` a root child loses the
    capabilities to ignore file modes (see :func:`require_permissions_obeyed`).
    """
    import os

    if obey_permissions and os.geteuid() == 0:
        argv = [*OBEY_PERMISSIONS, *argv]
    if not read_only:
        return argv
    mounts = " && ".join(f'mount --bind "{p}" "{p}" && mount -o remount,bind,ro "{p}"' for p in read_only)
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{mounts} && exec "$@"', "sh", *argv]


def run_cli(args: list[str], *, cwd: Path | None = None, timeout: float = 300, file_size_limit: int | None = None,
            memory_limit: int | None = None, read_only: tuple[Path, ...] = (), stdout: object = None,
            obey_permissions: bool = False, **env: str):  # type: ignore[no-untyped-def]
    """Run ``python -m formcheck ARGS`` in a child process; return the ``CompletedProcess``.

    Args:
        file_size_limit: Bytes any one file may grow to (``RLIMIT_FSIZE``, with
            ``SIGXFSZ`` ignored, so writes past it fail with ``EFBIG``: a full disk
            without root).
        memory_limit: Bytes of address space (``RLIMIT_AS``): a runaway allocation fails
            in the child instead of swapping the machine.
        read_only: Paths mounted read-only for the child (see :func:`child_argv`).
        stdout: Where the child's stdout goes (default: captured).
        obey_permissions: File modes bind the child even when the tests run as root (see
            :func:`require_permissions_obeyed`, which a test calls first).
    """
    import sys

    return run_child([sys.executable, "-m", "formcheck", *args], cwd=cwd, timeout=timeout,
                     file_size_limit=file_size_limit, memory_limit=memory_limit, read_only=read_only,
                     stdout=stdout, obey_permissions=obey_permissions, **env)


def run_child(argv: list[str], *, cwd: Path | None = None, timeout: float = 300, file_size_limit: int | None = None,
              memory_limit: int | None = None, read_only: tuple[Path, ...] = (), stdout: object = None,
              obey_permissions: bool = False, **env: str):  # type: ignore[no-untyped-def]
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

    return subprocess.run(child_argv(argv, read_only, obey_permissions), cwd=cwd, env=cli_env(**env),
                          stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, preexec_fn=limits)


def number_fields(schema: dict, node: dict | None = None, path: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    """Paths of every number or integer field a JSON Schema allows (``0`` for a list's first item).

    Walks ``$ref``, ``anyOf`` and nested objects and lists, so a field added to a model is found
    without naming it here.
    """
    node = schema if node is None else node
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    kind = node.get("type")
    if kind in ("number", "integer"):
        return [path]
    paths: list[tuple] = []  # type: ignore[type-arg]
    for option in node.get("anyOf", []):
        paths += [p for p in number_fields(schema, option, path) if p not in paths]
    if kind == "object":
        for name, sub in node.get("properties", {}).items():
            paths += number_fields(schema, sub, (*path, name))
    elif kind == "array" and "items" in node:
        paths += number_fields(schema, node["items"], (*path, 0))
    return paths


def with_value(data: dict, path: tuple, value: object) -> dict:  # type: ignore[type-arg]
    """A deep copy of ``data`` with the field at ``path`` (keys and list indices) set to ``value``."""
    import copy

    out = copy.deepcopy(data)
    parent = out
    for key in path[:-1]:
        parent = parent.setdefault(key, {}) if isinstance(parent, dict) else parent[key]
    parent[path[-1]] = value
    return out


def field_name(path: tuple) -> str:  # type: ignore[type-arg]
    """``("rules", 0, "priority")`` as the loader names it in errors: ``rules[0].priority``."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


def write_npz(path: Path, arrays: dict, *, data: bool = True) -> Path:  # type: ignore[type-arg]
    """An ``.npz`` as ``np.savez_compressed`` writes it, built in little memory.

    Each value is an array, or ``(shape, dtype)`` for an array of zeros that is streamed in
    16 MB pieces (so a file that expands to gigabytes costs none), or, with ``data=False``,
    written as its ``.npy`` header alone.
    """
    import math
    import zipfile

    zeros = memoryview(bytes(1 << 24))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:  # level 1: 3x faster
        for name, value in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                if isinstance(value, np.ndarray):
                    np.lib.format.write_array(fh, value, allow_pickle=False)
                    continue
                shape, dtype = value
                np.lib.format.write_array_header_1_0(
                    fh, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
                         "shape": tuple(shape)})
                left = math.prod(shape) * np.dtype(dtype).itemsize if data else 0
                while left:
                    fh.write(zeros[:min(left, len(zeros))])
                    left -= min(left, len(zeros))
    return path


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
