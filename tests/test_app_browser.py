"""Layer 4b: the Live page end to end in real headless Chromium with a fake camera.

The app runs as its own server process (``formcheck app``'s command line) on a
free port with a temp history database; Chromium plays a sample clip
(converted to ``.y4m``) as its webcam. The test presses START (again, when
streamlit-webrtc's start race tears the stream down), waits for reps on the
page, measures the processing fps shown and the server's memory, presses STOP
and checks the set landed in the database.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.app_samples import complete_reps, pick_sample

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kb(pid: int) -> int:
    """Resident memory of a process (kB) from /proc (psutil is not a dependency)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture()
def app_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """``formcheck app`` on a free port in its own process group, with a temp FORMCHECK_DB."""
    from formcheck.cli.app import streamlit_command

    port = _free_port()
    db = tmp_path / "history.sqlite3"
    env = {**os.environ, "FORMCHECK_DB": str(db)}
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1"), env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"app did not start:\n{(tmp_path / 'server.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield {"url": url, "db": db, "pid": proc.pid, "log": tmp_path / "server.log"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()


def write_y4m(src: Path, dst: Path, size: tuple[int, int] = (640, 360)) -> Path:
    """Re-encode a clip as raw I420 ``.y4m`` at its own frame rate (PyAV's bundled ffmpeg)."""
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w", format="yuv4mpegpipe") as out:
        stream = inp.streams.video[0]
        enc = out.add_stream("rawvideo", rate=stream.average_rate or 15)
        enc.width, enc.height, enc.pix_fmt = size[0], size[1], "yuv420p"
        for frame in inp.decode(stream):
            frame = frame.reformat(width=size[0], height=size[1], format="yuv420p")
            frame.pts = None
            for packet in enc.encode(frame):
                out.mux(packet)
        for packet in enc.encode():
            out.mux(packet)
    return dst


@pytest.fixture()
def fake_camera(sample_videos: Path, tmp_path: Path) -> dict[str, Any]:
    """A sample clip as a .y4m file Chromium loops as its webcam (made in tmp, never committed)."""
    clip, label = pick_sample(sample_videos)
    y4m = write_y4m(clip, tmp_path / "cam.y4m")
    return {"y4m": y4m, "exercise": label["exercise"], "clip": clip.name, "label_reps": complete_reps(label),
            "duration_s": float(label["duration_s"])}


def _webrtc_button(page: Any) -> Any:
    return page.frame_locator('iframe[title*="streamlit_webrtc"]').locator("button").first


def _reps_on_page(page: Any) -> tuple[int | None, float]:
    el = page.locator("#fc-reps")
    reps = int(el.first.get_attribute("data-reps")) if el.count() else None
    fps_el = page.locator("#fc-fps")
    fps = float(fps_el.first.get_attribute("data-fps")) if fps_el.count() else 0.0
    return reps, fps


def _live_rows(db: Path) -> list[tuple[Any, ...]]:
    """Live sets in the app's database (none while the app has not created its tables)."""
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        try:
            return con.execute("SELECT kind, exercise, reps, source FROM sessions WHERE kind = 'live'").fetchall()
        except sqlite3.OperationalError:
            return []


@contextmanager
def _live_page(app: dict[str, Any], camera: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    """Chromium with the clip as its camera, on the Live page of ``app`` for the clip's exercise."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from aioice.ice import get_host_addresses
    from playwright.sync_api import sync_playwright

    if not get_host_addresses(use_ipv4=True, use_ipv6=True):
        # aiortc offers no loopback candidates: WebRTC cannot connect at all here.
        pytest.skip("no non-loopback network address for WebRTC (e.g. `ip addr add 10.200.0.1/32 dev lo`)")

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            "--allow-loopback-in-peer-connection",  # for hosts whose only extra address sits on lo
            f"--use-file-for-fake-video-capture={camera['y4m']}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=args,
            viewport={"width": 1400, "height": 1000})
        try:
            page = browser.new_page()
            page.goto(f"{app['url']}/?page=live&exercise={camera['exercise']}")
            _webrtc_button(page).wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            yield page
        finally:
            browser.close()


def _start(page: Any) -> int:
    """Press START until processed frames show on the page; return the number of presses.

    streamlit-webrtc 0.79 tears ~10 % of fresh starts down at once (the button
    reads START again): press again then.
    """
    button = _webrtc_button(page)
    for attempt in range(1, 6):
        button.click()
        for _ in range(20):
            page.wait_for_timeout(1000)
            if _reps_on_page(page)[0] is not None:
                return attempt
            if button.inner_text().strip().lower() == "start":
                break
    raise AssertionError("no processed frames on the page after 5 presses of START")


def test_live_page_counts_reps_and_saves_the_set(app_server: dict[str, Any], fake_camera: dict[str, Any],
                                                 tmp_path: Path) -> None:
    shots = Path(os.environ.get("FORMCHECK_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with _live_page(app_server, fake_camera, tmp_path) as page:
        rss_idle = _rss_kb(app_server["pid"])  # page rendered, no stream yet
        page.get_by_text("Beep on each rep").click()
        page.wait_for_timeout(1500)
        attempts = _start(page)
        streaming_since = time.monotonic()  # processed frames are on the page from here
        one_loop = fake_camera["duration_s"] + 2.0
        reps, fps_seen = None, []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            reps, fps = _reps_on_page(page)
            if fps > 0:
                fps_seen.append(fps)
            if time.monotonic() - streaming_since >= one_loop and len(fps_seen) >= 5:
                break
            page.wait_for_timeout(1000)
        streamed = time.monotonic() - streaming_since
        rss_live = _rss_kb(app_server["pid"])
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator("audio").count() >= 1, "no beep element after a counted rep"
        shot = shots / "live_page.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\n[browser] screenshot: {shot}")
        # The camera loops the clip: after one whole loop its labelled reps are on the page (one may
        # have been under way when processing began), and never more than the loops shown hold.
        loops = math.ceil(streamed / fake_camera["duration_s"])
        label_reps = fake_camera["label_reps"]
        assert reps is not None and label_reps - 1 <= reps <= label_reps * loops, \
            f"page shows {reps} reps after {streamed:.0f} s of a {label_reps}-rep clip looping ({fake_camera['clip']})"
        fps_mid = sorted(fps_seen)[len(fps_seen) // 2]
        print(f"[browser] clip {fake_camera['clip']} ({fake_camera['exercise']}, label {fake_camera['label_reps']}"
              f" reps per loop): page showed {reps} reps; processing fps median {fps_mid:.1f} "
              f"(min {min(fps_seen):.1f}, max {max(fps_seen):.1f}, {len(fps_seen)} polls); START presses {attempts}")
        print(f"[browser] server RSS with the page open {rss_idle / 1024:.0f} MB, streaming one live session "
              f"{rss_live / 1024:.0f} MB (+{(rss_live - rss_idle) / 1024:.0f} MB)")
        _webrtc_button(page).click()  # STOP ends the set
        rows: list[tuple[Any, ...]] = []
        for _ in range(30):
            page.wait_for_timeout(1000)
            if rows := _live_rows(app_server["db"]):
                break
        assert rows, "the live set is not in the history database after STOP"
        assert rows[0][1] == fake_camera["exercise"] and rows[0][2] >= 1 and rows[0][3] == "webcam"
        page.get_by_text("Set saved to history").wait_for(timeout=15_000)
        page.screenshot(path=str(shots / "live_page_stopped.png"), full_page=True)
        print(f"[browser] after STOP: history rows {rows}; screenshot {shots / 'live_page_stopped.png'}")


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


def test_camera_lost_mid_set_saves_the_set_so_far(app_server: dict[str, Any], fake_camera: dict[str, Any],
                                                  tmp_path: Path) -> None:
    with _live_page(app_server, fake_camera, tmp_path) as page:
        iframe = next(f for f in page.frames if "streamlit_webrtc" in (f.url or ""))
        iframe.evaluate(_HOOK_GET_USER_MEDIA)
        _start(page)
        page.wait_for_timeout(3000)
        assert _live_rows(app_server["db"]) == []
        assert iframe.evaluate(_UNPLUG) >= 1  # the camera track ends, as when a webcam is unplugged
        page.get_by_text("The camera stopped sending video").wait_for(timeout=20_000)
        rows = _live_rows(app_server["db"])
        assert len(rows) == 1 and rows[0][1] == fake_camera["exercise"], rows
        print(f"\n[browser] camera unplugged mid-set: saved {rows}")


def _wait_reps(page: Any, at_least: int, timeout_s: float = 90) -> int:
    deadline = time.monotonic() + timeout_s
    reps = None
    while time.monotonic() < deadline:
        reps = _reps_on_page(page)[0]
        if reps is not None and reps >= at_least:
            return reps
        page.wait_for_timeout(1000)
    raise AssertionError(f"page shows {reps} reps, expected at least {at_least} within {timeout_s} s")


def test_two_tabs_count_on_their_own_and_an_exercise_switch_saves_the_set(
        app_server: dict[str, Any], fake_camera: dict[str, Any], tmp_path: Path) -> None:
    from formcheck.spec import load_spec

    title = load_spec(fake_camera["exercise"]).title
    with _live_page(app_server, fake_camera, tmp_path) as tab1:
        tab2 = tab1.context.new_page()
        tab2.goto(tab1.url)
        _webrtc_button(tab2).wait_for(timeout=60_000)
        rss_pages = _rss_kb(app_server["pid"])
        _start(tab1)
        _wait_reps(tab1, 1)
        rss_one = _rss_kb(app_server["pid"])
        _start(tab2)
        _wait_reps(tab2, 1)
        rss_two = _rss_kb(app_server["pid"])
        before2 = _wait_reps(tab2, 1)
        print(f"\n[browser] two tabs: fps {_reps_on_page(tab1)[1]:.1f} and {_reps_on_page(tab2)[1]:.1f}; server RSS "
              f"{rss_pages / 1024:.0f} MB (pages open) -> {rss_one / 1024:.0f} MB (one stream) -> "
              f"{rss_two / 1024:.0f} MB (two streams): second session +{(rss_two - rss_one) / 1024:.0f} MB")
        # Switch tab 1 to another exercise mid-stream.
        tab1.locator('[data-testid="stSelectbox"]').first.click()
        options = tab1.get_by_role("option")
        other = next(o for o in options.all() if o.inner_text().strip() != title)
        other_title = other.inner_text().strip()
        other.click()
        tab1.get_by_text(f"Saved: {title}").wait_for(timeout=20_000)
        rows = _live_rows(app_server["db"])
        assert len(rows) == 1 and rows[0][1] == fake_camera["exercise"] and rows[0][2] >= 1, rows
        assert tab1.locator("#fc-live").first.inner_text().startswith(other_title) or \
            _reps_on_page(tab1)[0] in (None, 0)
        assert (_reps_on_page(tab2)[0] or 0) >= before2  # the other tab kept its own count
        print(f"[browser] tab 1 switched to {other_title}: saved {rows}; tab 2 still at {_reps_on_page(tab2)[0]} reps")
