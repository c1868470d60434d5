"""``formcheck eval PATH... [--json] [--cache DIR] [--faults FILE] [--frame-step N]``: accuracy on labelled clips.
``formcheck eval --sweep done-when|full|filmed [--render DIR]``: the synthetic robustness sweep.
``formcheck eval --repcount DIR [--per-clip]``: the spec-free counter on RepCount-pose landmarks (MAE, OBO).
``formcheck eval PATH... --exercise any``: the spec-free count beside the label and the spec's count.
``formcheck eval --recognise PATH...``: the recogniser's top-1, top-3, confusions, wrong while confident.

PATHs are folders of sample clips with ``*.json`` labels, folders holding a
real-clip ``labels.json``, or label files. Pose landmarks are cached per clip
(by sha256) so re-runs take seconds. Real clips get their frame-checked faults
from ``labels/real_clip_faults.json`` (or ``--faults FILE``).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("eval", help="score rep counts and form cues on labelled clips",
                       description="Run the pipeline on labelled clips; print per-clip results and totals "
                                   "(exact-count rate, MAE, off-by-one, cue precision/recall, false cues/min).")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folder of labelled clips, or a label file")
    p.add_argument("--faults", metavar="FILE",
                   help="fault annotations of real clips (default: labels/real_clip_faults.json of the repository)")
    p.add_argument("--sweep", choices=("done-when", "full", "filmed"),
                   help="instead of clips: count synthetic tracks over views, bodies, tempos and start phases "
                        "(filmed: only the full grid's head-on, rear-oblique, pitched, cut and walked cases)")
    p.add_argument("--render", metavar="DIR",
                   help="with --sweep: render each track into DIR and run the pose model on it (slow)")
    p.add_argument("--repcount", metavar="DIR",
                   help="instead of clips: count the RepCount-pose landmarks in DIR (npy + labels.csv) with "
                        "the spec-free counter; print MAE and OBO per exercise type and overall")
    p.add_argument("--recognise", action="store_true",
                   help="instead of counting: recognise each labelled clip's exercise; print top-1, top-3, "
                        "the confusions and how often it was wrong while confident, per source")
    p.add_argument("--per-clip", action="store_true", help="with --repcount: print every clip too")
    p.add_argument("--exercise", choices=("any",),
                   help="any: count every labelled clip with the spec-free counter too, beside the label "
                        "and the spec's count")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--cache", help="folder for cached landmarks (default: the user cache)")
    p.add_argument("--model", help="pose model .task file")
    p.add_argument("--frame-step", type=int, default=1, choices=(1, 2, 3, 4), metavar="N",
                   help="run the pose model on every N-th frame only (measures a reduced frame rate)")
    p.set_defaults(func=run)


def _sweep(args: argparse.Namespace) -> int:
    from pathlib import Path

    from formcheck.pipeline.sweep import format_sweep, run_sweep, sweep_cases
    from formcheck.records.errors import OutputError

    render = Path(args.render) if args.render else None
    if render is not None:
        try:
            render.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create --render folder {render}: {exc}") from exc
    rows = run_sweep(sweep_cases(args.sweep), render_dir=render, model_path=args.model,
                     log=lambda line: print(line, file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps([{**r.case.__dict__, "true_reps": r.true_reps, "true_partial": r.true_partial,
                           "reps": r.reps, "partial_reps": r.partial_reps, "exact": r.exact} for r in rows], indent=2))
    else:
        print(format_sweep(rows))
    return 0


def _repcount(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from formcheck.pipeline.repcount import format_repcount, run_repcount, scores

    rows = run_repcount(args.repcount)
    if args.json:
        print(json.dumps({"clips": [asdict(r) for r in rows],
                          "scores": {k: {"clips": n, "mae": mae, "obo": obo}
                                     for k, (n, mae, obo) in scores(rows).items()}}, indent=2))
    else:
        print(format_repcount(rows, per_clip=args.per_clip))
    return 0


def _recognise(args: argparse.Namespace) -> int:
    from formcheck.pipeline.recognise_eval import evaluate_recognition, format_recognition, recognition_dict
    from formcheck.records.errors import LabelError

    rows = evaluate_recognition(args.paths, cache_dir=args.cache, model_path=args.model,
                                log=lambda line: print(line, file=sys.stderr, flush=True))
    if not rows:
        raise LabelError("no labelled clips with a spec found in " + ", ".join(args.paths))
    print(json.dumps(recognition_dict(rows), indent=2) if args.json else format_recognition(rows))
    return 0


def run(args: argparse.Namespace) -> int:
    from formcheck.pipeline.evaluate import FAULT_ANNOTATIONS, evaluate, format_table
    from formcheck.records.errors import LabelError

    if args.sweep:
        return _sweep(args)
    if args.repcount:
        return _repcount(args)
    if args.recognise and args.paths:
        return _recognise(args)
    if not args.paths:
        raise LabelError("give folders of labelled clips (e.g. sample_videos) or --sweep done-when|full")
    if args.faults:
        from pathlib import Path

        if not Path(args.faults).is_file():
            raise LabelError(f"--faults: no such file: {args.faults}")
    from formcheck.pipeline.any_eval import add_spec_free, format_any_table

    run_ = evaluate(args.paths, cache_dir=args.cache, model_path=args.model, frame_step=args.frame_step,
                    log=lambda line: print(line, file=sys.stderr, flush=True),
                    faults_file=args.faults or FAULT_ANNOTATIONS,
                    also=add_spec_free if args.exercise == "any" else None)
    if not run_.clips:
        raise LabelError("no labelled clips found in " + ", ".join(args.paths))
    if args.json:
        print(json.dumps(run_.to_dict(), indent=2))
    elif args.exercise == "any":
        print(format_any_table(run_))
    else:
        print(format_table(run_))
    if run_.totals.clips == 0:
        reasons = sorted({c.status for c in run_.clips})
        raise LabelError(f"none of the {len(run_.clips)} labelled clips could be scored ({', '.join(reasons)}; "
                         "see the table)")
    return 0
