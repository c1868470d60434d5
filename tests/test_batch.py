"""Layers 1 and 3: ``formcheck batch`` — planning and resuming (no model), then real runs.

Real parts: the pose model on decoded sample clips in worker processes
(``-j 2``), the CLI in-process, and a real local Ray instance whose session
folder lives in pytest's temp folder (``RAY_AUTH_MODE=disabled``: nothing is
written to the home folder). Expected counts come from the clips' labels.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.pipeline.batch import find_clips, plan_jobs
from formcheck.pipeline.batch_job import ClipJob, frame_step_for
from formcheck.pipeline.batch_manifest import Manifest, settings_key
from formcheck.pipeline.batch_pool import run_local, usable_cpus
from formcheck.records.csv_cells import FORMULA_STARTS, spreadsheet_safe
from formcheck.records.errors import VideoSourceError
from formcheck.sinks.batch_index import SUMMARY_COLUMNS, BatchRow, summary_csv
from tests.batch_workers import crash_or_report_pid
from tests.helpers import (
    as_unprivileged,
    can_drop_file_override,
    cli_env,
    descendants,
    open_files,
    run_child,
    run_cli,
    still_running,
    write_video,
)
from tests.landmark_library import LandmarkLibrary

CLIPS = ("glute_bridge_side", "superman_side", "plank_side")


def _label(sample_videos: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((sample_videos / f"{name}.json").read_text())


def _summary(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "summary.csv", newline="") as fh:
        return {Path(r["clip"]).name: r for r in csv.DictReader(fh)}


class TestPlanning:
    def test_folders_globs_and_files_are_found_once(self, tmp_path: Path) -> None:
        for name in ("b.mp4", "a.MOV", "notes.txt"):
            (tmp_path / name).write_bytes(b"x")
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "c.mp4").write_bytes(b"x")
        assert [p.name for p in find_clips([tmp_path]).clips] == ["a.MOV", "b.mp4"]
        assert [p.name for p in find_clips([tmp_path], recursive=True).clips] == ["a.MOV", "b.mp4", "c.mp4"]
        assert [p.name for p in find_clips([str(tmp_path / "*.mp4"), tmp_path / "b.mp4"]).clips] == ["b.mp4"]

    def test_broken_symlinks_and_loops_are_listed_not_dropped(self, tmp_path: Path) -> None:
        (tmp_path / "sub").mkdir()
        (tmp_path / "a.mp4").write_bytes(b"x")
        (tmp_path / "gone.mp4").symlink_to(tmp_path / "nowhere.mp4")
        (tmp_path / "self.mp4").symlink_to(tmp_path / "self.mp4")
        (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a folder that leads back: followed, it never ends
        (tmp_path / "linked").symlink_to(tmp_path / "sub")  # a folder elsewhere: followed like any other
        (tmp_path / "sub" / "c.mp4").write_bytes(b"x")
        (tmp_path / "notes").symlink_to(tmp_path / "nowhere")  # no video ending: a folder, maybe, with -r only
        flat = find_clips([tmp_path])
        assert [p.name for p in flat.clips] == ["a.mp4"]
        assert [(Path(u.path).name, u.reason) for u in flat.unreadable] == [
            ("gone.mp4", f"dangling symlink to {tmp_path / 'nowhere.mp4'}"),
            ("self.mp4", "symlink loop (too many levels of symbolic links)")]
        deep = find_clips([tmp_path], recursive=True)
        assert [str(p.relative_to(tmp_path)) for p in deep.clips] == ["a.mp4", "linked/c.mp4"]
        assert {str(Path(u.path).relative_to(tmp_path)): u.reason for u in deep.unreadable} == {
            "gone.mp4": f"dangling symlink to {tmp_path / 'nowhere.mp4'}",
            "notes": f"dangling symlink to {tmp_path / 'nowhere'}",
            "self.mp4": "symlink loop (too many levels of symbolic links)",
            "linked/up": f"symlink loop: leads back to {tmp_path}"}  # sub/ itself: the same folder, not again

    @pytest.mark.parametrize("target", ["missing_folder", "nothing*.mp4"])
    def test_a_target_that_matches_nothing_is_an_error(self, tmp_path: Path, target: str) -> None:
        with pytest.raises(VideoSourceError):
            find_clips([tmp_path / target])

    def test_clips_with_the_same_name_get_their_own_folders(self) -> None:
        jobs = plan_jobs([Path("a/x.mp4"), Path("b/x.mp4"), Path("c/X.mov"), Path("d/y z.mp4")], "auto")
        assert [j.out_name for j in jobs] == ["x", "x-2", "X-3", "y_z"]

    @pytest.mark.parametrize(("fps", "asked", "step"), [(59.94, None, 2), (50.0, None, 2), (30.0, None, 1),
                                                        (15.0, None, 1), (60.0, 1, 1), (15.0, 2, 2)])
    def test_frame_step_halves_only_clips_filmed_at_50_fps_or_more(self, fps: float, asked: int | None,
                                                                   step: int) -> None:
        assert frame_step_for(fps, asked) == step

    def test_every_second_frame_keeps_its_own_timestamp(self, tmp_path: Path) -> None:
        from formcheck.pose.sources import VideoFileSource

        clip = write_video(tmp_path / "c.mp4", frames=11, fps=10.0)
        with VideoFileSource(clip) as src:
            full = [t for _, t in src]
        with VideoFileSource(clip) as src:
            half = [(t, img.shape) for img, t in src.every(2)]
        assert [t for t, _ in half] == full[::2] and len(half) == 6
        assert all(shape == (48, 64, 3) for _, shape in half)


@pytest.mark.skipif(not can_drop_file_override(), reason="root without setpriv reads every folder")
def test_unreadable_paths_are_printed_and_indexed_as_skipped(tmp_path: Path, model_path: Path) -> None:
    """The real command with ``-r``: each path it could not look at is named with its reason; exit code 0."""
    library = tmp_path / "library"
    (library / "locked").mkdir(parents=True)
    (library / "locked" / "c.mp4").write_bytes(b"x")
    (library / "broken.mp4").write_bytes(b"not a video")  # the one clip: an error row
    (library / "gone.mp4").symlink_to(library / "nowhere.mp4")
    (library / "up").symlink_to(library)
    (library / "locked").chmod(0)
    try:
        proc = run_child(as_unprivileged([sys.executable, "-m", "formcheck", "batch", str(library), "-r", "-e",
                                          "plank", "--out", str(tmp_path / "out"), "--no-progress",
                                          "--model", str(model_path)]), timeout=120)
    finally:
        (library / "locked").chmod(0o755)  # for pytest's clean-up
    expected = {f"{library / 'gone.mp4'}: dangling symlink to {library / 'nowhere.mp4'}",
                f"{library / 'locked'}: cannot read the folder: Permission denied",
                f"{library / 'up'}: symlink loop: leads back to {library}"}
    assert proc.returncode == 0, proc.stderr
    assert {line.removeprefix("  skipped: ") for line in proc.stderr.splitlines() if "skipped:" in line} == expected
    assert "1 clips: 0 analysed, 0 already current, 1 failed, 3 unreadable paths skipped" in proc.stdout
    index = (tmp_path / "out" / "index.html").read_text()
    assert all(f"<li>{html.escape(line)}</li>" in index for line in expected)


class TestManifest:
    def _job(self, tmp_path: Path, content: bytes = b"clip-1") -> ClipJob:
        clip = tmp_path / "a.mp4"
        clip.write_bytes(content)
        return ClipJob(path=str(clip), clip="a.mp4", out_name="a", exercise="plank")

    def _done(self, tmp_path: Path, job: ClipJob) -> tuple[Manifest, dict]:  # type: ignore[type-arg]
        out = tmp_path / "out"
        (out / "a").mkdir(parents=True)
        (out / "a" / "report.json").write_text("{}")
        key = settings_key("plank", None, False)
        manifest = Manifest(out)
        manifest.record(job, key, BatchRow(clip="a.mp4", exercise="plank", reps=0, score=80, seconds=3.0),
                        ["report.json"])
        return Manifest.load(out), key

    def test_an_unchanged_clip_is_current(self, tmp_path: Path) -> None:
        job = self._job(tmp_path)
        manifest, key = self._done(tmp_path, job)
        row = manifest.current(job, key)
        assert row is not None and (row.exercise, row.score, row.seconds) == ("plank", 80, 0.0)

    def test_a_changed_clip_other_settings_or_a_lost_report_are_not(self, tmp_path: Path) -> None:
        job = self._job(tmp_path)
        manifest, key = self._done(tmp_path, job)
        assert manifest.current(job, settings_key("plank", 1, False)) is None
        assert manifest.current(job, settings_key("plank", None, True)) is None
        assert manifest.current(job, {**key, "formcheck_version": "0.0.0"}) is None
        self._job(tmp_path, b"clip-2")  # same name and size, other content
        assert Manifest.load(tmp_path / "out").current(job, key) is None
        self._job(tmp_path)
        (tmp_path / "out" / "a" / "report.json").unlink()
        assert Manifest.load(tmp_path / "out").current(job, key) is None

    def test_a_damaged_manifest_counts_as_empty(self, tmp_path: Path) -> None:
        (tmp_path / "manifest.json").write_text("{not json")
        assert Manifest.load(tmp_path).clips == {}


class TestCommandErrors:
    @pytest.mark.parametrize(("argv", "message"), [
        (["batch", "{tmp}/nope", "-e", "auto"], "no such clip, folder or pattern"),
        (["batch", "{tmp}", "-e", "glute_brige"], "unknown exercise 'glute_brige'"),
        (["batch", "{tmp}/empty", "-e", "auto"], "no video clips in"),
        (["batch", "{tmp}", "-e", "auto", "--out", "{tmp}/a.mp4/out"], "cannot create output folder"),
    ])
    def test_one_line_and_exit_1(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                 message: str) -> None:
        (tmp_path / "empty").mkdir()
        write_video(tmp_path / "a.mp4")
        code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 1 and len(err) == 1 and err[0].startswith("formcheck: error: ") and message in err[0], err
        assert not (tmp_path / "no").exists()


class TestWorkerPool:
    """A real pool of spawned workers, running ``tests/batch_workers.py`` in place of the pose model."""

    @staticmethod
    def _rows(names: list[str], workers: int) -> dict[str, BatchRow]:
        rows: dict[str, BatchRow] = {}
        jobs = plan_jobs([Path(n) for n in names], "plank")
        run_local(workers, crash_or_report_pid)(jobs, lambda job, outcome: rows.__setitem__(job.clip, outcome.row))
        return rows

    @pytest.mark.slow
    @pytest.mark.parametrize("crash", ["crash-segfault", "crash-sigkill"])
    def test_a_clip_that_kills_its_worker_fails_alone(self, crash: str) -> None:
        """Its pool breaks twice (first try, then alone); the clips beside it and after it are analysed."""
        names = [f"a-{crash}.mp4", *(f"b{i}.mp4" for i in range(3))]
        rows = self._rows(names, 2)
        assert sorted(rows) == sorted(names)
        assert rows[names[0]].status == "error" and "worker process died" in rows[names[0]].error
        assert {n: rows[n].status for n in names[1:]} == {n: "ok" for n in names[1:]}

    @pytest.mark.slow
    def test_no_more_workers_than_cpus(self) -> None:
        """-j above the CPU count only costs memory: the pool is capped (each row names its worker's pid)."""
        asked = usable_cpus() + 2
        rows = self._rows([f"c{i}.mp4" for i in range(asked)], asked)
        assert len(rows) == asked and {r.status for r in rows.values()} == {"ok"}
        assert len({r.report for r in rows.values()}) <= usable_cpus()


def test_j_above_the_cpus_is_capped_with_a_one_line_note(tmp_path: Path, model_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.mp4").write_bytes(b"not a video")  # an error row at once: no pose model run
    cpus = usable_cpus()
    assert main(["batch", str(tmp_path), "-e", "plank", "-j", str(cpus + 6), "--out", str(tmp_path / "out"),
                 "--no-progress", "--model", str(model_path)]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("formcheck: note: ")]
    assert notes == [f"formcheck: note: -j {cpus + 6} is more than the {cpus} CPUs here: using {cpus} "
                     f"worker{'s' if cpus > 1 else ''} (more would only take memory)"]


def _reading(pids: list[int], folder: Path) -> list[int]:
    """Those of ``pids`` that have a file of ``folder`` open: workers at work on a clip."""
    return [pid for pid in pids if any(path.startswith(f"{folder}/") for path in open_files(pid))]


@pytest.mark.model
def test_kill_9_of_the_batch_takes_its_workers_and_the_resource_tracker_with_it(tmp_path: Path,
                                                                                model_path: Path) -> None:
    """``formcheck batch -j 2`` killed with SIGKILL: nothing it started is left running (each held a model)."""
    if usable_cpus() < 2:
        pytest.skip("-j 2 runs in-process on one CPU: no workers to leave behind")
    clips = tmp_path / "clips"
    clips.mkdir()
    for i in range(4):
        write_video(clips / f"c{i}.mp4", frames=300)
    batch = subprocess.Popen([sys.executable, "-m", "formcheck", "batch", str(clips), "-e", "plank", "-j", "2",
                              "--out", str(tmp_path / "out"), "--no-progress", "--model", str(model_path)],
                             env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family: list[int] = []
    at_work: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(at_work) < 2 and batch.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            family = descendants(batch.pid)  # the 2 workers and the resource tracker
            at_work = _reading(family, clips)
        assert len(at_work) == 2 and len(family) >= 3, f"the batch's workers never got to its clips: {family}"
        batch.kill()
        batch.wait()
        deadline = time.monotonic() + 10
        while still_running(family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert still_running(family) == [], "left running after the batch was killed"
    finally:
        for pid in still_running(family):  # only what this test's batch started
            os.kill(pid, signal.SIGKILL)
        if batch.poll() is None:
            batch.kill()
            batch.wait()


#: A line of Ray's C++ logger: ``[2026-12-04 21:29:14,461 W 19701 19704] rpc_client.h:153: ...``.
RAY_NATIVE_LOG_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d [\d:,]+ [DIWEF] \d+ \d+\] ")


def _address(listener: socket.socket) -> str:
    host, port = listener.getsockname()
    return f"{host}:{port}"


class TestRayAddressWithoutAHead:
    """``--ray ADDRESS`` where no Ray head answers: one error line or SIGTERM, never a hang (no Ray started)."""

    @pytest.fixture(autouse=True)
    def _ray_installed(self) -> None:
        pytest.importorskip("ray")  # the optional [cluster] extra

    @pytest.fixture()
    def silent(self) -> Iterator[socket.socket]:
        """A socket that accepts TCP connections and never says a word: not a Ray head."""
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            yield listener

    def test_nothing_listening_is_one_error_line_at_once(self, tmp_path: Path) -> None:
        with socket.socket() as closed:  # a port nothing listens on (bound, never listening)
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
            write_video(tmp_path / "a.mp4")
            started = time.monotonic()
            proc = run_cli(["batch", str(tmp_path), "-e", "plank", "--out", str(tmp_path / "out"),
                            "--ray", f"127.0.0.1:{port}"], timeout=60, RAY_AUTH_MODE="disabled")
        err = proc.stderr.strip().splitlines()
        assert proc.returncode == 1 and len(err) == 1, proc.stderr
        assert err[0].startswith(f"formcheck: error: cannot reach the Ray cluster at 127.0.0.1:{port}: nothing listens")
        assert time.monotonic() - started < 30 and not (tmp_path / "out").exists()

    @pytest.mark.slow
    def test_sigterm_stops_a_join_that_gets_no_answer(self, tmp_path: Path, silent: socket.socket) -> None:
        """The probe passes, ``ray.init`` keeps retrying in native code: SIGTERM still ends the run at once."""
        write_video(tmp_path / "a.mp4")
        batch = subprocess.Popen([sys.executable, "-m", "formcheck", "batch", str(tmp_path), "-e", "plank",
                                  "--out", str(tmp_path / "out"), "--ray", _address(silent)],
                                 env=cli_env(RAY_AUTH_MODE="disabled"), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        try:
            silent.settimeout(20)
            with contextlib.suppress(TimeoutError):
                silent.accept()[0].close()  # the probe: ray.init comes next (without a probe, 20 s is past it)
            time.sleep(3)  # well into ray.init's native retries
            assert batch.poll() is None, batch.stderr.read() if batch.stderr else ""
            batch.send_signal(signal.SIGTERM)
            _, err = batch.communicate(timeout=10)
        finally:
            if batch.poll() is None:
                batch.kill()
                batch.wait()
        # Ray's helper thread, still retrying in native code, may log one more line as the process ends.
        ours = [line for line in err.splitlines() if not RAY_NATIVE_LOG_LINE.match(line)]
        assert batch.returncode == 143 and ours == ["formcheck: terminated by SIGTERM"], err

    @pytest.mark.slow
    def test_a_join_past_its_time_limit_is_a_cluster_error(self, silent: socket.socket) -> None:
        script = (
            "import sys\n"
            "from formcheck.pipeline.batch_job import ClipJob\n"
            "from formcheck.pipeline.ray_batch import ClusterError, ray_runner\n"
            f"runner = ray_runner('{_address(silent)}', init_timeout_s=3)\n"
            "try:\n"
            "    runner([ClipJob(path='a.mp4', clip='a.mp4', out_name='a')], lambda job, outcome: None)\n"
            "except ClusterError as exc:\n"
            "    sys.exit(f'ClusterError: {exc}')\n"
        )
        proc = run_child([sys.executable, "-c", script], timeout=60, RAY_AUTH_MODE="disabled")
        assert proc.returncode == 1 and "ClusterError: " in proc.stderr and "did not connect within 3 s" in proc.stderr


#: Clip names a spreadsheet would run as formulas (OWASP's examples, and a sum that starts with a minus).
FORMULA_NAMES = ("=1+1.mp4", "@SUM(1+1).mp4", '=HYPERLINK("evil.example","x").mp4', "-2+3.mp4", "+1.mp4")


class TestFormulaInjection:
    @pytest.mark.parametrize("start", FORMULA_STARTS)
    def test_text_starting_a_formula_is_quoted_and_numbers_are_not(self, start: str) -> None:
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
        assert (spreadsheet_safe(-3.5), spreadsheet_safe(-2), spreadsheet_safe("a=1")) == (-3.5, -2, "a=1")

    def test_summary_text_cells_are_quoted_and_numbers_stay_numbers(self) -> None:
        rows = [BatchRow(clip=name, exercise="plank", score=80, hold_s=-3.5, report="-2+3", error="@x")
                for name in FORMULA_NAMES]
        read = list(csv.DictReader(io.StringIO(summary_csv(rows))))
        assert [r["clip"] for r in read] == [f"'{name}" for name in FORMULA_NAMES]
        assert {(r["report"], r["error"], r["exercise"], r["score"], r["hold_s"]) for r in read} == {
            ("'-2+3", "'@x", "plank", "80", "-3.5")}

    def test_clip_names_from_the_folder_reach_summary_csv_quoted(self, tmp_path: Path, model_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        """The real command on files so named (not videos: each is an error row, no pose model run)."""
        folder = tmp_path / "clips"
        folder.mkdir()
        for name in FORMULA_NAMES:
            (folder / name).write_bytes(b"not a video")
        monkeypatch.chdir(folder)  # clips named from "." start with the file name itself
        assert main(["batch", ".", "-e", "plank", "--out", str(tmp_path / "out"), "--no-progress",
                     "--model", str(model_path)]) == 0
        with open(tmp_path / "out" / "summary.csv", newline="") as fh:
            read = list(csv.DictReader(fh))
        assert sorted(r["clip"] for r in read) == sorted(f"'{name}" for name in FORMULA_NAMES)
        assert {r["status"] for r in read} == {"error"}


@pytest.mark.model
def test_a_reused_model_gives_the_landmarks_of_a_fresh_one(sample_videos: Path, model_path: Path,
                                                           landmark_library: LandmarkLibrary) -> None:
    """Why a worker may keep its model: after new_stream() the next clip reads exactly as with a new model.

    The fresh reading is the session's shared one: each clip there is read by a model loaded for it.
    """
    from formcheck.pose.cache import run_pose
    from formcheck.pose.estimator import PoseEstimator

    fresh = landmark_library.frames(sample_videos / "superman_side.mp4")
    with PoseEstimator(model_path) as pose:
        run_pose(sample_videos / "plank_side.mp4", estimator=pose)
        reused, _ = run_pose(sample_videos / "superman_side.mp4", estimator=pose)
    assert len(fresh) == len(reused) and sum(f.has_person for f in fresh) > 0.9 * len(fresh)
    assert all(a.has_person == b.has_person for a, b in zip(fresh, reused))
    assert max(float(np.nanmax(np.abs(a.image - b.image))) for a, b in zip(fresh, reused) if a.has_person) < 1e-4


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path) -> Path:
    folder = tmp_path_factory.mktemp("library")
    for name in CLIPS:
        shutil.copy(sample_videos / f"{name}.mp4", folder / f"{name}.mp4")
    (folder / "broken.mp4").write_bytes(b"this is not a video")
    return folder


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, library: Path, model_path: Path) -> dict[str, Any]:
    """The library through ``-j 2``: its output folder and the summary as this first run wrote it."""
    out = tmp_path_factory.mktemp("batch") / "out"
    assert main(["batch", str(library), "--exercise", "auto", "-j", "2", "--out", str(out), "--html",
                 "--no-progress", "--model", str(model_path)]) == 0
    return {"out": out, "summary": _summary(out)}


@pytest.fixture()
def local_run(first_run: dict[str, Any]) -> Path:
    return Path(first_run["out"])


@pytest.mark.model
def test_batch_writes_index_summary_and_a_report_folder_per_clip(local_run: Path, sample_videos: Path) -> None:
    rows = _summary(local_run)
    assert list(next(iter(csv.reader(open(local_run / "summary.csv"))))) == list(SUMMARY_COLUMNS)
    assert sorted(rows) == sorted([f"{n}.mp4" for n in CLIPS] + ["broken.mp4"])
    for name in CLIPS:
        label = _label(sample_videos, name)
        row = rows[f"{name}.mp4"]
        print(f"\n[batch] {name}: label {label['exercise']} {len(label['reps'])} reps -> {row['exercise']} "
              f"{row['reps']} reps, {row['seconds']} s")
        assert row["status"] == "ok" and row["exercise"] == label["exercise"]
        assert row["guessed"] in ("yes", "unsure") and 0 < float(row["confidence"]) <= 1 and row["alternative"]
        assert int(row["reps"]) == sum(r["complete"] for r in label["reps"])
        assert {"report.json", "reps.csv", "angles.csv", "report.html"} <= {p.name for p in (local_run / name).iterdir()}
    assert rows["broken.mp4"]["status"] == "error" and "cannot open" in rows["broken.mp4"]["error"]
    index = (local_run / "index.html").read_text()
    assert index.count("<tr>") == len(CLIPS) + 1 and index.count('class="error"') == 1
    assert all(f'href="{n}/report.html"' in index for n in CLIPS)


@pytest.mark.model
def test_a_second_run_skips_current_clips_and_redoes_a_changed_one(local_run: Path, library: Path,
                                                                   sample_videos: Path, model_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = {n: (local_run / n / "report.json").stat().st_mtime_ns for n in CLIPS}
    assert main(["batch", str(library), "-e", "auto", "-j", "2", "--out", str(local_run), "--html", "--no-progress",
                 "--model", str(model_path)]) == 0
    assert "0 analysed, 3 already current, 1 failed" in capsys.readouterr().out
    assert {n: (local_run / n / "report.json").stat().st_mtime_ns for n in CLIPS} == before
    # The plank clip is replaced by another exercise under the same name: only it is analysed again.
    changed = library / "plank_side.mp4"
    shutil.copy(sample_videos / "superman_side_neck_cranked.mp4", changed)
    try:
        assert main(["batch", str(library), "-e", "auto", "--out", str(local_run), "--html", "--no-progress",
                     "--model", str(model_path)]) == 0
        assert "1 analysed, 2 already current, 1 failed" in capsys.readouterr().out
        assert _summary(local_run)["plank_side.mp4"]["exercise"] == "superman"
    finally:
        shutil.copy(sample_videos / "plank_side.mp4", changed)


@pytest.mark.model
@pytest.mark.cluster
def test_ray_local_gives_the_same_counts(tmp_path_factory: pytest.TempPathFactory, first_run: dict[str, Any],
                                         library: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ray")  # the optional [cluster] extra
    from formcheck.pipeline.batch import run_batch
    from formcheck.pipeline.ray_batch import ray_runner

    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")  # no token file in the home folder
    ray_tmp = tmp_path_factory.mktemp("ray")
    out = tmp_path_factory.mktemp("rayout") / "out"
    result = run_batch([library], "auto", out_dir=out, model_path=model_path, html=False,
                       runner=ray_runner("local", temp_dir=ray_tmp, num_cpus=2))
    assert result.failed == 1 and result.analysed == len(CLIPS)
    keep = ("exercise", "reps", "partial_reps", "score", "cues", "status")
    local, ray = first_run["summary"], _summary(out)
    print("\n[ray] " + "; ".join(f"{k}: {ray[k]['reps']} reps" for k in sorted(ray)))
    assert {k: [r[c] for c in keep] for k, r in ray.items()} == {k: [r[c] for c in keep] for k, r in local.items()}
    assert any(ray_tmp.iterdir()), "the Ray session should live in the test's temp folder"
