"""Layer 4b: the Live page's stream in real headless Chromium with a fake camera: a lost camera, two tabs.

The app runs as its own server process with a temp history database; Chromium
plays a sample clip (converted to ``.y4m``) as its webcam (helpers in
``tests/live_browser.py``). The workout view, routines and speech are in
``test_live_browser.py``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.app_samples import complete_reps, pick_sample
from tests.live_browser import app_server, live_page, live_rows, read_panel, rss_kb, start, stop, write_y4m

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]


@pytest.fixture()
def fake_camera(sample_videos: Path, tmp_path: Path) -> dict[str, Any]:
    """A clean sample clip as a .y4m file Chromium loops as its webcam (made in tmp, never committed)."""
    clip, label = pick_sample(sample_videos)
    y4m = write_y4m([clip], tmp_path / "cam.y4m")
    return {"y4m": y4m, "exercise": label["exercise"], "clip": clip.name, "label_reps": complete_reps(label)}


#: Records every camera stream the page opens, so the test can "unplug" the camera.
_HOOK_GET_USER_MEDIA = """() => {
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await original(constraints);
        window.__fcStreams = (window.__fcStreams || []).concat([stream]);
        return stream;
    };
}"""
_UNPLUG = """() => { let n = 0;
    for (const s of (window.__fcStreams || [])) for (const t of s.getTracks()) { t.stop(); n++; }
    return n; }"""


def _reps(page: Any) -> int | None:
    panel = read_panel(page)
    return int(panel["data_count"]) if panel is not None and panel["data_count"] is not None else None


def _wait_reps(page: Any, at_least: int, timeout_s: float = 90) -> int:
    deadline = time.monotonic() + timeout_s
    reps = None
    while time.monotonic() < deadline:
        reps = _reps(page)
        if reps is not None and reps >= at_least:
            return reps
        page.wait_for_timeout(1000)
    raise AssertionError(f"page shows {reps} reps, expected at least {at_least} within {timeout_s} s")


def test_camera_lost_mid_set_saves_the_set_so_far(fake_camera: dict[str, Any], tmp_path: Path) -> None:
    with app_server(tmp_path) as app, \
            live_page(app, fake_camera["y4m"], tmp_path, f"exercise={fake_camera['exercise']}") as page:
        iframe = next(f for f in page.frames if "streamlit_webrtc" in (f.url or ""))
        iframe.evaluate(_HOOK_GET_USER_MEDIA)
        start(page)
        _wait_reps(page, 1)
        assert live_rows(app["db"]) == []
        assert iframe.evaluate(_UNPLUG) >= 1  # the camera track ends, as when a webcam is unplugged
        page.get_by_text("The camera stopped sending video").wait_for(timeout=20_000)
        rows = live_rows(app["db"])
        assert len(rows) == 1 and rows[0][1] == fake_camera["exercise"] and rows[0][2] >= 1, rows
        print(f"\n[browser] camera unplugged mid-set: saved {rows}")


def test_two_tabs_count_on_their_own(fake_camera: dict[str, Any], tmp_path: Path) -> None:
    with app_server(tmp_path) as app, \
            live_page(app, fake_camera["y4m"], tmp_path, f"exercise={fake_camera['exercise']}") as tab1:
        tab2 = tab1.context.new_page()
        tab2.goto(tab1.url)
        tab2.frame_locator('iframe[title*="streamlit_webrtc"]').locator("button").first.wait_for(timeout=60_000)
        rss_pages = rss_kb(app["pid"])
        start(tab1)
        _wait_reps(tab1, 1)
        rss_one = rss_kb(app["pid"])
        start(tab2)
        before2 = _wait_reps(tab2, 1)
        rss_two = rss_kb(app["pid"])
        print(f"\n[browser] two tabs: server RSS {rss_pages / 1024:.0f} MB (pages open) -> {rss_one / 1024:.0f} MB "
              f"(one stream) -> {rss_two / 1024:.0f} MB (two streams): second session "
              f"+{(rss_two - rss_one) / 1024:.0f} MB")
        stop(tab1)  # tab 1's set ends and is saved; tab 2 goes on counting its own
        rows = live_rows(app["db"])
        assert len(rows) == 1 and rows[0][1] == fake_camera["exercise"] and rows[0][2] >= 1, rows
        assert _wait_reps(tab2, before2) >= before2 and read_panel(tab2) is not None
        print(f"[browser] tab 1 stopped: saved {rows}; tab 2 at {_reps(tab2)} reps")
