"""Layer 4a: the Review, Samples and History pages through Streamlit's AppTest.

Real parts: the real pose model on a decoded sample clip, a real SQLite file
(``FORMCHECK_DB`` in tmp_path). Only ``get_this_session_info`` of
streamlit-webrtc is patched, because AppTest has no webrtc runtime.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any
from unittest import mock

import cv2
import numpy as np
import pytest

from formcheck.store.history import HistoryStore
from tests.app_samples import complete_reps, pick_sample

pytestmark = pytest.mark.usefixtures("no_webrtc_runtime")  # AppTest has no webrtc runtime

MAIN = Path(__file__).resolve().parent.parent / "formcheck" / "app" / "main.py"
RUN_TIMEOUT = 240  # seconds: one clip through the real model on 2 shared cores


def open_page(page: str) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=RUN_TIMEOUT)
    at.query_params["page"] = page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: Any, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} on the page; metrics: {[m.label for m in at.metric]}"
    return str(values[0])


def table_with(at: Any, column: str) -> Any:
    """The first dataframe on the page that has ``column``."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a {column!r} column")


def _upload_and_analyse(at: Any, name: str, data: bytes, exercise: str | None) -> Any:
    at.file_uploader(key="review_upload").set_value((name, data, "video/mp4"))
    at.run()
    if exercise is not None:
        at.selectbox(key="review_exercise").set_value(exercise)
    at.button(key="review_go").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path, model_path: Path) -> dict[str, Any]:
    """One sample clip uploaded on the Review page and analysed (shared by the tests below)."""
    import os

    db_path = tmp_path_factory.mktemp("review") / "history.sqlite3"
    clip, label = pick_sample(sample_videos)
    with mock.patch.dict(os.environ, {"FORMCHECK_DB": str(db_path)}), \
            mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = open_page("review")
        _upload_and_analyse(at, clip.name, clip.read_bytes(), label["exercise"])
    return {"at": at, "db": db_path, "clip": clip, "label": label}


@pytest.mark.model
def test_review_shows_the_labelled_rep_count(reviewed: dict[str, Any]) -> None:
    at, label = reviewed["at"], reviewed["label"]
    true_reps = complete_reps(label)
    print(f"\n[review] {reviewed['clip'].name}: label {true_reps} reps, page shows {metric(at, 'Reps')}")
    assert not at.error, [e.value for e in at.error]
    assert metric(at, "Reps") == str(true_reps)
    assert any(re.search(rf": {true_reps} reps?\b", h.value) for h in at.subheader)
    downloads = {d.proto.label for d in at.get("download_button")}
    assert {"Report (JSON)", "Reps (CSV)", "Annotated video (MP4)"} <= downloads


@pytest.mark.model
def test_history_rows_appear_after_a_review_and_survive_reopening(reviewed: dict[str, Any],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db_path: Path = reviewed["db"]
    monkeypatch.setenv("FORMCHECK_DB", str(db_path))
    shown = metric(reviewed["at"], "Reps")
    sessions = HistoryStore(db_path).list_sessions()  # a new connection: the file, not a cache
    assert [(s.kind, s.source, str(s.reps)) for s in sessions] == [("review", reviewed["clip"].name, shown)]
    at = open_page("history")  # a fresh app session reads the same file
    table = table_with(at, "date")
    assert list(table["source"]) == [reviewed["clip"].name] and str(table["reps"].iloc[0]) == shown
    with sqlite3.connect(db_path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.model
def test_history_page_deletes_a_session(reviewed: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite3"  # leave the shared database alone
    with sqlite3.connect(reviewed["db"]) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    monkeypatch.setenv("FORMCHECK_DB", str(copy))
    at = open_page("history")
    first = HistoryStore(copy).list_sessions()[0]
    delete = f"history-delete-{first.kind}"  # each tab has its own session picker and Delete
    assert at.button(key=delete).disabled, "delete must wait for the confirmation box"
    at.checkbox(key=f"history-confirm-{first.id}").check().run()
    at.button(key=delete).click().run()
    assert not at.exception
    assert HistoryStore(copy).list_sessions() == []
    assert any("No sessions yet" in i.value for i in at.info)


@pytest.mark.model
def test_suggest_mode_picks_an_exercise_and_analyses(db: Path, sample_videos: Path, model_path: Path) -> None:
    clip, label = pick_sample(sample_videos)
    at = open_page("review")
    _upload_and_analyse(at, clip.name, clip.read_bytes(), None)  # the default choice: suggest
    from formcheck.spec import load_spec

    labelled = load_spec(label["exercise"]).title
    notes = [i.value for i in at.info if i.value.startswith("Suggested:")]
    print(f"\n[review] suggest on {clip.name} (label {label['exercise']}): {notes}")
    assert len(notes) == 1 and at.subheader, [e.value for e in at.error]
    assert notes[0].startswith(f"Suggested: {labelled}")  # the clean sample of the preferred exercise
    assert at.subheader[0].value.split(":")[0] == labelled
    assert [(s.title, s.reps) for s in HistoryStore(db).list_sessions()] == [(labelled, complete_reps(label))]


def test_text_file_renamed_mp4_shows_an_error_not_a_traceback(db: Path) -> None:
    at = open_page("review")
    _upload_and_analyse(at, "notes.mp4", b"just some text, not a video\n" * 50, None)
    assert not at.exception
    assert [e.value for e in at.error] == ["notes.mp4: this is not a video file (its content is not MP4/MOV, "
                                           "MKV/WebM or AVI)"]
    assert HistoryStore(db).list_sessions() == []


def test_an_upload_that_fails_to_decode_is_named_as_the_user_named_it(db: Path) -> None:
    """The error comes from the analysis of the server's temporary copy; it must name the user's file."""
    at = open_page("review")
    exercise = at.selectbox(key="review_exercise").options[1]
    _upload_and_analyse(at, "my set.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x07" * 5000, exercise)  # MP4 head only
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error == "cannot open my set.mp4 as a video (not a video file, corrupt, or holds no frames)"
    assert HistoryStore(db).list_sessions() == []


def test_empty_and_oversized_uploads_are_refused(db: Path, sample_videos: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("review")
    _upload_and_analyse(at, "empty.mp4", b"", None)
    assert any("empty" in e.value for e in at.error)
    monkeypatch.setenv("FORMCHECK_UPLOAD_MB", "0.01")
    clip = next(sample_videos.glob("*.mp4"))
    at = open_page("review")
    _upload_and_analyse(at, clip.name, clip.read_bytes(), None)
    assert any("over the" in e.value and "FORMCHECK_UPLOAD_MB" in e.value for e in at.error)
    assert not at.exception


@pytest.mark.model
def test_clip_without_a_person_says_so(db: Path, tmp_path: Path, sample_videos: Path) -> None:
    path = tmp_path / "empty_room.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (320, 240))
    rng = np.random.default_rng(0)
    for _ in range(20):  # a grey wall with noise: decodes fine, nobody in it
        writer.write((128 + rng.integers(-10, 10, (240, 320, 3))).astype(np.uint8))
    writer.release()
    at = open_page("review")
    exercise = at.selectbox(key="review_exercise").options[1]
    _upload_and_analyse(at, path.name, path.read_bytes(), exercise)
    assert not at.exception
    assert any("No person was detected" in e.value for e in at.error)
    assert metric(at, "Reps") == "0"


@pytest.mark.model
def test_samples_page_shows_label_next_to_result(db: Path, sample_videos: Path, model_path: Path) -> None:
    clip, label = pick_sample(sample_videos)
    true_reps = complete_reps(label)
    at = open_page("samples")
    at.selectbox(key="sample_clip").set_value(clip.name).run()
    at.button(key="sample_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stored = HistoryStore(db).list_sessions()
    assert [(s.kind, s.source, s.reps) for s in stored] == [("sample", clip.name, true_reps)]
    assert metric(at, "Labelled reps") == str(true_reps)
    assert metric(at, "Found reps") == str(true_reps)  # the clean sample clips count exactly (eval harness)
    assert metric(at, "Count") == "match"
    results = list(table_with(at, "label rep")["result"])
    assert len([r for r in results if not r.startswith("mismatch (extra")]) == len(label["reps"])
    print(f"\n[samples] {clip.name}: label {true_reps}, found {stored[0].reps}, per-rep {results}")
