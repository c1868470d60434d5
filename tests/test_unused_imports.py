"""MediaPipe's unused imports (matplotlib, sounddevice) wait until something reads them.

Each check runs in a fresh interpreter: ``sys.modules`` of the test process already holds
whatever other tests imported.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, tmp_path: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLCONFIGDIR": str(tmp_path / "mpl"),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_importing_mediapipe_for_the_pose_model_does_not_import_matplotlib(tmp_path: Path) -> None:
    out = _run("""
        import sys
        from formcheck.pose.model import prepare_mediapipe_import
        prepare_mediapipe_import()
        from mediapipe.tasks.python.vision import PoseLandmarker
        print("matplotlib.figure" in sys.modules, type(sys.modules["matplotlib.pyplot"]).__name__,
              "sounddevice" in sys.modules and type(sys.modules["sounddevice"]).__name__)
    """, tmp_path)
    assert out == ["False", "DeferredModule", "DeferredModule"]


def test_a_deferred_module_is_the_real_one_as_soon_as_it_is_used(tmp_path: Path) -> None:
    out = _run("""
        import sys
        from formcheck.pose.model import prepare_mediapipe_import
        prepare_mediapipe_import()
        from mediapipe.tasks.python.vision import drawing_utils
        print(callable(drawing_utils.plt.figure), type(sys.modules["matplotlib.pyplot"]).__name__)
        import matplotlib, matplotlib.colors
        print(type(matplotlib).__name__, matplotlib.colors.to_hex("red"), hasattr(matplotlib, "__version__"))
    """, tmp_path)
    assert out == ["True", "module", "module", "#ff0000", "True"]


def test_tools_that_probe_every_module_do_not_load_a_deferred_one(tmp_path: Path) -> None:
    """A module list's ``hasattr(m, "__file__")`` (Streamlit's watcher makes one) loads nothing."""
    out = _run("""
        import sys
        from formcheck.pose.unused_imports import defer_unused_imports
        defer_unused_imports()
        print(hasattr(sys.modules["matplotlib"], "__file__"), "matplotlib.figure" in sys.modules)
    """, tmp_path)
    assert out == ["False", "False"]
