"""Layer 4b: History's Clients tab and a client's report as a trainer sees them, in headless Chromium.

Real parts: the app as its own process on a temp history database filled with
one client's sets over four weeks (and a sample replay), Chromium's own layout
at 1366x768 and 390x844, and the client report of a real analysis (a sample
clip's landmarks: no pose model) with that client's trend and personal
targets, opened from a ``file://`` URL. Checked as the eye would: a session's
detail inside its own tab, the three trend charts on screen and in local
time, nothing wider than a phone, every chart label inside its chart.
Screenshots go to the test's temp folder, or to ``FORMCHECK_TEST_SHOTS`` if set
(pytest removes a passing test's temp folder), and the folder is printed.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from formcheck.store.client_history import ClientHistory
from formcheck.store.history import HistoryStore
from tests.live_browser import app_server, chromium_page
from tests.test_client_report_browser import TEXTS_OUTSIDE_THEIR_SVG
from tests.test_store import make_summary

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
BRIDGE_NPZ = ROOT / "sample_videos" / "glute_bridge_side.npz"
FIRST = datetime(2026, 1, 5, 17, 30, tzinfo=timezone.utc)
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def _shots(tmp: Path) -> Path:
    """Where to keep the screenshots: ``FORMCHECK_TEST_SHOTS`` (to look at them after a pass), else ``tmp``."""
    folder = Path(os.environ.get("FORMCHECK_TEST_SHOTS") or tmp)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fill(db: Path) -> None:
    store = HistoryStore(db)
    for week, reps in enumerate((6, 8, 9, 11)):
        store.save_set(replace(make_summary(reps=reps), score=70 + 5 * week), source=f"ada-week{week + 1}.mp4",
                       kind="review", when=FIRST + timedelta(weeks=week), client="Ada Byron")
    store.save_set(make_summary(reps=5), source="webcam", kind="live", when=FIRST + timedelta(weeks=3, days=2),
                   client="Ada Byron")
    store.save_set(make_summary("superman", reps=4), source="superman_side.mp4", kind="sample", when=FIRST)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("history-browser")
    _fill(tmp / "history.sqlite3")
    shots = _shots(tmp)
    out: dict[str, Any] = {}
    with app_server(tmp) as app, chromium_page(tmp, f"{app['url']}/?page=history") as page:
        page.context.set_default_timeout(60_000)
        page.get_by_role("tab", name="Sample replays (1)").click()
        page.get_by_role("heading", name=re.compile(r"^Superman.*: 4 reps")).wait_for()
        # The detail's heading sits in a tab panel, and that panel is the one shown with "Sample replays".
        out["detail_in_tab"] = page.evaluate(
            "() => { const h = [...document.querySelectorAll('h3')].find(e => e.innerText.startsWith('Superman'));"
            " const panel = h && h.closest('[role=tabpanel]'); if (!panel || panel.offsetParent === null) return null;"
            " return document.querySelector('[role=tab][aria-selected=true]').innerText; }")
        page.get_by_role("tab", name="Clients (1)").click()
        page.get_by_text("Ada Byron: Glute bridge").wait_for()
        page.wait_for_timeout(2000)  # the charts draw
        out["charts"] = page.locator('[role=tabpanel]:visible [data-testid="stVegaLiteChart"]').count()
        for width, height in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(1500)
            out[f"overflow-{width}"] = page.evaluate(WIDER_THAN_SCREEN)
            # The app scrolls inside its own container: bring the tabs to the top, then take the screen.
            page.evaluate("() => document.querySelector('[role=tablist]').scrollIntoView({block: 'start'})")
            page.wait_for_timeout(500)
            page.screenshot(path=str(shots / f"clients-{width}.png"))
    print(f"\n[clients] screenshots in {shots}")
    return out


def test_a_sessions_detail_sits_in_its_own_tab(shown: dict[str, Any]) -> None:
    assert shown["detail_in_tab"] == "Sample replays (1)"


def test_the_clients_tab_draws_three_trends_and_fits_a_phone(shown: dict[str, Any]) -> None:
    assert shown["charts"] == 3
    assert shown["overflow-1366"] <= 0 and shown["overflow-390"] <= 0


@pytest.mark.skipif(not BRIDGE_NPZ.is_file(), reason="sample_videos/ has no landmarks files")
def test_the_client_report_shows_the_trend_and_personal_targets(tmp_path: Path) -> None:
    from formcheck.pipeline.analysis import analyze_video
    from formcheck.sinks.html_report import ReportMeta, render_client_report
    from formcheck.spec import load_spec
    from formcheck.store.personal_targets import learn_targets, personal_words, save_targets, targets_folder

    db = tmp_path / "history.sqlite3"
    _fill(db)
    trend = tuple(ClientHistory(HistoryStore(db)).trend("Ada Byron", "glute_bridge"))
    learnt = learn_targets(analyze_video(BRIDGE_NPZ, "glute_bridge").summary, load_spec("glute_bridge"),
                           client="Ada Byron", clip="ada-reference.mp4")
    mine = load_spec(save_targets(learnt, targets_folder(db)))
    result = analyze_video(BRIDGE_NPZ, mine)  # the client's next set, judged by their targets
    personal = personal_words(mine, load_spec("glute_bridge"))
    html = render_client_report(result, [], ReportMeta(clip="ada-week5.mp4", client="Ada Byron", trend=trend,
                                                       personal=personal))
    report = tmp_path / "report.html"
    report.write_text(html)
    found: dict[str, Any] = {}
    shots = _shots(tmp_path)
    with chromium_page(tmp_path, report.as_uri()) as page:
        page.wait_for_load_state("load")
        found["points"] = page.locator("#progress svg circle.point").count()
        found["personal"] = page.inner_text("#personal-targets")
        found["caption"] = page.inner_text("#rep-chart .caption")
        found["cut"] = page.evaluate(TEXTS_OUTSIDE_THEIR_SVG)
        page.screenshot(path=str(shots / "report-1366.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        found["phone_overflow"] = page.evaluate(WIDER_THAN_SCREEN)
        found["phone_cut"] = page.evaluate(TEXTS_OUTSIDE_THEIR_SVG)
        page.screenshot(path=str(shots / "report-390.png"), full_page=True)
    print(f"\n[report] screenshots in {shots}")
    assert found["points"] == 3 * len(trend)  # reps, score and range: a point per session each
    assert "Your personal targets" in found["personal"] and "standard 153°" in found["personal"]
    assert f"your personal target: {learnt.peak:g}°" in found["caption"]
    assert found["cut"] == [] and found["phone_cut"] == [], (found["cut"], found["phone_cut"])
    assert found["phone_overflow"] <= 0


def test_the_progress_chart_reads_the_viewers_clock_like_the_table(tmp_path: Path) -> None:
    """A browser in Tokyo: a set at 11:00 UTC is 20:00 in the table and in the chart's tooltip alike."""
    from playwright.sync_api import sync_playwright

    from tests.live_browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    store = HistoryStore(tmp_path / "history.sqlite3")
    for day in range(3):
        store.save_set(make_summary(reps=3 + day), source="webcam", kind="live",
                       when=datetime(2026, 1, 2 + day, 11, 0, tzinfo=timezone.utc))
    tips: list[str] = []
    with app_server(tmp_path) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(timezone_id="Asia/Tokyo", viewport={"width": 1366, "height": 768}).new_page()
            page.goto(f"{app['url']}/?page=history")
            points = page.locator('[data-testid="stVegaLiteChart"] svg path[role="graphics-symbol"]')
            points.first.wait_for(timeout=60_000)
            for i in range(points.count()):
                points.nth(i).hover(force=True)
                page.wait_for_timeout(400)
                tips.append(page.evaluate("() => document.querySelector('#vg-tooltip-element')?.innerText || ''"))
        finally:
            browser.close()
    shown = sorted({line.strip() for tip in tips for line in tip.splitlines() if line.strip().startswith("2026-")})
    assert shown == ["2026-01-02 20:00", "2026-01-03 20:00", "2026-01-04 20:00"], tips
