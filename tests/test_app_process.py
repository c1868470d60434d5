"""Layer 4: ``formcheck app`` as a real process on a free port, stopped with ``kill -TERM``.

The command used to start ``streamlit run`` as a child and die alone on
``SIGTERM``, leaving the server on the port. Now it replaces itself with the
server, so the signal reaches the server and the port is freed. A Review
analysis running in its background thread when the signal comes is stopped
quietly: no traceback in the server's log, no upload left in the temp folder.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import cli_env
from tests.live_browser import app_server, chromium_page

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
