"""Benchmark: many sessions of one app server at once, page runs and health checks (not part of the tests).

Starts ``formcheck app`` as a real process and, for each N of ``--sessions``, opens
N sessions at once as a browser would (a websocket speaking Streamlit's protocol:
``rerun_script`` with the page's address, then the page's messages until
``script_finished``; no browser, so the client costs little next to the server),
has each run its page, and probes ``/_stcore/health`` every 0.2 s meanwhile. It
prints the page-run latency (median, 90th percentile, slowest: from the request
to the end of the run), the health probes' slowest answer and how many went
unanswered within 2 s, and the server's CPU seconds per page run.

``--root DIR`` measures another checkout (e.g. ``git archive OLD | tar -x -C /tmp/old``).

Usage: python benchmarks/app_sessions_bench.py [--sessions 10 50 100] [--page live] [--root DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_bench_server import ROOT, served_app  # noqa: E402

HEALTH_TIMEOUT_S = 2.0
RUN_TIMEOUT_S = 600.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _page_run(url: str, query: str, started: asyncio.Event) -> float:
    """One session: connect, wait for the go, ask for a run of the page, return seconds to ``script_finished``."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,  # type: ignore[list-item]
                                  open_timeout=RUN_TIMEOUT_S) as ws:
        await started.wait()
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_script_hash = ""
        t0 = time.perf_counter()
        await ws.send(msg.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S))
            if reply.WhichOneof("type") == "script_finished":
                return time.perf_counter() - t0


async def _health_probes(url: str, stop: asyncio.Event) -> list[float | None]:
    """Latency of ``/_stcore/health`` every 0.2 s until ``stop`` (None: no answer within 2 s)."""
    def probe() -> float | None:
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=HEALTH_TIMEOUT_S) as resp:
                resp.read()
        except OSError:
            return None
        return time.perf_counter() - t0

    seen: list[float | None] = []
    while not stop.is_set():
        seen.append(await asyncio.to_thread(probe))
        await asyncio.sleep(0.2)
    return seen


async def _round(url: str, pid: int, sessions: int, query: str) -> None:
    started, stop = asyncio.Event(), asyncio.Event()
    runs = [asyncio.create_task(_page_run(url, query, started)) for _ in range(sessions)]
    await asyncio.sleep(1.0 + sessions * 0.02)  # every websocket open before the first run is asked for
    cpu0 = _cpu_seconds(pid)
    probes = asyncio.create_task(_health_probes(url, stop))
    t0 = time.perf_counter()
    started.set()
    latencies = sorted(await asyncio.gather(*runs))
    wall = time.perf_counter() - t0
    cpu = _cpu_seconds(pid) - cpu0
    stop.set()
    health = await probes
    answered = [h for h in health if h is not None]
    p90 = latencies[min(len(latencies) - 1, int(0.9 * len(latencies)))]
    print(f"N={sessions:4d}: page runs median {statistics.median(latencies):6.2f} s, 90% {p90:6.2f} s, "
          f"slowest {latencies[-1]:6.2f} s (all done in {wall:.1f} s); server CPU {cpu / sessions * 1000:5.0f} ms "
          f"a run; health slowest {max(answered, default=float('nan')):.2f} s, "
          f"{len(health) - len(answered)} of {len(health)} unanswered within {HEALTH_TIMEOUT_S:g} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--page", default="live", help="the page each session opens (default live, the home page)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="formcheck-sessions-bench-") as tmp:
        with served_app(args.root.resolve(), Path(tmp)) as app:
            print(f"serving {args.root.resolve()}, page {args.page}; load average {os.getloadavg()[0]:.2f}")
            asyncio.run(_round(app.url, app.pid, 1, f"page={args.page}"))  # warm: imports, the first run
            for n in args.sessions:
                asyncio.run(_round(app.url, app.pid, n, f"page={args.page}"))


if __name__ == "__main__":
    main()
