"""Layer 4b: ``formcheck analyze CLIP --html`` writes a report.html that a browser shows offline.

Real parts: the pose model on a decoded sample clip, the CLI in-process, and
headless Chromium opening the file from a ``file://`` URL with every network
request refused (and counted). The screenshot is kept in the test's temp folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.model]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CLIP = "glute_bridge_side_hips_low"

#: Every chart text whose box, as the browser laid it out, reaches outside its SVG's viewBox.
TEXTS_OUTSIDE_THEIR_SVG = """() => [...document.querySelectorAll('svg text')].filter(t => {
  const b = t.getBBox(), v = t.ownerSVGElement.viewBox.baseVal;
  return b.x < v.x - 0.5 || b.y < v.y - 0.5 || b.x + b.width > v.x + v.width + 0.5 || b.y + b.height > v.y + v.height + 0.5;
}).map(t => t.textContent)"""


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path, model_path: Path) -> Path:
    out = tmp_path_factory.mktemp("html") / "out"
    code = main(["analyze", str(sample_videos / f"{CLIP}.mp4"), "--exercise", "glute_bridge", "--html",
                 "--out", str(out), "--no-video", "--no-progress", "--model", str(model_path),
                 "--client", "Sam Lee"])
    assert code == 0
    return out


def test_analyze_html_writes_report_html_beside_the_json(report_dir: Path) -> None:
    assert {"report.html", "report.json", "reps.csv", "angles.csv"} <= {p.name for p in report_dir.iterdir()}
    report = json.loads((report_dir / "report.json").read_text())
    assert report["source"].endswith(f"{CLIP}.mp4")


def test_report_opens_offline_with_summary_key_frames_and_charts(report_dir: Path, sample_videos: Path,
                                                                  tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    label = json.loads((sample_videos / f"{CLIP}.json").read_text())
    refused: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1000, "height": 1400})

            def route(r: object) -> None:
                url = r.request.url  # type: ignore[attr-defined]
                if url.startswith(("file://", "data:")):
                    r.continue_()  # type: ignore[attr-defined]
                else:
                    refused.append(url)
                    r.abort()  # type: ignore[attr-defined]

            context.route("**/*", route)
            page = context.new_page()
            page.goto((report_dir / "report.html").as_uri())
            page.wait_for_load_state("load")
            summary = page.inner_text("#summary")
            images = page.eval_on_selector_all(".key-frame img", "els => els.map(e => e.naturalWidth)")
            bars = page.locator("#rep-chart svg rect.bar").count()
            chart_width = page.locator("#rep-chart svg").first.bounding_box()["width"]  # type: ignore[index]
            cut = page.evaluate(TEXTS_OUTSIDE_THEIR_SVG)
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            phone_overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            phone_cut = page.evaluate(TEXTS_OUTSIDE_THEIR_SVG)
            page.emulate_media(media="print")
            hint_in_print = page.locator(".hint").first.is_visible()
            pdf = page.pdf(format="A4")
        finally:
            browser.close()
    print(f"\n[report] screenshot {shot} ({shot.stat().st_size} bytes); summary: {summary!r}")
    true_reps = sum(r["complete"] for r in label["reps"])
    assert summary.startswith(f"{true_reps} reps.") and "stopped short of the full range" in summary
    assert images and all(w > 100 for w in images), images
    assert bars == len(label["reps"]) and chart_width > 400
    assert cut == [] and phone_cut == [], (cut, phone_cut)  # every label drawn whole, by the browser's own fonts
    assert phone_overflow <= 0, "the page is wider than a phone's screen"
    assert refused == [], f"the report asked the network for {refused}"
    assert shot.stat().st_size > 50_000
    assert not hint_in_print and pdf[:5] == b"%PDF-"
