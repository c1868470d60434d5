"""Layer 4: what the user's terminal shows from the real commands: formcheck's lines, not the libraries'.

``formcheck batch`` in a child process on a filmed clip whose far leg the model
hides: numpy used to print ``RuntimeWarning: invalid value encountered in
combine_sides`` (a NaN compared inside the vectorised both-sides loop).
``formcheck app`` as a real server driven by headless Chromium through a Review
analysis: the pose model's loader used to fill the server's log with "Sparsity
tensors may not yet be fully supported" (494 of 636 lines).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli_env, run_cli
from tests.live_browser import chromium_page, free_port, wait_until_healthy

#: A filmed cat-cow: side-on, the far knee's visibility 0 in many frames. Analysed as a squat
#: (both knees combined, "lesser"), it met the warning on numpy 2 and Python 3.11.
HIDDEN_SIDE_CLIP = "cat_cow_polybag_side_portrait.mp4"

#: Lines the native libraries write to file descriptor 2 when a pose model loads.
NATIVE_NOISE = ("Sparsity tensors", "XNNPACK", "W0000 ", "I0000 ", "inference_feedback_manager")


@pytest.mark.model
@pytest.mark.slow
def test_batch_prints_no_numpy_warning_on_a_clip_with_a_hidden_side(tmp_path: Path, real_clips: Path,
                                                                     model_path: Path) -> None:
    clip = real_clips / HIDDEN_SIDE_CLIP
    if not clip.is_file():
        pytest.skip(f"{HIDDEN_SIDE_CLIP} not in real_clips")
    proc = run_cli(["batch", str(clip), "--exercise", "squat", "--out", str(tmp_path / "out"), "--no-progress",
                    "--model", str(model_path)])
    print(f"\n[console] batch stderr: {proc.stderr!r}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Warning" not in proc.stderr and "encountered" not in proc.stderr
    assert (tmp_path / "out" / "summary.csv").is_file()


@contextmanager
def formcheck_app(tmp_path: Path, model_path: Path, *extra: str) -> Iterator[dict[str, Any]]:
    """``python -m formcheck app`` (the user's command, not Streamlit's) on a free port; its output in a file."""
    port = free_port()
    log_path = tmp_path / "app.log"
    env = cli_env(FORMCHECK_MODEL=str(model_path))
    env.pop("GLOG_minloglevel", None)  # the tests' own quieting must not hide what the user would see
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "formcheck", *extra, "app", "--port", str(port),
                                 "--address", "127.0.0.1", "--db", str(tmp_path / "history.sqlite3")],
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, proc, log_path, 90)
            yield {"url": url, "log": log_path}
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def _review_a_clip(page: Any, clip: Path) -> None:
    """Upload ``clip`` on the Review page, analyse it, wait for the result's downloads."""
    page.locator("input[type=file]").set_input_files(str(clip))
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.trim() === 'Analyse' && !b.disabled)", timeout=30_000)
    page.get_by_role("button", name="Analyse").click()
    page.get_by_text("Annotated video (MP4)").wait_for(timeout=180_000)


@pytest.mark.browser
@pytest.mark.model
@pytest.mark.slow
def test_the_app_servers_log_has_formchecks_lines_not_the_model_loaders(tmp_path: Path, sample_videos: Path,
                                                                        model_path: Path) -> None:
    clip = sample_videos / "glute_bridge_side.mp4"
    with formcheck_app(tmp_path, model_path) as app:
        with chromium_page(tmp_path, f"{app['url']}/?page=review") as page:
            _review_a_clip(page, clip)
        log = app["log"].read_text()
    lines = log.splitlines()
    noise = [line for line in lines if any(n in line for n in NATIVE_NOISE)]
    print(f"\n[console] app log: {len(lines)} lines, {len(noise)} from the native libraries; first: {lines[:3]}")
    assert any(line.startswith("formcheck app: http://127.0.0.1:") for line in lines), log[-2000:]
    assert noise == [], noise[:5]
    assert "Traceback" not in log
