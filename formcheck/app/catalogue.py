"""The exercises the app offers, loaded once per server process (no streamlit here).

Every page run of every session needs the exercise titles, groups and cards.
Loading each spec for that (``load_spec`` lists and stats the spec folder on each
call) was about 120 loads and most of a Live page run's CPU time; 100 sessions
opening the page at once waited for each other's loads. :func:`catalogue` loads
every spec once and keeps the result while the spec folder's stamp (names and
change times) stays the same; it looks at the folder at most every
:data:`STAMP_TTL_S` seconds, so an edited spec shows within that.

Example:
    >>> known = catalogue()
    >>> known is catalogue() and "glute_bridge" in known.titles
    True
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from formcheck.records.errors import SpecError
from formcheck.spec import list_specs, load_spec
from formcheck.spec.loader import catalogue_stamp

#: Seconds the spec folder's stamp is trusted before it is read again.
STAMP_TTL_S = 2.0


@dataclass(frozen=True)
class Catalogue:
    """Spec id → loaded spec and → title (``list_specs`` order), and the specs that failed to load."""

    specs: dict[str, Any]
    titles: dict[str, str]
    broken: tuple[tuple[str, str], ...]  # (spec id, what is wrong with it)


def load_catalogue() -> Catalogue:
    """Every spec of ``exercise_specs/`` loaded now (a broken one listed with its error)."""
    specs: dict[str, Any] = {}
    broken: list[tuple[str, str]] = []
    for name in list_specs():
        try:
            specs[name] = load_spec(name)
        except SpecError as exc:
            broken.append((name, str(exc)))
    return Catalogue(specs, {name: str(spec.title) for name, spec in specs.items()}, tuple(broken))


class _Kept:
    """The last catalogue and the stamp it was loaded for; one loader at a time, every session's thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._looked = -float("inf")
        self._stamp: tuple[tuple[str, int], ...] | None = None
        self._catalogue: Catalogue | None = None

    def get(self) -> Catalogue:
        with self._lock:
            now = time.monotonic()
            if self._catalogue is None or now - self._looked > STAMP_TTL_S:
                stamp = catalogue_stamp()
                self._looked = now
                if self._catalogue is None or stamp != self._stamp:
                    self._catalogue, self._stamp = load_catalogue(), stamp
            return self._catalogue


_KEPT = _Kept()


def catalogue() -> Catalogue:
    """The exercise catalogue (shared: do not change it), loaded again once a spec file changed."""
    return _KEPT.get()
