"""``formcheck routines list|show NAME|validate [FILES]``: routines (exercises in order) in ``routines/``."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("routines", help="list, show, validate routines (exercises in order, for the app)")
    ss = p.add_subparsers(dest="routines_cmd", metavar="ACTION", required=True)
    ss.add_parser("list", help="list the built-in routines")
    show = ss.add_parser("show", help="print a routine's plan, with the exercises it skips")
    show.add_argument("name", help="routine id or file")
    val = ss.add_parser("validate", help="validate routine files (default: every built-in routine)")
    val.add_argument("files", nargs="*", help="routine .yaml files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.records.errors import SpecError
    from formcheck.spec.routine import (
        ROUTINES_DIR,
        list_routines,
        load_routine,
        plan_routine,
    )

    if args.routines_cmd == "list":
        names = list_routines()
        width = max((len(n) for n in names), default=0)
        for name in names:
            plan = plan_routine(load_routine(name))
            total = len(plan.routine.exercises)
            print(f"{name:{width}s}  {plan.routine.title:22s} {len(plan.entries)} of {total} exercises ready, "
                  f"{plan.sets} sets, about {plan.minutes():.0f} min")
        return 0
    if args.routines_cmd == "show":
        print(_plan_text(args.name))
        return 0
    if args.routines_cmd == "validate":
        files = args.files or [str(ROUTINES_DIR / f"{n}.yaml") for n in list_routines()]
        bad = 0
        for f in files:
            try:
                plan = plan_routine(load_routine(f))
            except SpecError as exc:
                bad += 1
                print(f"FAIL {exc}", file=sys.stderr)
                continue
            skipped = f"; {len(plan.skipped)} not yet specified: {', '.join(e for e, _ in plan.skipped)}" \
                if plan.skipped else ""
            print(f"ok   {f} ({plan.routine.name}: {len(plan.entries)} exercises{skipped})")
        if bad:
            raise SpecError(f"{bad} of {len(files)} routine(s) invalid")
        return 0
    return 2


def _plan_text(name: str) -> str:
    """The plan of one routine as lines of text (``routines show``)."""
    from formcheck.spec.routine import load_routine, plan_routine

    plan = plan_routine(load_routine(name))
    r = plan.routine
    lines = [f"{r.title} ({r.name}), about {plan.minutes():.0f} min", *([r.description.strip()] if r.description
                                                                         else []),
             f"lead-in {r.lead_in_s:g} s, then:"]
    ready = {p.entry.exercise: p for p in plan.entries}
    notes = dict(plan.skipped)
    for i, e in enumerate(r.exercises, start=1):
        p = ready.get(e.exercise)
        if p is None:
            lines.append(f"  {i}. {e.exercise}: {notes[e.exercise]}")
            continue
        sets = f"{e.sets} set{'s' if e.sets != 1 else ''}"
        note = f"  ({e.note})" if e.note else ""
        lines.append(f"  {i}. {p.spec.title}: {sets} x {p.target_text}, rest {p.rest_s:g} s{note}")
    return "\n".join(lines)
