"""``formcheck eval PATH... [--json] [--cache DIR] [--frame-step N]``: accuracy on labelled clips.

PATHs are folders of sample clips with ``*.json`` labels, folders holding a
real-clip ``labels.json``, or label files. Pose landmarks are cached per clip
(by sha256) so re-runs take seconds.
"""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("eval", help="score rep counts and form cues on labelled clips",
                       description="Run the pipeline on labelled clips; print per-clip results and totals "
                                   "(exact-count rate, MAE, off-by-one, cue precision/recall, false cues/min).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="folder of labelled clips, or a label file")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--cache", help="folder for cached landmarks (default: the user cache)")
    p.add_argument("--model", help="pose model .task file")
    p.add_argument("--frame-step", type=int, default=1, choices=(1, 2, 3, 4), metavar="N",
                   help="run the pose model on every N-th frame only (measures a reduced frame rate)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.pipeline.evaluate import evaluate, format_table
    from formcheck.records.errors import LabelError

    run_ = evaluate(args.paths, cache_dir=args.cache, model_path=args.model, frame_step=args.frame_step,
                    log=lambda line: print(line, file=sys.stderr, flush=True))
    if not run_.clips:
        raise LabelError("no labelled clips found in " + ", ".join(args.paths))
    if args.json:
        print(json.dumps(run_.to_dict(), indent=2))
    else:
        print(format_table(run_))
    return 0
