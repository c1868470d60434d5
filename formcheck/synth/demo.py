"""A demo of an exercise: the synthetic exerciser doing two good reps (or a short hold), as a looping GIF.

The live routine shows it on the lead-in and rest screens before each exercise (what Kaia Health and
Physitrack show as the exercise video). The clip is drawn by :mod:`formcheck.synth.render` from the
exercise's motion script, small and slow enough to read from the mat, and cached in the user cache
(``<cache>/demos/<exercise>-v<N>.gif``; ``FORMCHECK_CACHE_DIR`` moves it), never in the repository.
An exercise the synthetic exerciser has no motion for has no demo (``None``).

Example:
    >>> path = demo_gif("glute_bridge", tmp_path)  # doctest: +SKIP
    >>> path.name
    'glute_bridge-v1.gif'
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

#: Bump when the demo's look changes: older cached files are then ignored.
DEMO_VERSION = 1
#: Demo frame size and rate: small (a GIF of ~10 s stays a few hundred kB) but readable.
DEMO_SIZE = (320, 180)
DEMO_FPS = 10.0

_lock = threading.Lock()  # guards _locks
_locks: dict[str, threading.Lock] = {}  # one per exercise: two tabs asking for a demo render it once


def has_demo(exercise: str) -> bool:
    """The synthetic exerciser has a motion script for this exercise.

    Example:
        >>> has_demo("glute_bridge"), has_demo("no_such_exercise")
        (True, False)
    """
    from formcheck.synth.exercises import EXERCISES

    return exercise in EXERCISES and exercise != "idle"


def demo_folder(cache: Path | None = None) -> Path:
    """Where demos are kept: ``<cache>/demos`` (the user cache by default)."""
    if cache is None:
        from formcheck.pose.model import cache_dir

        cache = cache_dir()
    return Path(cache) / "demos"


def render_demo(exercise: str) -> bytes:
    """The demo's GIF bytes, drawn now (about a second): two reps, or a four-second hold, looping.

    Raises:
        SynthError: The synthetic exerciser has no motion for ``exercise``.
    """
    from PIL import Image

    from formcheck.records.errors import SynthError
    from formcheck.synth.exercises import EXERCISES
    from formcheck.synth.generate import SynthOptions, simulate
    from formcheck.synth.render import Renderer

    if not has_demo(exercise):
        raise SynthError(f"no synthetic motion for {exercise!r}: no demo")
    hold = EXERCISES[exercise].kind == "hold"
    options = SynthOptions(exercise, reps=None if hold else 2, hold=4.0 if hold else None, size=DEMO_SIZE,
                           fps=DEMO_FPS, camera_yaw=10.0)
    sim = simulate(options)
    centre = sim.points.reshape(-1, 3).mean(axis=0)
    renderer = Renderer(sim.camera, sim.body, centre, options.figure, sim.timeline.exercise.prop, "l")
    frames = [Image.fromarray(renderer.draw(j)[:, :, ::-1]).quantize(64) for j in sim.joints]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=int(1000 / DEMO_FPS), optimize=True)
    return buf.getvalue()


def demo_path(exercise: str, cache: Path | None = None) -> Path:
    """Where the demo of ``exercise`` is (or will be) cached."""
    return demo_folder(cache) / f"{exercise}-v{DEMO_VERSION}.gif"


def cached_demo(exercise: str, cache: Path | None = None) -> Path | None:
    """The demo if it is already drawn (never draws: for a page that must not wait), else None."""
    path = demo_path(exercise, cache)
    return path if has_demo(exercise) and path.exists() else None


def _lock_of(exercise: str) -> threading.Lock:
    with _lock:
        return _locks.setdefault(exercise, threading.Lock())


def demo_gif(exercise: str, cache: Path | None = None) -> Path | None:
    """The cached demo of ``exercise`` (rendered and cached the first time), or None without one.

    Args:
        exercise: Spec id.
        cache: Cache folder (default: the user cache, ``FORMCHECK_CACHE_DIR``).

    Returns:
        The GIF's path, or None when the exercise has no synthetic motion or the cache cannot be
        written (a demo is a nicety: the routine runs without it).
    """
    if not has_demo(exercise):
        return None
    path = demo_path(exercise, cache)
    with _lock_of(exercise):  # one exercise is drawn once; others are not held up meanwhile
        if path.exists():
            return path
        try:
            from formcheck.records.atomic import atomic_write

            data = render_demo(exercise)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, lambda tmp: tmp.write_bytes(data), suffix=".gif")
        except OSError:
            return None
    return path


def warm_demos(exercises: list[str], cache: Path | None = None) -> threading.Thread:
    """Render the missing demos of ``exercises`` in order, in a background thread (a routine's, at its
    choice, so its lead-in shows the first one at once). Returns the (daemon) thread."""
    def run() -> None:
        for exercise in dict.fromkeys(exercises):
            demo_gif(exercise, cache)

    thread = threading.Thread(target=run, name="formcheck-demos", daemon=True)
    thread.start()
    return thread
