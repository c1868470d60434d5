"""The landmarks of every clip the tests read, extracted once per test session and shared.

The pose model is the slow part of the suite: each clip costs tens of milliseconds a
frame. The accuracy gates, the suggestion test, the model tests on the samples and the
guidance tests read the same clips, so each clip runs through the real model once per
session, into one landmarks cache (:func:`formcheck.pose.cache.cached_pose`, keyed by
the clip's sha256 and the model's), and every later reader gets that file.

Under ``pytest-xdist`` the workers share the folder: a clip is extracted by the first
worker that takes its lock, and :meth:`LandmarkLibrary.prefetch` lets every worker take
the next clip nobody holds, so two workers extract a list on two cores.

Example:
    >>> library = LandmarkLibrary(folder, model_path)  # doctest: +SKIP
    >>> library.prefetch(sorted(Path("sample_videos").glob("*.mp4")))  # doctest: +SKIP
    >>> frames = library.frames(Path("sample_videos/plank_side.mp4"))  # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class LandmarkLibrary:
    """Landmarks by clip in ``folder`` (a ``cached_pose`` cache), each extracted by one process only."""

    def __init__(self, folder: Path, model_path: Path) -> None:
        self.folder = folder
        self.model_path = model_path
        (folder / "locks").mkdir(parents=True, exist_ok=True)

    def _lock_path(self, video: Path) -> Path:
        name = hashlib.sha1(str(video.resolve()).encode()).hexdigest()[:16]
        return self.folder / "locks" / f"{name}.lock"

    @contextmanager
    def _locked(self, video: Path, wait: bool) -> Iterator[bool]:
        with open(self._lock_path(video), "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _extract(self, video: Path) -> tuple[list[Any], dict[str, object]]:
        from formcheck.pose.cache import cached_pose

        return cached_pose(video, self.folder, model_path=self.model_path)

    def frames(self, video: Path) -> list[Any]:
        """The clip's pose frames (from the model on first use, then from the shared cache)."""
        with self._locked(video, wait=True):
            return self._extract(video)[0]

    def prefetch(self, videos: Iterable[Path]) -> None:
        """Extract every clip not yet cached; clips another worker is extracting are waited for last."""
        busy = []
        for video in videos:
            with self._locked(video, wait=False) as mine:
                if mine:
                    self._extract(video)
                else:
                    busy.append(video)
        for video in busy:
            with self._locked(video, wait=True):
                self._extract(video)
