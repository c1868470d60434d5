"""Layer 4: the built wheel, installed in a fresh virtualenv, knows every exercise.

The wheel is built from a copy of the sources in a temp folder (the build
writes ``build/`` and ``*.egg-info`` beside them), installed with ``--no-deps``
into a venv that sees this machine's packages, and run from outside the
repository: it must list the specs of ``exercise_specs/`` from inside itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow

SOURCES = ("formcheck", "exercise_specs", "routines", "pyproject.toml", "setup.py", "README.md")


def _run(argv: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(argv)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh venv holding the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(src)], work)
    (wheel,) = (work / "dist").glob("formcheck-*.whl")
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(work / "venv")], work)
    python = work / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], work)
    return python


def test_the_installed_wheel_lists_every_spec(installed: Path, tmp_path: Path) -> None:
    where = _run([str(installed), "-c", "import formcheck, sys; print(formcheck.__file__)"], tmp_path).strip()
    assert Path(where).is_relative_to(installed.parent.parent), f"imported {where}, not the venv's copy"
    listed = [line.split()[0] for line in _run([str(installed), "-m", "formcheck", "specs", "list"],
                                               tmp_path).splitlines()]
    expected = sorted(p.stem for p in (ROOT / "exercise_specs").glob("*.yaml"))
    assert listed == expected and "glute_bridge" in listed
    validated = _run([str(installed), "-m", "formcheck", "specs", "validate"], tmp_path)
    assert validated.count("ok ") == len(expected)


def test_the_specs_come_from_inside_the_installed_package(installed: Path, tmp_path: Path) -> None:
    code = "from formcheck.spec import SPECS_DIR; import formcheck; print(SPECS_DIR); print(formcheck.__file__)"
    specs_dir, package = _run([str(installed), "-c", code], tmp_path).split()
    assert Path(specs_dir) == Path(package).parent / "exercise_specs"
    assert (Path(specs_dir) / "README.md").is_file()


def test_the_installed_wheel_knows_the_routines(installed: Path, tmp_path: Path) -> None:
    listed = [line.split()[0] for line in _run([str(installed), "-m", "formcheck", "routines", "list"],
                                               tmp_path).splitlines() if line.strip()]
    expected = sorted(p.stem for p in (ROOT / "routines").glob("*.yaml"))
    assert expected and sorted(listed) == expected
