"""The ``formcheck`` command: parses, calls the library, prints, returns an exit code.

Each subcommand lives in ``formcheck/commands/<name>.py``. Only
``FormcheckError`` (a user's mistake or an environment problem) is caught and
printed as one line; anything else is a bug and keeps its traceback.

The top layer: may import every other (``formcheck app`` starts the app).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from formcheck.cli.commands import COMMAND_MODULES
from formcheck.records.errors import FormcheckError
from formcheck.records.version import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formcheck", description="Exercise form checker: reps, holds and form cues from video."
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"formcheck.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FormcheckError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("formcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
