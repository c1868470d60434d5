"""How long the person has been out of sight, and what that means for the set.

A frame or two without a pose (motion blur, a bar across the body) is a dropped
frame: the tracker keeps its state and says nothing, so guidance does not
flicker. Longer, the user is told; after ``LOST_RESET_S`` the rep under way is
abandoned and the start pose is needed again.

Example:
    >>> a = Absence()
    >>> [a.missing(t) for t in (0.0, 0.2, 0.5, 1.2)]
    ['dropped', 'dropped', 'away', 'gone']
"""

from __future__ import annotations

from typing import Literal

#: A gap without a pose shorter than this is a dropped frame, not the person leaving.
MISSING_GRACE_S = 0.4
#: Seconds out of view after which a rep under way is abandoned and setup is required again.
LOST_RESET_S = 1.0

Missing = Literal["dropped", "away", "gone"]


class Absence:
    """Times the current gap in the person's visibility."""

    def __init__(self) -> None:
        self.since: float | None = None

    def seen(self) -> None:
        """The person is in view again."""
        self.since = None

    def missing(self, t: float) -> Missing:
        """Not in view at ``t``: a dropped frame, away (tell the user) or gone (give up the rep)."""
        if self.since is None:
            self.since = t
        gap = t - self.since
        return "dropped" if gap < MISSING_GRACE_S else "gone" if gap >= LOST_RESET_S else "away"
