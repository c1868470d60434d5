"""Layers 1-2: the app's plain-Python parts (settings, upload checks, label comparison,
H.264 re-encoding, the live state shared with the webrtc thread) without a Streamlit runtime.

The live-state tests use a stand-in session to isolate the state's own logic
(locking, set boundaries, timestamps, saving); the real LiveSession runs in
the browser test.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from formcheck.app.clip_tools import (
    browser_mp4,
    check_upload,
    compare_with_label,
    sniff_video,
)
from formcheck.app.live_state import LiveState
from formcheck.app.settings import SettingsError, compile_ice_servers, load_settings
from formcheck.records.errors import StoreError, VideoSourceError
from formcheck.records.feedback import Cue, Feedback, RepRecord, SetSummary
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


# ---------------------------------------------------------------- live state

class StandInSession:
    """Counts a rep every ``every`` frames; records the times it was given."""

    every = 10

    def __init__(self, exercise: str, model_path: Any) -> None:
        self.exercise, self.times, self.closed, self.resets = exercise, [], False, 0

    def process(self, image: np.ndarray, t: float) -> tuple[np.ndarray, Feedback]:
        self.times.append(t)
        return image + 1, Feedback(t=t, phase="start", reps=len(self.times) // self.every)

    def summary(self) -> SetSummary:
        reps = len(self.times) // self.every
        return SetSummary(exercise=self.exercise, title=self.exercise, reps=reps, reps_by_side={}, partial_reps=0,
                          rep_rows=(), holds=(), cues=(), duration_s=self.times[-1] if self.times else 0.0,
                          frames=len(self.times), frames_with_person=len(self.times), score=100)

    def reset(self, exercise: str | None = None) -> None:
        self.exercise, self.times, self.resets = exercise or self.exercise, [], self.resets + 1

    def close(self) -> None:
        self.closed = True


def _state(saved: list[SetSummary], fail: bool = False) -> tuple[LiveState, list[StandInSession]]:
    made: list[StandInSession] = []

    def factory(exercise: str, model_path: Any) -> StandInSession:
        made.append(StandInSession(exercise, model_path))
        return made[-1]

    def save(summary: SetSummary) -> int:
        if fail:
            raise StoreError("disk full")
        saved.append(summary)
        return len(saved)

    return LiveState("glute_bridge", on_set_end=save, session_factory=factory), made


def test_live_state_processes_frames_and_reports_a_snapshot() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    image = np.zeros((4, 4, 3), np.uint8)
    for i in range(25):
        out = state.process(image, 100.0 + i / 10)
    assert int(out[0, 0, 0]) == 1  # the annotated image is returned
    snap = state.snapshot()
    assert snap.frames == 25 and snap.feedback is not None and snap.feedback.reps == 2
    assert made[0].times[0] == 0.0 and made[0].times[-1] == pytest.approx(2.4)  # set-relative frame time


def test_stopping_saves_the_set_once_and_frees_the_model() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    for i in range(30):
        state.process(np.zeros((2, 2, 3), np.uint8), i / 10)
    done = state.stream_ended()
    assert done is not None and done.session_id == 1 and saved[0].reps == 3
    assert made[0].closed
    assert state.end_set("again") is None and len(saved) == 1  # idempotent
    assert [f.summary.reps for f in state.pop_finished()] == [3] and state.pop_finished() == []


def test_switching_exercise_saves_the_previous_set_and_resets_counts() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    for i in range(12):
        state.process(np.zeros((2, 2, 3), np.uint8), i / 10)
    done = state.set_exercise("plank")
    assert done is not None and saved[0].exercise == "glute_bridge" and saved[0].reps == 1
    assert state.snapshot().frames == 0 and state.exercise == "plank" and made[0].exercise == "plank"
    assert state.set_exercise("plank") is None


def test_timestamps_that_jump_back_fall_back_to_the_wall_clock() -> None:
    saved: list[SetSummary] = []
    state, made = _state(saved)
    for t in (5.0, 5.1, 5.2, 1.0, 1.1, 99.0):
        state.process(np.zeros((2, 2, 3), np.uint8), t)
    times = made[0].times
    assert times[:3] == pytest.approx([0.0, 0.1, 0.2])
    assert all(b > a for a, b in zip(times, times[1:]))  # strictly increasing despite the jumps
    assert times[4] - times[3] == pytest.approx(0.1)  # re-anchored on the new timestamps


def test_a_failed_save_is_reported_not_raised() -> None:
    state, _ = _state([], fail=True)
    for i in range(12):
        state.process(np.zeros((2, 2, 3), np.uint8), i / 10)
    done = state.end_set("stop")
    assert done is not None and done.session_id is None and done.save_error == "disk full"


def test_processing_errors_pass_the_frame_through_and_are_shown() -> None:
    from formcheck.records.errors import SpecError

    def factory(exercise: str, model_path: Any) -> Any:
        raise SpecError(f"unknown exercise {exercise!r}")

    state = LiveState("nope", session_factory=factory)
    image = np.full((2, 2, 3), 7, np.uint8)
    assert state.process(image, 0.0) is image
    assert "unknown exercise 'nope'" in (state.snapshot().error or "")


def test_every_frame_lands_in_exactly_one_set_under_concurrent_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StandInSession, "every", 1)  # every frame a rep: no set is too small to keep
    saved: list[SetSummary] = []
    state, _ = _state(saved)
    stop = threading.Event()
    fed = [0]

    def feed() -> None:
        while not stop.is_set():
            state.process(np.zeros((2, 2, 3), np.uint8), fed[0] * 0.01)
            fed[0] += 1

    worker = threading.Thread(target=feed)
    worker.start()
    ends = 0
    for _ in range(100):
        state.snapshot()
        ends += state.end_set("poll") is not None
        time.sleep(0.002)
    stop.set()
    worker.join()
    state.end_set("last")
    assert ends > 1 and fed[0] > 0
    assert sum(s.frames for s in saved) == fed[0]


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


def test_a_stray_moment_without_reps_is_dropped_not_saved() -> None:
    saved: list[SetSummary] = []
    state, _ = _state(saved)
    for i in range(3):  # 0.2 s, no rep: frames that slipped in around STOP
        state.process(np.zeros((2, 2, 3), np.uint8), i / 10)
    assert state.end_set("stop") is None and saved == [] and state.pop_finished() == []
    assert state.snapshot().frames == 0


def test_live_panel_leads_with_reps_or_with_the_hold_timer() -> None:
    from formcheck.app.live_page import panel_html
    from formcheck.app.live_state import LiveSnapshot

    cue = Cue(id="hips_sagging", message="Lift your <hips>", priority=1, start=0.0)
    hold = Feedback(t=5.0, phase="hold", hold_s=3.6, hold_target_s=30.0, cues=(cue,))
    html = panel_html(LiveSnapshot("plank", hold, 50, 11.5, 40.0, 0.1, None), "Plank", "hold")
    assert "data-hold='3.60'>3<" in html and "/ 30 s" in html and "display:none" in html
    assert "Lift your &lt;hips&gt;" in html and "range of motion" not in html  # escaped, no ROM bar
    reps = Feedback(t=5.0, phase="ascent", reps=4, reps_by_side={"left": 2, "right": 2}, rom_fraction=0.5)
    html = panel_html(LiveSnapshot("bird_dog", reps, 50, 11.5, 40.0, 0.1, None), "Bird dog", "reps")
    assert "data-reps='4'>4<" in html and "left 2 · right 2" in html and "width:50%" in html
    assert "data-fps='11.50'" in html
    assert "Waiting for the camera" in panel_html(LiveSnapshot("x", None, 0, 0.0, 0.0, None, None), "X")
