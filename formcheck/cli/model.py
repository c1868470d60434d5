"""``formcheck model [path|info] [--model PATH]``: make the pose model ready."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("model", help="get the pose model ready offline; print its path or info")
    p.add_argument("action", nargs="?", choices=("path", "info"), default="info",
                   help="path: print the .task path; info: source, size, sha256 (default)")
    p.add_argument("--model", help="use this .task file (else FORMCHECK_MODEL, the cache, download, build)")
    p.add_argument("--no-download", action="store_true", help="do not try Google's model host")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.pose.model import resolve_model

    def progress(line: str) -> None:
        print(f"[model] {line}", file=sys.stderr, flush=True)

    info = resolve_model(args.model, allow_download=not args.no_download, progress=progress)
    if args.action == "path":
        print(info.path)
    else:
        print(f"path:   {info.path}\nsource: {info.source}\nsize:   {info.size} bytes\nsha256: {info.sha256}")
    return 0
