"""Helpers of the app benchmarks: ``formcheck app`` of a given checkout as a real process, its memory, a big clip.

``served_app(root, ...)`` runs ``python -m formcheck app`` with ``root`` first on
``PYTHONPATH``, so the same benchmark measures this checkout or an older one
unpacked elsewhere (``git archive OLD | tar -x -C /tmp/old``). Memory is read
from ``/proc`` (psutil is not a dependency).

Example:
    >>> with served_app(Path("."), Path("/tmp/x")) as app:  # doctest: +SKIP
    ...     print(rss_mb(app.pid))
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory (``VmRSS``) or its peak so far (``VmHWM``) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssPeak:
    """Samples a process's RSS every ``every_s`` in a thread; ``take()`` returns the peak since the last take."""

    def __init__(self, pid: int, every_s: float = 0.1) -> None:
        self._pid, self._every = pid, every_s
        self._peak = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            try:
                now = rss_mb(self._pid)
            except OSError:
                return
            with self._lock:
                self._peak = max(self._peak, now)

    def take(self) -> float:
        with self._lock:
            peak, self._peak = self._peak, rss_mb(self._pid)
        return peak

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)


@dataclass(frozen=True)
class ServedApp:
    url: str
    pid: int
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_held_mb(url: str) -> dict[str, float]:
    """What Streamlit says it holds in memory, by store (``cache_memory_bytes`` of ``/_stcore/metrics``), in MB.

    ``UploadedFileManager`` holds uploads, ``MemoryMediaFileStorage`` the videos, images and downloads
    shown, ``st_session_state`` the sessions' state (as Streamlit estimates its size).
    """
    held: dict[str, float] = {}
    try:
        with urllib.request.urlopen(f"{url}/_stcore/metrics?families=cache_memory_bytes", timeout=30) as resp:
            text = resp.read().decode()
    except OSError:
        return held
    for line in text.splitlines():
        if line.startswith("cache_memory_bytes{"):
            kind = line.split('cache_type="', 1)[1].split('"', 1)[0]
            held[kind] = held.get(kind, 0.0) + float(line.rsplit(" ", 1)[1]) / 2**20
    return held


def healthy(url: str, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout_s) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@contextmanager
def served_app(root: Path, work: Path, env: dict[str, str] | None = None) -> Iterator[ServedApp]:
    """``formcheck app`` of the checkout ``root`` on a free port (history and temp files under ``work``)."""
    port = _free_port()
    server_tmp = work / "server-tmp"
    server_tmp.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(server_tmp), **(env or {})}
    log_path = work / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "formcheck", "app", "--port", str(port), "--address",
                                 "127.0.0.1", "--db", str(work / "history.sqlite3")], cwd=root, env=full_env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
            yield ServedApp(url, proc.pid, log_path)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def make_big_clip(dst: Path, megabytes: float, seconds: float) -> Path:
    """Sample clips one after another for ``seconds``, with film grain, at the bit rate that makes ``megabytes``.

    The grain keeps the encoder from squeezing the synthetic pictures, so the file
    has about the size asked for (``/usr/bin/ffmpeg``).
    """
    clips = [p for p in sorted((ROOT / "sample_videos").glob("*.mp4")) if "idle" not in p.name]
    listing = dst.with_suffix(".txt")
    listing.write_text("".join(f"file '{p}'\n" for p in clips))
    rate = f"{megabytes * 8 / seconds:.2f}M"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                    "-t", str(seconds), "-vf", "noise=alls=14:allf=t", "-c:v", "libx264", "-preset", "ultrafast",
                    "-b:v", rate, "-maxrate", rate, "-bufsize", rate, "-an", str(dst)], check=True)
    listing.unlink()
    return dst
