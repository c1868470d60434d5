"""``formcheck app [--port P] [--db PATH] [--address A] [--no-auth]``: start the Streamlit app.

Replaces itself (``exec``) with ``streamlit run formcheck/app/main.py`` (through
:mod:`formcheck.cli.app_server`, which hides the native libraries' log lines unless
``--verbose``) in headless mode, with usage statistics off (no telemetry) and the
file watcher off (it overflows inotify when a virtualenv sits beside the code).
Being the same process, the server gets ``SIGTERM``/``Ctrl+C`` directly: no
wrapper can die and leave it serving on the port.

Bound to a loopback address (the default) nobody signs in. Bound to any other
address the app serves ``gated_main.py`` (sign-in required, see
``formcheck.app.access``) and refuses to start, in one line, until a trainer
account exists; ``--no-auth`` serves everyone instead and says so on every
start. An ``[auth]`` section in Streamlit's ``.streamlit/secrets.toml`` (as for
``st.login``) adds sign-in through that provider; a malformed one fails here.
Beyond this computer, error details and Streamlit's start-up banner (which
looks up the external address on the internet) are off.

Streamlit's full garbage collection after every page run is off: over the
app's heap (the pose model, pandas, Altair) it took 50-170 ms of CPU a run
while holding the GIL, most of a page run's cost, and with many sessions it
stalled every other session and the health check. Python's own collector
still runs as objects pile up; large buffers are freed as soon as they are
let go, whatever the collector does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from formcheck.cli.app_server import server_command

#: Why the app will not serve other computers yet, and what to do (one line).
NO_ACCOUNTS = ("serving beyond this computer ({address}) needs sign-in: create the first trainer account with "
               "`formcheck users add NAME --role trainer{db}` (or pass --no-auth on a network you trust)")
NO_AUTH_WARNING = ("formcheck app: WARNING: --no-auth: anyone who can reach {url} sees every client's "
                   "history, notes and exports, and can delete them")


def entry_file(gated: bool = False) -> Path:
    """The Streamlit entry script of the app (``gated``: behind the sign-in gate)."""
    return Path(__file__).resolve().parent.parent / "app" / ("gated_main.py" if gated else "main.py")


def streamlit_command(port: int, address: str, max_upload_mb: int = 200,
                      tls: tuple[Path, Path] | None = None, *, native_logs: bool = False, gated: bool = False,
                      private: bool = False) -> list[str]:
    """The server's command line: ``streamlit run`` the app (Streamlit's own upload cap follows ours).

    ``tls`` is (certificate, key): Streamlit then serves HTTPS, which browsers
    require before they hand a camera to any page not on localhost. ``native_logs``
    keeps the pose model's own log lines in the server's log (``--verbose``).
    ``gated`` serves the app behind the sign-in gate; ``private`` shows visitors
    no error details (tracebacks, paths) and prints no start-up banner.

    Example:
        >>> streamlit_command(8501, "localhost")[1:3]
        ['-m', 'formcheck.cli.app_server']
    """
    extra = ["--server.sslCertFile", str(tls[0]), "--server.sslKeyFile", str(tls[1])] if tls else []
    if private:
        extra += ["--client.showErrorDetails", "none", "--logger.hideWelcomeMessage", "true"]
    args = ["run", str(entry_file(gated)), *extra,
            "--server.maxUploadSize", str(max_upload_mb),
            "--server.headless", "true", "--server.address", address, "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--runner.postScriptGC", "false",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal"]
    return server_command(args, native_logs=native_logs)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"must be a port number 1-65535, got {text!r}")
    return port


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("app", help="start the web app (live coaching, clip review, samples, history)")
    p.add_argument("--port", type=_port, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--address", default="localhost",
                   help="address to bind (default localhost; remote cameras need HTTPS, see docs/app.md)")
    p.add_argument("--db", help="history database file (default: FORMCHECK_DB or the user data dir)")
    p.add_argument("--cert", help="TLS certificate (PEM) to serve HTTPS, needed for cameras on other machines")
    p.add_argument("--key", help="TLS private key (PEM) matching --cert")
    p.add_argument("--no-auth", action="store_true",
                   help="serve other computers without sign-in (a trusted network only: everyone sees everything)")
    # Not hidden here: the server this process becomes hides them itself (fd 2 survives exec).
    p.set_defaults(func=run, native_logs=True)


def _access(args: argparse.Namespace, url: str) -> str:
    """``local``, ``accounts`` or ``open`` for ``--address`` and ``--no-auth`` (see ``formcheck.app.access``).

    Raises:
        FormcheckError: Not loopback, no ``--no-auth``, and no trainer account yet (or a bad secret file).
    """
    from formcheck.app.access import is_loopback, load_secret, secret_path
    from formcheck.records.errors import FormcheckError
    from formcheck.store.accounts import AccountStore, accounts_path
    from formcheck.store.history import default_db_path

    if is_loopback(args.address):
        return "local"
    if args.no_auth:
        print(NO_AUTH_WARNING.format(url=url), file=sys.stderr, flush=True)
        return "open"
    history = Path(args.db).expanduser().resolve() if args.db else default_db_path()
    accounts = accounts_path(history)
    if not accounts.is_file() or not AccountStore(accounts).has_trainer():
        raise FormcheckError(NO_ACCOUNTS.format(address=args.address, db=f" --db {args.db}" if args.db else ""))
    load_secret(secret_path(history))  # made now (mode 600), or one line if it is not private
    from formcheck.app.oidc import configured_providers

    providers = configured_providers()  # a bad [auth] section fails here, in one line
    if providers is not None:
        labels = ", ".join(p.label for p in providers.providers)
        print(f"formcheck app: sign-in with {labels} too ([auth] in Streamlit's secrets.toml)", file=sys.stderr,
              flush=True)
    return "accounts"


def run(args: argparse.Namespace) -> int:
    import math

    from formcheck.app.settings import SettingsError, load_settings

    settings = load_settings()  # a malformed FORMCHECK_* variable fails here, in one line
    tls = None
    if args.cert or args.key:
        if not (args.cert and args.key):
            raise SettingsError("--cert and --key go together (PEM certificate and its private key)")
        tls = (Path(args.cert).expanduser().resolve(), Path(args.key).expanduser().resolve())
        for path in tls:
            if not path.is_file():
                raise SettingsError(f"TLS file not found: {path}")
    env = dict(os.environ)
    if args.db:
        from formcheck.store.history import HistoryStore

        HistoryStore(args.db)  # fail here, with one line, if the file is unusable
        env["FORMCHECK_DB"] = str(Path(args.db).expanduser().resolve())
    scheme = "https" if tls else "http"
    url = f"{scheme}://{args.address}:{args.port}"
    access = _access(args, url)
    env["FORMCHECK_ACCESS"] = access
    print(f"formcheck app: {url}  (Ctrl+C to stop)", file=sys.stderr, flush=True)
    command = streamlit_command(args.port, args.address, max(1, math.ceil(settings.upload_limit_mb)), tls,
                                native_logs=bool(getattr(args, "verbose", False)), gated=access == "accounts",
                                private=access != "local")
    sys.stdout.flush()
    if hasattr(os, "execve"):
        os.execve(command[0], command, env)  # never returns
    return subprocess.call(command, env=env)  # pragma: no cover - platforms without exec
