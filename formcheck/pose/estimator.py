"""Pose extraction with MediaPipe Tasks ``PoseLandmarker`` (VIDEO mode).

This is the only module that knows MediaPipe's types: it turns an image and
its timestamp into a :class:`~formcheck.records.frame.PoseFrame`.

Person selection: the landmarker may return several people. We follow one:
the person we started with (matched by position from frame to frame), else
the largest one in view, and flag ``person_switched`` when we change.

Two ways of running the model (``tracking``, or ``FORMCHECK_POSE``):
``"two-person"`` (the default) asks a VIDEO landmarker for up to two people, so
MediaPipe runs its person detector on every frame and crops each frame around
the detector's box; ``"one-person"`` (experimental, issue 22) tracks one person
with a VIDEO landmarker that crops each frame from the previous frame's
landmarks (the detector only when it loses them) and counts people with a
census about once a second: about 0.7 of the time, but other landmarks (see
docs/benchmarks.md, "One-person tracking").

Example:
    >>> with PoseEstimator() as pose:  # doctest: +SKIP
    ...     for image, t in VideoFileSource("clip.mp4"):
    ...         frame = pose.process(image, t)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
#: The ways of running the model: detector crop on every frame, or one-person tracking.
TRACKINGS = ("two-person", "one-person")
#: Landmark cache version of each tracking (their landmarks differ, so their caches must not mix).
TRACKING_VERSIONS = {"two-person": ESTIMATOR_VERSION, "one-person": 3}
#: Picks the tracking when the caller does not (``one-person`` is experimental).
TRACKING_ENV = "FORMCHECK_POSE"
#: Seconds between two censuses of the people in view: someone walking in is noticed within a
#: second, for about 5 % of the one-person cost at 30 fps (a census costs about one and a half frames).
CENSUS_EVERY_S = 1.0
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

    def would_switch(self, person: np.ndarray, t: float) -> bool:
        """True when ``person`` is not the one followed until now (who was seen within the last second)."""
        if self._centre is None or t - self._last_seen > _FORGET_AFTER_S:
            return False
        centre, _ = self._box(person)
        return bool(np.linalg.norm(centre - self._centre) > _MATCH_RADIUS * max(np.sqrt(self._size), 0.05))

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


@dataclass(frozen=True, slots=True)
class _Person:
    """One person of a landmarker's result, as the arrays of a :class:`PoseFrame`."""

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray


def _people(result: Any) -> list[_Person]:
    return [_Person(image=np.array([[p.x, p.y, p.z] for p in pose], dtype=np.float32),
                    world=np.array([[p.x, p.y, p.z] for p in world], dtype=np.float32),
                    visibility=np.array([p.visibility or 0.0 for p in pose], dtype=np.float32),
                    presence=np.array([p.presence or 0.0 for p in pose], dtype=np.float32))
            for pose, world in zip(result.pose_landmarks, result.pose_world_landmarks)]


def _same_person(a: _Person, b: _Person) -> bool:
    """Two readings of one body: centres closer than a quarter of the smaller one's size, or
    boxes overlapping by more than half (the rule MediaPipe's VIDEO mode merges boxes by)."""
    (ca, sa), (cb, sb) = PersonSelector._box(a.image), PersonSelector._box(b.image)
    if np.linalg.norm(ca - cb) < 0.25 * np.sqrt(min(sa, sb)):
        return True
    xy_a, xy_b = a.image[:, :2], b.image[:, :2]
    lo = np.maximum(np.nanmin(xy_a, axis=0), np.nanmin(xy_b, axis=0))
    hi = np.minimum(np.nanmax(xy_a, axis=0), np.nanmax(xy_b, axis=0))
    inter = float(np.prod(np.maximum(hi - lo, 0.0)))
    return inter > 0.5 * (sa + sb - inter)


def resolve_tracking(tracking: str | None = None) -> str:
    """The tracking asked for, else ``$FORMCHECK_POSE``, else ``"two-person"``.

    Raises:
        ModelError: Not one of :data:`TRACKINGS` (the message names where it came from, so
            the command line prints it as a setting to fix).

    Example:
        >>> resolve_tracking("one-person")
        'one-person'
    """
    import os

    source = "tracking"
    if tracking is None:
        tracking, source = os.environ.get(TRACKING_ENV) or "two-person", TRACKING_ENV
    if tracking not in TRACKINGS:
        raise ModelError(f"{source}={tracking!r}: expected one of {', '.join(TRACKINGS)}")
    return tracking


class PoseEstimator:
    """One MediaPipe pose landmarker for one stream of frames.

    ``tracking="two-person"`` (default): one VIDEO landmarker with
    ``num_poses`` people; with 2, MediaPipe's person detector runs on every
    frame (fewer people than ``num_poses`` are being tracked) and its box,
    not the previous landmarks, places the crop the landmark model reads.

    ``tracking="one-person"`` (experimental): a one-person landmarker in VIDEO
    mode follows the exerciser: it runs the person detector only when it loses
    them, so a frame costs the landmark model alone. Other people are looked
    for by a *census*, a second landmarker in IMAGE mode that may find several, run once every
    ``census_every_s`` and whenever the tracked body jumps away from the person
    followed so far (the tracker lost them and found someone else). The census
    counts the people in view (``num_people``, held until the next census; a
    newcomer counts once the census of the next frame sees them too) and
    lets :class:`PersonSelector` keep the first person: if they are still in
    view after such a jump, their census landmarks are used and the jump is
    not a switch.

    Args:
        model_path: A ``.task`` file; resolved with :func:`resolve_model` when None.
        num_poses: People the model (two-person) or the census (one-person) may
            find per frame. 2 lets formcheck notice a second person and keep
            following the first; with 1 nobody else is noticed.
        tracking: ``"two-person"`` or ``"one-person"``; None reads ``$FORMCHECK_POSE``.
        census_every_s: One-person tracking: seconds between two censuses of a steady stream.
        min_detection_confidence: Person detector threshold.
        min_tracking_confidence: Below this the landmarker re-detects.

    Raises:
        ModelError: The model file cannot be loaded, or ``tracking`` is unknown.
    """

    def __init__(self, model_path: str | Path | None = None, *, num_poses: int = 2,
                 tracking: str | None = None, census_every_s: float = CENSUS_EVERY_S,
                 min_detection_confidence: float = 0.5, min_presence_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        prepare_mediapipe_import()  # quiet, and nothing written to the home folder
        from mediapipe.tasks.python.vision import RunningMode

        path = Path(model_path) if model_path else resolve_model().path
        self.model_path = path
        self._confidences = (min_detection_confidence, min_presence_confidence, min_tracking_confidence)
        self.tracking = resolve_tracking(tracking)
        one_person = self.tracking == "one-person"
        self._tracker = self._landmarker(RunningMode.VIDEO, 1 if one_person else num_poses)
        self._census = self._landmarker(RunningMode.IMAGE, num_poses) if one_person and num_poses > 1 else None
        self._census_every_s = census_every_s
        self._selector = PersonSelector()
        self._last_census_t = -np.inf
        self._others = self._seen_others = 0
        self._unconfirmed = False
        self._last_ms = -1
        self._offset_ms = 0
        self._index = 0
        self._closed = False

    def _landmarker(self, mode: Any, num_poses: int) -> Any:
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions

        detection, presence, tracking = self._confidences
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=mode,
            num_poses=num_poses,
            min_pose_detection_confidence=detection,
            min_pose_presence_confidence=presence,
            min_tracking_confidence=tracking,
            output_segmentation_masks=False,
        )
        try:
            return PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load pose model {self.model_path}: {exc}") from exc

    def new_stream(self) -> None:
        """Start another clip with the same loaded model (a batch worker loads it once).

        The landmarker's clock jumps an hour past the last frame. The two-person
        landmarker runs its detector on every frame anyway, so the landmarks equal
        those of a newly loaded model (checked in the tests). The one-person
        tracker is first shown a blank frame, so that it loses the last clip's
        person and detects afresh: its next clip then reads within 0.014 of a new
        model's (image-normalised, the first frames of sample_videos/superman_side.mp4
        after plank_side.mp4; 0.66 without the blank frame).

        Example:
            >>> pose.new_stream()  # doctest: +SKIP
        """
        self._offset_ms = self._last_ms + 1 + _NEW_STREAM_GAP_MS
        if self.tracking == "one-person" and self._last_ms >= 0:
            # A clock gap does not stop a one-person tracker from cropping the next clip's first
            # frame where the last clip's person was: on a blank frame it loses them, so the next
            # clip starts with the person detector, as a newly loaded model does.
            import mediapipe as mp

            blank = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.full((64, 64, 3), 128, np.uint8))
            self._last_ms = self._offset_ms
            self._tracker.detect_for_video(blank, self._last_ms)
            self._offset_ms += 1
        self._selector = PersonSelector()
        self._last_census_t = -np.inf
        self._others = self._seen_others = 0
        self._unconfirmed = False
        self._index = 0

    def process(self, image_bgr: np.ndarray, t: float) -> PoseFrame:
        """Find the followed person in one BGR frame taken at ``t`` seconds."""
        import mediapipe as mp

        if self._closed:
            raise RuntimeError("PoseEstimator.process called after close()")
        h, w = image_bgr.shape[:2]
        rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
        # VIDEO mode needs strictly increasing integer milliseconds.
        t_ms = max(int(round(t * 1000.0)) + self._offset_ms, self._last_ms + 1)
        self._last_ms = t_ms
        people = _people(self._tracker.detect_for_video(rgb, t_ms))
        index = self._index
        self._index += 1
        if self._census is not None and people and (t - self._last_census_t >= self._census_every_s
                                                    or self._unconfirmed
                                                    or self._selector.would_switch(people[0].image, t)):
            people = self._take_census(rgb, people, t)
        choice, switched = self._selector.select([p.image for p in people], t)
        if choice is None:
            return PoseFrame.empty(t=t, image_wh=(w, h), index=index)
        chosen = people[choice]
        # One-person tracking counts people at the census; the two-person model on every frame.
        num_people = 1 + self._others if self.tracking == "one-person" else len(people)
        return PoseFrame(t=t, image_wh=(w, h), image=chosen.image, world=chosen.world,
                         visibility=chosen.visibility, presence=chosen.presence,
                         num_people=num_people, person_switched=switched, index=index)

    def _take_census(self, rgb: Any, tracked: list[_Person], t: float) -> list[_Person]:
        """The tracked person first, then the census's people who are someone else."""
        assert self._census is not None
        found = _people(self._census.detect(rgb))
        others = [p for p in found if not any(_same_person(p, q) for q in tracked)]
        self._last_census_t = t
        # Someone else counts once two censuses in a row see them: a new face is checked again
        # on the next frame, so a one-frame slip (a shadow) is not held until the next census.
        self._others = min(len(others), self._seen_others)
        self._unconfirmed = len(others) > self._others and not self._unconfirmed
        self._seen_others = len(others)
        return tracked + others

    def run(self, frames: Iterable[tuple[np.ndarray, float]]) -> Iterator[PoseFrame]:
        """Process every ``(image, t)`` pair of a source, in order."""
        for image, t in frames:
            yield self.process(image, t)

    def close(self) -> None:
        """Release the landmarkers (idempotent)."""
        if not self._closed:
            self._closed = True
            self._tracker.close()
            if self._census is not None:
                self._census.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
