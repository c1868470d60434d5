"""Layer 2: the sign-in logic without a server: the cookie, the secret file, loopback addresses, outcomes.

Real parts: the accounts and secret files in tmp_path, argon2id, itsdangerous;
time is the only thing passed in (a clock function), to test expiry without waiting.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from formcheck.app.access import WRONG, Gatekeeper, is_loopback, load_secret, secret_path
from formcheck.app.settings import SettingsError
from formcheck.store.accounts import AccountStore, accounts_path


class Clock:
    """Seconds since the epoch that a test moves by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    history = tmp_path_factory.mktemp("keeper") / "history.sqlite3"
    store = AccountStore(accounts_path(history))
    store.add("alice", "client", "alice's passphrase")
    return store.path


def history_with_accounts(accounts_template: Path, tmp_path: Path) -> Path:
    """A fresh history path in ``tmp_path`` whose accounts file is a copy of ``accounts_template`` (argon2
    hashes are slow to make: a module makes its accounts once, each test gets its own copy)."""
    import sqlite3

    history = tmp_path / "history.sqlite3"
    with sqlite3.connect(accounts_template) as src, sqlite3.connect(accounts_path(history)) as dst:
        src.backup(dst)
    return history


@pytest.fixture()
def keeper(accounts_template: Path, tmp_path: Path) -> Gatekeeper:
    return Gatekeeper(history_with_accounts(accounts_template, tmp_path), idle_s=600, max_age_s=3600, clock=Clock())


def test_the_secret_is_made_private_and_kept(tmp_path: Path) -> None:
    path = secret_path(tmp_path / "history.sqlite3")
    assert path.name == "history.session-secret"
    first = load_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) == 64
    assert load_secret(path) == first
    path.chmod(0o644)
    with pytest.raises(SettingsError, match="may be read by other users: `chmod 600`"):
        load_secret(path)


def test_a_right_password_gives_a_cookie_that_names_the_account(keeper: Gatekeeper) -> None:
    outcome = keeper.sign_in("Alice", "alice's passphrase", "192.0.2.7")
    assert outcome.account is not None and outcome.cookie is not None
    assert "alice's passphrase" not in outcome.cookie
    viewer = keeper.viewer(outcome.cookie)
    assert viewer is not None and (viewer.name, viewer.role) == ("alice", "client")
    assert [(e.actor, e.action, e.what) for e in keeper.audit.recent()] == [("alice", "sign in", "from 192.0.2.7")]


def test_one_message_for_a_wrong_name_or_password(keeper: Gatekeeper) -> None:
    wrong = keeper.sign_in("alice", "not her passphrase", "192.0.2.7")
    unknown = keeper.sign_in("mallory", "alice's passphrase", "192.0.2.8")
    assert (wrong.message, unknown.message) == (WRONG, WRONG) and wrong.cookie is None and unknown.cookie is None


def test_a_tampered_cookie_or_one_signed_with_another_secret_is_refused(keeper: Gatekeeper,
                                                                          tmp_path: Path) -> None:
    cookie = keeper.sign_in("alice", "alice's passphrase", None).cookie
    assert cookie is not None
    payload, stamp, signature = cookie.split(".")
    flip = {"A": "B"}.get(signature[-3], "A")
    for forged in (f"{payload}.{stamp}.{signature[:-3]}{flip}{signature[-2:]}", f"x{cookie}", f"{payload}..",
                   "", "not a cookie at all"):
        assert keeper.viewer(forged) is None, forged
    secret_path(tmp_path / "history.sqlite3").unlink()  # a new secret: every old cookie stops working
    again = Gatekeeper(tmp_path / "history.sqlite3", idle_s=600, max_age_s=3600, clock=keeper.clock)
    assert again.viewer(cookie) is None and keeper.viewer(cookie) is not None


def test_a_cookie_ends_with_its_sign_in_idle_or_signed_out(keeper: Gatekeeper) -> None:
    clock = keeper.clock
    assert isinstance(clock, Clock)
    cookie = keeper.sign_in("alice", "alice's passphrase", None).cookie
    clock.now += 500
    assert keeper.viewer(cookie) is not None
    clock.now += 601
    assert keeper.viewer(cookie) is None  # idle longer than idle_s
    other = keeper.sign_in("alice", "alice's passphrase", None).cookie
    keeper.sign_out(other)
    assert keeper.viewer(other) is None
    assert [e.action for e in keeper.audit.recent()][:1] == ["sign out"]


def test_a_cookie_older_than_its_age_limit_is_refused_by_its_signature(keeper: Gatekeeper) -> None:
    short = Gatekeeper(keeper.accounts.path.with_name("history.sqlite3"), idle_s=600, max_age_s=1)
    cookie = short.sign_in("alice", "alice's passphrase", None).cookie
    assert short.viewer(cookie) is not None
    time.sleep(2.1)  # itsdangerous reads the real clock for the signature's timestamp
    assert short._token(cookie) is None and short.viewer(cookie) is None


def test_throttled_tries_are_refused_without_checking_the_password(keeper: Gatekeeper) -> None:
    for _ in range(4):
        keeper.sign_in("alice", "a wrong passphrase", "192.0.2.7")
    refused = keeper.sign_in("alice", "alice's passphrase", "198.51.100.3")
    assert refused.cookie is None and refused.message == "Too many failed tries: wait 2 s and try again."
    keeper.clock.now += 1.6  # type: ignore[attr-defined]
    assert keeper.sign_in("alice", "alice's passphrase", "198.51.100.3").message.endswith("wait 1 s and try again.")
    keeper.clock.now += 0.9  # type: ignore[attr-defined]
    assert keeper.sign_in("alice", "alice's passphrase", "198.51.100.3").cookie is not None


@pytest.mark.parametrize(("address", "loopback"), [
    ("localhost", True), ("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("", False), ("192.0.2.2", False), ("10.200.0.1", False),
])
def test_only_loopback_addresses_serve_without_sign_in(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize("name", ["app.access", "app.settings", "store.accounts", "store.login_throttle",
                                  "store.scoped_store"])
def test_the_examples_in_the_access_modules_run_as_shown(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"formcheck.{name}"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
