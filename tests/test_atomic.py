"""Layer 1: atomic file output (records.atomic) on real files in tmp_path.

A write that fails (an exception, a refused check, a full disk) leaves no file
under the final name and no temp file; temp files of killed runs are removed
by the next write of the same file; a failed run removes the folders it made.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.records.atomic import (
    atomic_path,
    atomic_write,
    atomic_write_text,
    check_output_path,
    check_writable_output,
    new_temp_file,
    output_folder,
    remove_stale_temps,
)
from formcheck.records.errors import OutputError


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_refused_check_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    target.write_text("old")

    def refuse(tmp: Path) -> None:
        assert tmp.read_text() == "new" and tmp.name.startswith(".clip.mp4.")
        raise OutputError("the file is broken")

    with pytest.raises(OutputError, match="broken"):
        atomic_write(target, lambda tmp: tmp.write_text("new"), check=refuse)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_an_os_error_while_writing_is_an_output_error(tmp_path: Path) -> None:
    def full_disk(tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device .disk full"):
        atomic_write(tmp_path / "a.txt", full_disk)
    assert list(tmp_path.iterdir()) == []


def test_temp_files_of_dead_processes_are_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = tmp_path / f".annotated.mp4.{_dead_pid()}-0123abcd.mp4"
    alive = tmp_path / f".annotated.mp4.{os.getppid()}-89abcdef.mp4"  # a live process's write in progress
    other = tmp_path / f".report.json.{_dead_pid()}-0123abcd.tmp"  # another file's: not ours to touch
    legacy = tmp_path / ".annotated.mp4.0123abcd.mp4"  # the old naming, left a day ago
    for path in (dead, alive, other, legacy):
        path.write_text("partial")
    os.utime(legacy, (0, 0))
    atomic_write_text(tmp_path / "annotated.mp4", "video")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["annotated.mp4", alive.name, other.name])
    assert remove_stale_temps(tmp_path / "report.json") == [other]


def test_temp_file_names_carry_the_process_id(tmp_path: Path) -> None:
    tmp = new_temp_file(tmp_path / "x.npz", suffix=".npz")
    assert tmp.name.startswith(f".x.npz.{os.getpid()}-") and tmp.suffix == ".npz"


def test_unwritable_folder_is_an_output_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        new_temp_file(tmp_path / "file" / "inside.txt")


def test_output_folder_creates_parents_and_removes_them_when_the_run_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), output_folder(tmp_path / "a" / "b" / "c") as out:
        assert out.is_dir()
        raise RuntimeError("analysis failed")
    assert list(tmp_path.iterdir()) == []
    with output_folder(tmp_path / "a" / "b") as out:
        (out / "report.json").write_text("{}")
    assert (tmp_path / "a" / "b" / "report.json").is_file()


def test_output_folder_keeps_folders_that_existed_or_hold_files(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    with pytest.raises(RuntimeError), output_folder(tmp_path / "mine" / "new") as out:
        (out / "annotated.mp4").write_text("a complete file")
        raise RuntimeError("the report failed")
    assert (tmp_path / "mine" / "new" / "annotated.mp4").is_file()
    with pytest.raises(KeyboardInterrupt), output_folder(tmp_path / "mine" / "other"):
        raise KeyboardInterrupt
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["new"]


def test_a_device_or_pipe_as_output_is_refused_and_never_replaced(tmp_path: Path) -> None:
    """``-o /dev/full`` once renamed a landmarks file over the device (found by the reliability probe)."""
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"^output path is not a regular file: .*pipe\.npz \(a device, pipe"):
        atomic_write_text(fifo, "data")
    with pytest.raises(OutputError, match="not a regular file"):
        check_writable_output(fifo)
    assert fifo.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["pipe.npz"]
    link = tmp_path / "stdout.npz"
    link.symlink_to("/dev/null")
    with pytest.raises(OutputError, match="not a regular file"):
        check_output_path(link)
    assert link.is_symlink()


def test_synth_to_a_pipe_is_one_error_line(tmp_path: Path) -> None:
    fifo = tmp_path / "c.npz"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "formcheck", "synth", "band_pull_apart", "--landmarks-only",
                           "-o", str(fifo)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == f"formcheck: error: output path is not a regular file: {fifo} (a device, pipe or socket); " \
                          "give a file name\n"
    assert fifo.is_fifo()


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file"), output_folder(tmp_path / "f"):
        pass


def test_atomic_path_syncs_and_renames_only_on_success(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "m.task", ".part") as tmp:
        tmp.write_bytes(b"model")
        assert not (tmp_path / "m.task").exists()
    assert (tmp_path / "m.task").read_bytes() == b"model"
    assert [p.name for p in tmp_path.iterdir()] == ["m.task"]


def test_a_failed_run_also_removes_its_own_temp_files_left_in_a_folder_it_made(tmp_path: Path) -> None:
    """A signal can cut a temp file off from its cleanup (between its creation and the `with`)."""
    stranger = tmp_path / "shared"
    with pytest.raises(RuntimeError), output_folder(tmp_path / "made" / "out") as out:
        new_temp_file(out / "annotated.mp4", ".mp4")  # left behind, as by an interrupted writer
        raise RuntimeError("terminated")
    assert list(tmp_path.iterdir()) == []
    stranger.mkdir()
    theirs = stranger / f".annotated.mp4.{_dead_pid()}-0123abcd.mp4"
    theirs.write_text("another run's")
    with pytest.raises(RuntimeError), output_folder(stranger / "new"):
        raise RuntimeError("terminated")
    assert list(stranger.iterdir()) == [theirs]  # a folder it did not make keeps its files
