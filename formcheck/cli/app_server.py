"""The app's server process: ``streamlit run`` with the native libraries' log lines hidden.

``formcheck app`` replaces itself with ``python -m formcheck.cli.app_server
[--native-logs] STREAMLIT-ARGS``. This module enters
:func:`~formcheck.cli.console.native_logs_hidden` and then runs Streamlit's own
command line in the same process, so the server's log shows Streamlit's and
formcheck's lines (Python's ``sys.stderr``: messages, warnings, tracebacks) but
not the hundreds of lines MediaPipe and LiteRT write straight to file descriptor
2 each time a pose model is loaded ("Sparsity tensors may not yet be fully
supported", XNNPACK). ``--native-logs`` (``formcheck app --verbose``) keeps them.
Being one process, the server still gets ``SIGTERM`` and ``Ctrl+C`` itself.

Example:
    >>> server_command(["run", "main.py"], native_logs=False)[1:4]
    ['-m', 'formcheck.cli.app_server', 'run']
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence

from formcheck.cli.console import native_logs_hidden

#: The launcher's own switch, given before Streamlit's arguments.
SHOW_NATIVE_LOGS = "--native-logs"


def server_command(streamlit_args: Sequence[str], *, native_logs: bool) -> list[str]:
    """The command line that runs Streamlit with ``streamlit_args`` in this launcher.

    Example:
        >>> server_command(["run", "main.py"], native_logs=True)[3]
        '--native-logs'
    """
    own = [SHOW_NATIVE_LOGS] if native_logs else []
    return [sys.executable, "-m", "formcheck.cli.app_server", *own, *streamlit_args]


def main(argv: Sequence[str]) -> None:
    """Run Streamlit's command line (``argv`` without the launcher's switch) as ``python -m streamlit`` would.

    Raises:
        SystemExit: Streamlit's command ends with one (its exit code).
    """
    args = list(argv)
    shown = SHOW_NATIVE_LOGS in args[:1]
    with native_logs_hidden(not shown):
        sys.argv = ["streamlit", *args[1:]] if shown else ["streamlit", *args]
        runpy.run_module("streamlit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
