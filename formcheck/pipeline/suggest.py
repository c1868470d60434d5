"""Which exercise a clip shows: a shortlist read off the specs, then its trackers replayed.

The pose model runs once per clip. The recogniser (:mod:`formcheck.pipeline.recognise`)
scores every spec in a few milliseconds from what it says an exercise looks like (start
posture, the signal a rep moves, the parts that move) and keeps the :data:`SHORTLIST` best;
only their trackers replay the landmarks. A spec *fits* a clip when it counts clean reps
there, or times a good hold (:func:`fit_score`). From the ranking come the suggestion in
words (:func:`explain_suggestion`) and, when the trainer chose an exercise, a hint that
another fits far better (:func:`wrong_exercise_hint`): a superman analysed as a glute
bridge counts 0 reps, which must not read as a clean set.

Example:
    >>> ranking = rank_specs(frames, list_specs())  # doctest: +SKIP
    >>> explain_suggestion(ranking)  # doctest: +SKIP
    'Suggested: Superman: read as this exercise, the clip has 4 reps with a form score of 100/100. ...'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from formcheck.records.feedback import SetSummary
from formcheck.sinks.presentation import plural

#: Another spec must fit at least this well (two fairly clean reps, or a 7.5 s good hold) to be hinted at.
HINT_MIN_FIT = 1.5
#: ... and the chosen spec fit at most this share of it.
HINT_MAX_SHARE = 0.5
#: ... and, where the clip was recognised, be among the recogniser's this many best (and the chosen one
#: not its best).
HINT_TOP = 3
#: Specs fitting within this share of the best are named as alternatives.
CLOSE_SHARE = 0.8
#: The recogniser's best this many specs have their trackers replayed (not all 30: measured on the
#: samples and the 42 filmed clips, the same top-1 as replaying every spec at about a third of the cost).
SHORTLIST = 6


def fit_score(summary: SetSummary) -> float:
    """How well a spec explains a clip: reps on the busiest side × set score, plus good hold time.

    Reps are taken per side so a two-arm movement read by a one-side spec
    (each arm counted) does not double; the set score (0-100) demotes specs
    whose form rules fire all the time, i.e. the wrong exercise; a 5 s good
    hold weighs like one clean rep.

    Example:
        >>> from formcheck.records.feedback import SetSummary
        >>> fit_score(SetSummary("x", "X", 4, {}, 0, (), (), (), 10.0, 100, 100, 50))
        2.0
    """
    reps = max(summary.reps_by_side.values()) if summary.reps_by_side else summary.reps
    return round(reps * summary.score / 100.0 + sum(h.good_s for h in summary.holds) / 5.0, 2)


@dataclass(frozen=True, slots=True)
class SpecFit:
    """One spec replayed over a clip: its fit and the figures behind it."""

    name: str
    title: str
    fit: float
    summary: SetSummary

    def findings(self) -> str:
        """What the spec found, in words ("4 reps, form score 100/100", "a 12 s good hold")."""
        s = self.summary
        hold = sum(h.good_s for h in s.holds)
        if s.holds and not s.reps:
            return f"a {hold:.0f} s good hold"
        if not s.reps:
            return "no rep and no hold"
        return f"{plural(s.reps, 'rep')} with a form score of {s.score}/100"


def rank_specs(frames: Sequence[Any], names: Sequence[str], keep: Sequence[str] = (),
               recognition: Any = None) -> list[SpecFit]:
    """The recogniser's shortlist of ``names`` (and every spec of ``keep``, e.g. the one a trainer
    chose) replayed over ``frames``, best fit first (ties keep the shortlist's order).
    ``recognition``: the recogniser's answer on these frames and names, if already known.

    Specs that fail to load are skipped.

    Example:
        >>> [f.name for f in rank_specs(frames, ["plank", "superman"])]  # doctest: +SKIP
        ['superman', 'plank']
    """
    from formcheck.pipeline.analysis import analyze_frames
    from formcheck.pipeline.recognise import recognise
    from formcheck.records.errors import FormcheckError

    fits: list[SpecFit] = []
    frames = tuple(frames)
    shortlist = (recognition or recognise(frames, names)).top(SHORTLIST) or list(names)[:SHORTLIST]
    for name in dict.fromkeys([*shortlist, *(k for k in keep if k in names)]):
        try:
            result = analyze_frames(frames, name)
        except FormcheckError:
            continue
        fits.append(SpecFit(name, str(result.spec.title), fit_score(result.summary), result.summary))
    return sorted(fits, key=lambda f: -f.fit)


def rank_exercises(frames: Sequence[Any], names: Sequence[str]) -> list[tuple[str, float]]:
    """:func:`fit_score` of each spec on pose frames already extracted, as ``(name, fit)``; best first.

    Example:
        >>> rank_exercises(frames, ["plank", "superman"])[0]  # doctest: +SKIP
        ('superman', 4.0)
    """
    return [(f.name, f.fit) for f in rank_specs(frames, names)]


def explain_suggestion(ranking: Sequence[SpecFit]) -> str:
    """The suggestion in words: what the best spec finds, and what the runners-up find.

    Example:
        >>> explain_suggestion(ranking)  # doctest: +SKIP
        'Suggested: Superman: read as this exercise, the clip has 4 reps with a form score of 100/100. ...'
    """
    if not ranking or ranking[0].fit <= 0:
        return "No exercise recognised: no spec counts a rep or times a hold in this clip."
    best = ranking[0]
    text = f"Suggested: {best.title}: read as this exercise, the clip has {best.findings()}."
    close = [f for f in ranking[1:] if f.fit >= CLOSE_SHARE * best.fit]
    if close:
        text += " " + "; ".join(f"{f.title} fits almost as well ({f.findings()})" for f in close[:2])
        text += ": pick it above if that is what was filmed."
    elif len(ranking) > 1:
        runner = ranking[1]
        text += (f" Read as the next best, {runner.title}, it has {runner.findings()}." if runner.fit > 0
                 else " No other exercise finds a rep or a hold.")
    return text


def explain_recognition(recognition: Any, summary: SetSummary) -> str:
    """The recogniser's choice in words, with how sure it was and what the chosen exercise found.

    ``recognition``: a :class:`formcheck.pipeline.recognise.Recognition`; ``summary``: the set as the
    best candidate reads it.

    Example:
        >>> explain_recognition(recognise(frames), result.summary)  # doctest: +SKIP
        'Suggested: Superman (96 % sure): read as this exercise, the clip has 4 reps with a form score of 100/100.'
    """
    best = recognition.best
    found = SpecFit(best.name, best.title, fit_score(summary), summary).findings()
    sure = "" if recognition.confident else ", not sure"
    text = f"Suggested: {best.title} ({100 * best.confidence:.0f} % sure{sure}): read as this exercise, " \
           f"the clip has {found}."
    runner = recognition.candidates[1] if len(recognition.candidates) > 1 else None
    if runner is not None and runner.confidence >= 0.1:
        text += f" Next: {runner.title} ({100 * runner.confidence:.0f} %): pick it above if that is what was filmed."
    return text


def wrong_exercise_hint(ranking: Sequence[SpecFit], chosen: str, recognition: Any = None) -> str | None:
    """A warning when another spec fits the clip far better than the ``chosen`` one, else None.

    A fit counts reps, and another exercise's spec may count more of them in the same movement (a
    squat's counter reads each deadlift as two knee bends). So with ``recognition`` (a
    :class:`formcheck.pipeline.recognise.Recognition` of the clip) the warning also needs the
    recogniser's agreement: its best candidate is not the chosen exercise, and the one named is
    among its :data:`HINT_TOP` best.

    Example:
        >>> wrong_exercise_hint(ranking, "glute_bridge")  # doctest: +SKIP
        'This clip looks more like Superman (4 reps ...) than Glute bridge (0 reps ...). ...'
    """
    mine = next((f for f in ranking if f.name == chosen), None)
    others = [f for f in ranking if f.name != chosen]
    if mine is None or not others:
        return None
    best = others[0]
    if best.fit < HINT_MIN_FIT or mine.fit > HINT_MAX_SHARE * best.fit:
        return None
    if recognition is not None and (recognition.top(1) == [chosen] or best.name not in recognition.top(HINT_TOP)):
        return None
    return (f"This clip looks more like {best.title} ({best.findings()}) than {mine.title} "
            f"({mine.findings()}). If that is what was filmed, choose {best.title} and analyse again.")
