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

Ray is optional: ``pip install formcheck[cluster]``.

Example:
    >>> run_batch(["clips/"], "auto", out_dir="out", runner=ray_runner("local"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from formcheck.pipeline.batch_job import ClipJob, ClipOutcome, OnDone, Runner, run_clip_job
from formcheck.records.errors import FormcheckError
from formcheck.sinks.batch_index import BatchRow


class ClusterError(FormcheckError):
    """Ray is not installed, or the cluster cannot be reached."""


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


def ray_runner(address: str, *, temp_dir: str | Path | None = None, num_cpus: int | None = None) -> Runner:
    """A batch runner on Ray (see the module docstring).

    Args:
        address: ``"local"`` to start a Ray instance here for the run, else a cluster address.
        temp_dir: Ray's session folder for a local instance (default Ray's own, ``/tmp/ray``).
        num_cpus: CPUs a local instance may use (default all).

    Raises:
        ClusterError: Ray is missing (raised at once), or the cluster cannot be reached (at run time).
    """
    _ray()

    def runner(jobs: Sequence[ClipJob], on_done: OnDone) -> None:
        ray = _ray()
        local = address == "local"
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if local:
            options["num_cpus"] = num_cpus or os.cpu_count() or 1
            if temp_dir is not None:
                options["_temp_dir"] = str(temp_dir)
        else:
            options["address"] = address
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Ray cluster at {address}: {exc}") from exc
        try:
            _run_tasks(ray, jobs, on_done)
        finally:
            ray.shutdown()

    return runner


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
