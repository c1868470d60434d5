"""Layer 2: the generator's filmed-view options do what they say (no model).

A camera pitched down looks down by that angle; a clip cut to another camera is the first
camera's track up to half-way and the second's after; a set walked towards a camera in front
grows in the picture (walked away it shrinks), its joints moving together.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.records.errors import SynthError
from formcheck.records.landmarks import Landmark
from formcheck.synth.generate import SynthOptions, simulate, synth_track


@pytest.mark.parametrize("pitch", [20.0, 30.0])
def test_a_pitched_camera_looks_down_by_that_angle(pitch: float) -> None:
    cam = simulate(SynthOptions("deadlift", reps=1, view="45", camera_pitch=pitch)).camera
    forward = np.subtract(cam.target, cam.position)
    down = np.degrees(np.arctan2(-forward[1], np.hypot(forward[0], forward[2])))
    assert down == pytest.approx(pitch, abs=0.01)


def test_a_cut_is_one_camera_then_the_other() -> None:
    cut, _ = synth_track("glute_bridge", reps=2, seed=4, view="side", cut_to="45")
    side, _ = synth_track("glute_bridge", reps=2, seed=4, view="side")
    oblique, _ = synth_track("glute_bridge", reps=2, seed=4, view="45")
    half = len(cut) // 2
    assert all(np.array_equal(a.image, b.image) for a, b in zip(cut[:half], side[:half]))
    assert all(np.array_equal(a.image, b.image) for a, b in zip(cut[half:], oblique[half:]))
    assert not np.allclose(cut[half].image, cut[half - 1].image, atol=0.05)  # the picture jumps


def _height(frame_image: np.ndarray) -> float:
    return float(frame_image[Landmark.LEFT_ANKLE, 1] - frame_image[Landmark.NOSE, 1])


@pytest.mark.parametrize("travel, grows", [(2.0, True), (-2.0, False)])
def test_a_set_walked_towards_a_front_camera_grows_in_the_picture(travel: float, grows: bool) -> None:
    frames, _ = synth_track("squat", reps=2, seed=1, view="front", travel=travel)
    still, _ = synth_track("squat", reps=2, seed=1, view="front")
    first, last = _height(frames[0].image), _height(frames[-1].image)
    assert (last > 1.2 * first) if grows else (last < first / 1.2)
    assert abs(_height(still[-1].image) / _height(still[0].image) - 1) < 0.02  # standing still: the same size
    # The whole body moves: its 3-D shape (every distance between two joints) is the standing set's.
    def shape(world: np.ndarray) -> np.ndarray:
        return np.linalg.norm(world[:, None] - world[None], axis=-1)

    assert all(np.allclose(shape(a.world), shape(b.world), atol=1e-6) for a, b in zip(frames, still))


@pytest.mark.parametrize("option, bad", [("cut_to", "top"), ("camera_pitch", 75.0), ("travel", float("nan"))])
def test_bad_filmed_options_say_so(option: str, bad: object) -> None:
    with pytest.raises(SynthError):
        simulate(SynthOptions("squat", reps=1, **{option: bad}))  # type: ignore[arg-type]


def test_the_synth_command_takes_the_filmed_views_and_refuses_bad_ones_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    out = tmp_path / "bridge.npz"
    base = [sys.executable, "-m", "formcheck", "synth", "glute_bridge", "--reps", "2", "--landmarks-only", "-o"]
    done = subprocess.run([*base, str(out), "--view", "rear_oblique", "--camera-pitch", "25", "--cut-to", "45",
                           "--travel", "1.5"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    options = json.loads(out.with_suffix(".json").read_text())["source"]["options"]
    assert (options["view"], options["camera_pitch"], options["cut_to"], options["travel"]) == \
        ("rear_oblique", 25.0, "45", 1.5)
    for bad, said in ((["--cut-to", "nowhere"], "unknown view 'nowhere'"),
                      (["--camera-pitch", "95"], "--camera-pitch must be between")):
        refused = subprocess.run([*base, str(tmp_path / "x.npz"), *bad], capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and said in refused.stderr and "Traceback" not in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.npz").exists()
