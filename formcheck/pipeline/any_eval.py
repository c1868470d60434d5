"""The spec-free counter beside the spec's on labelled clips (``formcheck eval PATH... --exercise any``).

Each labelled clip's cached landmarks are counted twice: by the spec of its label (the
ordinary harness, :mod:`formcheck.pipeline.evaluate`) and by "Any exercise"
(:mod:`formcheck.tracker.any_tracker`, offline: the whole clip). The table puts the label,
the spec's count and the spec-free count side by side; the totals say on how many rep
clips each is within one of the label.

Example:
    >>> run = evaluate(["sample_videos"], also=add_spec_free)  # doctest: +SKIP
    >>> print(format_any_table(run))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from formcheck.pipeline.evaluate import EvalRun
from formcheck.pipeline.metrics import ClipScore


def add_spec_free(frames: Sequence[Any], row: ClipScore) -> ClipScore:
    """``row`` with the spec-free count of ``frames`` and the period it found."""
    from formcheck.pipeline.analysis import analyze_frames

    s = analyze_frames(frames, "any").summary
    period = s.extra.get("period_s")
    return replace(row, any_reps=s.reps, any_period_s=float(period) if period is not None else None)


def rep_clips(run: EvalRun) -> list[ClipScore]:
    """Scored clips with repetitions in their label (holds and no-exercise clips left out)."""
    return [c for c in run.clips if c.status == "ok" and c.any_reps is not None and c.true_reps > 0]


def format_any_table(run: EvalRun) -> str:
    """Clip by clip: label, spec count, spec-free count (and its period); totals on rep clips."""
    head = ("clip", "exercise", "label", "spec", "any", "any-label", "period")
    rows = [(c.name, c.exercise or "(none)", str(c.true_reps), str(c.pred_reps), str(c.any_reps),
             f"{(c.any_reps or 0) - c.true_reps:+d}",
             f"{c.any_period_s:.1f} s" if c.any_period_s else "-")
            for c in run.clips if c.status == "ok" and c.any_reps is not None]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    out.append("-" * len(out[0]))
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    out.append("")
    for kind in ("sample", "real"):
        reps = [c for c in rep_clips(run) if c.kind == kind]
        if not reps:
            continue
        any_ok = sum(abs((c.any_reps or 0) - c.true_reps) <= 1 for c in reps)
        spec_ok = sum(abs(c.pred_reps - c.true_reps) <= 1 for c in reps)
        exact = sum(c.any_reps == c.true_reps for c in reps)
        what = "sample clips" if kind == "sample" else "filmed clips"
        out.append(f"{what} with reps: {len(reps)}   spec-free within one: {any_ok}/{len(reps)} "
                   f"({100 * any_ok / len(reps):.0f} %), exact {exact}/{len(reps)}   "
                   f"spec within one: {spec_ok}/{len(reps)}")
    return "\n".join(out)
