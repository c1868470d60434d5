"""Hold timer: time spent in the hold pose, split into good time and time lost to bad form.

Holds count only while the posture is right (as Physitrack and Sency do):
seconds with a form fault active go to ``lost_s`` instead of ``good_s``. A
short loss of the pose (``grace_s``, e.g. a dropped frame or a wobble) does not
end the hold; a longer one does, and the hold's record is kept.

Example:
    >>> h = HoldTimer(target_s=10)
    >>> for i in range(31):
    ...     _ = h.update(i / 10, in_pose=True, form_ok=i <= 20)
    >>> round(h.good_s, 1), round(h.lost_s, 1)
    (2.0, 1.0)
"""

from __future__ import annotations

from formcheck.records.feedback import Hold


class HoldTimer:
    """Times holds from per-frame "in pose" and "form ok" flags.

    Args:
        target_s: Target hold time (reported with each hold).
        grace_s: The pose may be lost this long without ending the hold.
    """

    def __init__(self, target_s: float | None = None, grace_s: float = 1.0) -> None:
        self.target_s, self.grace_s = target_s, grace_s
        self.holds: list[Hold] = []
        self._reset_current()
        self._last_t: float | None = None

    def _reset_current(self) -> None:
        self.active = False
        self.good_s = 0.0
        self.lost_s = 0.0
        self.start = 0.0
        self._last_in_pose = 0.0

    def reset(self) -> None:
        """Forget every hold."""
        self.holds = []
        self._reset_current()
        self._last_t = None

    def update(self, t: float, in_pose: bool, form_ok: bool) -> Hold | None:
        """Advance to time ``t``; returns a hold that ended at this step, if any."""
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        if in_pose:
            if not self.active:
                self.active, self.start = True, t
            elif form_ok:
                self.good_s += dt
            else:
                self.lost_s += dt
            self._last_in_pose = t
            return None
        if self.active and t - self._last_in_pose > self.grace_s:
            return self.finish()
        return None

    def so_far(self, t: float) -> list[Hold]:
        """Every hold, the one under way included (as if it ended at ``t``)."""
        if not self.active:
            return list(self.holds)
        return [*self.holds, Hold(self.start, t, round(self.good_s, 3), round(self.lost_s, 3), self.target_s)]

    def finish(self) -> Hold | None:
        """End the hold under way (if any) and return its record."""
        if not self.active:
            return None
        hold = Hold(start=self.start, end=self._last_in_pose, good_s=round(self.good_s, 3),
                    lost_s=round(self.lost_s, 3), target_s=self.target_s)
        self.holds.append(hold)
        self._reset_current()
        return hold
