"""Benchmark: the app server's memory around Review analyses of one big upload (not part of the tests).

Starts ``formcheck app`` as a real process, makes a big clip (sample clips one
after another with film grain, ``--mb`` MB, ``--seconds`` long), and with headless
Chromium uploads it on the Review page and analyses it, ``--reviews`` times, each
in a new tab closed when its result shows. It prints the server's resident memory
(``VmRSS`` from ``/proc``): idle, with the clip uploaded, the peak during the
analysis, when the result shows, after the tab closed, and once Streamlit let go
of the closed tabs' sessions and formcheck removed their files (the server runs
with a short ``server.disconnectedSessionTTL``; ``--linger`` seconds later another
tab comes and goes, as Streamlit drops expired sessions only when it stores the
next one), with the files left in the server's temp folder.

``--root DIR`` measures another checkout (e.g. the previous code:
``git archive HEAD~5 | tar -x -C /tmp/old``; ``--root /tmp/old``).

Usage: python benchmarks/app_memory_bench.py [--mb 100] [--seconds 60] [--reviews 2] [--linger 105] [--root DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_bench_server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    RssPeak,
    make_big_clip,
    rss_mb,
    served_app,
    streamlit_held_mb,
)

#: Seconds Streamlit keeps a closed tab's session for a reconnect, in this benchmark (default 120).
SESSION_TTL_S = 10
ANALYSIS_TIMEOUT_S = 1800


def _line(what: str, rss: float, url: str, unit: str = "MB") -> None:
    """One figure, and what Streamlit itself holds then (uploads, media files, session state)."""
    held = ", ".join(f"{kind} {mb:.0f}" for kind, mb in sorted(streamlit_held_mb(url).items()) if mb >= 1)
    print(f"{what:>34}: {rss:7.0f} {unit}" + (f"   (Streamlit holds, MB: {held})" if held and unit == "MB" else ""),
          flush=True)


def _analyse_in_a_tab(browser: Any, url: str, clip: Path, peak: RssPeak, pid: int, n: int) -> None:
    """One tab: upload, analyse, wait for the result, close; prints the server's memory at each step (MB)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/?page=review")
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    peak.take()
    started = time.monotonic()
    page.locator("input[type=file]").set_input_files(str(clip))
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.trim() === 'Analyse' && !b.disabled)", timeout=600_000)
    time.sleep(2)
    _line(f"review {n}: peak while uploading", peak.take(), url)
    _line(f"review {n}: uploaded", rss_mb(pid), url)
    page.get_by_role("button", name="Analyse").click()
    page.get_by_text("Saved to History (").first.wait_for(timeout=ANALYSIS_TIMEOUT_S * 1000)
    _line(f"review {n}: seconds to the result", time.monotonic() - started, url, "s")
    time.sleep(2)
    _line(f"review {n}: peak during the analysis", peak.take(), url)
    _line(f"review {n}: result shown", rss_mb(pid), url)
    context.close()
    time.sleep(5)
    _line(f"review {n}: 5 s after the tab closed", rss_mb(pid), url)


def _visit(browser: Any, url: str) -> None:
    """A tab that opens the app and closes: Streamlit stores its session, dropping expired ones."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/?page=history")
    page.get_by_text("formcheck").first.wait_for(timeout=60_000)
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="size of the clip (default 100 MB)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the clip (default 60 s)")
    parser.add_argument("--reviews", type=int, default=2, help="analyses one after the other, each in a new tab")
    parser.add_argument("--linger", type=float, default=105.0,
                        help="seconds after the last tab closed before the last figures (default 105: the "
                             "reconnect window, formcheck's 60 s margin and its 30 s sweep)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default this one)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="formcheck-memory-bench-") as tmp:
        work = Path(tmp)
        clip = make_big_clip(work / "big_clip.mp4", args.mb, args.seconds)
        size = clip.stat().st_size / 2**20
        print(f"clip {size:.0f} MB, {args.seconds:.0f} s; serving {args.root.resolve()}; "
              f"load average {os.getloadavg()[0]:.2f}")
        env = {"FORMCHECK_UPLOAD_MB": str(max(200, int(size) + 10)),
               "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)}
        with served_app(args.root.resolve(), work, env) as app, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            peak = RssPeak(app.pid)
            try:
                _visit(browser, app.url)
                time.sleep(SESSION_TTL_S + 2)
                _visit(browser, app.url)  # the first visit's session expires: the idle server with its pages loaded
                time.sleep(3)
                _line("idle", rss_mb(app.pid), app.url)
                for n in range(1, args.reviews + 1):
                    _analyse_in_a_tab(browser, app.url, clip, peak, app.pid, n)
                time.sleep(args.linger)
                _visit(browser, app.url)
                time.sleep(3)
                _line("closed sessions dropped", rss_mb(app.pid), app.url)
                print(f"{'peak of the whole run':>34}: {rss_mb(app.pid, 'VmHWM'):7.0f} MB")
                left = sorted(p.name for p in (work / "server-tmp").iterdir())
                print(f"{'files left in the temp folder':>34}: {left or 'none'}")
            finally:
                peak.close()
                browser.close()


if __name__ == "__main__":
    main()
