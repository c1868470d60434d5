"""The batch's clips on this machine: worker processes where a crash costs only its own clip.

:func:`run_local` is the default runner of :func:`formcheck.pipeline.batch.run_batch`:
``N`` worker processes (``spawn``: no MediaPipe state copied from the driver),
each loading the pose model once, or the driver itself for one worker.

**A crash blames only the clips that were running.** A worker that dies (a
crash in native code, a signal, the out-of-memory killer) breaks its whole
``ProcessPoolExecutor``: every clip still in it fails with ``BrokenProcessPool``.
So the pool is never handed more clips than it has workers; when it breaks,
the clips that were running are charged one attempt and tried again later,
and the clips not yet started go on in a fresh pool, uncharged. The second try
runs alone in a pool of one worker, where a crash can only be the clip's own:
then the clip is a failed row. A healthy clip that ran beside a crashing one
costs one more run, never its result.

**Workers die with the batch.** Each worker asks Linux to send it ``SIGKILL``
when the batch process ends (``PR_SET_PDEATHSIG``), so a ``kill -9`` of
``formcheck batch`` leaves no worker (each holding a pose model) behind; the
multiprocessing resource tracker then sees its last writer gone and exits too.

**Never more workers than CPUs.** A worker is single-threaded: on 2 cores, 8
workers took 2.1 GB and no less time than 2. :func:`worker_count` caps ``-j``.

Example:
    >>> runner = run_local(2)  # doctest: +SKIP
    >>> runner(jobs, lambda job, outcome: print(outcome.row.clip, outcome.row.reps))  # doctest: +SKIP
    a.mp4 4
"""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from formcheck.pipeline.batch_job import ClipJob, ClipOutcome, OnDone, Runner, run_clip_job
from formcheck.sinks.batch_index import BatchRow

#: What a worker does with one job (the batch's is :func:`~formcheck.pipeline.batch_job.run_clip_job`).
Work = Callable[[ClipJob], ClipOutcome]
#: Runs of one clip before it is reported as failed (a crash, or an exception that is not a FormcheckError).
MAX_ATTEMPTS = 2
#: ``prctl`` option: the signal this process gets when its parent ends (linux/prctl.h).
PR_SET_PDEATHSIG = 1
#: Called with a job that crashed or raised, and the exception.
_OnFailure = Callable[[ClipJob, BaseException], None]


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one, else all).

    Example:
        >>> usable_cpus() >= 1
        True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows: no affinity masks
        return os.cpu_count() or 1


def worker_count(asked: int) -> int:
    """Worker processes for ``-j asked``: at most :func:`usable_cpus` (more only cost memory), at least 1.

    Example:
        >>> worker_count(1), worker_count(10_000) == usable_cpus()
        (1, True)
    """
    return max(1, min(asked, usable_cpus()))


def die_with_parent(parent_pid: int) -> None:
    """Pool worker initializer: end this worker when the batch process ends, even by ``kill -9``.

    On Linux the kernel then sends the worker ``SIGKILL`` (``PR_SET_PDEATHSIG``; best effort,
    elsewhere only the check below). The parent may have died before that was set: a worker
    whose parent is no longer ``parent_pid`` leaves at once. (The death signal follows the
    *thread* that started the worker: the pools below live in the thread that runs the batch.)

    Args:
        parent_pid: The batch process's id, taken before the worker was started.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def run_local(workers: int, work: Work = run_clip_job) -> Runner:
    """A runner on this machine: ``workers`` processes (capped at the CPUs; in-process for 1).

    A clip whose worker crashes, or whose work raises something other than a
    ``FormcheckError``, is tried once more alone, then reported as an error row
    (see the module docstring).

    Args:
        workers: Worker processes asked for (``-j``).
        work: What a worker does with a job (tests hand in stand-ins that crash).
    """
    count = worker_count(workers)

    def runner(jobs: Sequence[ClipJob], on_done: OnDone) -> None:
        if count <= 1 or len(jobs) <= 1:
            for job in jobs:
                on_done(job, _in_process(job, work))
            return
        _pooled(jobs, count, work, on_done)

    return runner


def _error_row(job: ClipJob, exc: BaseException) -> ClipOutcome:
    if isinstance(exc, BrokenProcessPool):
        why = "its worker process died (a crash, or killed by a signal or for want of memory)"
    else:
        why = repr(exc)
    return ClipOutcome(BatchRow(clip=job.clip, status="error", error=f"failed {MAX_ATTEMPTS} times: {why}"))


def _in_process(job: ClipJob, work: Work) -> ClipOutcome:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return work(job)
        except Exception as exc:  # a bug or a crash in the model: once more, then a row
            if attempt == MAX_ATTEMPTS:
                return _error_row(job, exc)
    raise AssertionError("unreachable")


def _pooled(jobs: Sequence[ClipJob], workers: int, work: Work, on_done: OnDone) -> None:
    """Every job through pools of ``workers``; jobs that failed once go again one at a time."""
    attempts: Counter[str] = Counter()
    again: list[ClipJob] = []

    def failed(job: ClipJob, exc: BaseException) -> None:
        attempts[job.out_name] += 1
        if attempts[job.out_name] < MAX_ATTEMPTS:
            again.append(job)
        else:
            on_done(job, _error_row(job, exc))

    _drain(deque(jobs), workers, work, on_done, failed)
    while again:
        retry = deque(again)
        again.clear()
        _drain(retry, 1, work, on_done, failed)  # alone: a crash now can only be the clip's own


def _drain(queue: deque[ClipJob], workers: int, work: Work, on_done: OnDone, failed: _OnFailure) -> None:
    """Run every job of ``queue``, in a fresh pool after each one that breaks."""
    while queue:
        _pool_round(queue, workers, work, on_done, failed)


def _pool_round(queue: deque[ClipJob], workers: int, work: Work, on_done: OnDone, failed: _OnFailure) -> None:
    """One pool: feed it ``queue``, ``workers`` jobs at a time, until the queue is empty or the pool breaks.

    Jobs still in ``queue`` after a break were never handed to the pool, so they carry no blame.
    A finished job's worker gets its next job before the driver writes the finished one's files.
    """
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
    running: dict[Future[ClipOutcome], ClipJob] = {}
    finished: list[tuple[ClipJob, ClipOutcome]] = []
    broken = False
    try:
        while running or finished or (queue and not broken):
            broken = broken or not _top_up(pool, queue, running, workers, work)
            for job, outcome in finished:
                on_done(job, outcome)
            finished.clear()
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    finished.append((job, future.result()))
                except BrokenProcessPool as exc:  # this job was running when a worker died: a suspect
                    broken = True
                    failed(job, exc)
                except Exception as exc:  # a bug in the work, raised in the worker: the pool is fine
                    failed(job, exc)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _top_up(pool: ProcessPoolExecutor, queue: deque[ClipJob], running: dict[Future[ClipOutcome], ClipJob],
            workers: int, work: Work) -> bool:
    """Hand the pool jobs from ``queue`` until ``workers`` run; False when the pool turns out broken."""
    while queue and len(running) < workers:
        job = queue.popleft()
        try:
            running[pool.submit(work, job)] = job
        except BrokenProcessPool:  # broke since the last look: this job was never started
            queue.appendleft(job)
            return False
    return True
