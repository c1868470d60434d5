"""Layer 4b: the Live page end to end in real headless Chromium with a fake camera.

The app runs as its own server process (``formcheck app``'s command line) on a
free port with a temp history database; Chromium plays a sample clip
(converted to ``.y4m``) as its webcam. The test presses START (again, when
streamlit-webrtc's start race tears the stream down), waits for reps on the
page, measures the processing fps shown and the server's memory, presses STOP
and checks the set landed in the database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
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
    from formcheck.commands.app import streamlit_command

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


@pytest.fixture()
def fake_camera(sample_videos: Path, tmp_path: Path) -> dict[str, Any]:
    """A sample clip as a .y4m file Chromium can loop as its webcam (made in tmp, never committed)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    clip, label = pick_sample(sample_videos)
    exercise, reps = label["exercise"], complete_reps(label)
    y4m = tmp_path / "cam.y4m"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-vf", "scale=640:360,fps=15",
                    "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", str(y4m)], check=True)
    return {"y4m": y4m, "exercise": exercise, "clip": clip.name, "label_reps": reps}


def _webrtc_button(page: Any) -> Any:
    return page.frame_locator('iframe[title*="streamlit_webrtc"]').locator("button").first


def _reps_on_page(page: Any) -> tuple[int | None, float]:
    el = page.locator("#fc-reps")
    reps = int(el.first.get_attribute("data-reps")) if el.count() else None
    fps_el = page.locator("#fc-fps")
    fps = float(fps_el.first.get_attribute("data-fps")) if fps_el.count() else 0.0
    return reps, fps


def test_live_page_counts_reps_and_saves_the_set(app_server: dict[str, Any], fake_camera: dict[str, Any],
                                                 tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("FORMCHECK_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera['y4m']}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=args,
            viewport={"width": 1400, "height": 1000})
        try:
            page = browser.new_page()
            page.goto(f"{app_server['url']}/?page=live&exercise={fake_camera['exercise']}")
            button = _webrtc_button(page)
            button.wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            rss_idle = _rss_kb(app_server["pid"])  # page rendered, no stream yet
            reps, fps, fps_seen, started = None, 0.0, [], False
            deadline = time.monotonic() + 150
            attempts = 0
            while time.monotonic() < deadline:
                label = button.inner_text().strip().lower()
                if label == "start" and (not started or reps is None):
                    # streamlit-webrtc's start race: ~10 % of starts are torn down at once.
                    attempts += 1
                    assert attempts <= 5, "START did not take after 5 attempts"
                    button.click()
                    started = True
                    page.wait_for_timeout(4000)
                    continue
                reps, fps = _reps_on_page(page)
                if fps > 0:
                    fps_seen.append(fps)
                if reps is not None and reps >= 2 and len(fps_seen) >= 5:
                    break
                page.wait_for_timeout(1000)
            rss_live = _rss_kb(app_server["pid"])
            shot = shots / "live_page.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"\n[browser] screenshot: {shot}")
            assert reps is not None and reps > 0, f"no reps shown on the page (clip {fake_camera['clip']})"
            fps_mid = sorted(fps_seen)[len(fps_seen) // 2]
            print(f"[browser] clip {fake_camera['clip']} ({fake_camera['exercise']}, label {fake_camera['label_reps']}"
                  f" reps per loop): page showed {reps} reps; processing fps median {fps_mid:.1f} "
                  f"(min {min(fps_seen):.1f}, max {max(fps_seen):.1f}, {len(fps_seen)} polls); START attempts {attempts}")
            print(f"[browser] server RSS with the page open {rss_idle / 1024:.0f} MB, streaming one live session "
                  f"{rss_live / 1024:.0f} MB (+{(rss_live - rss_idle) / 1024:.0f} MB)")
            button.click()  # STOP ends the set
            row = None
            for _ in range(30):
                page.wait_for_timeout(1000)
                with sqlite3.connect(app_server["db"]) as con:
                    row = con.execute("SELECT kind, exercise, reps, source FROM sessions WHERE kind = 'live'"
                                      ).fetchone()
                if row is not None:
                    break
            assert row is not None, "the live set is not in the history database after STOP"
            assert row[1] == fake_camera["exercise"] and row[2] >= 1 and row[3] == "webcam"
            page.wait_for_timeout(1500)
            page.screenshot(path=str(shots / "live_page_stopped.png"), full_page=True)
            print(f"[browser] after STOP: history row {row}; screenshot {shots / 'live_page_stopped.png'}")
        finally:
            browser.close()
