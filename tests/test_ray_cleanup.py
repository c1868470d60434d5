"""Layer 3: ``formcheck batch --ray local`` leaves nothing behind in the home or the temp folder.

Real parts: the CLI as a child process, a real local Ray instance, the pose model
on a sample clip. The child's ``HOME`` and ``TMPDIR`` are empty folders of the
test, and no ``RAY_*`` variable is set: Ray 2.60 then writes a token to
``~/.ray/auth_token`` and keeps its session folder under ``$TMPDIR/ray`` unless
formcheck gives it a folder of its own and a token for the run only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import cli_env

pytestmark = [pytest.mark.cluster, pytest.mark.model]


def _everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_ray_local_leaves_nothing_in_home_or_temp(tmp_path: Path, sample_videos: Path, model_path: Path) -> None:
    pytest.importorskip("ray")  # the optional [cluster] extra
    home, temp, clips = tmp_path / "home", tmp_path / "tmp", tmp_path / "clips"
    for folder in (home, temp, clips):
        folder.mkdir()
    shutil.copy(sample_videos / "glute_bridge_side.mp4", clips)
    env = {k: v for k, v in cli_env(HOME=str(home), TMPDIR=str(temp)).items() if not k.startswith("RAY_")}
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "formcheck", "batch", str(clips), "-e", "glute_bridge",
                           "--out", str(out), "--no-progress", "--model", str(model_path), "--ray", "local"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 analysed" in proc.stdout, proc.stdout
    assert (out / "summary.csv").is_file()
    assert _everything(home) == [], "left in the home folder"
    assert _everything(temp) == [], "left in the temp folder"
