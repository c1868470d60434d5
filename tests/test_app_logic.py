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
    browser_mp4,
    check_upload,
    compare_with_label,
    sniff_video,
)
from formcheck.app.settings import SettingsError, compile_ice_servers, load_settings
from formcheck.records.errors import VideoSourceError
from formcheck.records.feedback import Cue, RepRecord, SetSummary
from formcheck.records.labels import ClipLabel

# ---------------------------------------------------------------- settings


def test_settings_defaults_have_no_ice_servers_and_a_camera_cap() -> None:
    s = load_settings({})
    assert s.rtc_configuration() == {"iceServers": []}
    assert s.media_constraints()["video"]["frameRate"]["max"] == 12
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
    check_upload("a.mp4", data, limit_bytes=10 * len(data))


@pytest.mark.parametrize("name, data, limit, match", [
    ("clip.mp4", b"", 1000, "empty"),
    ("clip.mp4", b"hello, this is a text file\n" * 10, 10_000, "not a video file"),
    ("clip.txt", b"\x00\x00\x00\x18ftypmp42", 1000, "not a video file type"),
    ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000, 1000, "over the"),
])
def test_bad_uploads_are_refused_with_one_line(name: str, data: bytes, limit: int, match: str) -> None:
    with pytest.raises(VideoSourceError, match=match) as info:
        check_upload(name, data, limit)
    assert "\n" not in str(info.value) and name in str(info.value)


def test_a_stopped_review_job_ends_at_its_next_step_and_leaves_nothing(tmp_path: Path, sample_videos: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """What the server does to a running analysis when it stops: no History row, no upload copy left."""
    import tempfile

    from formcheck.app.clip_analysis import ClipPose
    from formcheck.app.review_job import ReviewJob
    from formcheck.pose.cache import file_sha256
    from formcheck.pose.landmarks_file import load_landmarks
    from formcheck.sinks.store import HistoryStore

    clip = sample_videos / "glute_bridge_side.mp4"
    frames, meta = load_landmarks(clip.with_suffix(".npz"))  # an earlier pass: no pose model needed
    uploads = tmp_path / "tmp"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    db = tmp_path / "history.sqlite3"
    job = ReviewJob.start(clip.read_bytes(), "mine.mp4", "glute_bridge", settings=load_settings({"FORMCHECK_DB": str(db)}),
                          names=["glute_bridge"], landmarks=ClipPose(file_sha256(clip), frames, float(meta["fps"])))
    job.stop()
    status = job.wait(60)
    assert status.done and status.run is None
    assert status.error == "the analysis was stopped (the app is shutting down)"
    assert list(uploads.iterdir()) == []
    assert HistoryStore(db).list_sessions() == []


def test_a_fractional_upload_limit_is_named_as_set() -> None:
    """``FORMCHECK_UPLOAD_MB=0.5`` used to read "over the 0 MB limit"."""
    limit = load_settings({"FORMCHECK_UPLOAD_MB": "0.5"}).upload_limit_bytes
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 600_000
    with pytest.raises(VideoSourceError) as info:
        check_upload("clip.mp4", data, limit)
    assert str(info.value) == ("clip.mp4: 0.572 MB is over the 0.5 MB limit "
                               "(trim the clip, or raise FORMCHECK_UPLOAD_MB)")


def test_browser_mp4_reencodes_mp4v_to_h264_with_the_same_frames(tmp_path: Path) -> None:
    import av

    out = browser_mp4(_mp4(tmp_path / "a.mp4", frames=25, size=(65, 49)), tmp_path / "b.mp4")
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (64, 48)
        assert sum(1 for _ in c.decode(stream)) == 25


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
    with pytest.raises(SystemExit) as info:
        main(["app", "--port", "70000"])
    assert info.value.code == 2 and "must be a port number" in capsys.readouterr().err


def test_streamlit_command_is_headless_without_telemetry_or_file_watcher() -> None:
    from formcheck.cli.app import entry_file, streamlit_command

    cmd = streamlit_command(8600, "127.0.0.1", max_upload_mb=300)
    flags = dict(zip(cmd[5::2], cmd[6::2]))
    assert cmd[1:5] == ["-m", "streamlit", "run", str(entry_file())] and entry_file().is_file()
    assert flags["--server.headless"] == "true" and flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.fileWatcherType"] == "none" and flags["--server.port"] == "8600"
    assert flags["--server.maxUploadSize"] == "300"


def test_app_command_needs_both_tls_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main
    from formcheck.cli.app import streamlit_command

    assert main(["app", "--cert", str(tmp_path / "c.pem")]) == 1
    assert "--cert and --key go together" in capsys.readouterr().err
    assert main(["app", "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem")]) == 1
    assert "TLS file not found" in capsys.readouterr().err
    cmd = streamlit_command(8600, "0.0.0.0", tls=(tmp_path / "c.pem", tmp_path / "k.pem"))
    assert cmd[cmd.index("--server.sslCertFile") + 1] == str(tmp_path / "c.pem")
