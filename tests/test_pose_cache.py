"""Layer 3: the per-clip landmarks cache with the real model on a tiny clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pose import cache as pose_cache
from formcheck.records.errors import VideoSourceError
from tests.helpers import write_video


@pytest.mark.model
def test_second_call_is_served_from_the_cache(tmp_path: Path, model_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    video = write_video(tmp_path / "v.mp4", frames=6, size=(160, 120))
    cache = tmp_path / "cache"
    frames, meta = pose_cache.cached_pose(video, cache, model_path=model_path)
    (entry,) = cache.iterdir()
    assert entry.name.startswith(pose_cache.file_sha256(video)[:24]) and len(frames) == 6

    def no_model(*args: object, **kw: object) -> None:
        raise AssertionError("the model ran although the clip is cached")

    monkeypatch.setattr(pose_cache, "run_pose", no_model)
    again, meta2 = pose_cache.cached_pose(video, cache, model_path=model_path)
    assert [f.t for f in again] == [f.t for f in frames] and meta2["fps"] == meta["fps"]
    assert all(np.array_equal(a.visibility, b.visibility) for a, b in zip(again, frames))


@pytest.mark.model
def test_each_tracking_has_its_own_entries(tmp_path: Path, model_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """One-person tracking reads clips differently: its landmarks never serve the default's."""
    video = write_video(tmp_path / "v.mp4", frames=3, size=(160, 120))
    cache = tmp_path / "cache"
    monkeypatch.delenv("FORMCHECK_POSE", raising=False)
    pose_cache.cached_pose(video, cache, model_path=model_path)
    monkeypatch.setenv("FORMCHECK_POSE", "one-person")
    pose_cache.cached_pose(video, cache, model_path=model_path)
    assert sorted(e.name.rsplit("-", 1)[1] for e in cache.iterdir()) == ["e1.npz", "e3.npz"]


@pytest.mark.model
def test_damaged_entry_is_recomputed(tmp_path: Path, model_path: Path) -> None:
    video = write_video(tmp_path / "v.mp4", frames=4, size=(160, 120))
    cache = tmp_path / "cache"
    pose_cache.cached_pose(video, cache, model_path=model_path)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"garbage")
    frames, _ = pose_cache.cached_pose(video, cache, model_path=model_path)
    assert len(frames) == 4 and entry.stat().st_size > 100


def test_missing_video(tmp_path: Path) -> None:
    with pytest.raises(VideoSourceError, match="not found"):
        pose_cache.cached_pose(tmp_path / "nope.mp4", tmp_path)
