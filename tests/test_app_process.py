"""Layer 4: ``formcheck app`` as a real process on a free port, stopped with ``kill -TERM``.

The command used to start ``streamlit run`` as a child and die alone on
``SIGTERM``, leaving the server on the port. Now it replaces itself with the
server, so the signal reaches the server and the port is freed. A Review
analysis running in its background thread when the signal comes is stopped
quietly: no traceback in the server's log, no upload left in the temp folder.

Memory and turns, with headless Chromium: a finished review leaves neither its
upload nor its video in the server's memory (its resident size, from ``/proc``,
and what Streamlit reports holding), and with ``FORMCHECK_REVIEWS=1`` a second
tab's review waits, says so, and then runs by itself.
"""

from __future__ import annotations

import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli_env
from tests.live_browser import app_server, chromium_page, db_rows, rss_kb

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_formcheck_app_stops_the_server(tmp_path: Path, sig: signal.Signals) -> None:
    port = _free_port()
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "app", "--port", str(port), "--address", "127.0.0.1",
                             "--db", str(tmp_path / "history.sqlite3")], env=cli_env(), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not _healthy(port):
            assert proc.poll() is None, (tmp_path / "app.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        proc.send_signal(sig)  # to the process `formcheck app` started as, as `kill` would
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port), "a server still listens on the port after formcheck app ended"
    finally:
        import os

        try:
            os.killpg(proc.pid, signal.SIGKILL)  # only our own session: whatever it started
        except ProcessLookupError:
            pass
        proc.wait(5)
        log.close()


@pytest.mark.browser
@pytest.mark.model
def test_sigterm_during_a_review_analysis_stops_it_quietly(tmp_path: Path, sample_videos: Path,
                                                           model_path: Path) -> None:
    """Before, the analysis thread met MediaPipe's pool already shut down: two chained tracebacks."""
    server_tmp = tmp_path / "server-tmp"  # the server's temp folder: the upload's copy lives there
    server_tmp.mkdir()
    clip = sample_videos / "glute_bridge_side.mp4"
    with app_server(tmp_path, env={"TMPDIR": str(server_tmp), "FORMCHECK_MODEL": str(model_path)}) as app:
        with chromium_page(tmp_path, f"{app['url']}/?page=review") as page:
            page.locator("input[type=file]").set_input_files(str(clip))
            analyse = page.get_by_role("button", name="Analyse")
            analyse.wait_for()
            page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                                   "b => b.innerText.trim() === 'Analyse' && !b.disabled)", timeout=30_000)
            analyse.click()
            page.get_by_text("Finding the body").first.wait_for(timeout=60_000)  # the model is running
            assert [p.name for p in server_tmp.iterdir() if p.name.startswith("formcheck-upload-")]
            app["process"].send_signal(signal.SIGTERM)
            returncode = app["process"].wait(timeout=30)
        log = app["log"].read_text()
    assert returncode == 0, log[-3000:]
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]
    assert list(server_tmp.iterdir()) == []  # upload copy and annotated-video folder removed


#: Shown on the Review page once an analysis is saved.
SAVED = "Saved to History ("  # the Review page once the set is stored


def _analyse(page: Any, clip: Path) -> None:
    """Upload ``clip`` on the Review page open in ``page`` and press Analyse once the upload is in."""
    page.locator("input[type=file]").set_input_files(str(clip))
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.trim() === 'Analyse' && !b.disabled)", timeout=120_000)
    page.get_by_role("button", name="Analyse").click()


def _review_in_a_new_tab(page: Any, url: str, clip: Path) -> None:
    """A new tab (a new session) reviews ``clip`` and closes once the result shows."""
    tab = page.context.new_page()
    tab.goto(f"{url}/?page=review")
    _analyse(tab, clip)
    tab.get_by_text(SAVED).first.wait_for(timeout=300_000)
    tab.close()


def _uploads_held_mb(url: str) -> float:
    """The upload bytes Streamlit says it holds (``cache_memory_bytes`` of its metrics), in MB."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics?families=cache_memory_bytes", timeout=30) as resp:
        text = resp.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("cache_memory_bytes{") and 'cache_type="UploadedFileManager"' in line) / 2**20


@pytest.mark.browser
@pytest.mark.model
def test_finished_reviews_keep_neither_upload_nor_video_in_memory(tmp_path: Path, sample_videos: Path,
                                                                  model_path: Path) -> None:
    """Before, Streamlit kept each upload for the session's life (two minutes after its tab closed), and the
    page the annotated video three times: two reviews of a 60 MB clip left the server ~190 MB bigger."""
    sample = sample_videos / "glute_bridge_side.mp4"
    padding = 60 * 2**20  # a `free` box: a big upload whose video is still the short sample
    big = tmp_path / "big.mp4"
    big.write_bytes(sample.read_bytes() + struct.pack(">I", padding) + b"free" + bytes(padding - 8))
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    with app_server(tmp_path, env={"TMPDIR": str(server_tmp), "FORMCHECK_MODEL": str(model_path)}) as app:
        with chromium_page(tmp_path, f"{app['url']}/?page=history") as page:
            _review_in_a_new_tab(page, app["url"], sample)  # the first analysis loads what every later one reuses
            time.sleep(3)
            warm = rss_kb(app["pid"]) / 1024
            for _ in range(2):
                _review_in_a_new_tab(page, app["url"], big)
            time.sleep(6)  # Streamlit's metrics are cached for 5 s
            held = _uploads_held_mb(app["url"])
            # On a loaded machine the server gives the second review's memory back seconds after its
            # result shows (+138 MB at 6 s in a full run, +4 MB alone): read it again for up to 30 s.
            deadline = time.monotonic() + 30
            grown = rss_kb(app["pid"]) / 1024 - warm
            while grown >= 2 * padding / 2**20 and time.monotonic() < deadline:
                time.sleep(2)
                grown = rss_kb(app["pid"]) / 1024 - warm
        print(f"\n[memory] after the warm-up review {warm:.0f} MB; two reviews of a 60 MB upload later "
              f"{grown:+.0f} MB; uploads Streamlit holds {held:.1f} MB")
        assert held < 1, "Streamlit still holds the uploads of finished reviews"
        # Kept uploads would grow the server by both of them (120 MB; before: ~190 MB). Below that is the
        # allocator's own slack, which varies with the machine's load (+65 MB seen on a busy machine): not a leak.
        assert grown < 2 * padding / 2**20, f"two finished reviews of a 60 MB upload left {grown:.0f} MB more"
    assert [r[0] for r in db_rows(app["db"], "SELECT source FROM sessions ORDER BY id")] == ["glute_bridge_side.mp4",
                                                                                           "big.mp4"]
    assert list(server_tmp.iterdir()) == []  # kept clips and videos gone with the server


@pytest.mark.browser
@pytest.mark.model
def test_a_second_review_waits_its_turn_says_so_and_then_runs(tmp_path: Path, sample_videos: Path,
                                                              model_path: Path) -> None:
    """With one analysis at a time, a second tab's review shows its place, then its result, by itself."""
    sample = sample_videos / "glute_bridge_side.mp4"
    long_clip = tmp_path / "four_sets.mp4"  # the first review holds the turn for a while
    (tmp_path / "four.txt").write_text(f"file '{sample}'\n" * 4)
    subprocess.run(["ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(tmp_path / "four.txt"),
                    "-c", "copy", str(long_clip)], check=True)
    env = {"TMPDIR": str(tmp_path), "FORMCHECK_MODEL": str(model_path), "FORMCHECK_REVIEWS": "1"}
    with app_server(tmp_path, env=env) as app:
        with chromium_page(tmp_path, f"{app['url']}/?page=review") as first:
            second = first.context.new_page()
            second.goto(f"{app['url']}/?page=review")
            _analyse(first, long_clip)
            first.get_by_text("Finding the body").first.wait_for(timeout=120_000)
            _analyse(second, sample)
            second.get_by_text("Waiting: 1 review ahead of yours").first.wait_for(timeout=60_000)
            assert not first.get_by_text(SAVED).count()
            second.get_by_text(SAVED).first.wait_for(timeout=600_000)
            assert first.get_by_text(SAVED).count()  # the first finished before the second began
    rows = db_rows(app["db"], "SELECT source FROM sessions ORDER BY id")
    assert [r[0] for r in rows] == ["four_sets.mp4", "glute_bridge_side.mp4"]
