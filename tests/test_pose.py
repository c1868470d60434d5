"""Person selection (pure) and the PoseEstimator on real decoded video (real model)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.pose.estimator import PersonSelector, PoseEstimator, resolve_tracking
from formcheck.pose.sources import VideoFileSource
from formcheck.records.errors import ModelError


def _person(cx: float, cy: float, size: float) -> np.ndarray:
    pts = np.zeros((33, 3), np.float32)
    pts[:, 0] = cx + np.linspace(-size / 2, size / 2, 33)
    pts[:, 1] = cy + np.linspace(-size, size, 33)
    return pts


class TestResolveTracking:
    def test_default_is_two_person(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("FORMCHECK_POSE", raising=False)
        assert resolve_tracking() == "two-person"

    def test_environment_picks_one_person(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FORMCHECK_POSE", "one-person")
        assert resolve_tracking() == "one-person"
        assert resolve_tracking("two-person") == "two-person"  # the caller's choice first

    def test_unknown_value_names_where_it_came_from(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FORMCHECK_POSE", "three")
        with pytest.raises(ModelError, match="FORMCHECK_POSE='three': expected one of two-person, one-person"):
            resolve_tracking()
        with pytest.raises(ModelError, match="tracking='x'"):
            resolve_tracking("x")


class TestPersonSelector:
    def test_starts_with_the_largest_person(self) -> None:
        sel = PersonSelector()
        assert sel.select([_person(0.2, 0.5, 0.1), _person(0.7, 0.5, 0.3)], 0.0) == (1, False)

    def test_keeps_following_the_first_person_when_a_larger_one_arrives(self) -> None:
        sel = PersonSelector()
        sel.select([_person(0.3, 0.5, 0.2)], 0.0)
        for i in range(1, 10):
            choice, switched = sel.select([_person(0.8, 0.5, 0.4), _person(0.3 + i * 0.005, 0.5, 0.2)], i / 10)
            assert (choice, switched) == (1, False)

    def test_switches_and_says_so_when_the_followed_person_is_gone(self) -> None:
        sel = PersonSelector()
        sel.select([_person(0.2, 0.5, 0.2)], 0.0)
        assert sel.select([_person(0.8, 0.5, 0.2)], 0.1) == (0, True)
        assert sel.select([_person(0.8, 0.5, 0.2)], 0.2) == (0, False)

    def test_nobody_is_no_choice(self) -> None:
        assert PersonSelector().select([], 0.0) == (None, False)

    def test_after_a_long_absence_the_largest_is_picked(self) -> None:
        sel = PersonSelector()
        sel.select([_person(0.2, 0.5, 0.1)], 0.0)
        choice, _ = sel.select([_person(0.25, 0.5, 0.1), _person(0.7, 0.5, 0.3)], 5.0)
        assert choice == 1


@pytest.mark.model
def test_squat_clip_person_found_in_95_percent(model_path: Path, real_clips: Path) -> None:
    with VideoFileSource(real_clips / "squat_homegainz_side.mp4") as src, PoseEstimator(model_path) as pose:
        frames = list(pose.run(src))
    found = sum(f.has_person for f in frames) / len(frames)
    print(f"squat clip: person in {100 * found:.1f} % of {len(frames)} frames")
    assert found >= 0.95
    assert all(b.t > a.t for a, b in zip(frames, frames[1:]))


@pytest.mark.model
def test_portrait_bird_dog_is_upright(model_path: Path, real_clips: Path) -> None:
    from formcheck.records.landmarks import Landmark

    with VideoFileSource(real_clips / "bird_dog_polybag_side_portrait.mp4") as src, PoseEstimator(model_path) as pose:
        frames = [pose.process(image, t) for image, t in src if t < 1.0]
    with_person = [f for f in frames if f.has_person]
    assert len(with_person) >= 0.9 * len(frames)
    for f in with_person:
        assert f.image_wh == (1080, 1920)
        head_y = f.image[Landmark.NOSE, 1]
        hip_y = (f.image[Landmark.LEFT_HIP, 1] + f.image[Landmark.RIGHT_HIP, 1]) / 2
        assert head_y < hip_y  # on all fours the head is above the hips, image y grows down


@pytest.mark.model
def test_empty_scene_yields_no_person_frames(model_path: Path) -> None:
    rng = np.random.default_rng(1)
    with PoseEstimator(model_path) as pose:
        frames = [pose.process(rng.integers(90, 110, (240, 320, 3), dtype=np.uint8), i / 10) for i in range(8)]
    assert not any(f.has_person for f in frames)
    assert all(np.isnan(f.image).all() for f in frames)


@pytest.mark.model
def test_repeated_timestamps_are_accepted(model_path: Path, sample_or_real_frame: np.ndarray) -> None:
    with PoseEstimator(model_path) as pose:
        frames = [pose.process(sample_or_real_frame, 1.0) for _ in range(3)]
    assert [f.index for f in frames] == [0, 1, 2]


@pytest.mark.model
@pytest.mark.parametrize("tracking", ["two-person", "one-person"])
def test_follows_the_first_person_when_a_second_appears(model_path: Path, sample_or_real_frame: np.ndarray,
                                                        tracking: str) -> None:
    full = sample_or_real_frame
    h, w = full.shape[:2]
    with PoseEstimator(model_path) as pose:  # crop a half-width window around the person
        cx = float(np.nanmean(pose.process(full, 0.0).image[:, 0])) * w
    x0 = int(np.clip(cx - w / 4, 0, w - w // 2))
    person = full[:, x0: x0 + w // 2]
    blank = np.full_like(person, int(np.median(person)))
    other = cv2.flip(person, 1)  # a second, mirrored person on the right

    def canvas(with_left: bool, with_right: bool) -> np.ndarray:
        return np.concatenate([person if with_left else blank, other if with_right else blank], axis=1)

    script = [(True, False)] * 6 + [(True, True)] * 6 + [(False, True)] * 6
    with PoseEstimator(model_path, num_poses=2, tracking=tracking) as pose:
        frames = [pose.process(canvas(*s), i / 10) for i, s in enumerate(script)]
    followed_x = [float(np.nanmean(f.image[:, 0])) if f.has_person else None for f in frames]
    assert all(x is not None and x < 0.5 for x in followed_x[:12]), followed_x  # stays on the first one
    assert max(f.num_people for f in frames[6:12]) == 2
    assert not any(f.person_switched for f in frames[:12])
    assert any(f.person_switched for f in frames[12:])  # it says when it switched
    assert followed_x[-1] is not None and followed_x[-1] > 0.5


@pytest.mark.model
def test_a_reused_one_person_tracker_starts_the_next_clip_afresh(model_path: Path, sample_videos: Path) -> None:
    """new_stream() shows the tracker a blank frame: without it the first frame read 0.66 off."""

    def first_frames(pose: PoseEstimator, name: str) -> list[np.ndarray]:
        with VideoFileSource(sample_videos / name) as src:
            return [pose.process(image, t).image for (image, t), _ in zip(src, range(20))]

    with PoseEstimator(model_path, tracking="one-person") as pose:
        fresh = first_frames(pose, "superman_side.mp4")
    with PoseEstimator(model_path, tracking="one-person") as pose:
        first_frames(pose, "plank_side.mp4")
        pose.new_stream()
        reused = first_frames(pose, "superman_side.mp4")
    assert float(np.nanmax(np.abs(fresh[0] - reused[0]))) < 1e-4
    assert max(float(np.nanmax(np.abs(a - b))) for a, b in zip(fresh, reused)) < 0.03
