"""Layers 1-2: the app's plain-Python parts (settings, upload checks, label comparison,
H.264 re-encoding, the live state shared with the webrtc thread) without a Streamlit runtime.

The live state has its own file (``test_live_state.py``).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.app.clip_tools import (
    check_upload,
    compare_with_label,
    sniff_video,
)
from formcheck.app.settings import SettingsError, compile_ice_servers, load_settings
from formcheck.records.errors import VideoSourceError
from formcheck.records.feedback import Cue, RepRecord, SetSummary
from formcheck.records.labels import ClipLabel

# ---------------------------------------------------------------- settings


def test_settings_defaults_have_no_ice_servers_and_ask_the_camera_for_30_fps() -> None:
    s = load_settings({})
    assert s.rtc_configuration() == {"iceServers": []}
    assert s.media_constraints()["video"]["frameRate"] == {"ideal": 30, "max": 30}
    assert s.media_constraints()["audio"] is False
    assert s.db_path is None and s.upload_limit_bytes == 200 * 1024 * 1024


def test_settings_read_the_environment(tmp_path: Path) -> None:
    s = load_settings({"FORMCHECK_ICE_SERVERS": '[{"urls": "turn:t.example:3478", "username": "u", '
                                                 '"credential": "p"}]',
                       "FORMCHECK_UPLOAD_MB": "5", "FORMCHECK_CAMERA_FPS": "8",
                       "FORMCHECK_DB": str(tmp_path / "x.db")})
    assert s.rtc_configuration()["iceServers"][0]["urls"] == "turn:t.example:3478"
    assert s.upload_limit_bytes == 5 * 1024 * 1024 and s.camera_fps == 8 and s.db_path == tmp_path / "x.db"


@pytest.mark.parametrize("raw, match", [
    ("not json", "not JSON"),
    ('{"urls": "stun:x"}', "must be a JSON list"),
    ('[{"url": "stun:x"}]', r"FORMCHECK_ICE_SERVERS\[0\].*'urls'"),
])
def test_bad_ice_servers_name_the_variable(raw: str, match: str) -> None:
    with pytest.raises(SettingsError, match=match):
        compile_ice_servers(raw)


@pytest.mark.parametrize("env, match", [
    ({"FORMCHECK_UPLOAD_MB": "lots"}, "FORMCHECK_UPLOAD_MB must be a number"),
    ({"FORMCHECK_CAMERA_FPS": "500"}, "FORMCHECK_CAMERA_FPS must be between"),
])
def test_bad_numbers_name_the_variable(env: dict[str, str], match: str) -> None:
    with pytest.raises(SettingsError, match=match):
        load_settings(env)


# ---------------------------------------------------------------- uploads

def _mp4(path: Path, frames: int = 10, size: tuple[int, int] = (64, 48)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), 20 * i % 255, np.uint8))
    writer.release()
    return path


def test_real_mp4_passes_the_upload_check(tmp_path: Path) -> None:
    data = _mp4(tmp_path / "a.mp4").read_bytes()
    assert sniff_video(data[:16])
    check_upload("a.mp4", len(data), data[:16], limit_bytes=10 * len(data))


@pytest.mark.parametrize("name, data, limit, match", [
    ("clip.mp4", b"", 1000, "empty"),
    ("clip.mp4", b"hello, this is a text file\n" * 10, 10_000, "not a video file"),
    ("clip.txt", b"\x00\x00\x00\x18ftypmp42", 1000, "not a video file type"),
    ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000, 1000, "over the"),
])
def test_bad_uploads_are_refused_with_one_line(name: str, data: bytes, limit: int, match: str) -> None:
    with pytest.raises(VideoSourceError, match=match) as info:
        check_upload(name, len(data), data[:16], limit)
    assert "\n" not in str(info.value) and name in str(info.value)


def test_a_stopped_review_job_ends_at_its_next_step_and_leaves_nothing(tmp_path: Path, sample_videos: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """What the server does to a running analysis when it stops: no History row, no video folder left."""
    import io
    import tempfile

    from formcheck.app.clip_analysis import ClipPose
    from formcheck.app.clip_upload import save_upload
    from formcheck.app.review_job import ReviewJob
    from formcheck.pose.cache import file_sha256
    from formcheck.pose.landmarks_file import load_landmarks
    from formcheck.store.history import HistoryStore

    clip = sample_videos / "glute_bridge_side.mp4"
    frames, meta = load_landmarks(clip.with_suffix(".npz"))  # an earlier pass: no pose model needed
    uploads = tmp_path / "tmp"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    db = tmp_path / "history.sqlite3"
    data = clip.read_bytes()
    upload = save_upload(io.BytesIO(data), "mine.mp4", len(data), limit_bytes=len(data))
    job = ReviewJob.start(upload, "glute_bridge", settings=load_settings({"FORMCHECK_DB": str(db)}),
                          names=["glute_bridge"], landmarks=ClipPose(file_sha256(clip), frames, float(meta["fps"])))
    job.stop()
    status = job.wait(60)
    assert status.done and status.run is None
    assert status.error == "the analysis was stopped (the app is shutting down)"
    assert [p.parent for p in uploads.rglob("*") if p.is_file()] == [upload.folder.path]  # the clip, no video
    upload.delete()
    assert list(uploads.iterdir()) == []
    assert HistoryStore(db).list_sessions() == []


def test_a_fractional_upload_limit_is_named_as_set() -> None:
    """``FORMCHECK_UPLOAD_MB=0.5`` used to read "over the 0 MB limit"."""
    limit = load_settings({"FORMCHECK_UPLOAD_MB": "0.5"}).upload_limit_bytes
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 600_000
    with pytest.raises(VideoSourceError) as info:
        check_upload("clip.mp4", len(data), data[:16], limit)
    assert str(info.value) == ("clip.mp4: 0.572 MB is over the 0.5 MB limit "
                               "(trim the clip, or raise FORMCHECK_UPLOAD_MB)")


# ---------------------------------------------------------------- label comparison

def _summary(reps: list[tuple[float, float]], cues: list[tuple[str, float, float]] = ()) -> SetSummary:  # type: ignore[assignment]
    rows = tuple(RepRecord(index=i + 1, start=a, peak=(a + b) / 2, end=b, complete=True)
                 for i, (a, b) in enumerate(reps))
    return SetSummary(exercise="glute_bridge", title="Glute bridge", reps=len(rows), reps_by_side={},
                      partial_reps=0, rep_rows=rows, holds=(),
                      cues=tuple(Cue(id=c, message=c, priority=1, start=a, end=b) for c, a, b in cues),
                      duration_s=12.0, frames=120, frames_with_person=120, score=90)


def _label(reps: list[tuple[float, float]], faults: list[tuple[str, float, float]] = ()) -> ClipLabel:  # type: ignore[assignment]
    return ClipLabel(clip="c.mp4", exercise="glute_bridge", fps=10, duration_s=12.0,
                     reps=[{"start": a, "top": (a + b) / 2, "end": b} for a, b in reps],
                     faults=[{"id": i, "start": a, "end": b} for i, a, b in faults])


def test_comparison_matches_overlapping_reps_and_flags_extra_and_missed() -> None:
    cmp = compare_with_label(_label([(1, 3), (4, 6), (7, 9)], [("hips_low", 4, 6)]),
                             _summary([(1.2, 3.1), (7.1, 8.8), (10, 11.5)], [("hips_low", 5, 5.5), ("too_fast", 10, 11)]))
    assert (cmp.true_reps, cmp.found_reps, cmp.count_match) == (3, 3, True)
    assert list(cmp.reps["result"]) == ["match", "mismatch", "match", "mismatch (extra rep)"]
    assert list(cmp.faults["result"]) == ["match", "mismatch (cue at 10.0-11.0 s)"]


# ---------------------------------------------------------------- the `formcheck app` command

def test_app_command_refuses_an_unusable_db_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["app", "--db", str(blocker / "h.sqlite3")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("formcheck: error: cannot create the history folder") and "\n" not in err


def test_app_command_refuses_bad_settings_and_ports(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    monkeypatch.setenv("FORMCHECK_ICE_SERVERS", "[oops")
    assert main(["app"]) == 1
    assert "FORMCHECK_ICE_SERVERS is not JSON" in capsys.readouterr().err
    assert main(["app", "--port", "70000"]) == 2  # a usage error: argparse's exit code, returned
    assert "must be a port number" in capsys.readouterr().err


def test_streamlit_command_is_headless_without_telemetry_or_file_watcher() -> None:
    from formcheck.cli.app import entry_file, streamlit_command

    cmd = streamlit_command(8600, "127.0.0.1", max_upload_mb=300)
    flags = dict(zip(cmd[5::2], cmd[6::2]))
    assert cmd[1:5] == ["-m", "formcheck.cli.app_server", "run", str(entry_file())] and entry_file().is_file()
    assert flags["--server.headless"] == "true" and flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.fileWatcherType"] == "none" and flags["--server.port"] == "8600"
    assert flags["--server.maxUploadSize"] == "300"


def test_the_server_runs_no_full_garbage_collection_after_each_page_run() -> None:
    """Streamlit's ``gc.collect(2)`` after every run took 50-170 ms of CPU over the app's heap, GIL held:
    100 sessions opening the page waited ~13 s for their first run (benchmarks/app_sessions_bench.py)."""
    from formcheck.cli.app import streamlit_command

    cmd = streamlit_command(8600, "127.0.0.1")
    assert dict(zip(cmd[5::2], cmd[6::2]))["--runner.postScriptGC"] == "false"


def test_app_command_needs_both_tls_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main
    from formcheck.cli.app import streamlit_command

    assert main(["app", "--cert", str(tmp_path / "c.pem")]) == 1
    assert "--cert and --key go together" in capsys.readouterr().err
    assert main(["app", "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem")]) == 1
    assert "TLS file not found" in capsys.readouterr().err
    cmd = streamlit_command(8600, "0.0.0.0", tls=(tmp_path / "c.pem", tmp_path / "k.pem"))
    assert cmd[cmd.index("--server.sslCertFile") + 1] == str(tmp_path / "c.pem")


# ---------------------------------------------------------------- an upload kept on disk, turns for analyses

class _Recording:
    """A read-only stream over ``data`` that remembers how much each ``read`` asked for."""

    def __init__(self, data: bytes) -> None:
        import io

        self._stream = io.BytesIO(data)
        self.asked: list[int] = []

    def read(self, n: int = -1) -> bytes:
        self.asked.append(n)
        return self._stream.read(n)


def test_an_upload_is_copied_in_blocks_and_a_bad_one_leaves_nothing(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from formcheck.app.clip_upload import BLOCK, save_upload

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = _mp4(tmp_path / "src.mp4", frames=60, size=(320, 240)).read_bytes() + b"\0" * (3 * BLOCK)
    stream = _Recording(data)
    clip = save_upload(stream, "Set 1.MP4", len(data), limit_bytes=len(data))  # type: ignore[arg-type]
    assert clip.path.read_bytes() == data and clip.path.suffix == ".mp4" and clip.name == "Set 1.MP4"
    assert stream.asked and all(0 < n <= BLOCK for n in stream.asked)  # never the whole upload at once
    clip.delete()
    text = _Recording(b"a text file, not a video\n" * 100)
    with pytest.raises(VideoSourceError, match="not a video file"):
        save_upload(text, "notes.mp4", 2500, limit_bytes=10_000)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src.mp4"]


def test_analyses_take_turns_in_arrival_order_and_each_is_told_its_place() -> None:
    import threading
    import time

    from formcheck.app.review_queue import TurnQueue

    turns = TurnQueue()
    started: list[str] = []
    places: dict[str, list[int]] = {"b": [], "c": []}
    release = threading.Event()

    def analysis(name: str) -> None:
        with turns.turn(name, slots=1, on_wait=places.get(name, []).append):
            started.append(name)
            if name == "a":
                release.wait(10)

    threads = {}
    for name in "abc":  # a takes the slot, then b and c queue in that order
        threads[name] = threading.Thread(target=analysis, args=(name,))
        threads[name].start()
        deadline = time.monotonic() + 5
        while (name == "a" and not started) or (name != "a" and not places[name]):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    assert (turns.ahead("b"), turns.ahead("c"), started) == (1, 2, ["a"])
    release.set()
    for thread in threads.values():
        thread.join(10)
    assert started == ["a", "b", "c"] and turns.running == 0
    assert set(places["b"]) == {1} and places["c"][0] == 2 and min(places["c"]) >= 1


def test_a_stopped_analysis_leaves_the_queue_and_the_next_moves_up() -> None:
    import threading

    from formcheck.app.review_queue import TurnQueue

    turns = TurnQueue()
    places: list[int] = []

    class StoppedError(Exception):
        pass

    def stop(ahead: int) -> None:
        places.append(ahead)
        raise StoppedError

    with turns.turn("a", slots=1):
        with pytest.raises(StoppedError):
            with turns.turn("b", slots=1, on_wait=stop):
                pass
        assert places == [1] and turns.ahead("b") == 0 and turns.running == 1
    ran: list[str] = []

    def next_one() -> None:
        with turns.turn("c", slots=1):
            ran.append("c")

    later = threading.Thread(target=next_one, daemon=True)  # b still at the head would block it for ever
    later.start()
    later.join(5)
    assert ran == ["c"] and turns.running == 0


def test_the_number_of_analyses_at_once_is_read_and_checked() -> None:
    from formcheck.app.settings import default_review_slots

    assert load_settings({}).review_slots == default_review_slots() >= 1
    assert load_settings({"FORMCHECK_REVIEWS": "3"}).review_slots == 3
    with pytest.raises(SettingsError, match="FORMCHECK_REVIEWS must be between 1 and 64"):
        load_settings({"FORMCHECK_REVIEWS": "0"})


def test_a_scratch_folder_in_use_is_removed_when_its_last_use_ends(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from formcheck.app.scratch import ScratchFolder

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = ScratchFolder("formcheck-test-")
    (folder.path / "clip.mp4").write_bytes(b"x")
    with folder.in_use(), folder.in_use():  # an analysis reads the clip while its tab lets it go
        folder.cleanup()
        assert (folder.path / "clip.mp4").is_file()
    assert not folder.path.exists() and folder.removed
    dropped = ScratchFolder("formcheck-test-")
    path = dropped.path
    del dropped  # nobody holds it any more
    assert not path.exists()


def test_session_folders_go_once_their_session_is_gone_past_the_grace(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from formcheck.app.scratch import ScratchFolder, SessionFolders

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    now = [0.0]
    connected = {"open-tab"}
    kept = SessionFolders(connected.__contains__, grace_s=100, clock=lambda: now[0])
    open_tab, closed_tab = ScratchFolder("formcheck-open-"), ScratchFolder("formcheck-closed-")
    kept.keep("open-tab", open_tab)
    kept.keep("closed-tab", closed_tab)
    now[0] = 99
    assert kept.sweep() == 0 and closed_tab.path.exists()  # it may still reconnect
    now[0] = 101
    assert kept.sweep() == 1 and not closed_tab.path.exists() and open_tab.path.exists()
    connected.clear()  # the open tab closes now: last seen connected at 101
    now[0] = 200
    assert kept.sweep() == 0 and open_tab.path.exists()
    now[0] = 202
    assert kept.sweep() == 1 and not open_tab.path.exists() and len(kept) == 0


def test_the_catalogue_follows_the_spec_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept between page runs, the catalogue still sees a spec added or broken (after STAMP_TTL_S)."""
    import shutil

    import formcheck.spec.loader as loader
    from formcheck.app import catalogue as catalogue_module

    built_in = loader.SPECS_DIR
    for name in ("glute_bridge", "plank"):
        shutil.copy(built_in / f"{name}.yaml", tmp_path)
    monkeypatch.setattr(loader, "SPECS_DIR", tmp_path)
    monkeypatch.setattr(catalogue_module, "STAMP_TTL_S", 0.0)
    first = catalogue_module.catalogue()
    assert list(first.titles) == ["glute_bridge", "plank"] and first.broken == ()
    assert catalogue_module.catalogue() is first  # nothing changed: nothing loaded again
    shutil.copy(built_in / "superman.yaml", tmp_path)
    (tmp_path / "plank.yaml").write_text("name: plank\ntitle: [not, a, title\n")
    later = catalogue_module.catalogue()
    assert list(later.titles) == ["glute_bridge", "superman"] and [name for name, _ in later.broken] == ["plank"]
