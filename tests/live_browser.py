"""Helpers of the browser tests: the app as a server, a clip as Chromium's fake camera, the Live page.

The app runs as its own server process (``formcheck app``'s command line) on a
free port with a temp history database; Chromium plays a clip converted to
``.y4m`` (made in tmp, never committed) as its webcam. An init script records
what the page hands to ``speechSynthesis.speak`` and how many beeps it starts,
so a test can assert what would be spoken without a sound card.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
#: ``write_y4m(stamp=True)``: each frame's number in its top-left corner, bit by bit (lowest first) in
#: ``STAMP_BITS`` squares of ``STAMP_PX``, white for 1, black for 0 (``HOOK_TIMING`` reads it in the page).
STAMP_BITS, STAMP_PX = 14, 8

#: Records speech and beeps in the page (the real calls still go through).
HOOK_VOICE = """
window.__fcSpoken = [];
window.__fcBeeps = 0;
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => { window.__fcSpoken.push(u.text); try { speak(u); } catch (e) {} };
}
if (window.OscillatorNode) {
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__fcBeeps += 1; return start.apply(this, args); };
}
"""

#: Count latency (issue 22). In the frame that opens the camera: its settings, and for each frame of it
#: the page shows (a hidden 2-px video of the camera's own stream) the frame's number read from its corner
#: (``write_y4m(stamp=True)``) and when it was captured (else shown). In the top page: each change of the
#: panel's count. All on the epoch clock the frames share (``Date.now()``).
HOOK_TIMING = """
(() => {
  const BITS = @BITS@, PX = @PX@;
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints) => {
      const stream = await gum(constraints);
      const track = stream.getVideoTracks()[0];
      const cam = {asked: Date.now(), marks: [], settings: track ? track.getSettings() : {}};
      try { (window.top.__fcCams = window.top.__fcCams || []).push(cam); } catch (e) {}
      const v = document.createElement('video');
      v.muted = true; v.playsInline = true; v.srcObject = stream;
      v.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:2px;opacity:0.01;pointer-events:none';
      document.body.appendChild(v);
      const canvas = document.createElement('canvas');
      canvas.width = BITS * PX; canvas.height = PX;
      const ctx = canvas.getContext('2d', {willReadFrequently: true});
      const seen = (now, meta) => {
        const at = performance.timeOrigin + (meta.captureTime !== undefined ? meta.captureTime : now);
        ctx.drawImage(v, 0, 0, BITS * PX, PX, 0, 0, BITS * PX, PX);
        const px = ctx.getImageData(0, 0, BITS * PX, PX).data;
        let number = 0;
        for (let b = 0; b < BITS; b++) {
          if (px[((PX >> 1) * BITS * PX + b * PX + (PX >> 1)) * 4] > 128) number |= 1 << b;
        }
        cam.marks.push([at, number]);
        v.requestVideoFrameCallback(seen);
      };
      v.requestVideoFrameCallback(seen);
      v.play().catch(() => {});
      return stream;
    };
  }
  if (window.top === window) {
    window.__fcCounts = [];
    let last = null;
    new MutationObserver(() => {
      const root = document.querySelector('#fc-live');
      const count = root ? root.dataset.count : undefined;
      if (count !== undefined && count !== last) { last = count; window.__fcCounts.push([Date.now(), count]); }
    }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-count']});
  }
})();
""".replace("@BITS@", str(STAMP_BITS)).replace("@PX@", str(STAMP_PX))

#: The panel as the page shows it: visible texts and the figures in its data attributes.
READ_PANEL = """() => {
  const root = document.querySelector('#fc-live');
  if (!root) return null;
  const text = (id) => { const e = document.getElementById(id); return e ? e.innerText.trim() : null; };
  const cue = document.getElementById('fc-cue');
  return {count: text('fc-count'), unit: text('fc-unit'), phase: text('fc-phase'), cue: text('fc-cue'),
          title: text('fc-title'), detail: text('fc-detail'), target: text('fc-target'), extra: text('fc-extra'),
          tone: cue ? cue.dataset.tone : null, data_count: root.dataset.count, data_phase: root.dataset.phase, stage: root.dataset.stage,
          reps: root.dataset.reps, exercise: root.dataset.exercise, fps: parseFloat(root.dataset.fps || '0'),
          overlay: JSON.parse(root.dataset.overlay || '[]')};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    """Resident memory of a process (kB) from /proc (psutil is not a dependency)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@contextmanager
def app_server(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """``formcheck app`` on a free port in its own process group, with a temp FORMCHECK_DB."""
    from formcheck.cli.app import streamlit_command

    port = free_port()
    db = tmp_path / "history.sqlite3"
    # The behaviour tests take the camera at 12 fps: two workers' servers and browsers share 2 cores,
    # and what they check (counts, cues, speech, saving) does not depend on the rate. The frame-rate
    # and latency test asks for the app's own default (``FORMCHECK_CAMERA_FPS=""``).
    full_env = {**os.environ, "FORMCHECK_DB": str(db), "FORMCHECK_CAMERA_FPS": "12", **(env or {})}
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1"), env=full_env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc, log_path, 60)
        yield {"url": url, "db": db, "pid": proc.pid, "log": log_path, "process": proc}
    finally:
        stop_server(proc)
        log.close()


def wait_until_healthy(url: str, proc: subprocess.Popen[Any], log_path: Path, seconds: float) -> None:
    """Wait for the server's health endpoint to answer 200; its log's tail in the error if it dies or is late."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"app did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)


def stop_server(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM the server's process group (a test may have stopped it already), SIGKILL after 10 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _stamped(frame: Any, number: int) -> Any:
    """``frame`` (I420) with ``number`` in its corner, the squares' colour neutral."""
    import av

    planes = frame.to_ndarray()  # (H * 3/2, W): Y rows, then U and V at half size, each row half of a line
    height = frame.height
    for bit in range(STAMP_BITS):
        x = bit * STAMP_PX
        planes[:STAMP_PX, x:x + STAMP_PX] = 235 if number >> bit & 1 else 16
    # The chroma of those squares: U then V, each (H/2, W/2) laid out as H/4 rows of W.
    half = frame.width // 2
    for plane_row in (height, height + height // 4):
        for r in range(STAMP_PX // 2):
            row, col = divmod(r * half, frame.width)
            planes[plane_row + row, col:col + STAMP_BITS * STAMP_PX // 2] = 128
    return av.VideoFrame.from_ndarray(planes, format="yuv420p")


def write_y4m(clips: Sequence[Path], dst: Path, size: tuple[int, int] = (640, 360), fps: float | None = None,
              span: tuple[float, float] | None = None, stamp: bool = False) -> Path:
    """Clips one after the other as raw I420 ``.y4m`` (PyAV's bundled ffmpeg), at ``fps`` (default: the
    first clip's own rate; frames are dropped or repeated by their time to keep the clips' pace).
    ``span``: only the seconds ``[start, end)`` of each clip (Chromium plays the file in a loop).
    ``stamp``: each frame's number drawn in its corner (see ``STAMP_BITS``), for the page to read."""
    import av

    with av.open(str(dst), "w", format="yuv4mpegpipe") as out:
        enc = None
        out_rate = 0.0
        written = 0
        offset = 0.0
        for src in clips:
            with av.open(str(src)) as inp:
                stream = inp.streams.video[0]
                rate = float(stream.average_rate or 15)
                if enc is None:
                    out_rate = float(round(fps or rate))
                    enc = out.add_stream("rawvideo", rate=int(out_rate))
                    enc.width, enc.height, enc.pix_fmt = size[0], size[1], "yuv420p"
                n = kept = 0
                for frame in inp.decode(stream):
                    n += 1
                    if span is not None and not span[0] <= (n - 1) / rate < span[1]:
                        continue
                    t = offset + kept / rate
                    kept += 1
                    frame = frame.reformat(width=size[0], height=size[1], format="yuv420p")
                    while written / out_rate <= t + 1e-6:
                        shown = _stamped(frame, written) if stamp else frame
                        # Its own time on the output's clock: a frame repeated for a faster rate must not go back.
                        shown.pts, shown.time_base = written, Fraction(1, int(out_rate))
                        for packet in enc.encode(shown):
                            out.mux(packet)
                        written += 1
                offset += kept / rate
        assert enc is not None
        for packet in enc.encode():
            out.mux(packet)
    return dst


@dataclass(frozen=True)
class CameraTimes:
    """The fake camera as the page saw it (``HOOK_TIMING``): the frame rate it was asked for, and
    ``(epoch seconds, frame number)`` of each of its frames the page showed (numbers from ``stamp``)."""

    frame_rate_asked: float
    marks: tuple[tuple[float, int], ...]

    @classmethod
    def of(cls, page: Any) -> CameraTimes | None:
        """The camera opened last in ``page`` (START may be pressed twice), None before any."""
        cams = page.evaluate("() => window.__fcCams || []")
        if not cams:
            return None
        cam = cams[-1]
        marks = tuple((float(t) / 1000, int(n)) for t, n in cam["marks"])
        return cls(float(cam.get("settings", {}).get("frameRate") or 0), marks)

    def pace(self, loop_frames: int) -> tuple[float, float]:
        """Frames shown per second in the page, and clip frames the camera went through per second
        (its own pace: under load Chromium's fake camera may fall behind its nominal rate)."""
        if len(self.marks) < 2 or self.marks[-1][0] <= self.marks[0][0]:
            return 0.0, 0.0
        span = self.marks[-1][0] - self.marks[0][0]
        advanced = sum((b[1] - a[1]) % loop_frames for a, b in zip(self.marks, self.marks[1:], strict=False))
        return (len(self.marks) - 1) / span, advanced / span


def count_changes(page: Any) -> list[tuple[float, int]]:
    """Each change of the panel's count: (epoch seconds, count), in order (``HOOK_TIMING``)."""
    return [(float(t) / 1000, int(c)) for t, c in page.evaluate("() => window.__fcCounts || []")]


def count_latencies(counts: list[tuple[float, int]], marks: Sequence[tuple[float, int]], fps: float,
                    loop_s: float, rep_ends: list[float]) -> tuple[list[float], int]:
    """Seconds from each rep's end on the camera to its count on the page, and the counts matched to none.

    The clip time the camera was at when a count appeared is that of the last frame shown before it
    (its number / ``fps``) plus the time since; each count increase is matched to the nearest rep end
    (``rep_ends``, clip seconds; the clip loops every ``loop_s``) between 3 s before and 0.5 s after it (a
    count may come a little before the end of a rep drawn by hand, which waits for the body to rest).

    Example:
        >>> count_latencies([(100.0, 0), (104.6, 1), (113.9, 2)], [(100.0, 0), (113.8, 15)], 30.0, 13.2, [4.3, 0.5])
        ([0.3, 0.1], 0)
    """
    import bisect

    times = [t for t, _ in marks]
    found: list[float] = []
    unmatched, shown = 0, None
    for wall, count in counts:
        k = bisect.bisect_right(times, wall) - 1
        if shown is not None and count > shown and k >= 0:
            clip_t = marks[k][1] / fps + wall - marks[k][0]
            lags = [clip_t - (end + n * loop_s) for end in rep_ends for n in (-1, 0, 1)]
            near = [lag for lag in lags if -0.5 <= lag <= 3.0]
            if near:
                found.append(round(min(near, key=abs), 3))
            else:
                unmatched += 1
        shown = count
    return found, unmatched


def y4m_seconds(path: Path) -> float:
    """How long Chromium takes to play a ``.y4m`` once (frames / rate, from its header): the camera's loop."""
    with path.open("rb") as f:
        header = f.readline().split()
    fields = {h[:1]: h[1:] for h in header[1:]}
    width, height = int(fields[b"W"]), int(fields[b"H"])
    num, den = (int(x) for x in fields[b"F"].split(b":"))
    frames = (path.stat().st_size - len(b" ".join(header)) - 1) // (width * height * 3 // 2 + len(b"FRAME\n"))
    return frames * den / num


def webrtc_button(page: Any) -> Any:
    return page.frame_locator('iframe[title*="streamlit_webrtc"]').locator("button").first


def read_panel(page: Any) -> dict[str, Any] | None:
    """The workout panel's texts and data (None before it is drawn)."""
    return page.evaluate(READ_PANEL)  # type: ignore[no-any-return]


def spoken(page: Any) -> list[str]:
    return list(page.evaluate("() => window.__fcSpoken || []"))


def wait_spoken(page: Any, text: str, timeout_s: float = 15) -> list[str]:
    """Poll what the page has said until ``text`` is among it; return it (speech follows the view
    that prompts it by a rerun or two, longer on a loaded machine)."""
    deadline = time.monotonic() + timeout_s
    said = spoken(page)
    while text not in said and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        said = spoken(page)
    assert text in said, f"{text!r} was never said; said: {said}"
    return said


def db_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of the app's database (none while the app has not created its tables)."""
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        try:
            return con.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []


def answer_checkin(page: Any, db: Path, pain: int, difficulty: str | None = None) -> list[tuple[Any, ...]]:
    """Answer the check-in on screen (pain, and the difficulty's button text if given), save it, and
    return the saved check-ins as ``(exercise, pain, difficulty)`` rows once one is in the database."""
    page.locator("[class*='st-key-fc_pain_'] button").filter(has_text=str(pain)).first.click()
    page.wait_for_timeout(800)
    if difficulty is not None:
        page.locator("[class*='st-key-fc_difficulty_'] button").filter(has_text=difficulty).first.click()
        page.wait_for_timeout(800)
    page.get_by_role("button", name="Save check-in").click()
    deadline, rows = time.monotonic() + 20, []
    while time.monotonic() < deadline and not rows:
        rows = db_rows(db, "SELECT s.exercise, c.pain, c.difficulty FROM checkins c JOIN sessions s ON s.id = c.session_id")
        page.wait_for_timeout(500)
    return rows


def live_rows(db: Path) -> list[tuple[Any, ...]]:
    return db_rows(db, "SELECT kind, exercise, reps, source, partial_reps FROM sessions WHERE kind = 'live' ORDER BY id")


#: Chromium's switches for every test page: headless, quiet, nothing fetched in the background.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_page(tmp_path: Path, url: str, extra_args: Sequence[str] = (),
                  viewport: tuple[int, int] = (1366, 768), init_scripts: Sequence[str] = ()) -> Iterator[Any]:
    """Headless Chromium (a temp profile) on ``url``, recording speech and beeps (skips without Chromium);
    ``init_scripts`` run in every frame before the page's own (e.g. ``HOOK_TIMING``)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args],
            viewport={"width": viewport[0], "height": viewport[1]})
        try:
            browser.add_init_script(HOOK_VOICE)
            for script in init_scripts:
                browser.add_init_script(script)
            page = browser.new_page()
            page.goto(url)
            yield page
        finally:
            browser.close()


@contextmanager
def live_page(app: dict[str, Any], y4m: Path, tmp_path: Path, query: str,
              viewport: tuple[int, int] = (1366, 768), init_scripts: Sequence[str] = ()) -> Iterator[Any]:
    """Chromium with ``y4m`` as its camera, on the Live page of ``app`` (``query``: ``exercise=...``)."""
    from aioice.ice import get_host_addresses

    if not get_host_addresses(use_ipv4=True, use_ipv6=True):
        # aiortc offers no loopback candidates: WebRTC cannot connect at all here.
        pytest.skip("no non-loopback network address for WebRTC (e.g. `ip addr add 10.200.0.1/32 dev lo`)")
    camera = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              "--autoplay-policy=no-user-gesture-required",
              "--allow-loopback-in-peer-connection",  # for hosts whose only extra address sits on lo
              f"--use-file-for-fake-video-capture={y4m}"]
    with chromium_page(tmp_path, f"{app['url']}/?page=live&{query}", camera, viewport, init_scripts) as page:
        webrtc_button(page).wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        yield page


def start(page: Any) -> int:
    """Press START until the workout panel shows processed frames; return the number of presses.

    streamlit-webrtc 0.79 tears ~10 % of fresh starts down at once (the button
    reads START again): press again then.
    """
    button = webrtc_button(page)
    for attempt in range(1, 6):
        button.click()
        for _ in range(25):
            page.wait_for_timeout(1000)
            panel = read_panel(page)
            if panel is not None and panel["data_count"] is not None:
                return attempt
            if button.inner_text().strip().lower() == "start":
                break
    raise AssertionError("no processed frames on the page after 5 presses of START")


def stop(page: Any) -> None:
    """Press STOP and wait for the view before START to come back."""
    webrtc_button(page).click()
    page.get_by_text("Live coaching").wait_for(timeout=30_000)


def wait_panel(page: Any, check: Any, timeout_s: float = 120, what: str = "") -> dict[str, Any]:
    """Poll the panel until ``check(panel)`` holds; return that panel."""
    deadline = time.monotonic() + timeout_s
    panel = None
    while time.monotonic() < deadline:
        panel = read_panel(page)
        if panel is not None and check(panel):
            return panel
        page.wait_for_timeout(500)
    raise AssertionError(f"the panel never showed {what or 'what was expected'}; last: {json.dumps(panel)[:600]}")


def in_viewport(page: Any, selector: str) -> dict[str, float]:
    """The element's box; fails unless it is wholly inside the viewport (seen without scrolling)."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{selector} is not on the page"
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= size["width"] + 1 \
        and box["y"] + box["height"] <= size["height"] + 1, f"{selector} at {box} is outside {size}"
    return dict(box)
