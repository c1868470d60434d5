"""Layer 3: the real ``formcheck`` command in child processes, under bad conditions.

A full disk (``RLIMIT_FSIZE``: writes fail with ``EFBIG``), a full stdout
(``/dev/full``), a reader that stops early (``| head -1``), ``kill -TERM``
mid-run, and the console noise of the native libraries. Each run must end with
one ``formcheck: error:`` line (or success), no half-written or temp file, and
no empty folder it created.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.pose.landmarks_file import load_landmarks, save_landmarks
from formcheck.records.frame import PoseFrame
from tests.helpers import cli_env, cut_off_copy, run_cli, write_npz, write_video

SAMPLE = "glute_bridge_side"


def _sample(sample_videos: Path, suffix: str) -> Path:
    path = sample_videos / f"{SAMPLE}{suffix}"
    if not path.is_file():
        pytest.skip(f"{path.name} not in sample_videos/")
    return path


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("formcheck: error: "), stderr[-2000:]
    assert "Traceback" not in stderr
    return lines[0]


def _everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- item 2: a full disk -------------------------------------------------------------------

def test_full_disk_while_writing_the_report_leaves_nothing(tmp_path: Path, sample_videos: Path) -> None:
    npz = _sample(sample_videos, ".npz")
    out = tmp_path / "new" / "out"
    proc = run_cli(["analyze", str(npz), "-e", "glute_bridge", "--out", str(out)], file_size_limit=4_000)
    assert proc.returncode == 1
    assert "disk full or file size limit" in _one_error_line(proc.stderr)
    assert _everything_under(tmp_path) == []  # no report, no temp file, no folder it created


@pytest.mark.model
def test_full_disk_while_writing_the_video_leaves_no_broken_mp4(tmp_path: Path, sample_videos: Path,
                                                                 model_path: Path) -> None:
    video = _sample(sample_videos, ".mp4")
    out = tmp_path / "out"
    out.mkdir()
    (out / "annotated.mp4").write_bytes(b"the previous, complete video")
    proc = run_cli(["analyze", str(video), "-e", "glute_bridge", "--out", str(out), "--no-progress",
                    "--model", str(model_path)], file_size_limit=150_000)
    assert proc.returncode == 1
    assert "annotated.mp4" in _one_error_line(proc.stderr)
    assert _everything_under(out) == ["annotated.mp4"]  # no temp file, no report of a failed run
    assert (out / "annotated.mp4").read_bytes() == b"the previous, complete video"


@pytest.mark.model
def test_kill_term_mid_run_removes_temp_files_and_the_new_folder(tmp_path: Path, sample_videos: Path,
                                                                 model_path: Path) -> None:
    video = _sample(sample_videos, ".mp4")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "analyze", str(video), "-e", "glute_bridge",
                             "--out", str(out), "--no-progress", "--model", str(model_path)],
                            env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".annotated.mp4.*")):  # the video is being written
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.strip().endswith("formcheck: terminated by SIGTERM") and "Traceback" not in err
    assert _everything_under(tmp_path) == []


# -- item 3 and 5: standard output closed early or full ----------------------------------------

@pytest.mark.model
def test_pose_json_into_head_still_writes_the_file(tmp_path: Path, model_path: Path,
                                                   sample_or_real_frame: np.ndarray) -> None:
    frame = sample_or_real_frame
    h, w = frame.shape[:2]
    clip = write_video(tmp_path / "person.mp4", frames=20, size=(w, h), fps=10,
                       painter=lambda i: np.roll(frame, i, axis=1))
    out = tmp_path / "x.npz"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "pose", str(clip), "--json", "-o", str(out),
                             "--model", str(model_path)], env=cli_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    first = json.loads(proc.stdout.readline())  # `| head -1`: one line, then the pipe closes
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert first["index"] == 0
    frames, _ = load_landmarks(out)
    assert len(frames) == 20
    assert not list(tmp_path.glob(".x.npz.*"))


def test_analyze_json_into_a_full_stdout_is_one_line_and_keeps_the_files(tmp_path: Path,
                                                                         sample_videos: Path) -> None:
    npz = _sample(sample_videos, ".npz")
    out = tmp_path / "out"
    with open("/dev/full", "w") as full:
        proc = run_cli(["analyze", str(npz), "-e", "glute_bridge", "--out", str(out), "--json"], stdout=full)
    assert proc.returncode == 1
    assert "cannot write to standard output: No space left on device" in _one_error_line(proc.stderr)
    assert json.loads((out / "report.json").read_text())["exercise"] == "glute_bridge"


@pytest.mark.parametrize("args", [["--help"], ["analyze", "--help"], ["--version"], []],
                         ids=["help", "analyze-help", "version", "no-command"])
def test_help_into_a_full_stdout_is_one_error_line(args: list[str]) -> None:
    """argparse ignores a failed write of its help: it exited 0 with nothing shown (found by the probe)."""
    for unbuffered in ("", "1"):
        with open("/dev/full", "w") as full:
            proc = run_cli(args, stdout=full, timeout=60, PYTHONUNBUFFERED=unbuffered)
        assert proc.returncode == 1
        assert "cannot write to standard output: No space left on device" in _one_error_line(proc.stderr)


# -- item 7: console noise ---------------------------------------------------------------------

@pytest.mark.model
def test_a_run_prints_only_formchecks_own_lines_unless_verbose(tmp_path: Path, sample_videos: Path,
                                                               model_path: Path) -> None:
    video = _sample(sample_videos, ".mp4")
    common = ["analyze", str(video), "-e", "glute_bridge", "--no-progress", "--no-video", "--model", str(model_path)]
    quiet = run_cli([*common, "--out", str(tmp_path / "q")])
    verbose = run_cli([*common, "--out", str(tmp_path / "v"), "--verbose"])
    assert quiet.returncode == 0 and verbose.returncode == 0
    print(f"\n[noise] stderr lines: quiet {len(quiet.stderr.splitlines())}, "
          f"--verbose {len(verbose.stderr.splitlines())}")
    assert quiet.stderr == ""
    assert len(verbose.stderr.splitlines()) >= 5  # the libraries' lines are there to hide
    assert "reps:" in quiet.stdout


def test_a_broken_video_says_one_line_without_ffmpeg_chatter(tmp_path: Path, sample_videos: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(_sample(sample_videos, ".mp4").read_bytes()[:5000])  # no moov atom
    proc = run_cli(["analyze", str(broken), "-e", "glute_bridge", "--out", str(tmp_path / "o")])
    assert proc.returncode == 1
    assert "broken.mp4" in _one_error_line(proc.stderr)
    assert not (tmp_path / "o").exists()


@pytest.mark.model
def test_a_clip_cut_off_part_way_is_analysed_with_a_note_in_its_report(tmp_path: Path, sample_videos: Path,
                                                                     model_path: Path) -> None:
    cut = cut_off_copy(_sample(sample_videos, ".mp4"), tmp_path / "cut.mp4", keep=0.45)
    out = tmp_path / "out"
    proc = run_cli(["analyze", str(cut), "-e", "glute_bridge", "--out", str(out), "--no-progress", "--no-video",
                    "--model", str(model_path)], timeout=180)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text())
    (note,) = [n for n in report["notes"] if n.startswith("the video ended early: ")]
    decoded, listed = (int(w) for w in note.split(": ")[1].split(" frames")[0].split(" of "))
    assert listed == 198 and decoded == report["frames"] < 0.6 * listed
    assert "ended early" in proc.stdout  # the summary printed says so too


# -- item 5: one line instead of a traceback -------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["pose", "{clip}", "-o", "{tmp}/x.npz", "--max-seconds", "-1"], "--max-seconds must be a positive"),
    (["pose", "{clip}", "-o", "{tmp}/x.npz", "--max-seconds", "nan"], "--max-seconds must be a positive"),
    (["synth", "plank", "--hold", "inf", "--landmarks-only", "-o", "{tmp}/p.npz"], "hold must be 0-600"),
    (["synth", "plank", "--hold", "nan", "--landmarks-only", "-o", "{tmp}/p.npz"], "hold must be 0-600"),
    (["synth", "plank", "--hold", "1e7", "--landmarks-only", "-o", "{tmp}/p.npz"], "hold must be 0-600"),
    (["synth", "squat_x", "--landmarks-only", "-o", "{tmp}/p.npz"], "unknown exercise"),
    (["synth", "superman", "--camera-distance", "0", "-o", "{tmp}/s.mp4"], "--camera-distance must be between"),
    (["synth", "superman", "--camera-distance", "-3", "-o", "{tmp}/s.mp4"], "--camera-distance must be between"),
    (["synth", "superman", "--camera-yaw", "nan", "-o", "{tmp}/s.mp4"], "--camera-yaw must be between"),
    (["synth", "superman", "--jitter", "1e9", "--landmarks-only", "-o", "{tmp}/s.npz"], "--jitter must be between"),
    (["synth", "superman", "--fault", "neck_cranked", "--fault-reps", "9", "--landmarks-only",
      "-o", "{tmp}/s.npz"], "fault reps must be 0-based rep numbers 0-3"),
    (["synth", "superman", "--fault-reps", "1", "--landmarks-only", "-o", "{tmp}/s.npz"], "add --fault ID"),
    (["eval", "{samples}", "--cache", "{tmp}/a_file"], "is a file, not a folder"),
    (["synth", "superman", "--seed", "-1", "--landmarks-only", "-o", "{tmp}/s.npz"], "--seed must be a whole number"),
    (["live", "-e", "plank", "--camera", "-1"], "no webcam at index -1: camera indices are 0 to 99"),
    (["live", "-e", "plank", "--camera", "9" * 30], "no webcam at index 999999999999...: camera indices"),
    (["pose", "9" * 30, "-o", "{tmp}/p.npz"], "no webcam at index 999999999999...: camera indices"),
], ids=["max-seconds-negative", "max-seconds-nan", "hold-inf", "hold-nan", "hold-1e7", "unknown", "distance-0",
        "distance-negative", "yaw-nan", "jitter-huge", "fault-reps-outside", "fault-reps-no-fault",
        "eval-cache-file", "seed-negative", "camera-negative", "camera-30-digits", "pose-camera-30-digits"])
def test_bad_option_values_are_one_line(tmp_path: Path, sample_videos: Path, args: list[str], needle: str) -> None:
    """In a child with 2 GB of address space: before, ``--hold 1e7`` grew without bound."""
    (tmp_path / "a_file").write_text("not a folder")
    clip = write_video(tmp_path / "c.mp4", frames=3)
    argv = [a.format(tmp=tmp_path, clip=clip, samples=sample_videos) for a in args]
    proc = run_cli(argv, timeout=60, memory_limit=2_000_000_000)  # refused before any heavy work
    assert proc.returncode == 1
    assert needle in _one_error_line(proc.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "c.mp4"]


@pytest.mark.slow  # about 4 s: 1.2 GB of zeros to compress
def test_a_landmarks_file_that_expands_to_gigabytes_is_refused_from_its_headers(tmp_path: Path) -> None:
    """3,000,000 rows of zeros (1.2 GB) compress to a few MB; before, loading expanded them (a traceback here)."""
    with np.load(save_landmarks(tmp_path / "one.npz", [PoseFrame.empty(t=0.0, image_wh=(64, 48))])) as data:
        arrays = {k: data[k] for k in data.files}
    bomb = write_npz(tmp_path / "bomb.npz", {**arrays, "image": ((3_000_000, 33, 3), "f4")})
    assert bomb.stat().st_size < 10_000_000
    started = time.monotonic()
    # One OpenBLAS thread: its per-thread buffers would otherwise take most of 600 MB of address space.
    proc = run_cli(["analyze", str(bomb), "-e", "plank", "--out", str(tmp_path / "o")], cwd=tmp_path, timeout=60,
                   memory_limit=600_000_000, OPENBLAS_NUM_THREADS="1")
    assert proc.returncode == 1
    line = _one_error_line(proc.stderr)
    assert "bomb.npz is damaged: its arrays disagree on the number of frames" in line and "image 3000000" in line
    assert time.monotonic() - started < 20
    assert not (tmp_path / "o").exists()


def test_eval_with_a_read_only_cache_fails_before_the_pose_step(tmp_path: Path, read_only_mounts: None,
                                                                sample_videos: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    started = time.monotonic()
    proc = run_cli(["eval", str(sample_videos), "--cache", str(cache), "--model", "/nonexistent.task"],
                   read_only=(cache,))
    assert proc.returncode == 1
    assert "cannot write" in _one_error_line(proc.stderr) and str(cache) in proc.stderr
    assert time.monotonic() - started < 60


# -- issue 23: inputs the user may not read -------------------------------------------------

def _unreadable(tmp_path: Path, sample_videos: Path, suffix: str = ".mp4") -> Path:
    """A copy of the sample clip with mode 000 (the child obeys it: ``run_cli(obey_permissions=True)``)."""
    clip = tmp_path / f"locked{suffix}"
    clip.write_bytes(_sample(sample_videos, suffix).read_bytes())
    clip.chmod(0)
    return clip


def _behind_a_locked_folder(tmp_path: Path, sample_videos: Path, suffix: str) -> Path:
    """A copy of the sample clip inside a folder without search (x) permission."""
    folder = tmp_path / "locked"
    folder.mkdir()
    clip = folder / f"{SAMPLE}{suffix}"
    clip.write_bytes(_sample(sample_videos, suffix).read_bytes())
    folder.chmod(0o600)
    return clip


@pytest.mark.parametrize("command", [["analyze", "{clip}", "-e", "glute_bridge", "--out", "{tmp}/o"],
                                     ["pose", "{clip}", "-o", "{tmp}/o.npz"]], ids=["analyze", "pose"])
def test_an_unreadable_video_is_one_line_naming_it(tmp_path: Path, sample_videos: Path, permissions_obeyed: None,
                                                   command: list[str]) -> None:
    clip = _unreadable(tmp_path, sample_videos)
    proc = run_cli([a.format(clip=clip, tmp=tmp_path) for a in command], timeout=60, obey_permissions=True)
    assert proc.returncode == 1
    assert f"cannot read {clip}: permission denied" in _one_error_line(proc.stderr)
    assert [p.name for p in tmp_path.iterdir()] == ["locked.mp4"]


@pytest.mark.parametrize("suffix", [".mp4", ".npz"])
def test_an_input_in_a_folder_without_search_permission_is_one_line(tmp_path: Path, sample_videos: Path,
                                                                   permissions_obeyed: None, suffix: str) -> None:
    clip = _behind_a_locked_folder(tmp_path, sample_videos, suffix)
    proc = run_cli(["analyze", str(clip), "-e", "glute_bridge", "--out", str(tmp_path / "o")], timeout=60,
                   obey_permissions=True)
    assert proc.returncode == 1
    assert f"cannot read {clip}: permission denied" in _one_error_line(proc.stderr)
    assert not (tmp_path / "o").exists()


def test_batch_lists_an_unreadable_clip_as_an_error_row_without_a_retry(tmp_path: Path, sample_videos: Path,
                                                                        model_path: Path,
                                                                        permissions_obeyed: None) -> None:
    """A clip the user may not read is the user's problem, not a worker crash: no second try."""
    clips = tmp_path / "clips"
    clips.mkdir()
    clip = _unreadable(clips, sample_videos)
    out = tmp_path / "out"
    proc = run_cli(["batch", str(clips), "-e", "glute_bridge", "-o", str(out), "--no-progress",
                    "--model", str(model_path)], timeout=120, obey_permissions=True)
    assert proc.returncode == 0, proc.stderr
    with open(out / "summary.csv", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["status"] == "error"
    assert row["error"].startswith(f"cannot read {clip}: permission denied"), row["error"]  # not "failed twice"


# -- issue 23: a model cache that cannot be written ------------------------------------------

#: The child's cache follows HOME: the variables the session points into its temp folder are emptied.
_CACHE_FROM_HOME = {"FORMCHECK_CACHE_DIR": "", "XDG_CACHE_HOME": "", "MPLCONFIGDIR": ""}


def _read_only_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    return home


@pytest.mark.parametrize("command", [["model", "path"], ["analyze", "{clip}", "-e", "glute_bridge", "-o", "{tmp}/o"]],
                         ids=["model-path", "analyze"])
@pytest.mark.parametrize("cache", ["a-file", "read-only-home"])
def test_an_unwritable_model_cache_is_one_line_saying_what_to_set(tmp_path: Path, sample_videos: Path,
                                                                  permissions_obeyed: None, command: list[str],
                                                                  cache: str) -> None:
    """No model yet and nowhere to build one: one line naming the variables to set, before any pip download."""
    if cache == "a-file":
        (tmp_path / "cache").write_text("a file where the cache folder should be")
        env = {"FORMCHECK_CACHE_DIR": str(tmp_path / "cache")}
    else:
        env = {**_CACHE_FROM_HOME, "HOME": str(_read_only_home(tmp_path))}
    before = sorted(p.name for p in tmp_path.iterdir())
    clip = _sample(sample_videos, ".mp4")
    proc = run_cli([a.format(clip=clip, tmp=tmp_path) for a in command], timeout=60, obey_permissions=True, **env)
    assert proc.returncode == 1
    line = _one_error_line(proc.stderr)
    assert "model cache" in line and "set FORMCHECK_CACHE_DIR" in line and "FORMCHECK_MODEL" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output folder left behind


@pytest.mark.model
def test_a_read_only_home_with_formcheck_model_set_analyses_without_a_warning(
        tmp_path: Path, sample_videos: Path, model_path: Path, permissions_obeyed: None) -> None:
    """The model given, nothing needs the cache: matplotlib's "created a temporary cache" lines stay away."""
    env = {**_CACHE_FROM_HOME, "HOME": str(_read_only_home(tmp_path)), "FORMCHECK_MODEL": str(model_path)}
    proc = run_cli(["analyze", str(_sample(sample_videos, ".mp4")), "-e", "glute_bridge", "-o", str(tmp_path / "o"),
                    "--no-progress", "--no-video"], timeout=120, obey_permissions=True, **env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert (tmp_path / "o" / "report.json").is_file()


def test_pose_into_a_read_only_folder_fails_before_the_model_is_looked_for(tmp_path: Path, read_only_mounts: None,
                                                                          sample_videos: Path) -> None:
    """``--model`` names no file: only a check made before the pose step can give the write error."""
    out = tmp_path / "out"
    out.mkdir()
    proc = run_cli(["pose", str(_sample(sample_videos, ".mp4")), "-o", str(out / "x.npz"), "--model",
                    "/nonexistent.task"], timeout=60, read_only=(out,))
    assert proc.returncode == 1
    assert f"cannot write {out / 'x.npz'}" in _one_error_line(proc.stderr)
    assert list(out.iterdir()) == []


# -- item 6: --out with missing parents --------------------------------------------------------

def test_out_with_missing_parents_is_created(tmp_path: Path, sample_videos: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    npz = _sample(sample_videos, ".npz")
    out = tmp_path / "a" / "b" / "c"
    assert main(["analyze", str(npz), "-e", "glute_bridge", "--out", str(out)]) == 0
    assert json.loads((out / "report.json").read_text())["frames"] > 0
    assert "wrote" in capsys.readouterr().out


def test_analyze_failure_leaves_no_folder_it_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    assert main(["analyze", str(text), "-e", "glute_bridge", "--out", str(tmp_path / "x" / "y"),
                 "--no-progress"]) == 1
    assert "notes.mp4" in _one_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.mp4"]


def test_a_photo_given_as_the_clip_is_one_line_and_writes_nothing(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A photo given as the clip: one line, nothing written (guards the refusal order of analyze)."""
    from formcheck.cli import main

    photo = tmp_path / "me.png"
    cv2.imwrite(str(photo), np.zeros((40, 40, 3), np.uint8))
    assert main(["analyze", str(photo), "-e", "plank", "--out", str(tmp_path / "o"), "--no-progress"]) == 1
    assert "still image" in _one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX only")
def test_signals_inside_main_are_restored_afterwards(capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    before = signal.getsignal(signal.SIGTERM)
    assert main(["specs", "list"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
    assert "glute_bridge" in capsys.readouterr().out


def test_ctrl_c_while_the_commands_import_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl+C before the CLI's signal handling is up (building the parser imports every command)."""
    import formcheck.cli as cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["specs", "list"]) == 130
    assert capsys.readouterr().err == "formcheck: interrupted\n"


def test_sigint_at_any_moment_of_start_up_prints_no_traceback(tmp_path: Path) -> None:
    """Found by the reliability probe: SIGINT 1 s into ``analyze`` (still importing) printed a traceback."""
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.3):
        proc = subprocess.Popen([sys.executable, "-m", "formcheck", "specs", "list"], env=cli_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, (delay, err[-1500:])
        assert proc.returncode in (0, 130, -signal.SIGINT), (delay, proc.returncode, err[-500:])


@pytest.mark.parametrize("terminating", [False, True])
def test_objects_a_signal_left_half_built_fail_quietly_once_terminating(terminating: bool) -> None:
    # A signal can land inside a constructor (MediaPipe's Image): the half-built object fails in its
    # destructor when freed, after "formcheck: terminated by SIGTERM". Once terminating that is not shown.
    script = ("from formcheck.cli import _quiet_teardown\n"
              "class HalfBuilt:\n"
              "    def __del__(self):\n"
              "        raise AttributeError('no _image_ptr')\n"
              f"{'_quiet_teardown()' if terminating else 'pass'}\n"
              "h = HalfBuilt()\n"
              "del h\n")
    done = subprocess.run([sys.executable, "-c", script], env=cli_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert ("Exception ignored" in done.stderr) is not terminating
