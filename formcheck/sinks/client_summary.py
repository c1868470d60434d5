"""A set in plain words for the client: counts, then each fault with the reps it happened on.

Built only from the set summary (rep rows and cues) and the spec's words::

    5 reps.
    On reps 2 and 4 your hips sagged: Brace your core: keep your hips in line.
    Between reps your hips sagged: Lift your hips.

A cue without a rep (it came between reps or during a hold) is said to be so,
never dropped. A set with nothing counted says so instead of praising form.

Example:
    >>> client_sentences(result.summary, result.spec)[0]  # doctest: +SKIP
    '5 reps.'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from formcheck.records.feedback import Cue, ScoreLoss, SetSummary
from formcheck.sinks.presentation import plural
from formcheck.spec.thresholds import rule_words

#: Cues the tracker raises itself (no spec rule behind them), in the client's words.
TRACKER_FAULTS: dict[str, str] = {
    "short_range": "you stopped short of the full range",
    "partial_rep": "the rep was cut short",
    "too_fast": "you moved too fast",
}


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    Example:
        >>> and_list(["2", "4", "5"])
        '2, 4 and 5'
    """
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fault_words(cue_id: str, spec: Any) -> str:
    """What went wrong, from the rule's ``fault`` text (or the tracker's own words, or the id).

    Example:
        >>> fault_words("too_fast", None)
        'you moved too fast'
    """
    rule = next((r for r in getattr(spec, "rules", []) or [] if r.id == cue_id), None)
    if rule is not None:
        return rule_words(rule)
    if cue_id == getattr(getattr(spec, "rep", None), "short_id", None):
        return TRACKER_FAULTS["short_range"]  # the spec's own id for a rep short of the range target
    return TRACKER_FAULTS.get(cue_id, cue_id.replace("_", " "))


def headline(summary: SetSummary, spec: Any) -> str:
    """The count (or hold time) in one sentence."""
    if getattr(spec, "kind", "reps") == "hold" or (summary.holds and not summary.rep_rows):
        good = sum(h.good_s for h in summary.holds)
        target = next((h.target_s for h in summary.holds if h.target_s), None)
        if not summary.holds:
            return "No hold was timed: the hold position was not recognised."
        lost = sum(h.lost_s for h in summary.holds)
        text = f"Held {good:.0f} s with good form"
        text += f" (target {target:.0f} s)" if target else ""
        return text + (f"; {lost:.0f} s lost to form faults." if lost >= 0.5 else ".")
    if summary.reps == 0:
        reason = getattr(summary, "reason", None)
        if reason:
            return f"No reps were counted: {reason.rstrip('.')}."
        why = f" ({'; '.join(summary.notes)})" if summary.notes else ""
        return f"No reps were counted{why}."
    text = plural(summary.reps, "rep")
    if summary.reps_by_side:
        text += " (" + ", ".join(f"{v} {k}" for k, v in sorted(summary.reps_by_side.items())) + ")"
    if summary.partial_reps:
        text += f" and {plural(summary.partial_reps, 'partial rep')}"
    return text + "."


def _reps_phrase(reps: Sequence[int]) -> str:
    ordered = sorted(set(reps))
    return ("On rep " if len(ordered) == 1 else "On reps ") + and_list([str(r) for r in ordered])


def fault_sentences(cues: Sequence[Cue], spec: Any) -> list[str]:
    """One sentence per fault: the reps it happened on, what went wrong, and the cue's advice."""
    by_id: dict[str, list[Cue]] = {}
    for cue in sorted(cues, key=lambda c: c.start):
        by_id.setdefault(cue.id, []).append(cue)
    out = []
    for cue_id, group in by_id.items():
        words, advice = fault_words(cue_id, spec), group[0].message
        reps = [c.rep for c in group if c.rep is not None]
        loose = [c for c in group if c.rep is None]
        if reps:
            out.append(f"{_reps_phrase(reps)} {words}: {advice}")
        if loose:
            at = and_list([f"{c.start:.0f} s" for c in loose[:4]])
            lead = ("During the hold" if getattr(spec, "kind", "reps") == "hold"
                    else "Also between reps" if reps else "Between reps")
            out.append(f"{lead} (at {at}) {words}" + ("." if reps else f": {advice}"))
    return out


def _reps_words(reps: Sequence[int]) -> str:
    return ("rep " if len(reps) == 1 else "reps ") + and_list([str(r) for r in sorted(reps)])


def loss_words(loss: ScoreLoss, spec: Any) -> str:
    """What one :class:`ScoreLoss` was for, in the client's words (no number).

    Example:
        >>> from formcheck.records.feedback import ScoreLoss
        >>> loss_words(ScoreLoss(47, "partial", reps=(3,)), None)
        'rep 3 was partial (not through the full range)'
    """
    reps, many = _reps_words(loss.reps), len(loss.reps) > 1
    hold = getattr(getattr(spec, "hold", None), "target_s", None)
    top = getattr(getattr(spec, "rep", None), "hold_at_peak", 0.0)
    words: dict[str, str] = {
        "partial": f"{reps} {'were' if many else 'was'} partial (not through the full range)",
        "uncounted": f"{reps} did not count (a fault voided {'them' if many else 'it'})",
        "cue": f"on {reps} {fault_words(loss.cue or '', spec)}",
        "too_fast": f"{reps} {'were' if many else 'was'} rushed",
        "short_range": f"on {reps} {fault_words(loss.cue or 'short_range', spec)}",
        "short_hold": f"the top was held for less than {top:g} s on {reps}",
        "set_cue": f"between reps {fault_words(loss.cue or '', spec)}",
        "hold_form": "part of the hold was in poor form",
        "hold_short": f"the hold fell short of its {hold:g} s target" if hold else "the hold fell short of its target",
    }
    return words[loss.kind]


def score_sentence(summary: SetSummary, spec: Any) -> str | None:
    """Why the score is under 100, every point lost named; None at 100 or when nothing counted.

    Example:
        >>> score_sentence(summary, spec)  # doctest: +SKIP
        'Score 53/100: 47 points because rep 3 was partial (not through the full range).'
    """
    return losses_sentence(summary.score, getattr(summary, "score_losses", ()), spec)


def edge_sentence(summary: SetSummary) -> str | None:
    """The partial reps the clip (its start or end, or the body leaving the picture) cut off: said, and why not scored.

    Example:
        >>> edge_sentence(summary)  # doctest: +SKIP
        'Rep 3 was only partly filmed: partial, and not scored.'
    """
    cut = [r.index for r in summary.rep_rows if r.at_edge]
    if not cut:
        return None
    return f"{_reps_words(cut).capitalize()} {'were' if len(cut) > 1 else 'was'} only partly filmed: " \
           "partial, and not scored."


def losses_sentence(score: int, losses: Sequence[ScoreLoss], spec: Any) -> str | None:
    """:func:`score_sentence` from a score and its losses (a stored set: History).

    Example:
        >>> losses_sentence(85, [ScoreLoss(15, "too_fast", reps=(2,))], None)
        'Score 85/100: 15 points because rep 2 was rushed.'
    """
    if score >= 100 or not losses:
        return None
    parts = [f"{x.points} {'point' if x.points == 1 else 'points'} because {loss_words(x, spec)}" for x in losses]
    return f"Score {score}/100: " + "; ".join(parts) + "."


#: ``count_confidence`` begins so when the count is the movement's alone (the spec's gates silenced it).
MOVEMENT_ONLY = "movement only"


def count_sentence(summary: SetSummary) -> str | None:
    """What the second, spec-free count of the movement adds, when it is more than a confirmation.

    Example:
        >>> count_sentence(summary)  # doctest: +SKIP
        'A second count of the movement alone found 7; the exercise's own count (4) is kept.'
    """
    conf = summary.count_confidence or ""
    if conf.startswith(MOVEMENT_ONLY):
        note = next((n for n in summary.notes if "counted from the movement alone" in n), None)
        said = note[0].upper() + note[1:] if note else f"Counted from the movement alone ({conf.split(': ', 1)[-1]})"
        return said + "; their form was not judged."
    if conf.startswith("disagree") and summary.reps > 0:
        return (f"A second count of the movement alone found {conf.rsplit(' ', 1)[-1]}; the exercise's own count "
                f"({summary.reps}) is kept.")
    return None


def client_sentences(summary: SetSummary, spec: Any) -> list[str]:
    """The plain-language summary of a set, sentence by sentence.

    Example:
        >>> client_sentences(summary, spec)  # doctest: +SKIP
        ['5 reps.', 'On reps 2 and 4 your hips sagged: Brace your core: keep your hips in line']
    """
    lines = [headline(summary, spec)]
    checked = count_sentence(summary)
    lines += [checked] if checked else []
    faults = fault_sentences(summary.cues, spec)
    lines += faults
    counted = summary.reps > 0 or any(h.good_s > 0 for h in summary.holds)
    explained = score_sentence(summary, spec) if counted else None
    judged = not (summary.count_confidence or "").startswith(MOVEMENT_ONLY)
    if counted and not faults and explained is None and judged:
        lines.append("Good form throughout: no form cues.")
    elif explained is not None:
        lines.append(explained)  # never "no form cues" beside a score under 100
    if counted and (cut := edge_sentence(summary)) is not None:
        lines.append(cut)
    reps = [r for r in summary.rep_rows if r.complete]
    if len(reps) >= 2:
        up = sum(r.tempo_up for r in reps) / len(reps)
        down = sum(r.tempo_down for r in reps) / len(reps)
        lines.append(f"A rep took {up + down + sum(r.tempo_hold for r in reps) / len(reps):.1f} s on average "
                     f"({up:.1f} s up, {down:.1f} s down).")
    return lines
