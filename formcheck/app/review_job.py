"""A Review analysis running in its own thread, so leaving the page does not drop it.

Streamlit stops a page's script when the user clicks elsewhere; an analysis
done inside the script would be lost half-way. A :class:`ReviewJob` takes an
upload already on disk (:class:`~formcheck.app.clip_upload.UploadedClip`, kept
alive while the job runs), waits for its turn
(:data:`~formcheck.app.review_queue.REVIEW_TURNS`: one server runs at most
``FORMCHECK_REVIEWS`` analyses at once, the others are told their place), runs
:func:`formcheck.app.clip_analysis.analyze_clip_file` in a daemon thread and
saves the session to History itself; the page only polls ``status()``. No
Streamlit call happens in the thread; the state it shares is guarded by one lock.
When the server stops (``SIGTERM``, Ctrl+C), a running or waiting job is stopped
at its next step before the interpreter exits (:class:`_RunningJobs`).

Example:
    >>> job = ReviewJob.start(clip, None, settings=settings, names=names)  # doctest: +SKIP
    >>> job.status().stage  # doctest: +SKIP
    'Waiting: 1 review ahead of yours (it starts by itself)'
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from formcheck.app.clip_analysis import ClipPose, ClipRun, UnsureExerciseError, analyze_clip_file
from formcheck.app.clip_upload import UploadedClip
from formcheck.app.review_queue import REVIEW_TURNS, waiting_text
from formcheck.app.settings import AppSettings
from formcheck.records.errors import FormcheckError

#: Seconds the server waits, when it stops, for running jobs to end at their next step.
STOP_WAIT_S = 10.0


class JobStoppedError(Exception):
    """Raised in a job's thread at its next step once :meth:`ReviewJob.stop` was called."""


class _RunningJobs:
    """The jobs whose threads run; at interpreter exit, each is stopped and waited for.

    MediaPipe makes every call into its model through a ``ThreadPoolExecutor``, and at
    exit ``concurrent.futures`` shuts such pools down in a ``threading`` exit hook, which
    runs before ``atexit`` functions. A job still in the model then fails on each call,
    closing the model included: two chained tracebacks in the server's log. The hook
    registered here runs before that one (they run in reverse order), while the model
    can still be closed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: set[ReviewJob] = set()
        self._hooked = False

    def add(self, job: ReviewJob) -> None:
        with self._lock:
            self._hook()
            self._jobs.add(job)

    def discard(self, job: ReviewJob) -> None:
        with self._lock:
            self._jobs.discard(job)

    def stop_all(self, timeout: float = STOP_WAIT_S) -> None:
        """Stop every running job and wait (``timeout`` seconds in all) for their threads to end."""
        with self._lock:
            jobs = list(self._jobs)
        for job in jobs:
            job.stop()
        deadline = time.monotonic() + timeout
        for job in jobs:
            job.wait(max(0.0, deadline - time.monotonic()))

    def _hook(self) -> None:
        if self._hooked:
            return
        import importlib

        # Imported (so registered) before ours: our hook then runs before its pools shut down.
        importlib.import_module("concurrent.futures.thread")
        register = getattr(threading, "_register_atexit", None)  # what concurrent.futures uses itself
        try:
            if register is not None:
                register(self.stop_all)
            else:  # another Python: atexit is later, but the jobs are still stopped
                import atexit

                atexit.register(self.stop_all)
        except RuntimeError:  # the interpreter is already exiting
            return
        self._hooked = True


_RUNNING = _RunningJobs()


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A snapshot of a job: what it is doing, how far, and its outcome once done."""

    source: str
    stage: str
    fraction: float
    done: bool
    run: ClipRun | None = None
    error: str | None = None
    queued: bool = False  # waiting for a turn (see formcheck.app.review_queue)
    question: str | None = None  # the recogniser was unsure: "Looks like X — or Y? Pick one."
    choices: tuple[tuple[str, str], ...] = ()  # with a question: the candidates' (id, title), best first


class ReviewJob:
    """One clip analysed in a background thread (see the module docstring).

    Args:
        clip: The clip to analyse (on disk; the job keeps it while it runs, its owner deletes it).
        exercise: A spec id, or None to suggest one.
        settings: App settings.
        names: Spec ids to rank.
        client: The client's name.
        trainer_notes: The trainer's notes.
        landmarks: Landmarks of an earlier pass over the same clip, reused.
    """

    def __init__(self, clip: UploadedClip, exercise: str | None, *, settings: AppSettings,
                 names: list[str], client: str = "", trainer_notes: str = "",
                 landmarks: ClipPose | None = None) -> None:
        self._lock = threading.Lock()
        self._status = JobStatus(clip.name, "Starting…", 0.0, False)
        self.landmarks: ClipPose | None = landmarks
        self._clip = clip
        self._args = (exercise, settings, names, client, trainer_notes)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"formcheck-review-{clip.name}", daemon=True)

    @classmethod
    def start(cls, clip: UploadedClip, exercise: str | None, *, settings: AppSettings, names: list[str],
              client: str = "", trainer_notes: str = "", landmarks: ClipPose | None = None) -> ReviewJob:
        """Start analysing ``clip`` as soon as it is its turn."""
        job = cls(clip, exercise, settings=settings, names=names, client=client,
                  trainer_notes=trainer_notes, landmarks=landmarks)
        _RUNNING.add(job)
        job._thread.start()
        return job

    def stop(self) -> None:
        """Ask the job to end at its next step (a frame of the pose pass or of the video): nothing is saved."""
        self._stopping.set()

    def _progress(self, stage: str, fraction: float, queued: bool = False) -> None:
        if self._stopping.is_set():
            raise JobStoppedError("the analysis was stopped (the app is shutting down)")
        with self._lock:
            self._status = JobStatus(self._status.source, stage, fraction, False, queued=queued)

    def _waiting(self, ahead: int) -> None:
        self._progress(waiting_text(ahead), 0.0, queued=True)

    def _run(self) -> None:
        exercise, settings, names, client, notes = self._args
        source = self._clip.name
        try:
            with self._clip.folder.in_use(), \
                    REVIEW_TURNS.turn(self, slots=settings.review_slots, on_wait=self._waiting):
                # in_use: a clip let go meanwhile (its tab gone for good) stays until the analysis ends
                run, landmarks = analyze_clip_file(self._clip.path, exercise, source=source, kind="review",
                                                   settings=settings, names=names, client=client,
                                                   trainer_notes=notes, progress=self._progress,
                                                   landmarks=self.landmarks, ask=True)
            with self._lock:
                self.landmarks = landmarks
                self._status = JobStatus(source, "Done", 1.0, True, run=run)
        except UnsureExerciseError as asked:  # nothing analysed nor saved: the user picks, the pose pass is kept
            with self._lock:
                self.landmarks = asked.pose
                self._status = JobStatus(source, "Asking", 1.0, True, question=str(asked), choices=asked.choices)
        except (FormcheckError, JobStoppedError) as exc:
            with self._lock:
                self._status = JobStatus(source, "Failed", 1.0, True, error=self._in_user_terms(str(exc)))
        except Exception as exc:  # a bug: end the job visibly (the page would wait forever), keep the traceback
            with self._lock:
                self._status = JobStatus(source, "Failed", 1.0, True,
                                         error=self._in_user_terms(f"internal error: {exc!r}"))
            raise
        finally:
            _RUNNING.discard(self)

    def _in_user_terms(self, message: str) -> str:
        """``message`` with the clip's path on the server replaced by the name the user knows it by.

        An upload is analysed from a copy on the server; an error naming that copy
        (``/tmp/formcheck-upload-x1y2/upload.mp4``) would tell the user nothing.
        """
        return message.replace(str(self._clip.path), self._clip.name)

    def status(self) -> JobStatus:
        """The current snapshot (safe to call from the page's script thread)."""
        with self._lock:
            return self._status

    def wait(self, timeout: float | None = None) -> JobStatus:
        """Block until the job ends (or ``timeout`` seconds pass); return its status."""
        self._thread.join(timeout)
        return self.status()
