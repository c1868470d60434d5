"""The words and numbers a frame shows: one source for the video overlay and the app's panel.

``present(feedback, spec)`` turns the tracker's ``Feedback`` into a
:class:`Presentation`: the big number and its unit ("1 rep", "2 reps",
"12 s"), the target ("of 10"), a phase word a person understands ("Lift",
"Hold", "Lower", "Get in position"), and the one message to show (a form cue,
else placement guidance). The overlay draws exactly these strings and the
live panel prints them, so the two can never disagree or use other words.
``rest_view`` and ``finished_view`` do the same for a routine's rests and end;
``presenter.Presenter`` steadies it frame to frame (no flicker).

Example:
    >>> from formcheck.records.feedback import Feedback
    >>> present(Feedback(t=3.0, phase="ascent", reps=1), None).count_text
    '1 rep'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal

from formcheck.records.feedback import Feedback

Mode = Literal["reps", "hold", "rest", "done", "paused"]
Tone = Literal["form", "guide", "next", ""]

#: Phase words (``peak`` is "Hold" when the spec asks to pause at the top, else "Top").
PHASE_WORDS: dict[str, str] = {
    "not_visible": "Step into view", "setup": "Get in position", "ready": "Ready", "start": "Ready",
    "ascent": "Lift", "peak": "Top", "descent": "Lower", "hold": "Hold",
}
#: Words that say what a feature measures better than its id does.
@dataclass(frozen=True, slots=True)
class Target:
    """What the current set asks for (a routine's set; None outside routines).

    Attributes:
        reps: Reps to reach (per side when ``each_side``).
        hold_s: Seconds of good hold to reach.
        each_side: The target applies to each side's count.
        label: Where in the routine this set is ("Set 1 of 2 · left side").
        note: The routine's note on the exercise ("slowly, breathe out as you round"): the message
            when there is nothing else to say.
    """

    reps: int | None = None
    hold_s: float | None = None
    each_side: bool = False
    label: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Presentation:
    """What one frame shows, in words, wherever it is shown.

    Attributes:
        mode: ``reps``, ``hold``, ``rest`` (a routine's rest or lead-in), ``done``, or ``paused``
            (a routine paused by the user).
        title: The exercise ("Glute bridge"), or "Next: Bird-dog" while resting.
        detail: Where in a routine ("Set 1 of 2 · left side"); empty outside routines.
        big: The big number: reps, whole seconds held, or seconds of rest left.
        unit: Its unit, agreeing with it ("rep", "reps", "s").
        target: The goal beside it ("of 10", "of 8 each side", "of 30 s"); empty without one.
        sides: Counts per side ("left 2 · right 1"); empty when sides do not matter.
        extra: A secondary figure ("+1 partial", "lost to form 2 s").
        phase: The phase word ("Lift", "Hold", "Rest").
        message: The one message: a form cue, else guidance, else what comes next.
        tone: ``form`` (a cue), ``guide`` (placement), ``next`` (rest), or empty.
        count: ``big`` as a number (for speech and tests).
        done: The target is reached.
        progress: Range of motion of the current rep (0 start, 1 peak), the share of a hold's
            target held, or of a rest gone; None when there is nothing to measure.
        goal: The set's rep target as a count (both sides together), for the voice's "halfway" and
            "last one"; None without a rep target.
    """

    mode: Mode
    title: str
    big: str
    unit: str
    phase: str
    count: int
    detail: str = ""
    target: str = ""
    sides: str = ""
    extra: str = ""
    message: str = ""
    tone: Tone = ""
    done: bool = False
    progress: float | None = None
    goal: int | None = None

    @property
    def count_text(self) -> str:
        """``"1 rep"``, ``"2 reps"``, ``"12 s"``: the number with its unit."""
        return f"{self.big} {self.unit}"


def plural(n: int, word: str) -> str:
    """``plural(1, "rep") == "1 rep"``, ``plural(2, "rep") == "2 reps"``.

    Example:
        >>> plural(1, "rep"), plural(0, "rep")
        ('1 rep', '0 reps')
    """
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def feature_value(name: str, value: float) -> str:
    """A feature's value as shown: angles in whole degrees (``130°``), distances with two decimals.

    Example:
        >>> feature_value("hip_angle_3d", 129.6), feature_value("pelvis_drop", 0.123)
        ('130°', '0.12')
    """
    from formcheck.features.registry import parse_name
    from formcheck.records.errors import SpecError

    try:
        unit = parse_name(name)[0].unit
    except SpecError:  # an unknown name still gets shown, as a plain number
        unit = ""
    return f"{value:.0f}°" if unit == "deg" else f"{value:.2f}"


def phase_word(phase: str, spec: Any = None) -> str:
    """The word for a tracker phase; a spec's ``phase_words`` override the defaults.

    Example:
        >>> phase_word("ascent"), phase_word("setup")
        ('Lift', 'Get in position')
    """
    words = dict(getattr(spec, "phase_words", None) or {})
    if phase in words:
        return str(words[phase])
    rep = getattr(spec, "rep", None)
    if phase == "peak" and rep is not None and float(getattr(rep, "hold_at_peak", 0.0) or 0.0) > 0:
        return "Hold"
    return PHASE_WORDS.get(phase, phase.replace("_", " ").capitalize())


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _message(fb: Feedback, note: str = "") -> tuple[str, Tone]:
    if fb.cues:
        return fb.cues[0].message, "form"
    if fb.guidance:
        return _sentence(fb.guidance), "guide"
    return (_sentence(note), "next") if note else ("", "")


def side_counts(by_side: dict[str, int], each: int | None = None) -> str:
    """Counts per side, against a per-side target when there is one.

    Example:
        >>> side_counts({"left": 2, "right": 1}), side_counts({"left": 2}, each=2)
        ('left 2 · right 1', 'left 2/2 · right 0/2')
    """
    if each is None:
        return " · ".join(f"{k} {v}" for k, v in sorted(by_side.items()))
    return " · ".join(f"{k} {by_side.get(k, 0)}/{each}" for k in ("left", "right"))


def present(fb: Feedback, spec: Any, target: Target | None = None, phase: str | None = None) -> Presentation:
    """The words and numbers for one frame of a set.

    Args:
        fb: The tracker's feedback for the frame.
        spec: The exercise spec (``title``, ``kind``, ``rep``, ``phase_words``); may be None.
        target: The set's goal in a routine; None: the spec's hold target, no rep target.
        phase: The phase word to show instead of ``fb.phase``'s (see :class:`Presenter`).

    A target on each side reads per side ("left 1/3 · right 1/3") against the whole set's reps
    ("2 reps of 6"): "of 3 each side" beside "4 reps" read as 4 done of 3.

    Example:
        >>> fb = Feedback(t=9.0, phase="descent", reps=2, reps_by_side={"left": 1, "right": 1})
        >>> p = present(fb, None, Target(reps=3, each_side=True))
        >>> p.count_text, p.target, p.sides, p.phase
        ('2 reps', 'of 6', 'left 1/3 · right 1/3', 'Lower')
    """
    target = target or Target()
    title = str(getattr(spec, "title", "") or "")
    message, tone = _message(fb, target.note)
    word = phase or phase_word(fb.phase, spec)
    per_side = target.reps if target.each_side and target.reps is not None else None
    sides = side_counts(fb.reps_by_side, per_side) if fb.reps_by_side or per_side is not None else ""
    if getattr(spec, "kind", "reps") == "hold":
        goal = target.hold_s if target.hold_s is not None else fb.hold_target_s
        held = int(math.floor(fb.hold_s + 1e-6))
        extra = f"lost to form {fb.hold_lost_s:.0f} s" if fb.hold_lost_s >= 0.5 else ""
        return Presentation("hold", title, str(held), "s", word, held, target.label,
                            f"of {goal:g} s" if goal else "", "", extra, message, tone,
                            goal is not None and fb.hold_s >= goal, fb.hold_s / goal if goal else None)
    if target.reps is not None and target.each_side and fb.reps_by_side:
        done = min(fb.reps_by_side.get(s, 0) for s in ("left", "right")) >= target.reps
    else:
        done = target.reps is not None and fb.reps >= target.reps
    goal = (2 * target.reps if target.each_side else target.reps) if target.reps else None
    goal_text = f"of {goal}" if goal else ""
    extra = f"+{fb.partial_reps} partial" if fb.partial_reps else ""
    return Presentation("reps", title, str(fb.reps), "rep" if fb.reps == 1 else "reps", word, fb.reps,
                        target.label, goal_text, sides, extra, message, tone, done, fb.rom_fraction, goal)


def rest_view(seconds_left: float, next_title: str, detail: str, placement: str, lead_in: bool = False,
              total_s: float | None = None, note: str = "") -> Presentation:
    """A routine's rest (or lead-in before the first set): seconds left, and what comes next
    (with the routine's ``note`` on it, when the next set starts an exercise).

    Example:
        >>> rest_view(7.2, "Bird-dog", "Set 1 of 2 · 8 reps each side", "Camera at hip height").count_text
        '8 s'
    """
    left = max(int(math.ceil(seconds_left - 1e-6)), 0)
    gone = 1.0 - seconds_left / total_s if total_s else None
    return Presentation("rest", f"Next: {next_title}", str(left), "s", "Get ready" if lead_in else "Rest", left,
                        detail, extra=_sentence(note), message=placement, tone="next" if placement else "",
                        progress=gone)


def paused_view(view: Presentation | None, title: str, detail: str) -> Presentation:
    """A paused routine: the set's figures as they were (or the exercise to come), and how to go on.

    Example:
        >>> paused_view(None, "Next: Bird-dog", "Set 1 of 2").phase
        'Paused'
    """
    message = "Paused: press Resume to go on"
    if view is None or view.mode in ("rest", "done", "paused"):
        return Presentation("paused", title, "II", "", "Paused", 0, detail, message=message, tone="next")
    return replace(view, mode="paused", phase="Paused", message=message, tone="next", progress=None)


def finished_view(title: str, sets_done: int) -> Presentation:
    """The end of a routine.

    Example:
        >>> finished_view("Lower-back care", 10).message
        'Routine complete: well done'
    """
    return Presentation("done", title, str(sets_done), "set" if sets_done == 1 else "sets", "Done", sets_done,
                        message="Routine complete: well done", tone="next", done=True)
