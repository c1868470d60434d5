"""Layer 4a: the Review page for trainers through Streamlit's AppTest.

Real parts: the pose model on a decoded sample clip (a superman with a cranked
neck on two reps), a real SQLite file in tmp_path. The clip is first analysed
as the wrong exercise (glute bridge), then as a superman: the hint, seeking,
notes, one History row per clip, and the report's source name are checked.
Expected counts and times come from the clip's label.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from formcheck.store.history import HistoryStore
from tests.test_app_pages import open_page

CLIP = "superman_side_neck_cranked"
UPLOAD_NAME = "Ada superman (week 3).mp4"
RUN_TIMEOUT = 300  # seconds to wait for a background analysis on 2 shared cores

pytestmark = pytest.mark.model


@pytest.fixture(autouse=True)
def _no_webrtc_runtime() -> Iterator[None]:
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        yield


def _open(page: str, db: Path) -> Any:
    with mock.patch.dict(os.environ, {"FORMCHECK_DB": str(db)}):
        return open_page(page)


def _run(at: Any, db: Path) -> Any:
    with mock.patch.dict(os.environ, {"FORMCHECK_DB": str(db)}):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _analyse(at: Any, db: Path, exercise: str) -> Any:
    at.selectbox(key="review_exercise").set_value(exercise)
    at.button(key="review_go").click()
    return _run(at, db)


@pytest.fixture(scope="module")
def label(sample_videos: Path) -> dict[str, Any]:
    return json.loads((sample_videos / f"{CLIP}.json").read_text())


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path, model_path: Path) -> dict[str, Any]:
    """The clip uploaded once; analysed as a glute bridge (kept: page state and database)."""
    db = tmp_path_factory.mktemp("review") / "history.sqlite3"
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = _open("review", db)
        at.file_uploader(key="review_upload").set_value((UPLOAD_NAME, (sample_videos / f"{CLIP}.mp4").read_bytes(),
                                                         "video/mp4"))
        _run(at, db)
        _analyse(at, db, "glute_bridge")
        wrong = {"warnings": [w.value for w in at.warning], "success": [s.value for s in at.success],
                 "rows": HistoryStore(db).list_sessions()}
    return {"at": at, "db": db, "wrong": wrong}


def test_wrong_exercise_gets_a_hint_and_never_a_green_no_cues(session: dict[str, Any]) -> None:
    wrong = session["wrong"]
    hints = [w for w in wrong["warnings"] if w.startswith("This clip looks more like Superman")]
    assert len(hints) == 1 and "than Glute bridge (no rep and no hold)" in hints[0], wrong["warnings"]
    assert not any("No form cues" in s for s in wrong["success"])
    assert [(s.exercise, s.reps, s.source) for s in wrong["rows"]] == [("glute_bridge", 0, UPLOAD_NAME)]


@pytest.fixture(scope="module")
def reanalysed(session: dict[str, Any]) -> dict[str, Any]:
    """The same upload analysed again, now as a superman."""
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        _analyse(session["at"], session["db"], "superman")
    return session


def test_reanalysis_replaces_the_history_row(reanalysed: dict[str, Any], label: dict[str, Any]) -> None:
    rows = HistoryStore(reanalysed["db"]).list_sessions()
    true_reps = sum(r["complete"] for r in label["reps"])
    assert [(s.exercise, s.reps, s.source) for s in rows] == [("superman", true_reps, UPLOAD_NAME)]
    assert rows[0].id == reanalysed["wrong"]["rows"][0].id
    at = reanalysed["at"]
    assert not [w.value for w in at.warning if w.value.startswith("This clip looks more like")]


def test_report_json_names_the_clients_file_not_the_upload_copy(reanalysed: dict[str, Any]) -> None:
    run = reanalysed["at"].session_state["review_run"]
    report = json.loads(run.report_json)
    assert report["source"] == UPLOAD_NAME and report["exercise"] == "superman"
    downloads = {d.proto.label for d in reanalysed["at"].get("download_button")}
    assert {"Client report (HTML)", "Report (JSON)", "Reps (CSV)", "Annotated video (MP4)"} <= downloads


def test_a_download_starts_no_rerun(reanalysed: dict[str, Any]) -> None:
    """A rerun per download let a second click, made during the first one's rerun, go astray (the MP4
    never came); the files are all in the page already, so a download needs no rerun."""
    rerunning = [d.proto.label for d in reanalysed["at"].get("download_button") if not d.proto.ignore_rerun]
    assert rerunning == []


def test_clicking_a_rep_or_a_cue_seeks_the_video(reanalysed: dict[str, Any], label: dict[str, Any]) -> None:
    at, db = reanalysed["at"], reanalysed["db"]
    assert at.get("video")[0].proto.start_time == 0
    at.button(key="review-seek-rep-3").click()
    _run(at, db)
    start = at.get("video")[0].proto.start_time
    assert start == math.floor(label["reps"][2]["start"]) or abs(start - label["reps"][2]["start"]) <= 1.0
    assert at.get("video")[0].proto.autoplay
    cue_buttons = [b for b in at.button if b.key and b.key.startswith("review-seek-cue-")]
    faults = label["faults"]
    assert len(cue_buttons) == len(faults)  # one cue per labelled fault, each with its button
    cue_buttons[-1].click()
    _run(at, db)
    start = at.get("video")[0].proto.start_time
    assert faults[-1]["start"] - 1.0 <= start <= faults[-1]["end"]


def test_client_and_notes_are_stored_with_the_session(reanalysed: dict[str, Any]) -> None:
    at, db = reanalysed["at"], reanalysed["db"]
    sid = at.session_state["review_run"].session_id
    at.text_input(key=f"review-client-{sid}").input("Ada Byron")
    at.text_area(key=f"review-notes-{sid}").input("Keep the chin tucked on reps 2 and 4.")
    at.button(key="review-save-notes").click()
    _run(at, db)
    stored = HistoryStore(db).get(sid)
    assert (stored.client, stored.trainer_notes) == ("Ada Byron", "Keep the chin tucked on reps 2 and 4.")
    assert any(s.value == "Saved with the session." for s in at.success)


def test_leaving_the_page_keeps_a_running_analysis(tmp_path: Path, sample_videos: Path, model_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A job started on Review finishes and is saved while another page is open; Review shows it after."""
    import io
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the upload's copy and the video

    from formcheck.app.clip_upload import save_upload
    from formcheck.app.review_job import ReviewJob
    from formcheck.app.settings import load_settings
    from formcheck.spec import list_specs

    db = tmp_path / "history.sqlite3"
    settings = load_settings({"FORMCHECK_DB": str(db), "FORMCHECK_MODEL": str(model_path)})
    data = (sample_videos / f"{CLIP}.mp4").read_bytes()
    clip = save_upload(io.BytesIO(data), "away.mp4", len(data), limit_bytes=len(data))
    job = ReviewJob.start(clip, "superman", settings=settings, names=list_specs())
    at = _open("history", db)
    at.session_state["review_job"] = job
    _run(at, db)
    notes = [i.value for i in at.sidebar.info] + [s.value for s in at.sidebar.success]
    assert any("away.mp4" in n for n in notes), notes
    assert job.wait(RUN_TIMEOUT).done
    assert [s.source for s in HistoryStore(db).list_sessions()] == ["away.mp4"]  # saved with nobody watching
    at.sidebar.radio(key="page").set_value("review")
    _run(at, db)
    assert at.subheader and at.subheader[0].value.startswith("Superman")


def test_a_rep_button_says_when_the_rep_did_not_count() -> None:
    # 11 reps and a partial showed twelve plain "Rep N" buttons beside "11 reps".
    from formcheck.app.clip_view import seek_label
    from formcheck.records.feedback import RepRecord

    counted = RepRecord(index=3, start=5.1, peak=5.3, end=5.6, complete=True)
    partial = RepRecord(index=12, start=17.53, peak=17.9, end=19.07, complete=False, counted=False)
    voided = RepRecord(index=4, start=6.5, peak=6.8, end=7.0, complete=True, counted=False)
    assert [seek_label(r) for r in (counted, partial, voided)] == [
        "Rep 3 · 5.1 s", "Rep 12 (partial) · 17.5 s", "Rep 4 (not counted) · 6.5 s"]
