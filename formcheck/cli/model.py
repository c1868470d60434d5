"""``formcheck model [path|info] [--model PATH]``: make the pose model ready."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("model", help="get the pose model ready offline; print its path or info")
    p.add_argument("action", nargs="?", choices=("path", "info"), default="info",
                   help="path: print the .task path; info: source, size, sha256, pinned or not (default)")
    p.add_argument("--model", help="use this .task file (else FORMCHECK_MODEL, the cache, a build)")
    p.add_argument("--no-download", action="store_true",
                   help="no effect, kept for old scripts: formcheck never downloads an unpinned model")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.pose.model import resolve_model

    def progress(line: str) -> None:
        print(f"[model] {line}", file=sys.stderr, flush=True)

    info = resolve_model(args.model, progress=progress)
    if args.action == "path":
        print(info.path)
        return 0
    pinned = (f"yes: {info.pinned}" if info.pinned else
              "no: its sha256 is not one formcheck's thresholds were checked with (results may differ)")
    print(f"path:   {info.path}\nsource: {info.source}\nsize:   {info.size} bytes\nsha256: {info.sha256}\n"
          f"pinned: {pinned}")
    return 0
