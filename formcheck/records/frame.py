"""The one typed record that flows between pipeline stages.

``PoseFrame`` holds what the pose stage found in one video frame: the
timestamp, the image size and, when a person is in view, their 33 landmarks
as numpy arrays. Every later stage (smoothing, features, tracker, sinks)
consumes it; only ``pose.py`` knows MediaPipe's own types.

Example:
    >>> import numpy as np
    >>> f = PoseFrame.empty(t=0.5, image_wh=(640, 360))
    >>> f.has_person
    False
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.records.landmarks import NUM_LANDMARKS


def _frozen_array(name: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.array(value, dtype=np.float32)  # always a private copy
    if arr.shape != shape:
        raise ValueError(f"PoseFrame.{name}: expected shape {shape}, received {arr.shape}")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """Pose of one person in one frame (or "no person").

    Attributes:
        t: Time of the frame in seconds from the start of the stream, taken
            from the source (container timestamps or the camera clock).
        image_wh: ``(width, height)`` of the upright frame in pixels.
        image: ``(33, 3)`` float32; x and y normalised to ``[0, 1]`` of the
            image width/height (may fall slightly outside), z relative depth
            on the scale of x. NaN when nobody is in view.
        world: ``(33, 3)`` float32 metres, origin between the hips, y down.
            NaN when nobody is in view.
        visibility: ``(33,)`` float32 in ``[0, 1]``: likelihood the landmark is
            visible (not occluded). Zeros when nobody is in view.
        presence: ``(33,)`` float32 in ``[0, 1]``: likelihood the landmark is
            inside the frame. Zeros when nobody is in view.
        num_people: People the model found in this frame (0 = nobody).
        person_switched: True on the first frame where the followed person
            changed (the previous one was lost and another was picked).
        index: Position of the frame in its stream, starting at 0.
    """

    t: float
    image_wh: tuple[int, int]
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    num_people: int = 1
    person_switched: bool = False
    index: int = 0

    def __post_init__(self) -> None:
        for name, shape in (
            ("image", (NUM_LANDMARKS, 3)),
            ("world", (NUM_LANDMARKS, 3)),
            ("visibility", (NUM_LANDMARKS,)),
            ("presence", (NUM_LANDMARKS,)),
        ):
            object.__setattr__(self, name, _frozen_array(name, getattr(self, name), shape))
        w, h = self.image_wh
        if int(w) <= 0 or int(h) <= 0:
            raise ValueError(f"PoseFrame.image_wh: expected positive (width, height), received {self.image_wh}")
        object.__setattr__(self, "image_wh", (int(w), int(h)))
        if self.num_people < 0:
            raise ValueError(f"PoseFrame.num_people: expected >= 0, received {self.num_people}")
        if not np.isfinite(self.t):
            raise ValueError(f"PoseFrame.t: expected a finite time in seconds, received {self.t}")

    @classmethod
    def empty(cls, t: float, image_wh: tuple[int, int], index: int = 0) -> PoseFrame:
        """A frame in which nobody is in view."""
        nan = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
        zeros = np.zeros(NUM_LANDMARKS, dtype=np.float32)
        return cls(t=t, image_wh=image_wh, image=nan, world=nan, visibility=zeros,
                   presence=zeros, num_people=0, index=index)

    @property
    def has_person(self) -> bool:
        """True when a person was found in this frame."""
        return self.num_people > 0

    @property
    def t_ms(self) -> int:
        """Timestamp in whole milliseconds."""
        return int(round(self.t * 1000.0))

    def pixels(self) -> np.ndarray:
        """``(33, 2)`` image landmarks in pixels (x right, y down)."""
        w, h = self.image_wh
        return self.image[:, :2] * np.array([w, h], dtype=np.float32)
