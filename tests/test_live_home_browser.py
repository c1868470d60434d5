"""Layer 4b: the home exerciser's routine controls and voice on the Live page, in real headless Chromium.

Real parts, as in ``test_live_browser.py``: ``formcheck app`` as a server process with a temp
history database, Chromium with a sample clip (``.y4m`` in tmp) for its camera, WebRTC, the
real pose model and tracker. Every wait is for a condition on the page, never a fixed sleep.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from formcheck.spec import load_spec
from tests.live_browser import (
    app_server,
    in_viewport,
    live_page,
    read_panel,
    spoken,
    start,
    wait_panel,
    webrtc_button,
    write_y4m,
)

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]

#: Long lead-in and rests: only Skip can move this routine on within the test's time.
SLOW_ROUTINE = """\
name: slow
title: Slow routine
lead_in_s: 90
rest_s: 90
exercises:
  - exercise: glute_bridge
    reps: 12
  - exercise: superman
    reps: 12
"""


def _routines(tmp_path: Path, text: str) -> dict[str, str]:
    folder = tmp_path / "routines"
    folder.mkdir(exist_ok=True)
    (folder / "slow.yaml").write_text(text)
    return {"FORMCHECK_ROUTINES": str(folder)}


def _camera(sample_videos: Path, tmp_path: Path, clip: str = "glute_bridge_side.mp4") -> Path:
    return write_y4m([sample_videos / clip], tmp_path / "cam.y4m", size=(480, 270), fps=8)


def _skip(page: Any) -> Any:
    return page.get_by_role("button", name="Skip ›")


def test_skip_is_there_from_the_start_of_a_routine_and_moves_it_on(sample_videos: Path, tmp_path: Path) -> None:
    with app_server(tmp_path, _routines(tmp_path, SLOW_ROUTINE)) as app, \
            live_page(app, _camera(sample_videos, tmp_path), tmp_path, "routine=slow") as page:
        start(page)
        # The controls are drawn once per script run: Skip must be there whether or not a camera
        # frame had arrived before that run (it used to be drawn only when one had).
        _skip(page).wait_for(timeout=5_000)
        panel = read_panel(page)
        assert panel is not None and panel["stage"] == "lead_in", panel
        _skip(page).click()
        wait_panel(page, lambda p: p["stage"] == "work" and p["title"] == "Glute bridge", 30, "the first set")
        _skip(page).click()
        rest = wait_panel(page, lambda p: p["stage"] == "rest" and p["data_count"] is not None, 30, "the rest after a skipped set")
        assert rest["title"] == f"Next: {load_spec('superman').title}", rest
        in_viewport(page, "button:has-text('Skip ›')")


def test_the_workout_voice_switch_is_on_when_speak_was_on_at_the_first_start(
        sample_videos: Path, tmp_path: Path) -> None:
    with app_server(tmp_path) as app, \
            live_page(app, _camera(sample_videos, tmp_path), tmp_path, "exercise=glute_bridge") as page:
        assert page.get_by_role("checkbox", name="Speak counts and cues").is_checked()  # the default
        start(page)
        voice = page.get_by_role("checkbox", name="Voice", exact=True)
        voice.wait_for(timeout=10_000)
        assert voice.is_checked()


def test_bird_dogs_during_a_bridge_set_are_not_counted_and_the_user_is_told(
        sample_videos: Path, tmp_path: Path) -> None:
    # One camera: a bridge set (3 reps), then bird-dogs twice over (8 reaches), in a loop.
    y4m = write_y4m([sample_videos / "glute_bridge_side.mp4", sample_videos / "bird_dog_side.mp4",
                     sample_videos / "bird_dog_side.mp4"], tmp_path / "cam.y4m", size=(480, 270), fps=8)
    message = "That looks like a bird-dog; this set is glute bridge"
    with app_server(tmp_path) as app, live_page(app, y4m, tmp_path, "exercise=glute_bridge") as page:
        start(page)
        told = wait_panel(page, lambda p: p["cue"] == message, 150, "the wrong-exercise message")
        assert told["tone"] == "form" and int(told["count"]) >= 1, told  # the bridges before it counted
        # The bird-dogs go on for half a minute: the count stays (once the bridge's start posture has
        # been gone a while the tracker asks for it again and stops judging attempts at all).
        deadline, counts = time.monotonic() + 20, set()
        while time.monotonic() < deadline:
            panel = read_panel(page)
            assert panel is not None
            counts.add(int(panel["count"]))
            page.wait_for_timeout(400)
        assert counts == {int(told["count"])}, (counts, told)
        assert message in spoken(page)


def test_start_is_in_view_on_a_phone_before_scrolling(sample_videos: Path, tmp_path: Path) -> None:
    with app_server(tmp_path) as app, live_page(app, _camera(sample_videos, tmp_path), tmp_path,
                                                "routine=lower_back", viewport=(390, 844)) as page:
        page.locator("#fc-plan").wait_for(timeout=30_000)  # the plan is drawn: the page is at full length
        for mode in ("A routine", "One exercise"):
            page.get_by_text(mode, exact=True).click()
            page.wait_for_timeout(1500)
            box = webrtc_button(page).bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, (mode, box)
        start(page)  # START from there works: the workout view comes
        in_viewport(page, "#fc-count")
