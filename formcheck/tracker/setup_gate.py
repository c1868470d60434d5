"""The setup gate: nothing counts until the start pose has been held for ``setup_s`` seconds.

"Held" tolerates the pose model's noise: the gate opens once the setup
conditions held in at least ``SHARE`` of the frames of the last ``setup_s``
seconds (time-weighted), not only on every single frame, so one jittery frame
of a noisy 3-D angle does not restart the wait. A frame whose features are
unknown (a landmark too hidden to measure) is skipped, neither for nor against.

Example:
    >>> gate = SetupGate(setup_s=0.5)
    >>> [gate.update(t / 10, ok) for t, ok in enumerate([1, 1, 0, 1, 1, 1, 1])]
    [False, False, False, False, False, True, True]
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence

from formcheck.spec import Condition, ExerciseSpec, parse_condition, verdict

#: Share of the window in which the setup must hold.
SHARE = 0.75

#: Seconds a setup condition's feature may go unread before it is judged out of the picture.
UNSEEN_S = 2.0


class SetupGate:
    """Opens once the setup pose has (mostly) held for ``setup_s`` seconds; stays open until ``close``.

    Args:
        setup_s: Seconds the pose must hold (0 opens at the first good frame).
    """

    def __init__(self, setup_s: float) -> None:
        self.setup_s = setup_s
        self.close()

    def close(self) -> None:
        """Require the setup pose again (a new set, the person left)."""
        self.open = False
        self._window: deque[tuple[float, bool]] = deque()

    def update(self, t: float, ok: bool | None, late: Sequence[tuple[float, bool | None]] = ()) -> bool:
        """Feed one frame's verdict (None: unknown, skipped); returns whether the gate is open.

        ``late``: earlier frames' verdicts reached only now (``SetupCheck.judged_late``), fed first.
        """
        for t_late, ok_late in late:
            self.update(t_late, ok_late)
        if self.open or ok is None:
            return self.open
        w = self._window
        w.append((t, bool(ok)))
        while len(w) > 1 and t - w[1][0] >= self.setup_s:
            w.popleft()  # keep exactly one sample at or before the window start
        if not ok or t - w[0][0] < self.setup_s:
            if self.setup_s <= 0 and ok:
                self.open = True
            return self.open
        good = total = 0.0
        for (t0, ok0), (t1, _) in zip(w, list(w)[1:]):
            total += t1 - t0
            good += (t1 - t0) if ok0 else 0.0
        self.open = total > 0 and good / total >= SHARE
        return self.open


class SetupCheck:
    """The setup conditions' verdict for one frame, with body parts out of the picture left out.

    A feature that cannot be read now (a landmark hidden for a moment) makes the frame unknown,
    as :func:`formcheck.spec.verdict` does. One that has not been read for ``UNSEEN_S`` seconds
    is a part the camera does not show (feet cut off by a portrait frame, a far knee behind the
    body): the start pose is then judged on the conditions it can see, the way a coach watching
    the same video would, instead of never. The frames left unknown while waiting to find that
    out are judged again then, on the same conditions (``judged_late``): a knee hidden from the
    first frame was hidden all along, and the seconds spent lying still in the start pose
    meanwhile were the start pose as far as anything can tell (seen end-on, a glute bridge's
    whole first rest passed in that wait, and its first rep went uncounted).

    Example:
        >>> from formcheck.spec import parse_condition
        >>> check = SetupCheck([parse_condition("torso_incline_3d > 55"), parse_condition("knee_angle_3d < 130")])
        >>> [check.verdict(t, {"torso_incline_3d": 80.0}) for t in (0.0, 1.0, 2.5)]
        [None, None, True]
        >>> check.verdict(3.0, {"torso_incline_3d": 80.0, "knee_angle_3d": 170.0})
        False
    """

    def __init__(self, conditions: Sequence[Condition]) -> None:
        self.conditions = list(conditions)
        self._features = list(dict.fromkeys(c.feature for c in self.conditions))
        self.reset()

    def reset(self) -> None:
        """Forget when each feature was last read, and the frames not judged yet (a new set)."""
        self._last_read: dict[str, float] = {}
        self._n_seen = len(self.conditions)  # conditions judged at the last frame
        self._unknown: deque[tuple[float, dict[str, float]]] = deque()  # since the last frame judged
        self._late: list[tuple[float, bool | None]] = []

    def verdict(self, t: float, values: Mapping[str, float]) -> bool | None:
        """:func:`formcheck.spec.verdict` of the conditions on features read in the last ``UNSEEN_S``
        seconds; None when there are none."""
        last = self._last_read
        for f in self._features:
            if math.isnan(values.get(f, math.nan)):
                last.setdefault(f, t)  # unread since now, if never read
            else:
                last[f] = t
        seen = [c for c in self.conditions if t - last[c.feature] < UNSEEN_S]
        unknown = self._unknown
        if len(seen) < self._n_seen:  # a part just turned out to be out of the picture
            self._late = [(t0, verdict(seen, v0) if seen else None) for t0, v0 in unknown]
            unknown.clear()
        self._n_seen = len(seen)
        ok = verdict(seen, values) if seen else None
        if ok is None:
            # Only the last UNSEEN_S can be judged again: a part turns unseen that long after its last read.
            while unknown and t - unknown[0][0] >= UNSEEN_S:
                unknown.popleft()
            unknown.append((t, {f: values.get(f, math.nan) for f in self._features}))
        else:
            unknown.clear()  # a part hidden for a moment: those frames stay unknown
        return ok

    def judged_late(self) -> list[tuple[float, bool | None]]:
        """The frames judged again at the last ``verdict`` (oldest first; see the class): the gate's
        ``late`` frames. Only the latest frame's are kept: the gate asks at every frame while closed."""
        late, self._late = self._late, []
        return late


class AnySetupCheck:
    """:class:`SetupCheck` for an exercise with several start positions (``ExerciseSpec.setups``):
    a frame is in the start pose when any one of them holds in full, unknown when none holds and one
    could not be judged, and out of it when every one failed. With one start position it is that
    position's :class:`SetupCheck`, frame for frame.

    Example:
        >>> from formcheck.spec import parse_condition
        >>> check = AnySetupCheck([[parse_condition("torso_incline < 35")],
        ...                        [parse_condition("torso_incline_3d > 30")]])
        >>> [check.verdict(0.0, {"torso_incline": 50.0, "torso_incline_3d": 45.0}),
        ...  check.verdict(0.1, {"torso_incline": 50.0, "torso_incline_3d": 10.0}),
        ...  check.verdict(0.2, {"torso_incline": 50.0})]
        [True, False, None]
    """

    def __init__(self, setups: Sequence[Sequence[Condition]]) -> None:
        self.checks = [SetupCheck(conditions) for conditions in setups if conditions]
        self.reset()

    def reset(self) -> None:
        for check in self.checks:
            check.reset()
        #: Index (in ``setups``) of the start position that held last, None before any held: the one
        #: a set began from when the gate opens.
        self.last_held: int | None = None
        # The frames unknown as a whole since the last known one, with each position's verdict: the
        # only frames a position's late judgement may still settle (older ones were followed by a
        # frame the gate has seen, and it takes frames in time order).
        self._pending: dict[float, list[bool | None]] = {}
        self._known = False  # the last frame was known as a whole: the pending ones end with it

    def verdict(self, t: float, values: Mapping[str, float]) -> bool | None:
        """True when one start position holds, None when none does and one is unknown, else False
        (no start position at all: None, as :class:`SetupCheck` with no conditions)."""
        if self._known:
            self._pending.clear()
        verdicts = [check.verdict(t, values) for check in self.checks]
        if True in verdicts:
            self.last_held = verdicts.index(True)
        ok = any_of(verdicts)
        self._known = ok is not None
        if ok is None and len(self.checks) > 1:
            self._pending[t] = verdicts
            for old in [t0 for t0 in self._pending if t - t0 > UNSEEN_S]:  # past what a position judges again
                del self._pending[old]
        return ok

    def judged_late(self) -> list[tuple[float, bool | None]]:
        """The frames judged again (:meth:`SetupCheck.judged_late`) by any start position, each frame's
        verdicts combined as in :meth:`verdict`; only frames unknown as a whole since the last known
        one, oldest first (with one start position: that position's, unchanged)."""
        late = [check.judged_late() for check in self.checks]
        if len(late) == 1:
            return late[0]
        settled: set[float] = set()
        for k, frames in enumerate(late):
            for t, ok in frames:
                if t in self._pending:
                    self._pending[t][k] = ok
                    settled.add(t)
        out = [(t, any_of(self._pending[t])) for t in sorted(settled)]
        for t, ok in out:
            if ok is not None:
                del self._pending[t]
        return out


def parsed_setups(spec: ExerciseSpec) -> tuple[list[str], list[list[Condition]]]:
    """The names of the spec's start positions ("" for ``setup``) and their parsed conditions, in
    :meth:`ExerciseSpec.named_setups`' order."""
    named = spec.named_setups()
    return [name for name, _ in named], [[parse_condition(c) for c in conditions] for _, conditions in named]


def any_of(verdicts: Sequence[bool | None]) -> bool | None:
    """Several start positions' verdicts on one frame: True when one holds, False when all failed,
    else None (unknown; also for no verdicts).

    Example:
        >>> any_of([False, True]), any_of([False, None]), any_of([False, False]), any_of([])
        (True, None, False, None)
    """
    if any(v is True for v in verdicts):
        return True
    if not verdicts or any(v is None for v in verdicts):
        return None
    return False


class StartGate:
    """The setup gate over every start position an exercise admits (``ExerciseSpec.setups``).

    ``update`` judges a frame (``verdict``) and, while closed, feeds the gate; it returns True at the
    frame the gate opens. ``position`` names the start position the set began from: "" for the spec's
    ``setup``, else one of its ``other_setups``.

    Example:
        >>> from formcheck.spec import load_spec
        >>> start = StartGate(load_spec("face_pull"))
        >>> bent_over = {"torso_incline": 60.0, "torso_incline_3d": 50.0, "knee_angle_3d": 170.0,
        ...              "shin_incline_3d": 10.0, "upper_arm_elevation_3d": -80.0, "shoulder_width": 0.2}
        >>> [start.update(t / 10, bent_over) for t in range(8)].index(True), start.position
        (5, 'bent_over')
    """

    def __init__(self, spec: ExerciseSpec) -> None:
        self._names, setups = parsed_setups(spec)
        self._check = AnySetupCheck(setups)
        self._gate = SetupGate(spec.setup_s)
        self.close()

    @property
    def open(self) -> bool:
        return self._gate.open

    def close(self) -> None:
        """Require a start position again (a new set, the person left)."""
        self._gate.close()
        self._check.reset()
        #: This frame's verdict (:meth:`AnySetupCheck.verdict`).
        self.verdict: bool | None = None
        self.position = ""

    def update(self, t: float, values: Mapping[str, float], feed: bool = True) -> bool:
        """Judge one frame; with ``feed`` (False: a hold, which keeps its own gates) and the gate closed,
        feed it. True when the gate opened at this frame."""
        self.verdict = self._check.verdict(t, values)
        if not feed or self._gate.open or not self._gate.update(t, self.verdict, self._check.judged_late()):
            return False
        held = self._check.last_held
        self.position = self._names[held] if held is not None else ""
        return True
