"""Run a batch on a Ray cluster: one task per clip, the pose model loaded once per worker process.

``ray_runner("local")`` starts a Ray instance on this machine for the run;
``ray_runner("HOST:6379")`` (or ``"ray://HOST:10001"``) joins a running cluster.
Each clip is one Ray task that calls
:func:`formcheck.pipeline.batch_job.run_clip_job`; a Ray worker process keeps
its model between tasks (the module-level cache of ``batch_job``). The clip
travels as bytes through Ray's object store, so workers on other machines
need no shared folder; the report texts come back and the driver writes them
as each task finishes. A task that crashes (a worker killed, a bug) is retried
once by Ray, then reported as a failed row; the batch goes on.

A local instance is a throwaway: its session folder lives in a folder formcheck
makes (in the temp folder, or under ``/tmp`` when the temp folder's path is too
long for Ray's socket names) and removes when the run ends, and unless you set
``RAY_AUTH_MODE`` or a token yourself, it is protected by a token made for the
run and handed over in the environment, so nothing is written to ``~/.ray``
(see :func:`throwaway_instance`).

Joining a cluster never hangs: the address is first probed with a plain TCP
connection (:data:`PROBE_TIMEOUT_S`), so a wrong address or a head that is not
running is one error line at once, and ``ray.init`` (which retries for minutes
inside native code, deaf to ``SIGTERM``) runs in a helper thread that the main
thread waits for, at most :data:`INIT_TIMEOUT_S`, still answering signals.

Ray is optional: ``pip install formcheck[cluster]``.

Example:
    >>> run_batch(["clips/"], "auto", out_dir="out", runner=ray_runner("local"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from formcheck.pipeline.batch_job import ClipJob, ClipOutcome, OnDone, Runner, run_clip_job
from formcheck.records.errors import FormcheckError
from formcheck.sinks.batch_index import BatchRow


class ClusterError(FormcheckError):
    """Ray is not installed, or the cluster cannot be reached."""


#: Seconds a cluster address may take to accept a TCP connection before the batch gives up.
PROBE_TIMEOUT_S = 5.0
#: Seconds ``ray.init`` may take to join a cluster or start a local instance on a busy machine.
INIT_TIMEOUT_S = 90.0

#: Longest folder Ray's session may start in: a socket's path (``<folder>/session_<date>_<time>_<pid>/
#: sockets/plasma_store``) must fit in ``AF_UNIX``'s 107 bytes, and the part Ray adds takes up to 64.
MAX_TEMP_DIR_CHARS = 40
#: Seconds to keep trying to remove a local instance's folder while its last processes end.
CLEANUP_WAIT_S = 10.0
#: Variables by which a user chooses Ray's authentication: formcheck leaves it to them when one is set.
AUTH_VARIABLES = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")

#: Tasks submitted ahead of the ones finished, per CPU of the cluster (keeps the object store small).
IN_FLIGHT_PER_CPU = 2


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ClusterError("--ray needs Ray: pip install 'formcheck[cluster]' (or pip install ray)") from exc
    return ray


def _clip_task(job: ClipJob) -> ClipOutcome:
    """The body of one Ray task (module level, so Ray can ship it to workers)."""
    return run_clip_job(job)


def ray_runner(address: str, *, temp_dir: str | Path | None = None, num_cpus: int | None = None,
               init_timeout_s: float = INIT_TIMEOUT_S) -> Runner:
    """A batch runner on Ray (see the module docstring).

    Args:
        address: ``"local"`` to start a Ray instance here for the run, else a cluster address.
        temp_dir: Ray's session folder for a local instance, kept afterwards (default: a folder
            formcheck makes and removes, see :func:`throwaway_instance`).
        num_cpus: CPUs a local instance may use (default all).
        init_timeout_s: Seconds ``ray.init`` may take before the run gives up.

    Raises:
        ClusterError: At once: Ray is missing, or nothing answers at ``address`` (see :func:`probe_address`).
            At run time: Ray cannot join the cluster, or not within ``init_timeout_s``.
    """
    _ray()
    local = address == "local"
    if not local:
        probe_address(address)

    def runner(jobs: Sequence[ClipJob], on_done: OnDone) -> None:
        ray = _ray()
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                   "logging_level": logging.ERROR}  # no INFO lines around formcheck's own
        if not local:
            with _ray_session(ray, {**options, "address": address}, address, init_timeout_s):
                _run_tasks(ray, jobs, on_done)
            return
        options["num_cpus"] = num_cpus or os.cpu_count() or 1
        with throwaway_instance(temp_dir) as folder:
            with _ray_session(ray, {**options, "_temp_dir": str(folder)}, address, init_timeout_s):
                _run_tasks(ray, jobs, on_done)

    return runner


def temp_base(temp_root: str | Path, prefix: str = "formcheck-ray-", max_chars: int = MAX_TEMP_DIR_CHARS) -> Path:
    """Where a throwaway Ray folder goes: ``temp_root``, or ``/tmp`` when names there would be over ``max_chars``.

    Example:
        >>> temp_base("/var/tmp")
        PosixPath('/var/tmp')
        >>> temp_base("/home/ada/.cache/a-rather-long/temporary-folder")
        PosixPath('/tmp')
    """
    base = Path(temp_root)
    return base if len(str(base / prefix)) + 8 <= max_chars else Path("/tmp")  # mkdtemp adds 8 characters


#: The token of this process's local instances: Ray's token loader keeps the first one it reads.
_RUN_TOKEN: list[str] = []


@contextmanager
def throwaway_instance(temp_dir: str | Path | None = None) -> Iterator[Path]:
    """The session folder and authentication of a local Ray instance that leaves nothing behind.

    Ray 2.60 keeps every session under ``$TMPDIR/ray`` and, for a new local instance,
    writes a token to ``~/.ray/auth_token`` unless told otherwise. Here the session goes
    to ``temp_dir`` (left in place: the caller's) or to a new folder removed at the end,
    and, unless one of :data:`AUTH_VARIABLES` is set, the instance gets token
    authentication with a token for this process only, passed in ``RAY_AUTH_TOKEN``
    (the instance listens on the network while the batch runs: it should not take
    work from anyone). The environment is restored at the end.

    Example:
        >>> with throwaway_instance() as folder:  # doctest: +SKIP
        ...     ray.init(_temp_dir=str(folder)); ...; ray.shutdown()
    """
    if temp_dir is not None:
        folder = Path(temp_dir)
    else:
        folder = Path(tempfile.mkdtemp(prefix="formcheck-ray-", dir=temp_base(tempfile.gettempdir())))
    saved = {name: os.environ.get(name) for name in AUTH_VARIABLES}
    if not any(saved.values()):
        if not _RUN_TOKEN:
            _RUN_TOKEN.append(secrets.token_hex(32))
        os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=_RUN_TOKEN[0])
    _reread_auth_mode()
    try:
        yield folder
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if temp_dir is None:
            _remove_folder(folder)


def _reread_auth_mode() -> None:
    """Make an imported Ray read ``RAY_AUTH_MODE`` again (it reads it once, at import).

    Ray does the same itself when it turns tokens on by default; without it, this
    process would talk to the instance without the token its servers expect.
    """
    raylet = sys.modules.get("ray._raylet")
    if raylet is not None:
        raylet.Config.initialize("")


def _remove_folder(folder: Path, wait_s: float = CLEANUP_WAIT_S) -> None:
    """Remove ``folder``; while Ray's last processes still write their logs in it, try again."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            shutil.rmtree(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                shutil.rmtree(folder, ignore_errors=True)
                return
            time.sleep(0.2)


def gcs_endpoint(address: str) -> tuple[str, int] | None:
    """The host and port ``address`` names (``HOST:PORT``, ``ray://HOST:PORT``, ``[::1]:PORT``), else None.

    Example:
        >>> gcs_endpoint("10.0.0.5:6379"), gcs_endpoint("ray://head:10001"), gcs_endpoint("auto")
        (('10.0.0.5', 6379), ('head', 10001), None)
    """
    host, colon, port = address.removeprefix("ray://").rpartition(":")
    if not colon or not host or not port.isdigit():
        return None
    return host.strip("[]"), int(port)


def probe_address(address: str, timeout_s: float = PROBE_TIMEOUT_S) -> None:
    """Raise :class:`ClusterError` unless something accepts a TCP connection at ``address`` within ``timeout_s``.

    Other address forms (``auto``) are left to Ray.

    Example:
        >>> probe_address("127.0.0.1:1")  # doctest: +SKIP
        Traceback (most recent call last):
        formcheck.pipeline.ray_batch.ClusterError: cannot reach the Ray cluster at 127.0.0.1:1: nothing listens ...
    """
    endpoint = gcs_endpoint(address)
    if endpoint is None:
        return
    try:
        with socket.create_connection(endpoint, timeout=timeout_s):
            pass
    except TimeoutError:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: no answer within {timeout_s:.0f} s "
                           "(a firewall, or a wrong address?)") from None
    except socket.gaierror as exc:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: unknown host ({exc.strerror})") from None
    except ConnectionRefusedError:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: nothing listens on port {endpoint[1]} "
                           "(start the head with `ray start --head`, or check the address)") from None
    except OSError as exc:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from None


@contextmanager
def _ray_session(ray: Any, options: dict[str, Any], address: str, timeout_s: float) -> Iterator[None]:
    """``ray.init(**options)`` in a helper thread, waited for at most ``timeout_s``; ``ray.shutdown()`` at the end.

    Waiting in this thread keeps signals working: ``SIGTERM`` unwinds the run at once
    even while ``ray.init`` retries in native code. The helper thread lives until the
    session ends, because the processes of a local instance are started with a death
    signal tied to the thread that started them (``PR_SET_PDEATHSIG``). A helper still
    stuck in Ray's native code after a timeout is left to end with the process.
    """
    ready, finished = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            ray.init(**options)
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)
            return
        finally:
            ready.set()
        finished.wait()

    threading.Thread(target=hold, name="formcheck-ray", daemon=True).start()
    if not ready.wait(timeout_s):
        raise ClusterError(f"cannot reach the Ray cluster at {address}: Ray did not connect within "
                           f"{timeout_s:.0f} s (is it a Ray head, with the same Ray version?)")
    if failure and isinstance(failure[0], (ConnectionError, RuntimeError, ValueError)):
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {failure[0]}") from failure[0]
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        ray.shutdown()
        finished.set()


def _run_tasks(ray: Any, jobs: Sequence[ClipJob], on_done: OnDone) -> None:
    task = ray.remote(max_retries=1, retry_exceptions=True)(_clip_task)
    limit = max(2, int(ray.cluster_resources().get("CPU", 1)) * IN_FLIGHT_PER_CPU)
    queue = list(jobs)
    running: dict[Any, ClipJob] = {}
    while queue or running:
        while queue and len(running) < limit:
            job = queue.pop(0)
            try:
                data = Path(job.path).read_bytes()  # workers may be on other machines: send the clip itself
            except OSError as exc:
                on_done(job, ClipOutcome(BatchRow(clip=job.clip, status="error", error=f"cannot read the clip: {exc}")))
                continue
            running[task.remote(replace(job, data=data))] = job
        if not running:
            break
        done, _ = ray.wait(list(running), num_returns=1)
        for ref in done:
            job = running.pop(ref)
            try:
                outcome = ray.get(ref)
            except Exception as exc:  # failed on its retry too (RayTaskError, a lost worker...)
                outcome = ClipOutcome(BatchRow(clip=job.clip, status="error", error=f"failed twice on Ray: {exc}"))
            on_done(job, outcome)
