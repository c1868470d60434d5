"""``formcheck specs list|show NAME|validate [FILES]|schema|features``: exercise specs."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("specs", help="list, show, validate exercise specs; export their JSON Schema")
    ss = p.add_subparsers(dest="specs_cmd", metavar="ACTION", required=True)
    ss.add_parser("list", help="list the known exercises")
    show = ss.add_parser("show", help="print one spec as validated")
    show.add_argument("name", help="exercise id or spec file")
    val = ss.add_parser("validate", help="validate spec files (default: every built-in spec)")
    val.add_argument("files", nargs="*", help="spec .yaml files")
    sch = ss.add_parser("schema", help="print the JSON Schema of spec files (for editor completion)")
    sch.add_argument("-o", "--output", help="write the schema to this file instead of stdout")
    ss.add_parser("features", help="list the feature names a spec may use")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.records.errors import SpecError
    from formcheck.spec import SPECS_DIR, list_specs, load_spec, spec_json_schema

    if args.specs_cmd == "list":
        names = list_specs()
        width = max((len(n) for n in names), default=0)
        for name in names:
            spec = load_spec(name)
            what = (f"hold {spec.hold.target_s:g} s" if spec.hold else
                    f"reps on {spec.rep.signal}" if spec.rep else "no rep signal")
            print(f"{name:{width}s}  {spec.title:28s} {spec.view:5s} {what}")
        return 0
    if args.specs_cmd == "show":
        spec = load_spec(args.name)
        print(json.dumps(spec.model_dump(mode="json"), indent=2, allow_nan=False))  # strict JSON: no NaN
        return 0
    if args.specs_cmd == "validate":
        files = args.files or [str(SPECS_DIR / f"{n}.yaml") for n in list_specs()]
        bad = 0
        for f in files:
            try:
                spec = load_spec(f if f.endswith((".yaml", ".yml")) or "/" in f else f)
                print(f"ok   {f} ({spec.name})")
            except SpecError as exc:
                bad += 1
                print(f"FAIL {exc}", file=sys.stderr)
        if bad:
            raise SpecError(f"{bad} of {len(files)} spec(s) invalid")
        return 0
    if args.specs_cmd == "schema":
        text = json.dumps(spec_json_schema(), indent=2, allow_nan=False) + "\n"
        if args.output:
            from pathlib import Path

            from formcheck.records.atomic import atomic_write_text

            atomic_write_text(Path(args.output), text)
        else:
            sys.stdout.write(text)
        return 0
    if args.specs_cmd == "features":
        from formcheck.features.registry import base_features

        for name, d in sorted(base_features().items()):
            forms = f"{name}, left_/right_{name}, {name}_asym, {name}_lesser" if d.sided else name
            print(f"{forms:60s} [{d.unit}] {d.description}")
        return 0
    return 2
