"""How long several people have been in view, counting only the stretches that last.

The pose model sees a second body for a frame now and then (a shadow, a chair) while one
person is plainly in view; such a slip must not note "several people in view" on the set.
As the on-screen guidance does (``sinks.presenter.StableMessage``), a crowd counts once it
has lasted ``min_s`` seconds.

Example:
    >>> crowd = Crowd()
    >>> for i, people in enumerate([1, 2, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]):
    ...     crowd.see(i / 10, people)
    >>> round(crowd.seconds, 1)
    1.1
"""

from __future__ import annotations

#: Several people must be in view this long, without a break, to count.
CROWD_MIN_S = 1.0


class Crowd:
    """Seconds with several people in view, in stretches of at least ``min_s``.

    Args:
        min_s: The shortest stretch that counts.
    """

    def __init__(self, min_s: float = CROWD_MIN_S) -> None:
        self.min_s = min_s
        self._done_s = 0.0
        self._since: float | None = None  # start of the stretch under way
        self._t = 0.0  # the latest frame's time

    def see(self, t: float, people: int) -> None:
        """A frame at ``t`` with ``people`` in view."""
        if people > 1:
            if self._since is None:
                self._since = t
        elif self._since is not None:
            self._done_s += self._lasting(t - self._since)
            self._since = None
        self._t = t

    @property
    def seconds(self) -> float:
        """Time in lasting stretches so far, the one under way included once it has lasted."""
        under_way = self._lasting(self._t - self._since) if self._since is not None else 0.0
        return self._done_s + under_way

    def _lasting(self, stretch: float) -> float:
        return stretch if stretch >= self.min_s - 1e-9 else 0.0
