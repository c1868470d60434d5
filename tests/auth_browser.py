"""Helpers of the sign-in tests: ``formcheck app --address 0.0.0.0`` as a real process, reached from Chromium
and from plain HTTP through this machine's non-loopback address, on a history seeded with two clients.

The server is the CLI's own (``python -m formcheck app``): the gate, the
accounts and the secret file are the ones a user gets. Requests go to the
machine's own non-loopback address (never off the machine); without one the
tests skip (``ip addr add 10.200.0.1/32 dev lo`` gives a machine one).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from formcheck.records.routine_summary import RoutineSet, RoutineSummary
from formcheck.store.accounts import AccountStore, accounts_path
from formcheck.store.history import HistoryStore
from formcheck.store.routine_store import RoutineHistory
from tests.helpers import cli_env
from tests.live_browser import free_port, stop_server
from tests.test_store import make_summary

#: name → (role, password) of the seeded accounts.
ACCOUNTS = {"tina": ("trainer", "tina's trainer passphrase"), "alice": ("client", "alice's passphrase"),
            "bob": ("client", "bob's own passphrase"), "carol": ("client", "carol's passphrase")}


def host_address() -> str:
    """A non-loopback IPv4 address of this machine (the tests skip without one)."""
    from aioice.ice import get_host_addresses

    for address in get_host_addresses(use_ipv4=True, use_ipv6=False):
        if not address.startswith("127."):
            return str(address)
    pytest.skip("no non-loopback address on this machine (e.g. `ip addr add 10.200.0.1/32 dev lo`)")


def seed(db: Path) -> dict[str, int]:
    """Two clients' sessions (alice: a live set and a reviewed clip; bob: a live set in a routine and a
    reviewed clip), a trainer's reference clip, and the accounts of ACCOUNTS."""
    store = HistoryStore(db)
    ids = {"alice_live": store.save_set(make_summary("plank", reps=4), "webcam", "live", client="alice"),
           "alice_review": store.save_set(make_summary("glute_bridge", reps=6), "alice-clip.mp4", "review",
                                          client="Alice", trainer_notes="alice: hips higher"),
           "bob_live": store.save_set(make_summary("plank", reps=9), "webcam", "live", client="bob"),
           "bob_review": store.save_set(make_summary("glute_bridge", reps=2), "bob-clip.mp4", "review",
                                        client="bob", trainer_notes="bob: mind the knee"),
           "reference": store.save_set(make_summary("glute_bridge", reps=8), "reference-clip.mp4", "review",
                                       client="reference")}
    sets = (RoutineSet(exercise="plank", title="Plank", label="set 1", target="9 reps", reps=9, hold_s=0.0,
                       score=80, target_met=True, session_id=ids["bob_live"]),)
    ids["bob_routine"] = RoutineHistory(store).save(RoutineSummary(
        routine="lower_back", title="Bob's lower back", status="completed", duration_s=90.0, sets=sets,
        sets_planned=1))
    accounts = AccountStore(accounts_path(db))
    for name, (role, password) in ACCOUNTS.items():
        accounts.add(name, role, password)
    return ids


@contextmanager
def remote_app(tmp_path: Path, extra_args: tuple[str, ...] = (), streamlit_run: bool = False,
               cwd: Path | None = None) -> Iterator[dict[str, Any]]:
    """``formcheck app --address 0.0.0.0`` on a free port with a seeded history; yields its URLs and files.

    ``streamlit_run``: start ``streamlit run formcheck/app/main.py`` on all interfaces instead (the way
    around ``formcheck app``). ``cwd``: the folder it starts in (its ``.streamlit/secrets.toml`` is read).
    """
    from formcheck.cli.app import streamlit_command

    host = host_address()
    db = tmp_path / "history.sqlite3"
    ids = seed(db)
    port = free_port()
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    command = streamlit_command(port, "0.0.0.0") if streamlit_run else [
        sys.executable, "-m", "formcheck", "app", "--address", "0.0.0.0", "--port", str(port), "--db", str(db),
        *extra_args]
    proc = subprocess.Popen(command, env={**cli_env(), "FORMCHECK_DB": str(db)}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd)
    url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + 90
        while status(f"{url}/_stcore/health")[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"app did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield {"url": url, "db": db, "ids": ids, "log": log_path, "accounts": accounts_path(db)}
    finally:
        stop_server(proc)
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def status(url: str, cookie: str | None = None, data: dict[str, str] | None = None,
           headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of one request, redirects not followed; (0, {}, "") when nothing answers."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={**(headers or {}),
                                                              **({"Cookie": cookie} if cookie else {})})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")
    except OSError:
        return 0, {}, ""


def sign_in_cookie(url: str, name: str) -> str:
    """Sign in over plain HTTP; the ``Cookie`` header value of the session."""
    code, headers, _ = status(f"{url}/signin", data={"name": name, "password": ACCOUNTS[name][1]})
    assert code == 303, (code, headers)
    return headers["set-cookie"].split(";")[0]


def websocket_status(url: str, cookie: str | None) -> int:
    """The HTTP status Streamlit's WebSocket endpoint answers an upgrade request with (101: let in)."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        lines = ["GET /_stcore/stream HTTP/1.1", f"Host: {parts.netloc}", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                 f"Origin: {url}"] + ([f"Cookie: {cookie}"] if cookie else [])
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return int(sock.recv(1024).split(b" ", 2)[1])


def sign_in(page: Any, url: str, name: str, password: str | None = None) -> str:
    """Fill and send the sign-in form in Chromium; the message shown, or "" once the app opened."""
    page.goto(f"{url}/signin")
    page.locator("#name").wait_for(timeout=60_000)  # a loaded machine (2 cores shared) can take a while
    page.fill("#name", name)
    page.fill("#password", ACCOUNTS[name][1] if password is None else password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/signin" in page.url:
        return str(page.inner_text("#message")).strip()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=60_000)
    return ""
