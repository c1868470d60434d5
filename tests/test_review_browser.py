"""Layer 4b: the Review page as a trainer sees it, in real headless Chromium against the app's server.

Real parts: the app as its own process (temp history database), the pose model
on sample clips uploaded through the page, Chromium's own layout and downloads.
What is checked is what the eye would catch: no button or figure cut short
(a label wider than its box), the after-analysis message in the user's words,
and two downloads clicked 0.3 s apart both arriving whole (a download button's
rerun made the page drop the second click: the MP4 never came). Screenshots at
1366x768 and 390x844 are kept in the test's temp folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.live_browser import app_server, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]

#: Labels the page shows cut short: the text needs more room than its element gives it.
CUT_SHORT = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
BUTTON_LABELS = '[data-testid="stButton"] button p, [data-testid="stDownloadButton"] button p'
METRIC_VALUES = '[data-testid="stMetricValue"] div, [data-testid="stMetricValue"]'


def _analyse(page: Any, clip: Path, exercise: str = "") -> None:
    """Upload ``clip``, choose ``exercise`` by its title (default: the suggestion), analyse, wait for the result."""
    page.locator("input[type=file]").set_input_files(str(clip))
    if exercise:
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.keyboard.type(exercise)
        page.keyboard.press("Enter")
        page.get_by_text(f"{exercise} —").wait_for()  # the exercise's card: the choice is made
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.trim() === 'Analyse' && !b.disabled)", timeout=30_000)
    page.get_by_role("button", name="Analyse").click()
    if exercise:  # another clip's result may be on the page still: wait for this one's heading
        page.get_by_role("heading", name=re.compile(f"^{re.escape(exercise)}: ")).wait_for(timeout=240_000)
    page.get_by_text("Annotated video (MP4)").wait_for(timeout=240_000)
    page.wait_for_timeout(1500)  # the page settles (video element, charts)


def _mp4_frames(path: Path) -> int:
    import av

    with av.open(str(path)) as video:
        return sum(1 for _ in video.decode(video.streams.video[0]))


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path, model_path: Path) -> dict[str, Any]:
    """Two sample clips reviewed one after the other; what the page showed and downloaded for each."""
    tmp = tmp_path_factory.mktemp("review-browser")
    shots = tmp / "shots"
    shots.mkdir()
    out: dict[str, Any] = {"shots": shots}
    with app_server(tmp, env={"FORMCHECK_MODEL": str(model_path)}) as app, \
            chromium_page(tmp, f"{app['url']}/?page=review") as page:
        page.context.set_default_timeout(60_000)
        # Five reps and cues: a row of rep buttons and cue buttons.
        _analyse(page, sample_videos / "superman_side_too_fast.mp4")
        out["saved_text"] = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
        out["cut_buttons"] = page.evaluate(CUT_SHORT, BUTTON_LABELS)
        out["rep_buttons"] = page.evaluate("() => [...document.querySelectorAll('button')]"
                                           ".filter(b => /^Rep \\d+ · /.test(b.innerText.trim())).length")
        page.screenshot(path=str(shots / "review-1366.png"), full_page=True)
        downloads: list[Any] = []
        page.on("download", lambda d: downloads.append(d))
        page.get_by_role("button", name="Client report (HTML)").click()
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Annotated video (MP4)").click()
        deadline = 60
        while len(downloads) < 2 and deadline > 0:
            page.wait_for_timeout(500)
            deadline -= 0.5
        out["downloads"] = {}
        for d in downloads:
            path = tmp / d.suggested_filename
            failure = d.failure()
            if failure is None:
                d.save_as(str(path))
            out["downloads"][Path(d.suggested_filename).suffix] = (path, failure)
        # Bird-dog: reps per side, the figure "Per side".
        _analyse(page, sample_videos / "bird_dog_side.mp4", "Bird-dog")
        out["per_side"] = page.locator('[data-testid="stMetric"]', has_text="Per side").inner_text()
        out["cut_metrics"] = page.evaluate(CUT_SHORT, METRIC_VALUES)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(1000)
        out["cut_buttons_phone"] = page.evaluate(CUT_SHORT, BUTTON_LABELS)
        out["cut_metrics_phone"] = page.evaluate(CUT_SHORT, METRIC_VALUES)
        page.screenshot(path=str(shots / "review-390.png"), full_page=True)
    out["label"] = json.loads((sample_videos / "superman_side_too_fast.json").read_text())
    print(f"\n[review-browser] screenshots in {shots}")
    return out


def test_rep_and_cue_buttons_and_figures_are_never_cut_short(reviewed: dict[str, Any]) -> None:
    assert reviewed["rep_buttons"] == len(reviewed["label"]["reps"])
    assert reviewed["cut_buttons"] == [] and reviewed["cut_buttons_phone"] == []
    assert reviewed["cut_metrics"] == [] and reviewed["cut_metrics_phone"] == []
    assert "left 2" in reviewed["per_side"] and "right 2" in reviewed["per_side"]  # the bird-dog's sides


def test_the_saved_message_says_where_to_find_it_not_an_internal_id(reviewed: dict[str, Any]) -> None:
    saved = [t for t in reviewed["saved_text"] if "Saved" in t]
    assert saved == ["Saved to History (Reviewed clips)."], reviewed["saved_text"]


def test_two_downloads_clicked_at_once_both_arrive_whole(reviewed: dict[str, Any]) -> None:
    got = reviewed["downloads"]
    assert set(got) == {".mp4", ".html"}, got
    (mp4, mp4_failure), (report, html_failure) = got[".mp4"], got[".html"]
    assert mp4_failure is None and html_failure is None, (mp4_failure, html_failure)
    assert report.read_text().rstrip().endswith("</html>")
    assert _mp4_frames(mp4) > 100  # a whole, decodable video (13 s of it)
