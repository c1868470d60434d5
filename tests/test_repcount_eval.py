"""Layer 3 (fast, no model): ``formcheck eval --repcount DIR`` on a few clips of ../shared/repcount_pose.

The clips: the shortest three jumping-jack clips and the shortest pommel-horse and front-raise
clip (chosen by length, not by result). Skipped when the folder is absent. The folder format
(npy + labels.csv) is also checked on made-up files in the test's own folder.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.pipeline.repcount import LABELS, run_repcount, scores

REPCOUNT = Path(__file__).resolve().parent.parent.parent / "shared" / "repcount_pose"
CLIPS = ["stu8_28.npy", "stu9_31.npy", "val579.npy", "stu13_32.npy", "test539.npy"]


def _subset(folder: Path, names: list[str]) -> Path:
    """A repcount folder in ``folder`` holding only ``names`` (copied: tests write in tmp only)."""
    with (REPCOUNT / LABELS).open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["name"] in names]
    with (folder / LABELS).open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["name", "type", "count", "boundaries"])
        w.writeheader()
        w.writerows(rows)
    for n in names:
        shutil.copy(REPCOUNT / n, folder / n)
    return folder


@pytest.mark.skipif(not (REPCOUNT / LABELS).is_file(), reason="../shared/repcount_pose is absent")
def test_eval_repcount_prints_mae_and_obo_per_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _subset(tmp_path, CLIPS)
    assert main(["eval", "--repcount", str(folder), "--per-clip"]) == 0
    out = capsys.readouterr().out
    table = {line.split()[0]: line.split()[1:] for line in out.splitlines()[-5:]}
    assert set(table) == {"front_raise", "jump_jack", "pommelhorse", "all", "type"}
    n, mae, obo = table["all"]
    assert int(n) == len(CLIPS)
    rows = run_repcount(folder)
    assert float(mae) == pytest.approx(np.mean([r.error for r in rows]), abs=1e-3)
    # These movements repeat cleanly: the spec-free count is within one of the label on each.
    assert float(obo) == 1.0, out
    assert scores(rows)["all"][0] == len(CLIPS)


def test_format_zero_rows_are_no_person_and_types_are_kept(tmp_path: Path) -> None:
    t = np.arange(300) / 30
    a = np.zeros((300, 104), np.float32)
    xy = np.random.default_rng(0).uniform(0, 1, (33, 3))
    a[:, :99] = np.tile(xy.reshape(-1), (300, 1))
    a[:, 15 * 3 + 1] = 0.5 + 0.4 * np.cos(2 * np.pi * t / 1.5)  # a wrist goes up and down: 6 reps ...
    a[100:110] = 0  # ... with no person for a third of a second
    np.save(tmp_path / "clip.npy", a)
    (tmp_path / LABELS).write_text("name,type,count,boundaries\nclip.npy,front_raise,6,0 45\n")
    (row,) = run_repcount(tmp_path)
    assert (row.type, row.count) == ("front_raise", 6)
    assert abs(row.predicted - 6) <= 1


def test_missing_labels_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--repcount", str(tmp_path)]) == 1
    assert "labels.csv" in capsys.readouterr().err


@pytest.mark.parametrize("make, needle", [
    (lambda p: np.save(p, np.ones((101, 99), np.uint8)), "101 rows, over the 100"),
    (lambda p: p.write_text("not an array"), "not a RepCount-pose landmarks file"),
    (lambda p: np.save(p, np.array([{"x": 1}], dtype=object), allow_pickle=True), "not a RepCount-pose"),
    (lambda p: np.save(p, np.zeros(500, np.float32)), "expected rows of at least 99 columns"),
    (lambda p: p.write_bytes(_npy_bytes(np.ones((300, 99)))[:5000]), "not a RepCount-pose landmarks file"),
], ids=["too-many-rows", "text", "pickle", "1-D", "header-lies"])
def test_a_bad_landmarks_file_is_one_line_checked_from_its_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  make, needle: str) -> None:  # type: ignore[no-untyped-def]
    """Found by the reliability probe: a 99 MB .npy of 1,000,000 byte rows ran out of memory (traceback)."""
    import formcheck.pipeline.repcount as repcount

    monkeypatch.setattr(repcount, "MAX_FRAMES", 100)
    make(tmp_path / "clip.npy")
    (tmp_path / LABELS).write_text("name,type,count,boundaries\nclip.npy,squat,3,\n")
    assert main(["eval", "--repcount", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err, err


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()
