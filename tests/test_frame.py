"""Layer 1 (pure): the PoseFrame record and the landmark enum."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import (
    NUM_LANDMARKS,
    POSE_CONNECTIONS,
    Landmark,
    mirror,
)


def _frame(**over):  # type: ignore[no-untyped-def]
    kw = dict(t=1.0, image_wh=(640, 360), image=np.random.rand(33, 3), world=np.random.rand(33, 3),
              visibility=np.ones(33), presence=np.ones(33))
    kw.update(over)
    return PoseFrame(**kw)


def test_frame_arrays_are_float32_and_read_only() -> None:
    f = _frame()
    assert f.image.dtype == np.float32 and f.world.shape == (33, 3)
    with pytest.raises(ValueError):
        f.image[0, 0] = 2.0


def test_frame_copies_its_inputs() -> None:
    src = np.zeros((33, 3))
    f = _frame(image=src)
    src[0, 0] = 5.0
    assert f.image[0, 0] == 0.0


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("image", np.zeros((32, 3)), "PoseFrame.image: expected shape (33, 3)"),
    ("world", np.zeros((33, 2)), "PoseFrame.world"),
    ("visibility", np.zeros(34), "PoseFrame.visibility"),
    ("image_wh", (0, 360), "image_wh"),
    ("t", float("nan"), "PoseFrame.t"),
    ("num_people", -1, "num_people"),
])
def test_frame_rejects_bad_fields_naming_them(field: str, value: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        _frame(**{field: value})


def test_empty_frame_means_nobody() -> None:
    f = PoseFrame.empty(t=2.5, image_wh=(10, 20), index=7)
    assert not f.has_person and f.num_people == 0 and f.index == 7
    assert np.isnan(f.image).all() and (f.visibility == 0).all()
    assert f.t_ms == 2500


def test_pixels_scale_by_image_size() -> None:
    image = np.zeros((33, 3))
    image[Landmark.NOSE] = [0.5, 0.25, 0.0]
    f = _frame(image=image, image_wh=(640, 360))
    assert f.pixels()[Landmark.NOSE].tolist() == [320.0, 90.0]


def test_landmark_enum_has_33_named_points_and_mirrors() -> None:
    assert len(Landmark) == NUM_LANDMARKS == 33
    assert Landmark.LEFT_KNEE == 25 and Landmark.RIGHT_HEEL == 30
    assert mirror(Landmark.LEFT_KNEE) is Landmark.RIGHT_KNEE
    assert mirror(Landmark.MOUTH_RIGHT) is Landmark.MOUTH_LEFT
    assert mirror(Landmark.NOSE) is Landmark.NOSE
    assert all(mirror(mirror(lm)) is lm for lm in Landmark)
    assert all(a != b for a, b in POSE_CONNECTIONS)
