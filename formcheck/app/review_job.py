"""A Review analysis running in its own thread, so leaving the page does not drop it.

Streamlit stops a page's script when the user clicks elsewhere; an analysis
done inside the script would be lost half-way. A :class:`ReviewJob` owns the
upload (a temporary copy, deleted when it ends), runs
:func:`formcheck.app.clip_analysis.analyze_clip_file` in a daemon thread and
saves the session to History itself; the page only polls ``status()``. No
Streamlit call happens in the thread; the state it shares is guarded by one lock.

Example:
    >>> job = ReviewJob.start(data, "sam.mp4", None, settings=settings, names=names)  # doctest: +SKIP
    >>> job.status().done  # doctest: +SKIP
    False
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from formcheck.app.clip_analysis import ClipPose, ClipRun, analyze_clip_file
from formcheck.app.settings import AppSettings
from formcheck.records.errors import FormcheckError


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A snapshot of a job: what it is doing, how far, and its outcome once done."""

    source: str
    stage: str
    fraction: float
    done: bool
    run: ClipRun | None = None
    error: str | None = None


class ReviewJob:
    """One clip analysed in a background thread (see the module docstring).

    Args:
        path: The clip to analyse (owned by the job when ``tmp_dir`` is given: deleted at the end).
        source: The clip's name as the user knows it.
        exercise: A spec id, or None to suggest one.
        settings: App settings.
        names: Spec ids to rank.
        client: The client's name.
        trainer_notes: The trainer's notes.
        landmarks: Landmarks of an earlier pass over the same clip, reused.
        tmp_dir: A temporary folder to remove when the job ends.
    """

    def __init__(self, path: Path, source: str, exercise: str | None, *, settings: AppSettings,
                 names: list[str], client: str = "", trainer_notes: str = "",
                 landmarks: ClipPose | None = None, tmp_dir: tempfile.TemporaryDirectory[str] | None = None) -> None:
        self._lock = threading.Lock()
        self._status = JobStatus(source, "Starting…", 0.0, False)
        self.landmarks: ClipPose | None = landmarks
        self._args = (path, source, exercise, settings, names, client, trainer_notes)
        self._tmp = tmp_dir
        self._thread = threading.Thread(target=self._run, name=f"formcheck-review-{source}", daemon=True)

    @classmethod
    def start(cls, data: bytes, source: str, exercise: str | None, *, settings: AppSettings, names: list[str],
              client: str = "", trainer_notes: str = "", landmarks: ClipPose | None = None) -> ReviewJob:
        """Copy an upload to a temporary file and start analysing it."""
        tmp = tempfile.TemporaryDirectory(prefix="formcheck-upload-")
        path = Path(tmp.name) / ("upload" + Path(source).suffix.lower())
        path.write_bytes(data)
        job = cls(path, source, exercise, settings=settings, names=names, client=client,
                  trainer_notes=trainer_notes, landmarks=landmarks, tmp_dir=tmp)
        job._thread.start()
        return job

    def _progress(self, stage: str, fraction: float) -> None:
        with self._lock:
            self._status = JobStatus(self._status.source, stage, fraction, False)

    def _run(self) -> None:
        path, source, exercise, settings, names, client, notes = self._args
        try:
            run, landmarks = analyze_clip_file(path, exercise, source=source, kind="review", settings=settings,
                                               names=names, client=client, trainer_notes=notes,
                                               progress=self._progress, landmarks=self.landmarks)
            with self._lock:
                self.landmarks = landmarks
                self._status = JobStatus(source, "Done", 1.0, True, run=run)
        except FormcheckError as exc:
            with self._lock:
                self._status = JobStatus(source, "Failed", 1.0, True, error=self._in_user_terms(str(exc)))
        except Exception as exc:  # a bug: end the job visibly (the page would wait forever), keep the traceback
            with self._lock:
                self._status = JobStatus(source, "Failed", 1.0, True,
                                         error=self._in_user_terms(f"internal error: {exc!r}"))
            raise
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()

    def _in_user_terms(self, message: str) -> str:
        """``message`` with the clip's path on the server replaced by the name the user knows it by.

        An upload is analysed from a temporary copy; an error naming that copy
        (``/tmp/formcheck-upload-x1y2/upload.mp4``) would tell the user nothing.
        """
        path, source = self._args[0], self._args[1]
        return message.replace(str(path), source)

    def status(self) -> JobStatus:
        """The current snapshot (safe to call from the page's script thread)."""
        with self._lock:
            return self._status

    def wait(self, timeout: float | None = None) -> JobStatus:
        """Block until the job ends (or ``timeout`` seconds pass); return its status."""
        self._thread.join(timeout)
        return self.status()
