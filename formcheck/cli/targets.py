"""``formcheck targets learn CLIP --client NAME -e EXERCISE | list``: a client's personal targets.

``learn`` analyses a clip of one good set (a video, or a landmarks ``.npz`` from
``formcheck pose``), learns the client's rest, far end and range from its
complete reps and writes their personal spec beside the history database
(:mod:`formcheck.store.personal_targets`); ``formcheck analyze --client NAME``,
the Review page and the Live page then judge that client by it. ``list``
prints every personal spec.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("targets", help="learn a client's personal targets from a clip of a good set; list them")
    ss = p.add_subparsers(dest="targets_cmd", metavar="ACTION", required=True)
    learn = ss.add_parser("learn", help="learn a client's rest, far end and range from one good set")
    learn.add_argument("clip", help="video of the set, or its landmarks file (.npz)")
    learn.add_argument("--client", required=True, help="the client's name")
    learn.add_argument("-e", "--exercise", required=True, help="exercise id (see `formcheck specs list`)")
    learn.add_argument("--model", help="pose model .task file")
    ls = ss.add_parser("list", help="list every client's personal targets")
    for q in (learn, ls):
        q.add_argument("--db", help="history database file (default: FORMCHECK_DB or the user data dir); "
                                    "the targets live in targets/ beside it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.store.personal_targets import list_targets, targets_folder

    folder = targets_folder(args.db)
    if args.targets_cmd == "list":
        found = list_targets(folder)
        if not found:
            print(f"no personal targets in {folder}")
        for client, exercise, path in found:
            print(f"{client:20s} {exercise:24s} {path}")
        return 0
    return _learn(args, folder)


def _learn(args: argparse.Namespace, folder: Path) -> int:
    from formcheck.pipeline.analysis import analyze_video
    from formcheck.records.errors import VideoSourceError
    from formcheck.records.input_files import check_readable_file
    from formcheck.spec import load_spec
    from formcheck.store.personal_targets import learn_targets, personal_words, save_targets

    base = load_spec(args.exercise)  # unknown exercise: one line before the clip is read
    clip = check_readable_file(args.clip, "video", VideoSourceError)
    result = analyze_video(clip, base, model_path=args.model)
    learnt = learn_targets(result.summary, base, client=args.client, clip=clip.name)
    path = save_targets(learnt, folder)
    print(f"{learnt.client}, {base.title}: from {learnt.reps} reps of {clip.name}: rest {learnt.rest:g}, "
          f"far end {learnt.end:g}, range {learnt.range:g} ({learnt.signal})")
    for line in personal_words(load_spec(path), base):
        print(f"  {line}")
    print(f"  wrote {path}")
    return 0
