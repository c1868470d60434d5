"""Pose extraction with MediaPipe Tasks ``PoseLandmarker`` (VIDEO mode).

This is the only module that knows MediaPipe's types: it turns an image and
its timestamp into a :class:`~formcheck.records.frame.PoseFrame`.

Person selection: the landmarker may return several people. We follow one:
the person we started with (matched by position from frame to frame), else
the largest one in view, and flag ``person_switched`` when we change.

Example:
    >>> with PoseEstimator() as pose:  # doctest: +SKIP
    ...     for image, t in VideoFileSource("clip.mp4"):
    ...         frame = pose.process(image, t)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np

from formcheck.pose.model import prepare_mediapipe_import, resolve_model
from formcheck.records.errors import ModelError
from formcheck.records.frame import PoseFrame

#: How far (in body sizes) the followed person may move between frames.
_MATCH_RADIUS = 0.6
#: Lost for longer than this (seconds), any person may be picked afresh.
_FORGET_AFTER_S = 1.0
#: Changes whenever the estimator reads a clip differently (landmark caches are keyed by it).
ESTIMATOR_VERSION = 1
#: Clock gap between two clips of one landmarker (ms): far beyond any tracking window.
_NEW_STREAM_GAP_MS = 3_600_000


class PersonSelector:
    """Pick the same person from frame to frame among several candidates.

    Pure logic on image landmarks (``(n, 33, 3)``), so it is tested without a model.
    """

    def __init__(self) -> None:
        self._centre: np.ndarray | None = None
        self._size = 0.0
        self._last_seen = -np.inf
        self.followed = False

    @staticmethod
    def _box(points: np.ndarray) -> tuple[np.ndarray, float]:
        xy = points[:, :2]
        lo, hi = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
        return (lo + hi) / 2.0, float(np.prod(np.maximum(hi - lo, 1e-6)))

    def select(self, people: list[np.ndarray], t: float) -> tuple[int | None, bool]:
        """Return (index of the person to follow or None, switched?)."""
        if not people:
            return None, False
        boxes = [self._box(p) for p in people]
        choice: int | None = None
        if self._centre is not None and t - self._last_seen <= _FORGET_AFTER_S:
            dists = [float(np.linalg.norm(c - self._centre)) for c, _ in boxes]
            best = int(np.argmin(dists))
            if dists[best] <= _MATCH_RADIUS * max(np.sqrt(self._size), 0.05):
                choice = best
        switched = False
        if choice is None:
            choice = int(np.argmax([a for _, a in boxes]))
            switched = self.followed  # a switch only if we were following someone
        self._centre, self._size = boxes[choice]
        self._last_seen = t
        self.followed = True
        return choice, switched


class PoseEstimator:
    """One MediaPipe pose landmarker for one stream of frames.

    Args:
        model_path: A ``.task`` file; resolved with :func:`resolve_model` when None.
        num_poses: People the model may return per frame. 2 lets formcheck
            notice a second person and keep following the first.
        min_detection_confidence: Person detector threshold.
        min_tracking_confidence: Below this the landmarker re-detects.

    Raises:
        ModelError: The model file cannot be loaded.
    """

    def __init__(self, model_path: str | Path | None = None, *, num_poses: int = 2,
                 min_detection_confidence: float = 0.5, min_presence_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        prepare_mediapipe_import()  # quiet, and nothing written to the home folder
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import (
            PoseLandmarker,
            PoseLandmarkerOptions,
            RunningMode,
        )

        path = Path(model_path) if model_path else resolve_model().path
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=RunningMode.VIDEO,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
            output_segmentation_masks=False,
        )
        try:
            self._landmarker = PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load pose model {path}: {exc}") from exc
        self.model_path = path
        self._selector = PersonSelector()
        self._last_ms = -1
        self._offset_ms = 0
        self._index = 0
        self._closed = False

    def new_stream(self) -> None:
        """Start another clip with the same loaded model (a batch worker loads it once).

        The landmarker's clock jumps an hour past the last frame: after such a gap
        it detects afresh instead of tracking the previous clip's person, so the
        landmarks equal those of a newly loaded model (checked in the tests).

        Example:
            >>> pose.new_stream()  # doctest: +SKIP
        """
        self._offset_ms = self._last_ms + 1 + _NEW_STREAM_GAP_MS
        self._selector = PersonSelector()
        self._index = 0

    def process(self, image_bgr: np.ndarray, t: float) -> PoseFrame:
        """Find the followed person in one BGR frame taken at ``t`` seconds."""
        import mediapipe as mp

        if self._closed:
            raise RuntimeError("PoseEstimator.process called after close()")
        h, w = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        # VIDEO mode needs strictly increasing integer milliseconds.
        t_ms = max(int(round(t * 1000.0)) + self._offset_ms, self._last_ms + 1)
        self._last_ms = t_ms
        result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), t_ms)
        index = self._index
        self._index += 1
        people = [np.array([[p.x, p.y, p.z] for p in pose], dtype=np.float32) for pose in result.pose_landmarks]
        choice, switched = self._selector.select(people, t)
        if choice is None:
            return PoseFrame.empty(t=t, image_wh=(w, h), index=index)
        chosen = result.pose_landmarks[choice]
        world = result.pose_world_landmarks[choice]
        return PoseFrame(
            t=t,
            image_wh=(w, h),
            image=people[choice],
            world=np.array([[p.x, p.y, p.z] for p in world], dtype=np.float32),
            visibility=np.array([p.visibility or 0.0 for p in chosen], dtype=np.float32),
            presence=np.array([p.presence or 0.0 for p in chosen], dtype=np.float32),
            num_people=len(people),
            person_switched=switched,
            index=index,
        )

    def run(self, frames: Iterable[tuple[np.ndarray, float]]) -> Iterator[PoseFrame]:
        """Process every ``(image, t)`` pair of a source, in order."""
        for image, t in frames:
            yield self.process(image, t)

    def close(self) -> None:
        """Release the landmarker (idempotent)."""
        if not self._closed:
            self._closed = True
            self._landmarker.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
