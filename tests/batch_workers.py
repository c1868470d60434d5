"""Work that batch pool tests hand to real worker processes in place of the pose model.

A module of its own so that spawned workers import it quickly (and nothing else of the tests).
A clip whose name holds ``crash-segfault`` or ``crash-sigkill`` makes its worker die for real:
a read of address 0 (SIGSEGV, as a bug in native code would) or a SIGKILL (as the
out-of-memory killer would). Any other clip takes a moment and reports the worker's pid
in its row's ``report`` field, so a test can tell which process ran it.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import time

from formcheck.pipeline.batch_job import ClipJob, ClipOutcome
from formcheck.sinks.batch_index import BatchRow

#: Seconds a healthy clip takes: long enough for a crash beside it to break the pool first.
HEALTHY_S = 0.5


def crash_or_report_pid(job: ClipJob) -> ClipOutcome:
    """Die on a ``crash-*`` clip (see the module docstring); else wait :data:`HEALTHY_S`, return the pid."""
    if "crash-segfault" in job.clip:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file anywhere
        ctypes.string_at(0)
    if "crash-sigkill" in job.clip:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(HEALTHY_S)
    return ClipOutcome(BatchRow(clip=job.clip, exercise="stand-in", report=str(os.getpid())))
