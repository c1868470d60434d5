"""The ``formcheck`` command: parses, calls the library, prints, returns an exit code.

Each subcommand lives in ``formcheck/cli/<name>.py``. Only
``FormcheckError`` (a user's mistake or an environment problem) is caught and
printed as one line; anything else is a bug and keeps its traceback. Around
every command: native libraries' log lines are hidden (``--verbose`` shows
them), ``SIGTERM``/``SIGHUP`` unwind like ``Ctrl+C`` (temp files removed), and
a failed write to standard output is one error line.

The top layer: may import every other (``formcheck app`` starts the app).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from formcheck.cli.commands import COMMAND_MODULES
from formcheck.cli.console import StdoutGuard, discard_stdout, guarded_stdout, native_logs_hidden
from formcheck.cli.signals import Terminated, signals_raise
from formcheck.records.errors import FormcheckError, OutputError
from formcheck.records.version import __version__

VERBOSE_HELP = "show the pose model's and OpenCV's own log lines (hidden by default)"


def build_parser() -> argparse.ArgumentParser:
    """The ``formcheck`` parser with every subcommand (each also takes ``-v/--verbose``)."""
    parser = argparse.ArgumentParser(
        prog="formcheck", description="Exercise form checker: reps, holds and form cues from video."
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"formcheck.cli.{name}").add_parser(sub)
    for command in sub.choices.values():
        # SUPPRESS: given after the subcommand it sets the flag, absent it keeps the main parser's value.
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code when parsing ended the run (``--help``, a usage error).

    ``--help`` and ``--version`` print to standard output, where argparse ignores a
    write error: through :class:`StdoutGuard` a full stdout is one error line, exit 1.
    """
    inner = sys.stdout
    sys.stdout = StdoutGuard(inner)
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help or --version (0), a usage error (2, printed to stderr)
            sys.stdout.flush()
            return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
        if not getattr(args, "func", None):
            parser.print_help()
            sys.stdout.flush()
            return 2
        return args
    except OutputError as exc:
        discard_stdout(inner)
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        discard_stdout(inner)
        return 0
    finally:
        sys.stdout = inner


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``formcheck`` with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    Example:
        >>> main(["specs", "list"])  # doctest: +SKIP
        0
    """
    try:
        parser = build_parser()  # imports every command module: Ctrl+C may land here
        parsed = _parse(parser, argv)
    except KeyboardInterrupt:
        print("formcheck: interrupted", file=sys.stderr)
        return 130
    if isinstance(parsed, int):
        return parsed
    args = parsed
    quiet = not args.verbose and not getattr(args, "native_logs", False)
    try:
        with native_logs_hidden(quiet), signals_raise(), guarded_stdout():
            return int(args.func(args) or 0)
    except FormcheckError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: not an error (files were written first).
        discard_stdout(sys.stdout)
        return 0
    except KeyboardInterrupt:
        _quiet_teardown()
        print("formcheck: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        _quiet_teardown()
        print(f"formcheck: terminated by {exc}", file=sys.stderr)
        return 128 + exc.signum


def _quiet_teardown() -> None:
    """Stop printing errors raised in destructors from here on: a signal that cut a computation short
    leaves objects half built (a MediaPipe image whose constructor it interrupted), and they fail as
    they are freed, after the one line that says what happened. Nothing there for the user to act on.
    """
    sys.unraisablehook = lambda _unraisable: None


if __name__ == "__main__":
    sys.exit(main())
