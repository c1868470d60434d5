"""A clip that begins mid-rep: the rep under way at its first frame ends in the start position.

Before the start position has held (``setup``), the counters follow the rep signal only while
the pose is that position, and forget it outside (getting into position is not a rep). A clip
trimmed from a longer video can begin in the middle of a rep: at its first frame the person is
not in the start position because they are moving, and the gate then forgets the very rep the
labels count ("rep 1 begins in early descent at 0.0 s"). So, in a clip (``count_leading``) and
until the start position has first been reached, the counters follow the signal from the first
frame; an attempt that began within ``LEAD_START_S`` of it and ended at rest, from where the
start position then held without a break, is the rep the clip began in. It counts when the gate
opens, as a complete rep or a partial by the counter's usual rules (``scoring.start_fragment``
makes a small one partial). If the start position is reached and lost again before it holds,
the person is still settling: everything followed is forgotten, as before. Live never does this.

Example:
    >>> lead = ClipLeadIn(enabled=True)
    >>> [lead.follows(t, False, moving=t < 1.5) for t in (0.0, 0.2, 1.0)]  # a rep under way at the start
    [True, True, True]
    >>> lead.follows(2.0, False, moving=False)  # it ended without being a rep: back to the usual gate
    False
"""

from __future__ import annotations

from collections.abc import Sequence

from formcheck.tracker.rep_counter import RepEvent

#: The attempt must have begun this close (s) to the clip's first frame with the person.
LEAD_START_S = 0.5


class ClipLeadIn:
    """Whether the counters keep following before the start position holds, and what they found.

    Args:
        enabled: A clip (``count_leading``); False (live) never follows outside the start position.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.reset()

    def reset(self) -> None:
        """A new set: the lead-in starts again at the next frame."""
        self.active = self.enabled
        self._t_first: float | None = None
        self._began = False  # a counter left rest within LEAD_START_S of the first frame
        self._reached = False  # the start position was seen after the held rep
        self._held: list[tuple[RepEvent, str]] = []

    def follows(self, t: float, setup_ok: bool | None, moving: bool) -> bool:
        """A frame before the gate opened: True when the counters should go on following it.

        ``moving``: a counter is out of rest (an attempt under way) at this frame.
        """
        if self._t_first is None:
            self._t_first = t
        if self.active:
            early = t <= self._t_first + LEAD_START_S
            self._began = self._began or (moving and early)
            if self._held:
                ev = self._held[-1][0]
                self._reached = self._reached or bool(setup_ok)
                # The start position must follow the rep within the rep's own duration, and then hold:
                # otherwise the person is settling (or doing something else), not going on with the set.
                if setup_ok is False and (self._reached or t - ev.end > ev.end - ev.start):
                    self.end()
            elif not (early or (self._began and moving)):
                self.end()  # no rep under way from the first frame, or it ended and was not one
        return self.active or setup_ok is not False

    def hold(self, finished: Sequence[tuple[RepEvent, str]]) -> None:
        """Attempts that ended before the gate opened: keep the one the clip began in."""
        if not self.active or self._t_first is None:
            return
        self._held += [(ev, s) for ev, s in finished if ev.start <= self._t_first + LEAD_START_S]

    def release(self) -> list[tuple[RepEvent, str]]:
        """The gate opened: the rep the clip began in (if any), once; the lead-in is over."""
        if not self.active:
            return []  # every counted frame asks: nothing to build once the lead-in is over
        held = self._held
        self.end()
        return held

    def end(self) -> None:
        """No more lead-in for this set."""
        self.active = False
        self._held = []
