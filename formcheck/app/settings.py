"""App settings from the environment, validated once at start-up.

=========================  ===========================================  =========
variable                   meaning                                      default
=========================  ===========================================  =========
FORMCHECK_ICE_SERVERS      JSON list of RTCIceServer dicts for remote   ``[]``
                           use, e.g. ``[{"urls": "turn:host:3478",
                           "username": "u", "credential": "p"}]``
FORMCHECK_UPLOAD_MB        largest clip the Review page accepts (MB)    200
FORMCHECK_CAMERA_FPS       frame rate asked of the browser camera       30
FORMCHECK_REVIEWS          clip analyses (Review, Samples) one server   half the
                           runs at once; the others wait their turn     CPUs, >= 1
FORMCHECK_DB               history database file                        user data dir
FORMCHECK_MODEL            pose model ``.task`` file                    resolved offline
FORMCHECK_SAMPLES          folder of sample clips + labels              ``sample_videos/``
FORMCHECK_ROUTINES         folder of your own routine ``.yaml`` files,  none
                           offered beside the built-in ones
FORMCHECK_ACCESS           ``local``, ``accounts`` or ``open`` (set by  ``local``
                           ``formcheck app`` from ``--address`` and
                           ``--no-auth``; see ``formcheck.app.access``)
FORMCHECK_IDLE_MINUTES     a sign-in unused this long ends              30
=========================  ===========================================  =========

No ICE servers is right on localhost and deterministic offline; the default
public STUN server of streamlit-webrtc would stall the first frame for ~8 s
when it is unreachable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formcheck.records.errors import FormcheckError
from formcheck.store.scoped_store import UserScope, without_paths

REPO_SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
VIDEO_TYPES: tuple[str, ...] = ("mp4", "mov", "avi", "mkv", "webm", "m4v")


class SettingsError(FormcheckError):
    """Raised when an environment setting of the app is malformed (names the variable)."""


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Validated app settings (see the module docstring for the variables)."""

    ice_servers: tuple[dict[str, Any], ...] = ()
    upload_limit_mb: float = 200.0
    camera_fps: int = 30
    review_slots: int = 1
    db_path: Path | None = None
    model_path: Path | None = None
    samples_dir: Path = REPO_SAMPLES
    routines_dir: Path | None = None
    # -- who may see what (issue 27): FORMCHECK_ACCESS, and the signed-in person's scope (main.py sets it)
    access: str = "local"
    idle_minutes: float = 30.0
    scope: UserScope | None = None

    @property
    def remote(self) -> bool:
        """Served beyond this computer: nothing internal (paths, tracebacks) is shown."""
        return self.access != "local"

    @property
    def upload_limit_bytes(self) -> int:
        return int(self.upload_limit_mb * 1024 * 1024)

    def rtc_configuration(self) -> dict[str, Any]:
        """The ``rtc_configuration`` for ``webrtc_streamer`` (no servers = host candidates only)."""
        return {"iceServers": [dict(s) for s in self.ice_servers]}

    def media_constraints(self) -> dict[str, Any]:
        """Video only, at up to ``camera_fps``.

        30 by default: the live callback takes the newest frame and drops those that came while it was busy
        (streamlit-webrtc's async processing), so a slower computer processes fewer frames but never falls
        behind, and a faster one sees every frame (docs/benchmarks.md, "Live at the camera's frame rate").
        """
        return {"video": {"frameRate": {"ideal": self.camera_fps, "max": self.camera_fps}}, "audio": False}


def compile_ice_servers(raw: str) -> tuple[dict[str, Any], ...]:
    """Parse ``FORMCHECK_ICE_SERVERS``: a JSON list of dicts, each with a ``urls`` key.

    Raises:
        SettingsError: Not JSON, not a list of objects, or an entry without ``urls``.
    """
    try:
        value = json.loads(raw) if raw.strip() else []
    except json.JSONDecodeError as exc:
        raise SettingsError(f"FORMCHECK_ICE_SERVERS is not JSON ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(value, list):
        raise SettingsError("FORMCHECK_ICE_SERVERS must be a JSON list, e.g. "
                            '[{"urls": "turn:turn.example.org:3478", "username": "u", "credential": "p"}]')
    servers = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or "urls" not in entry:
            raise SettingsError(f"FORMCHECK_ICE_SERVERS[{i}] must be an object with a 'urls' key, got {entry!r}")
        servers.append(entry)
    return tuple(servers)


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return value


def default_review_slots() -> int:
    """Clip analyses at once by default: half the CPUs this process may use (each pose pass keeps about one busy)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // 2)


def for_visitor(message: str, env: Mapping[str, str] | None = None) -> str:
    """``message`` as the person at the browser may read it: served beyond this computer
    (``FORMCHECK_ACCESS`` other than ``local``), the server's paths become plain words (issue 27).

    Example:
        >>> for_visitor("not valid YAML: /srv/specs/plank.yaml:3", {"FORMCHECK_ACCESS": "accounts"})
        'not valid YAML: (a path on the server):3'
        >>> for_visitor("not valid YAML: /srv/specs/plank.yaml:3", {})
        'not valid YAML: /srv/specs/plank.yaml:3'
    """
    env = os.environ if env is None else env
    return message if (env.get("FORMCHECK_ACCESS", "").strip() or "local") == "local" else without_paths(message)


def load_settings(env: Mapping[str, str] | None = None) -> AppSettings:
    """Settings from ``env`` (default ``os.environ``).

    Raises:
        SettingsError: A variable is malformed; the message names it.
    """
    env = os.environ if env is None else env
    db = env.get("FORMCHECK_DB")
    model = env.get("FORMCHECK_MODEL")
    samples = env.get("FORMCHECK_SAMPLES")
    routines = env.get("FORMCHECK_ROUTINES")
    if routines and not Path(routines).expanduser().is_dir():
        raise SettingsError(f"FORMCHECK_ROUTINES must be a folder of routine .yaml files, got {routines!r}")
    access = env.get("FORMCHECK_ACCESS", "").strip() or "local"
    if access not in ("local", "accounts", "open"):
        raise SettingsError(f"FORMCHECK_ACCESS must be local, accounts or open, got {access!r}")
    return AppSettings(
        ice_servers=compile_ice_servers(env.get("FORMCHECK_ICE_SERVERS", "")),
        upload_limit_mb=_number(env, "FORMCHECK_UPLOAD_MB", 200.0, 0.001, 10_000.0),
        camera_fps=int(_number(env, "FORMCHECK_CAMERA_FPS", 30, 1, 60)),
        review_slots=int(_number(env, "FORMCHECK_REVIEWS", default_review_slots(), 1, 64)),
        db_path=Path(db).expanduser() if db else None,
        model_path=Path(model).expanduser() if model else None,
        samples_dir=Path(samples).expanduser() if samples else REPO_SAMPLES,
        routines_dir=Path(routines).expanduser() if routines else None,
        access=access,
        idle_minutes=_number(env, "FORMCHECK_IDLE_MINUTES", 30.0, 1.0, 24 * 60.0),
    )
