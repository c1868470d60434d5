"""Layer 3: ``formcheck users`` and ``formcheck app``'s refusal, as real processes on files in tmp_path.

Passwords go in through standard input (``--password-stdin``) or a real
pseudo-terminal (typed, not echoed); they must never come out.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck.cli.app import streamlit_command
from formcheck.store.accounts import AccountStore, accounts_path
from formcheck.store.audit_log import AuditLog
from tests.helpers import cli_env

PASSWORD = "the trainer's passphrase"


def formcheck(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "formcheck", *args], input=stdin, env=cli_env(),
                          capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL if stdin is None else None)


def test_app_beyond_this_computer_without_accounts_refuses_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    started = time.monotonic()
    proc = formcheck("app", "--address", "0.0.0.0", "--port", "1", "--db", str(db))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "formcheck: error: serving beyond this computer (0.0.0.0) needs sign-in: create the first trainer account "
        f"with `formcheck users add NAME --role trainer --db {db}` (or pass --no-auth on a network you trust)"]
    assert time.monotonic() - started < 30  # refused before any server starts
    assert formcheck("users", "add", "carl", "--db", str(db), "--password-stdin", stdin="carl's passphrase\n")\
        .returncode == 0
    assert formcheck("app", "--address", "0.0.0.0", "--db", str(db)).returncode == 1  # a client is not enough


@pytest.mark.slow  # six processes, five argon2id hashes
def test_users_add_list_passwd_remove_from_a_script(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    added = formcheck("users", "add", "Tina", "--role", "trainer", "--db", str(db), "--password-stdin",
                      stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert formcheck("users", "add", "alice", "--db", str(db), "--password-stdin",
                     stdin="alice's passphrase\n").returncode == 0
    listed = formcheck("users", "list", "--db", str(db))
    assert [line.split("\t")[:2] for line in listed.stdout.splitlines()] == [["tina", "trainer"], ["alice", "client"]]
    store = AccountStore(accounts_path(db))
    assert store.verify("tina", PASSWORD) is not None
    changed = formcheck("users", "passwd", "alice", "--db", str(db), "--password-stdin", stdin="a new passphrase\n")
    assert changed.returncode == 0 and store.verify("alice", "a new passphrase") is not None
    short = formcheck("users", "passwd", "alice", "--db", str(db), "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and short.stderr.startswith("formcheck: error: a password is 10 to 256")
    assert formcheck("users", "remove", "alice", "--db", str(db)).returncode == 0
    assert [a.name for a in store.list()] == ["tina"]
    output = "".join(p.stdout + p.stderr for p in (added, listed, changed, short))
    assert PASSWORD not in output and "a new passphrase" not in output
    assert [(e.actor, e.action, e.what) for e in AuditLog(store).recent()] == [
        ("shell", "remove account", "alice"), ("shell", "new password", "alice"),
        ("shell", "add account", "alice (client)"), ("shell", "add account", "tina (trainer)")]


def test_without_a_terminal_or_password_stdin_nothing_is_created(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    proc = formcheck("users", "add", "tina", "--role", "trainer", "--db", str(db))
    assert proc.returncode == 1
    assert proc.stderr.strip() == "formcheck: error: no terminal to ask for the password on: pass it with " \
                                  "--password-stdin"
    assert AccountStore(accounts_path(db)).list() == []


def _read_until(fd: int, text: bytes, seen: bytearray, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in seen:
        assert time.monotonic() < deadline, bytes(seen)
        if select.select([fd], [], [], 0.5)[0]:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                return


def test_a_typed_password_is_asked_twice_and_never_echoed(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "users", "add", "tina", "--role", "trainer",
                             "--db", str(db)], stdin=follower, stdout=follower, stderr=follower, env=cli_env(),
                            start_new_session=True)
    os.close(follower)
    seen = bytearray()
    try:
        _read_until(leader, b"Password: ", seen)
        os.write(leader, PASSWORD.encode() + b"\n")
        _read_until(leader, b"Again: ", seen)
        os.write(leader, PASSWORD.encode() + b"\n")
        assert proc.wait(60) == 0
        _read_until(leader, b"added tina", seen)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert PASSWORD.encode() not in seen, bytes(seen)
    assert AccountStore(accounts_path(db)).verify("tina", PASSWORD) is not None


def test_beyond_this_computer_visitors_get_no_error_details_or_banner() -> None:
    local = streamlit_command(8501, "localhost")
    remote = streamlit_command(8501, "0.0.0.0", gated=True, private=True)
    assert "--client.showErrorDetails" not in local and local[4].endswith("main.py")
    assert remote[remote.index("--client.showErrorDetails") + 1] == "none"
    assert remote[remote.index("--logger.hideWelcomeMessage") + 1] == "true"
    assert remote[4].endswith("gated_main.py") and Path(remote[4]).is_file()


def test_users_add_with_an_email_and_list_shows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from formcheck.cli import main

    db = str(tmp_path / "history.sqlite3")
    monkeypatch.setattr("sys.stdin", io.StringIO("alice's passphrase\n"))
    assert main(["users", "add", "alice", "--email", "Alice@Example.org", "--db", db, "--password-stdin"]) == 0
    assert main(["users", "list", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[0].split("\t")[:3] == ["alice", "client", "alice@example.org"]
    assert main(["users", "email", "alice", "", "--db", db]) == 0
    assert AccountStore(accounts_path(tmp_path / "history.sqlite3")).get("alice").email == ""  # type: ignore[union-attr]
    assert [(e.action, e.what) for e in AuditLog(AccountStore(accounts_path(tmp_path / "history.sqlite3"))).recent()
            ] == [("set e-mail", "alice: none"), ("add account", "alice (client), e-mail alice@example.org")]


def test_an_account_for_the_provider_only_needs_no_password(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    db = str(tmp_path / "history.sqlite3")
    assert main(["users", "add", "bob", "--no-password", "--db", db]) == 1
    assert "--no-password needs --email" in capsys.readouterr().err
    assert main(["users", "add", "bob", "--email", "bob@example.org", "--no-password", "--db", db]) == 0
    bob = AccountStore(accounts_path(tmp_path / "history.sqlite3")).by_email("bob@example.org")
    assert bob is not None and bob.name == "bob"


def test_app_with_a_malformed_auth_section_refuses_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    AccountStore(accounts_path(db)).add("tina", "trainer", PASSWORD)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[auth]\nclient_id = "x"\nclient_secret = "y"\n')
    proc = subprocess.run([sys.executable, "-m", "formcheck", "app", "--address", "0.0.0.0", "--port", "1",
                           "--db", str(db)], env=cli_env(), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "formcheck: error: [auth] in .streamlit/secrets.toml lacks server_metadata_url (the keys st.login's "
        "guide for your provider gives)"]
