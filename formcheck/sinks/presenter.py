"""The presentation frame after frame, steadied so that what the user sees does not flicker.

The pose model misses a body, or sees a second one, for a frame now and then;
the tracker reports that frame as it is. :class:`Presenter` keeps the screen
calm: guidance shows once it has lasted (:class:`StableMessage`), and a brief
loss keeps the last phase word and message.

Example:
    >>> p = Presenter()
    >>> p.update(Feedback(t=0.0, phase="ascent"), None).phase
    'Lift'
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from formcheck.records.feedback import Feedback
from formcheck.sinks.presentation import Presentation, Target, phase_word, present


class StableMessage:
    """A message that appears once asked for ``on_s`` seconds running and goes once not asked for ``off_s``.

    The pose model misses a body, or sees a second one, for a frame now and then:
    "no person in view" or "only one person please" must not flash on and off
    while one person is plainly in frame.

    Example:
        >>> m = StableMessage(on_s=1.0, off_s=0.5)
        >>> [m.update(t, "only one person please") for t in (0.0, 0.5, 1.0)]
        [None, None, 'only one person please']
        >>> [m.update(t, None) for t in (1.1, 1.6)]
        ['only one person please', None]
    """

    def __init__(self, on_s: float = 1.0, off_s: float = 0.6) -> None:
        self.on_s, self.off_s = on_s, off_s
        self._shown: str | None = None
        self._asked: str | None = None
        self._asked_since = 0.0
        self._off_since: float | None = None

    def update(self, t: float, message: str | None) -> str | None:
        """The message to show at time ``t`` given the one asked for now."""
        if message != self._asked:
            self._asked, self._asked_since = message, t
        if self._shown is not None and message != self._shown:
            if self._off_since is None:
                self._off_since = t
            if t - self._off_since >= self.off_s:
                self._shown = None
        elif self._shown is not None:
            self._off_since = None
        if self._shown is None and message is not None and t - self._asked_since >= self.on_s:
            self._shown, self._off_since = message, None
        return self._shown

    def reset(self) -> None:
        """Forget everything (a new set)."""
        self._shown = self._asked = None
        self._asked_since = 0.0
        self._off_since = None


class Presenter:
    """:func:`present` with a little memory, so that what the user sees does not flicker.

    * Guidance (placement advice) shows once it has lasted a second and stays until
      it has been gone for a while (:class:`StableMessage`).
    * A frame or two without the person (the model missed the body) keeps the last
      phase word and message instead of flashing "Step into view"; they change once
      the guidance says the person is gone.

    Example:
        >>> p = Presenter()
        >>> p.update(Feedback(t=0.0, phase="ascent"), None).phase
        'Lift'
        >>> p.update(Feedback(t=0.1, phase="not_visible", guidance="no person in view"), None).phase
        'Lift'
    """

    def __init__(self, on_s: float = 1.0, off_s: float = 0.6) -> None:
        self._guide = StableMessage(on_s, off_s)
        self._last: Presentation | None = None

    def update(self, fb: Feedback, spec: Any, target: Target | None = None) -> Presentation:
        """The presentation of ``fb`` (see :func:`present`), steadied."""
        guidance = self._guide.update(fb.t, fb.guidance)
        last = self._last
        brief_loss = fb.phase == "not_visible" and guidance is None and last is not None
        word = last.phase if brief_loss and last is not None else phase_word(fb.phase, spec)
        view = present(replace(fb, guidance=guidance), spec, target, word)
        if brief_loss and last is not None and not fb.cues:
            view = replace(view, message=last.message, tone=last.tone)
        self._last = view
        return view

    def reset(self) -> None:
        """Forget the past (a new set)."""
        self._guide.reset()
        self._last = None
