"""Spoken coaching: what to say, and when, from the presentation of each frame.

The user is on the floor, 2-3 m away: counts and cues are spoken (the app hands
:class:`Utterance` s to the browser's speech synthesis, which works offline).
:class:`Coach` decides, frame by frame, from the same
:class:`~formcheck.sinks.presentation.Presentation` the screen shows, so the
voice says the number on screen:

* a new count is said at once and cuts off a cue being spoken (never a cue over a count);
  a hold says its seconds every ``hold_every_s``; a rest counts down its last seconds;
* a message (form cue or placement guidance) is said when it appears: at most one form cue, and
  one piece of guidance, every ``cue_gap_s``; never within ``quiet_s`` of a count or of another
  message; the same one not again within ``repeat_s``; a message held back only by those
  windows waits and is said as soon as they allow, while it is at most ``pending_s`` old: a
  range cue comes with the count of its rep and may leave the screen before the count's quiet
  second is over, yet the user should still hear it;
* announcements (a routine's "next exercise", "rest 30 seconds") are said as given;
* a set with a rep target of 8 or more says "Halfway there" with the count at half of it, and one of
  4 or more "Last one" with the count before the last: two short encouragements a set, no more;
* each new rep also gives a ``beep`` utterance (the page plays it if the user wants beeps).

Example:
    >>> from formcheck.records.feedback import Feedback
    >>> from formcheck.sinks.presentation import present
    >>> coach = Coach()
    >>> coach.update(0.9, present(Feedback(t=0.9, phase="ascent", reps=0), None))
    []
    >>> [(u.kind, u.text) for u in coach.update(1.0, present(Feedback(t=1.0, phase="start", reps=1), None))]
    [('count', '1'), ('beep', '')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from formcheck.sinks.presentation import Presentation

UtteranceKind = Literal["count", "countdown", "cue", "info", "cheer", "beep"]


@dataclass(frozen=True, slots=True)
class Utterance:
    """One thing to say (or a beep).

    Attributes:
        id: Increasing number, so the page says each utterance once however often it redraws.
        text: The words ("" for a beep).
        kind: ``count`` (a rep or hold seconds), ``countdown`` (a rest's last seconds),
            ``cue`` (a form cue or guidance), ``info`` (an announcement), ``cheer`` (encouragement:
            "Halfway there", "Last one") or ``beep``.
        interrupt: Cut off whatever is being said first (counts do: a count is never late).
    """

    id: int
    text: str
    kind: UtteranceKind
    interrupt: bool = False


#: Encouragement needs a target this big: "Last one" from 4 reps, "Halfway there" from 8.
LAST_ONE_FROM, HALFWAY_FROM = 4, 8


def cheer(count: int, goal: int | None) -> str:
    """The encouragement said with a count, if any: at half of a long set, and before its last rep.

    Example:
        >>> [cheer(n, 10) for n in (4, 5, 8, 9, 10)]
        ['', 'Halfway there', '', 'Last one', '']
    """
    if goal is None:
        return ""
    if goal >= LAST_ONE_FROM and count == goal - 1:
        return "Last one"
    if goal >= HALFWAY_FROM and count == goal // 2:
        return "Halfway there"
    return ""


class Coach:
    """Turns the frame-by-frame presentation into a few well-timed utterances.

    Args:
        cue_gap_s: At most one cue per this many seconds.
        quiet_s: No cue this soon after a count (the count must be heard).
        repeat_s: The same cue is not said again within this many seconds.
        hold_every_s: A hold says its seconds at each multiple of this.
        countdown_from: A rest says its last seconds from this one down.
        pending_s: A message held back by the windows above is still said this long after it
            appeared (then it is stale: the movement has moved on).
    """

    def __init__(self, cue_gap_s: float = 4.0, quiet_s: float = 1.0, repeat_s: float = 12.0,
                 hold_every_s: int = 5, countdown_from: int = 3, pending_s: float = 3.0) -> None:
        self.cue_gap_s, self.quiet_s, self.repeat_s = cue_gap_s, quiet_s, repeat_s
        self.pending_s = pending_s
        self.hold_every_s, self.countdown_from = hold_every_s, countdown_from
        self._next_id = 1
        self._said_cue: dict[str, float] = {}  # message -> when said
        self._last_tone_t: dict[str, float] = {}  # tone (form, guide) -> when one was last said
        self._last_cue_t = -1e9
        self._last_count_t = -1e9
        self._mode: str | None = None
        self._count: int | None = None
        self._pending: tuple[str, str, float] | None = None  # (message, tone, when it appeared)

    def update(self, t: float, view: Presentation | None, announce: Sequence[str] = ()) -> list[Utterance]:
        """What to say at time ``t`` (seconds, the frames' clock) for this frame's ``view``.

        Args:
            t: Time of the frame.
            view: What the screen shows now (None: nothing new on screen).
            announce: Announcements to say, in order, before anything else of this frame.
        """
        out = [self._make(text, "info") for text in announce if text]
        if view is None:
            return out
        out += self._counts(t, view)
        if view.tone in ("form", "guide") and view.message:
            said = self._cue(t, view.message, view.tone)
            if not said and self._held_back(t, view.message) and self._pending is None:
                self._pending = (view.message, view.tone, t)
            out += said
        if not out and self._pending is not None:
            message, tone, since = self._pending
            if t - since > self.pending_s or t - self._said_cue.get(message, -1e9) < self.repeat_s:
                self._pending = None  # stale, or said meanwhile
            else:
                out += self._cue(t, message, tone)
        return out

    def _held_back(self, t: float, message: str) -> bool:
        """The message waits only for a window to pass (not because it was said a moment ago)."""
        return t - self._said_cue.get(message, -1e9) >= self.repeat_s

    def reset(self) -> None:
        """A new set begins: its count starts from nothing (a lower number is not a count)."""
        self._mode, self._count = None, None
        self._pending = None

    def _counts(self, t: float, view: Presentation) -> list[Utterance]:
        before, mode = self._count, self._mode
        self._mode, self._count = view.mode, view.count
        out: list[Utterance] = []
        if view.mode == "rest":  # each of the last seconds once, from whichever the rest shows first
            if 0 < view.count <= self.countdown_from and (mode != "rest" or before is None or view.count < before):
                out = [self._make(view.big, "countdown")]
        elif mode != view.mode or before is None or view.count == before:
            return []
        elif view.mode == "reps" and view.count > before:
            out = [self._make(view.big, "count", interrupt=True), self._make("", "beep")]
            out += [self._make(words, "cheer") for words in [cheer(view.count, view.goal)] if words]
        elif (view.mode == "hold" and view.count > before
              and view.count // self.hold_every_s > before // self.hold_every_s):
            out = [self._make(view.big, "count", interrupt=True)]
        if out:
            self._last_count_t = t
        return out

    def _cue(self, t: float, message: str, tone: str) -> list[Utterance]:
        if t - self._last_tone_t.get(tone, -1e9) < self.cue_gap_s:
            return []
        if t - self._last_cue_t < self.quiet_s or t - self._last_count_t < self.quiet_s:
            return []
        if t - self._said_cue.get(message, -1e9) < self.repeat_s:
            return []
        self._said_cue[message] = self._last_tone_t[tone] = self._last_cue_t = t
        if self._pending is not None and self._pending[0] == message:
            self._pending = None
        return [self._make(message, "cue")]

    def _make(self, text: str, kind: UtteranceKind, interrupt: bool = False) -> Utterance:
        u = Utterance(self._next_id, text, kind, interrupt)
        self._next_id += 1
        return u
