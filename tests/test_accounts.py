"""Layer 1-2: accounts, sign-ins, the failed-try throttle and the audit log on real SQLite files in tmp_path."""

from __future__ import annotations

import sqlite3
import stat
import time
from pathlib import Path

import pytest

from formcheck.store.accounts import AccountError, AccountStore, accounts_path, normalise_name
from formcheck.store.audit_log import AuditLog
from formcheck.store.login_throttle import LoginThrottle, throttle_keys
from formcheck.store.sign_ins import SignIns

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two accounts, hashed once for the module (each argon2id hash takes 64 MiB and a good part of a second)."""
    store = AccountStore(accounts_path(tmp_path_factory.mktemp("accounts") / "history.sqlite3"))
    store.add("Tina", "trainer", PASSWORD)
    store.add("alice", "client", "alice's own passphrase")
    return store.path


@pytest.fixture()
def accounts(template: Path, tmp_path: Path) -> AccountStore:
    """A copy of the template accounts file beside a history in tmp_path (mode 600 like the original)."""
    path = accounts_path(tmp_path / "history.sqlite3")
    with sqlite3.connect(template) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    path.chmod(0o600)
    return AccountStore(path)


def test_the_file_sits_beside_the_history_and_only_its_owner_may_read_it(accounts: AccountStore,
                                                                          tmp_path: Path) -> None:
    assert accounts.path == tmp_path / "history.accounts.sqlite3"
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600


def test_passwords_are_stored_as_argon2id_hashes_only(accounts: AccountStore) -> None:
    with sqlite3.connect(accounts.path) as con:
        rows = dict(con.execute("SELECT name, password_hash FROM accounts").fetchall())
    assert set(rows) == {"tina", "alice"}  # names are kept lower-case
    assert all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in rows.values()), rows
    raw = b"".join(p.read_bytes() for p in accounts.path.parent.glob("history.accounts.sqlite3*"))
    assert PASSWORD.encode() not in raw and b"alice's own passphrase" not in raw


def test_verify_takes_the_right_password_and_any_case_of_the_name(accounts: AccountStore) -> None:
    account = accounts.verify(" TINA", PASSWORD)
    assert account is not None and (account.name, account.role) == ("tina", "trainer")
    assert accounts.verify("tina", PASSWORD + "x") is None
    assert accounts.verify("nobody", PASSWORD) is None
    assert accounts.verify("tina", "x" * 100_000) is None  # an over-long try is cut, never matched


def test_an_unknown_name_takes_as_long_to_refuse_as_a_wrong_password(accounts: AccountStore) -> None:
    accounts.verify("nobody", "warm up the dummy hash")

    def seconds(name: str) -> float:
        start = time.perf_counter()
        accounts.verify(name, "wrong password!")
        return time.perf_counter() - start

    # The fastest of three tries each, interleaved: a busy machine only ever adds time to a try.
    tries = [(seconds("tina"), seconds("nobody")) for _ in range(3)]
    known, unknown = min(k for k, _ in tries), min(u for _, u in tries)
    assert unknown > 0.5 * known, (known, unknown)  # both run one full argon2id hash per try


@pytest.mark.parametrize(("name", "password", "message"), [
    ("bad name!", "long enough password", "account name is 1-32"),
    ("reference", "long enough password", "reserved"),
    ("carl", "short", "10 to 256 characters"),
    ("carl", "Carl      ", "must not be the account's name"),
])
def test_bad_names_and_passwords_are_refused(accounts: AccountStore, name: str, password: str,
                                             message: str) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add(name, "client", password)


def test_a_taken_name_and_an_unknown_role_are_refused(accounts: AccountStore) -> None:
    with pytest.raises(AccountError, match="already an account named 'alice'"):
        accounts.add("ALICE", "client", "another passphrase")
    with pytest.raises(AccountError, match="role must be one of"):
        accounts.add("carl", "admin", "another passphrase")
    assert normalise_name(" Bob.Smith ") == "bob.smith"


def test_a_new_password_ends_every_sign_in_and_removing_ends_the_account(accounts: AccountStore) -> None:
    sign_ins = SignIns(accounts)
    token = sign_ins.start("alice", now=100.0)
    accounts.set_password("alice", "a brand new passphrase")
    assert sign_ins.resolve(token, now=101.0, idle_s=60, max_age_s=600) is None
    assert accounts.verify("alice", "a brand new passphrase") is not None
    token = sign_ins.start("alice", now=200.0)
    accounts.remove("alice")
    assert sign_ins.resolve(token, now=201.0, idle_s=60, max_age_s=600) is None
    assert [a.name for a in accounts.list()] == ["tina"] and accounts.has_trainer()
    with pytest.raises(AccountError, match="no account named"):
        accounts.remove("alice")


def test_a_sign_in_ends_when_idle_too_long_too_old_or_signed_out(accounts: AccountStore) -> None:
    sign_ins = SignIns(accounts)
    token = sign_ins.start("alice", now=1000.0)
    account = sign_ins.resolve(token, now=1050.0, idle_s=60, max_age_s=300)
    assert account is not None and account.name == "alice"
    assert sign_ins.resolve(token, now=1100.0, idle_s=60, max_age_s=300) is not None  # 50 s after the last use
    assert sign_ins.resolve(token, now=1161.0, idle_s=60, max_age_s=300) is None  # 61 s idle
    assert sign_ins.resolve(token, now=1162.0, idle_s=600, max_age_s=900) is None  # and it stays ended
    old = sign_ins.start("alice", now=2000.0)
    for t in (2050.0, 2100.0, 2150.0, 2200.0, 2250.0):
        assert sign_ins.resolve(old, now=t, idle_s=60, max_age_s=300) is not None
    assert sign_ins.resolve(old, now=2301.0, idle_s=60, max_age_s=300) is None  # older than 300 s
    third = sign_ins.start("alice", now=3000.0)
    sign_ins.end(third)
    assert sign_ins.resolve(third, now=3001.0, idle_s=60, max_age_s=300) is None
    assert sign_ins.resolve("a made-up token", now=3001.0, idle_s=60, max_age_s=300) is None


def test_the_file_holds_a_hash_of_each_token_never_the_token(accounts: AccountStore) -> None:
    token = SignIns(accounts).start("tina", now=1.0)
    with sqlite3.connect(accounts.path) as con:
        stored = [r[0] for r in con.execute("SELECT token_hash FROM sign_ins")]
    assert len(stored) == 1 and stored[0] != token and token not in stored[0]


def test_failed_tries_wait_longer_and_longer_per_name_and_survive_a_restart(accounts: AccountStore) -> None:
    throttle = LoginThrottle(accounts)
    keys = throttle_keys("Alice", "192.0.2.9")
    now = 1000.0
    waits = []
    for _ in range(8):
        throttle.failed(keys, now)
        waits.append(throttle.wait_s(keys, now))
    assert waits == [0.0, 0.0, 0.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert LoginThrottle(AccountStore(accounts.path)).wait_s(keys, now + 10) == pytest.approx(22.0)  # reopened
    assert throttle.wait_s(throttle_keys("alice", "198.51.100.1"), now) == 32.0  # the name, from anywhere
    throttle.succeeded(keys)
    assert throttle.failures("name:alice") == 0 and throttle.failures("address:192.0.2.9") == 8


def test_one_address_trying_many_names_is_slowed_too(accounts: AccountStore) -> None:
    throttle = LoginThrottle(accounts)
    for i in range(12):
        throttle.failed(throttle_keys(f"user{i}", "203.0.113.5"), now=50.0)
    assert throttle.wait_s(throttle_keys("someone-new", "203.0.113.5"), now=50.0) == 4.0
    assert throttle.wait_s(throttle_keys("someone-new", "203.0.113.6"), now=50.0) == 0.0


def test_the_audit_log_keeps_who_did_what_newest_first(accounts: AccountStore) -> None:
    audit = AuditLog(accounts)
    audit.record("tina", "delete", "session 3")
    audit.record("shell", "add account", "alice (client)")
    entries = AuditLog(AccountStore(accounts.path)).recent()
    assert [(e.actor, e.action, e.what) for e in entries] == [("shell", "add account", "alice (client)"),
                                                              ("tina", "delete", "session 3")]
    assert entries[0].at.endswith("+00:00")


def test_an_email_is_optional_kept_lower_case_and_belongs_to_one_account(accounts: AccountStore) -> None:
    assert accounts.get("alice").email == ""  # type: ignore[union-attr]
    alice = accounts.set_email("alice", " Alice@Example.ORG ")
    assert alice.email == "alice@example.org" and accounts.by_email("ALICE@example.org") == alice
    with pytest.raises(AccountError, match="another account already has the e-mail alice@example.org"):
        accounts.set_email("tina", "alice@example.org")
    with pytest.raises(AccountError, match="looks like someone@example.org"):
        accounts.set_email("tina", "not an address")
    with pytest.raises(AccountError, match="no account named 'nobody'"):
        accounts.set_email("nobody", "n@example.org")
    assert accounts.set_email("alice", "").email == "" and accounts.by_email("alice@example.org") is None


def test_an_accounts_file_of_schema_1_gains_the_email_column_and_keeps_its_accounts(tmp_path: Path) -> None:
    path = accounts_path(tmp_path / "history.sqlite3")
    with sqlite3.connect(path) as con:  # the file as formcheck wrote it before e-mails
        con.execute("CREATE TABLE accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN "
                    "('trainer', 'client')), password_hash TEXT NOT NULL, created_at TEXT NOT NULL, "
                    "password_set_at TEXT NOT NULL)")
        for table in ("sign_ins (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES accounts (name) "
                      "ON DELETE CASCADE, created_at REAL NOT NULL, last_seen REAL NOT NULL)",
                      "failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at REAL NOT NULL)",
                      "audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, "
                      "action TEXT NOT NULL, what TEXT NOT NULL)"):
            con.execute(f"CREATE TABLE {table}")
        con.execute("INSERT INTO accounts VALUES ('tina', 'trainer', 'x', '2026-01-01', '2026-01-01')")
        con.execute("PRAGMA user_version=1")
    store = AccountStore(path)
    tina = store.get("tina")
    assert tina is not None and (tina.role, tina.email) == ("trainer", "")
    assert store.set_email("tina", "tina@example.org").email == "tina@example.org"
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_new_account_may_carry_its_email(accounts: AccountStore) -> None:
    bob = accounts.add("bob", "client", "bob's own passphrase", email="Bob@example.org")
    assert bob.email == "bob@example.org" and accounts.by_email("bob@example.org") == accounts.get("bob")
    with pytest.raises(AccountError, match="another account already has the e-mail bob@example.org"):
        accounts.add("bob2", "client", "bob's own passphrase", email="bob@example.org")
