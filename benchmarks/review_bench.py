"""Benchmark: the app's Review of a clip against ``formcheck analyze`` of the same clip (not part of the tests).

In one run, alternating (``--reps`` times each, default 3), for each checkout given:

* ``formcheck analyze CLIP --exercise X --out TMP`` as a subprocess (wall time: start to exit,
  the interpreter's start and the model's load included);
* the app's Review driven for real: ``formcheck app`` of that checkout as its own process, a fresh
  headless Chromium tab on ``?page=review`` (a new session: no landmarks kept from a previous run),
  the clip uploaded, the exercise chosen, "Analyse" clicked; wall time from the click to the
  "Saved to History" caption (the run done, the page drawn).

Neither path reads a landmark cache (the CLI's ``analyze`` runs the model; the app keeps landmarks
only in the tab's session), and each run gets a fresh ``FORMCHECK_CACHE_DIR`` and history database,
so both are cold. Both write the same things: the report and the annotated H.264 MP4 (the app's with
the strip under the picture for the player's controls), and the app also ranks the exercises (the
wrong-exercise hint), picks the report's key frames and saves to History. The count each path found
is printed beside its time, so a run that went wrong cannot pass as a fast one.

Prints each run, then per checkout the median of each and the ratio app / CLI (issue 22's target:
<= 1.2), with the load average before each run. CPU seconds are printed too (the CLI's process; the
app's server process, and apart the browser: Playwright's driver and Chromium): on a shared machine
they tell what each path paid better than the wall time does.

``--root DIR`` (repeatable) measures other checkouts in the same run, e.g. the code before a change:
``git archive main | tar -x -C /tmp/old``; ``--root /tmp/old --root .``.

Usage: python benchmarks/review_bench.py [CLIP] [--exercise ID] [--reps 3] [--root DIR ...]
(default clip: ``../shared/real_clips/bird_dog_polybag_side_portrait.mp4``, 14.2 s at 1080x1920, when
present, else the bird-dog sample clips one after another to 15 s, written to a temp folder)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_bench_server import CHROMIUM, CHROMIUM_ARGS, ROOT, served_app  # noqa: E402

FILMED = ROOT.parent / "shared" / "real_clips" / "bird_dog_polybag_side_portrait.mp4"
REVIEW_TIMEOUT_S = 900


def looped_clip(dst: Path, seconds: float = 15.0) -> Path:
    """The bird-dog sample clips one after another (again from the first) for ``seconds``, as H.264 (PyAV)."""
    import av

    clips = sorted((ROOT / "sample_videos").glob("bird_dog*.mp4"))
    with av.open(str(clips[0])) as first:
        stream = first.streams.video[0]
        rate, width, height = stream.average_rate or 30, stream.codec_context.width, stream.codec_context.height
    wanted = int(round(seconds * float(rate)))
    written = 0
    with av.open(str(dst), mode="w") as out:
        enc = out.add_stream("libx264", rate=rate)
        enc.width, enc.height, enc.pix_fmt = width, height, "yuv420p"
        while written < wanted:
            for clip in clips:
                with av.open(str(clip)) as inp:
                    for frame in inp.decode(video=0):
                        if written >= wanted:
                            break
                        frame = frame.reformat(width=width, height=height, format="yuv420p")
                        frame.pts = written
                        for packet in enc.encode(frame):
                            out.mux(packet)
                        written += 1
        for packet in enc.encode():
            out.mux(packet)
    return dst


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return kids


def cpu_s(pids: list[int], skip: tuple[int, ...] = ()) -> float:
    """CPU seconds (user + system, all threads) of the live processes ``pids`` and their descendants,
    leaving out the processes in ``skip`` and theirs."""
    kids, total, todo = _children(), 0, [p for p in pids if p not in skip]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
        todo += [k for k in kids.get(pid, []) if k not in skip]
    return total / os.sysconf("SC_CLK_TCK")


def browser_cpu_s(servers: tuple[int, ...]) -> float:
    """CPU seconds of every process this one started but the app servers: Playwright's driver and Chromium."""
    return cpu_s(_children().get(os.getpid(), []), skip=servers)


def run_cli(root: Path, clip: Path, exercise: str, work: Path) -> tuple[float, str, float, float]:
    """``formcheck analyze`` of ``root`` as a subprocess: wall seconds, the reps in its report, its CPU time."""
    out = Path(tempfile.mkdtemp(dir=work, prefix="cli-"))
    env = {**os.environ, "PYTHONPATH": str(root), "FORMCHECK_CACHE_DIR": str(out / "cache"),
           "FORMCHECK_DB": str(out / "history.sqlite3")}
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(clip), "--exercise", exercise,
                    "--out", str(out / "out"), "--no-progress"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    report = json.loads((out / "out" / "report.json").read_text())
    if not (out / "out" / "annotated.mp4").is_file():
        raise RuntimeError("formcheck analyze wrote no annotated.mp4")
    return wall, f"{report['reps']} reps", cpu, 0.0


def run_app(browser: Any, server: int, servers: tuple[int, ...], url: str, clip: Path,
            title: str) -> tuple[float, str, float, float]:
    """One Review in a new tab: wall seconds from "Analyse" to "Saved to History", the heading shown, and
    the CPU time meanwhile of the app's server and of the browser (every other process this one started)."""
    page = browser.new_page()
    try:
        page.set_default_timeout(60_000)
        page.goto(f"{url}/?page=review")
        page.locator("input[type=file]").set_input_files(str(clip))
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.keyboard.type(title)
        page.keyboard.press("Enter")
        page.get_by_text(f"{title} —").wait_for()  # the exercise's card: the choice is made
        page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                               "b => b.innerText.trim() === 'Analyse' && !b.disabled)")
        server0, browser0 = cpu_s([server]), browser_cpu_s(servers)
        t0 = time.perf_counter()
        page.get_by_role("button", name="Analyse").click()
        # The caption under the result (not the "... is saved to History." said while it runs).
        page.get_by_text(re.compile(r"^Saved to History")).wait_for(timeout=REVIEW_TIMEOUT_S * 1000)
        wall = time.perf_counter() - t0
        server_cpu, browser_cpu = cpu_s([server]) - server0, browser_cpu_s(servers) - browser0
        heading = page.get_by_role("heading", name=re.compile(f"^{re.escape(title)}: ")).inner_text()
        if page.get_by_text("Annotated video unavailable").count():
            raise RuntimeError("the app made no annotated video")
        return wall, heading.split(": ", 1)[1], server_cpu, browser_cpu
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clip", nargs="?", help="a clip of about 15 s (default: see the module docstring)")
    parser.add_argument("--exercise", default="bird_dog", help="its exercise id")
    parser.add_argument("--reps", type=int, default=3, help="runs of each path per checkout")
    parser.add_argument("--root", action="append", type=Path,
                        help="checkout to measure (repeatable; default: this one)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from formcheck.spec import load_spec

    roots = [r.resolve() for r in args.root] if args.root else [ROOT]
    title = str(load_spec(args.exercise).title)
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        clip = Path(args.clip) if args.clip else FILMED if FILMED.is_file() else looped_clip(work / "bird_dog_15s.mp4")
        print(f"clip {clip.name}, exercise {args.exercise}, {args.reps} runs of each path per checkout; "
              f"{os.cpu_count()} CPUs")
        apps = {}
        for k, root in enumerate(roots):
            home = work / f"app-{k}"
            home.mkdir()
            apps[root] = stack.enter_context(served_app(root, home, env={"FORMCHECK_CACHE_DIR": str(home / "cache")}))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        runs: dict[tuple[Path, str], list[tuple[float, float, float]]] = {}
        for rep in range(args.reps):
            for root in roots:
                for path in ("cli", "app"):
                    before = load()
                    if path == "cli":
                        wall, found, cpu, browser_cpu = run_cli(root, clip, args.exercise, work)
                    else:
                        servers = tuple(app.pid for app in apps.values())
                        wall, found, cpu, browser_cpu = run_app(browser, apps[root].pid, servers, apps[root].url,
                                                                clip, title)
                    runs.setdefault((root, path), []).append((wall, cpu, browser_cpu))
                    print(f"  run {rep + 1} {root.name:>14} {path}: {wall:6.1f} s  ({found}; CPU {cpu:.1f} s"
                          + (f", browser {browser_cpu:.1f} s" if path == "app" else "")
                          + f"; load before: {before})", flush=True)
        print(f"load average at the end: {load()}")
        for root in roots:
            cli, app = runs[(root, "cli")], runs[(root, "app")]

            def med(rows: list[tuple[float, float, float]], k: int) -> float:
                return statistics.median(r[k] for r in rows)

            print(f"{root}: median wall formcheck analyze {med(cli, 0):.1f} s, app Review {med(app, 0):.1f} s, "
                  f"ratio {med(app, 0) / med(cli, 0):.2f} (per run: "
                  f"{', '.join(f'{a[0] / c[0]:.2f}' for a, c in zip(app, cli))}); median CPU analyze "
                  f"{med(cli, 1):.1f} s, app server {med(app, 1):.1f} s (ratio {med(app, 1) / med(cli, 1):.2f}), "
                  f"browser {med(app, 2):.1f} s")


if __name__ == "__main__":
    main()
