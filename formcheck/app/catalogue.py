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
    """The last catalogue, the stamp it was loaded for and when that stamp was read.

    Page runs of every session read it at once: the usual case (stamp still trusted)
    takes no lock; a refresh is done by one thread while the others wait for it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: tuple[float, tuple[tuple[str, int], ...], Catalogue] | None = None

    def _fresh(self, now: float) -> Catalogue | None:
        state = self._state  # replaced whole, never changed in place
        return state[2] if state is not None and now - state[0] <= STAMP_TTL_S else None

    def get(self) -> Catalogue:
        now = time.monotonic()
        if (known := self._fresh(now)) is not None:
            return known
        with self._lock:
            if (known := self._fresh(now)) is not None:  # another thread refreshed it meanwhile
                return known
            stamp = catalogue_stamp()
            same = self._state is not None and self._state[1] == stamp
            known = self._state[2] if same and self._state is not None else load_catalogue()
            self._state = (now, stamp, known)
            return known


_KEPT = _Kept()


def catalogue() -> Catalogue:
    """The exercise catalogue (shared: do not change it), loaded again once a spec file changed."""
    return _KEPT.get()
