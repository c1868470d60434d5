"""Layer 4: ``formcheck app`` as a real process on a free port, stopped with ``kill -TERM``.

The command used to start ``streamlit run`` as a child and die alone on
``SIGTERM``, leaving the server on the port. Now it replaces itself with the
server, so the signal reaches the server and the port is freed.
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
