"""Layer 1-2: an exercise's demo (the synthetic exerciser as a looping GIF), rendered once into the cache
folder given (tmp_path here; the user cache in the app); every built-in exercise has one, and an exercise
with no motion (a spec added without one) has none."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from formcheck.spec import list_specs
from formcheck.synth.demo import DEMO_SIZE, DEMO_VERSION, demo_gif, has_demo, warm_demos


@pytest.mark.slow
def test_a_demo_is_a_looping_gif_rendered_once_into_the_cache(tmp_path: Path) -> None:
    path = demo_gif("glute_bridge", tmp_path)
    assert path == tmp_path / "demos" / f"glute_bridge-v{DEMO_VERSION}.gif"
    with Image.open(path) as im:
        assert im.format == "GIF" and im.size == DEMO_SIZE and im.n_frames > 20 and im.info.get("loop") == 0
    stamp = path.stat().st_mtime_ns
    assert demo_gif("glute_bridge", tmp_path) == path and path.stat().st_mtime_ns == stamp  # cached
    assert [p.name for p in (tmp_path / "demos").iterdir()] == [path.name]  # no temp file left


def test_every_exercise_spec_has_a_demo() -> None:
    specs = list_specs()
    assert specs and [name for name in specs if not has_demo(name)] == []


def test_an_exercise_without_a_synthetic_motion_has_no_demo(tmp_path: Path) -> None:
    assert not has_demo("my_own_exercise") and demo_gif("my_own_exercise", tmp_path) is None
    assert not (tmp_path / "demos").exists()


@pytest.mark.slow
def test_a_routines_demos_are_warmed_in_the_background(tmp_path: Path) -> None:
    warm_demos(["plank", "my_own_exercise", "plank"], tmp_path).join(timeout=120)
    assert sorted(p.name for p in (tmp_path / "demos").iterdir()) == [f"plank-v{DEMO_VERSION}.gif"]


@pytest.mark.parametrize(("prop", "extra"), [(None, 0), ("bar", 1), ("dumbbells", 2), ("bench+bar", 8)])
def test_props_are_drawn_beside_the_figure(prop: str | None, extra: int) -> None:
    """A hip thrust's bench (top and legs) and bar, a curl's dumbbell in each hand: extra volumes."""
    from formcheck.synth.motions import Phase, hip_thrust
    from formcheck.synth.render import body_capsules
    from formcheck.synth.skeleton import Body, forward_kinematics

    body = Body.scaled(1.75)
    joints = forward_kinematics(body, hip_thrust(body, Phase(s=1.0)))
    assert len(body_capsules(body, joints, prop)) == len(body_capsules(body, joints)) + extra
    if prop == "bench+bar":  # the bench top lies under the shoulder blades, its legs reach the floor
        bench = body_capsules(body, joints, prop)[-8:-1]
        assert all(c.a[1] < joints["neck"][1] - body.r_chest for c in bench) and min(c.b[1] for c in bench) == 0.0
