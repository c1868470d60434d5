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
    answer_checkin,
    app_server,
    in_viewport,
    live_page,
    read_panel,
    spoken,
    start,
    wait_panel,
    wait_spoken,
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


#: A short bridge set (the sample clip meets it), then long rests: the rest screen stays for the checks.
HOME_ROUTINE = """\
name: home
title: Home routine
lead_in_s: 60
rest_s: 120
exercises:
  - exercise: glute_bridge
    reps: 2
  - exercise: superman
    reps: 12
"""

#: The demo shown on the page: its exercise, and whether its image has loaded (a GIF with a size).
READ_DEMO = """() => {
  const d = [...document.querySelectorAll('.fc-demo')].find(e => e.offsetParent !== null);  // the one shown
  if (!d) return null;
  const img = d.querySelector('img');
  return {exercise: d.dataset.exercise, loaded: !!img && img.complete && img.naturalWidth > 0,
          alt: img ? img.alt : null, src: img ? img.src.slice(0, 21) : null};
}"""


def _mode(page: Any) -> str | None:
    return page.evaluate("() => { const r = document.querySelector('#fc-live'); return r ? r.dataset.mode : null; }")


def _wait_demo(page: Any, exercise: str, timeout_s: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    demo = None
    while time.monotonic() < deadline:
        demo = page.evaluate(READ_DEMO)
        if demo is not None and demo["exercise"] == exercise and demo["loaded"]:
            return dict(demo)
        page.wait_for_timeout(500)
    raise AssertionError(f"no demo of {exercise} on the page; last: {demo}")


def test_the_lead_in_shows_the_exercise_demo_and_pause_holds_its_countdown(
        sample_videos: Path, tmp_path: Path) -> None:
    with app_server(tmp_path, _routines(tmp_path, HOME_ROUTINE.replace("name: home", "name: slow"))) as app, \
            live_page(app, _camera(sample_videos, tmp_path), tmp_path, "routine=slow") as page:
        start(page)
        demo = _wait_demo(page, "glute_bridge")
        assert demo["alt"] == "Demo: Glute bridge" and demo["src"] == "data:image/gif;base64"
        before = int(wait_panel(page, lambda p: p["stage"] == "lead_in", 10, "the lead-in")["count"])
        page.get_by_role("button", name="Pause", exact=True).click()
        paused = wait_panel(page, lambda p: p["phase"] == "Paused", 20, "the paused view")
        assert _mode(page) == "paused" and "Resume" in (paused["cue"] or ""), paused
        page.wait_for_timeout(7000)  # the lead-in's clock stands still: still paused, still the lead-in
        still = read_panel(page)
        assert still is not None and still["phase"] == "Paused" and still["stage"] == "lead_in", still
        page.get_by_role("button", name="Resume ▶").click()
        going = wait_panel(page, lambda p: p["phase"] == "Get ready", 20, "the lead-in again")
        # Paused for over 7 s: the countdown goes on from where it stood (give or take the clicks' seconds)
        assert before - 3 <= int(going["count"]) <= before, (before, going)
        assert "Paused" in wait_spoken(page, "Go on")
        page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=10_000)


def test_after_an_exercise_the_check_in_is_saved_with_its_set_and_repeat_brings_the_set_back(
        sample_videos: Path, tmp_path: Path) -> None:
    with app_server(tmp_path, _routines(tmp_path, HOME_ROUTINE.replace("name: home", "name: slow"))) as app, \
            live_page(app, _camera(sample_videos, tmp_path), tmp_path, "routine=slow") as page:
        start(page)
        _skip(page).click()  # past the lead-in
        wait_panel(page, lambda p: p["stage"] == "work", 30, "the bridge set")
        rest = wait_panel(page, lambda p: p["stage"] == "rest" and p["phase"] == "Rest", 150, "the rest after 2 bridges")
        assert rest["title"] == f"Next: {load_spec('superman').title}", rest
        _wait_demo(page, "superman")  # the next exercise's demo on the rest screen
        page.get_by_text("How was Glute bridge?").wait_for(timeout=20_000)
        rows = answer_checkin(page, app["db"], 3, "Hard")
        assert rows == [("glute_bridge", 3, "hard")]
        page.get_by_text("How was Glute bridge?").wait_for(state="detached", timeout=20_000)
        page.get_by_role("button", name="Repeat set ↺").click()
        again = wait_panel(page, lambda p: p["title"] == "Next: Glute bridge", 20, "the bridge set again")
        assert (again["detail"] or "").startswith("Set 1 of 1") and int(again["count"]) <= 5, again
        _wait_demo(page, "glute_bridge")
        wait_panel(page, lambda p: p["stage"] == "work" and p["title"] == "Glute bridge", 30, "the repeated set")
