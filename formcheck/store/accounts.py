"""Accounts of the app served beyond this computer: trainers and clients, with argon2id password hashes.

The accounts live in their own SQLite file beside the history
(``history.sqlite3`` → ``history.accounts.sqlite3``, created with mode 600), with
the sign-ins (:mod:`~formcheck.store.sign_ins`), the failed attempts
(:mod:`~formcheck.store.login_throttle`) and the audit trail
(:mod:`~formcheck.store.audit_log`). A password is never stored: only its
argon2id hash (argon2-cffi, RFC 9106's low-memory profile: 64 MiB, 3 passes,
4 lanes, a 16-byte random salt, a 32-byte tag), and checking one runs the same
hash for an unknown name as for a known one, so neither the answer nor its time
tells whether a name exists. An account may carry an e-mail address: a
sign-in through an OpenID Connect provider (``formcheck.app.oidc``) finds the
account by it (:meth:`AccountStore.by_email`); no two accounts share one.

Example:
    >>> accounts = AccountStore(accounts_path(tmp_path / "history.sqlite3"))  # doctest: +SKIP
    >>> accounts.add("tina", "trainer", "a long passphrase")  # doctest: +SKIP
    >>> accounts.verify("tina", "a long passphrase").role  # doctest: +SKIP
    'trainer'
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from formcheck.records.errors import StoreError
from formcheck.store.sqlite_file import SqliteFile

Role = Literal["trainer", "client"]
ROLES: tuple[str, ...] = ("trainer", "client")
#: Shortest and longest password accepted (argon2 takes any length; the cap bounds the work per attempt).
PASSWORD_MIN, PASSWORD_MAX = 10, 256
#: Lower-case letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit: safe in any file or log.
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
#: Names an account may not take: "reference" marks a trainer's reference clips in History.
RESERVED_NAMES = frozenset({"reference"})
#: The hasher of every password (argon2id; its parameters are written into each hash).
HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)

_SCHEMA_VERSION = 2
#: Longest e-mail address kept (RFC 5321's path limit).
EMAIL_MAX = 254
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SCHEMA = (  # version 1
    """CREATE TABLE IF NOT EXISTS accounts (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('trainer', 'client')),
        password_hash TEXT NOT NULL,          -- argon2id, with its parameters and salt
        created_at TEXT NOT NULL,
        password_set_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sign_ins (
        token_hash TEXT PRIMARY KEY,          -- sha256 of the token in the cookie, never the token
        name TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        last_seen REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS failures (
        key TEXT PRIMARY KEY,                 -- "name:<name>" or "address:<ip>"
        count INTEGER NOT NULL,
        last_at REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        what TEXT NOT NULL)""",
)
_SCHEMA_2 = (  # version 2: an optional e-mail per account, for sign-in through an OpenID Connect provider
    "ALTER TABLE accounts ADD COLUMN email TEXT",  # lower-case; NULL: none (existing accounts keep none)
    "CREATE UNIQUE INDEX IF NOT EXISTS accounts_email ON accounts (email)",
)


class AccountError(StoreError):
    """Raised for an account that cannot be made or changed (bad name, short password, unknown name)."""


@dataclass(frozen=True, slots=True)
class Account:
    """One account as the app sees it (never its hash)."""

    name: str
    role: str
    created_at: str = ""
    password_set_at: str = ""
    email: str = ""

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer"


def accounts_path(history: Path) -> Path:
    """The accounts file of a history file: ``history.sqlite3`` → ``history.accounts.sqlite3``.

    Example:
        >>> accounts_path(Path("/data/history.sqlite3")).name
        'history.accounts.sqlite3'
    """
    return history.with_name(f"{history.stem}.accounts.sqlite3")


def normalise_name(name: str) -> str:
    """An account name as stored: trimmed and lower-case.

    Raises:
        AccountError: The name is not 1-32 of ``a-z 0-9 . _ -`` (starting with a letter or digit), or reserved.

    Example:
        >>> normalise_name("  Alice ")
        'alice'
    """
    clean = name.strip().lower()
    if not NAME_PATTERN.fullmatch(clean):
        raise AccountError(f"an account name is 1-32 of a-z, 0-9, '.', '_', '-' (starting with a letter or "
                           f"digit), got {name!r}")
    if clean in RESERVED_NAMES:
        raise AccountError(f"{clean!r} is reserved (it marks reference clips in History): choose another name")
    return clean


def check_password(password: str, name: str) -> None:
    """Raise ``AccountError`` unless ``password`` is PASSWORD_MIN-PASSWORD_MAX characters and not the name."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountError(f"a password is {PASSWORD_MIN} to {PASSWORD_MAX} characters long "
                           f"(this one has {len(password)})")
    if password.strip().lower() == name:
        raise AccountError("a password must not be the account's name")


def normalise_email(email: str) -> str | None:
    """An e-mail address as stored: trimmed and lower-case; None for an empty one.

    Raises:
        AccountError: It does not look like ``someone@example.org`` or is longer than EMAIL_MAX.

    Example:
        >>> normalise_email(" Alice@Example.ORG "), normalise_email("")
        ('alice@example.org', None)
    """
    clean = email.strip().lower()
    if not clean:
        return None
    if len(clean) > EMAIL_MAX or not _EMAIL_PATTERN.fullmatch(clean):
        raise AccountError(f"an e-mail address looks like someone@example.org, got {email!r}")
    return clean


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _account(row: sqlite3.Row) -> Account:
    email = row["email"] if "email" in row.keys() else None  # a read-only file of schema 1 has no column
    return Account(row["name"], row["role"], row["created_at"], row["password_set_at"], email or "")


class AccountStore(SqliteFile):
    """The accounts file (see the module docstring); every call opens its own connection.

    Args:
        path: The accounts file (see :func:`accounts_path`); created with mode 600.

    Raises:
        StoreError: The file cannot be created or opened, or belongs to another program.
    """

    def __init__(self, path: str | Path) -> None:
        path = Path(path).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # password hashes are nobody else's business: 600 from the first byte
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(f"cannot create the accounts file {path}: {exc.strerror}") from exc
        super().__init__(path)
        self._dummy_hash: str | None = None

    def _migrate(self, con: sqlite3.Connection) -> None:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version > _SCHEMA_VERSION:
            raise StoreError(f"accounts file {self.path} has schema {version}; this formcheck reads up to "
                             f"{_SCHEMA_VERSION} (upgrade formcheck)")
        if version == _SCHEMA_VERSION:
            return
        with self._transaction(con):
            for statement in (_SCHEMA if version < 1 else ()) + _SCHEMA_2:
                con.execute(statement)
            con.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    # -- accounts ---------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, email: str = "") -> Account:
        """Create an account (``email``: optional, for sign-in through a provider); return it.

        Raises:
            AccountError: Bad name, role, password or e-mail, or the name or the e-mail is taken.
        """
        name = normalise_name(name)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        check_password(password, name)
        address = normalise_email(email)
        digest, when = HASHER.hash(password), _now()
        try:
            with self.writing() as con:
                con.execute("INSERT INTO accounts (name, role, password_hash, created_at, password_set_at, email)"
                            " VALUES (?, ?, ?, ?, ?, ?)", (name, role, digest, when, when, address))
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                if "email" in str(exc.__cause__):
                    raise AccountError(f"another account already has the e-mail {address}") from exc
                raise AccountError(f"there is already an account named {name!r}") from exc
            raise
        return Account(name, role, when, when, address or "")

    def set_email(self, name: str, email: str) -> Account:
        """Give an account an e-mail address for sign-in through a provider ("" removes it); return it.

        Raises:
            AccountError: No account has that name, the address is malformed, or another account has it.
        """
        key, address = name.strip().lower(), normalise_email(email)
        try:
            with self.writing() as con:
                if con.execute("UPDATE accounts SET email = ? WHERE name = ?", (address, key)).rowcount == 0:
                    raise AccountError(f"no account named {name!r}")
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise AccountError(f"another account already has the e-mail {address}") from exc
            raise
        account = self.get(key)
        assert account is not None
        return account

    def by_email(self, email: str) -> Account | None:
        """The account with this e-mail address (any case), or None."""
        with self.reading() as con:
            row = con.execute("SELECT * FROM accounts WHERE email = ?", (email.strip().lower(),)).fetchone()
        return None if row is None else _account(row)

    def remove(self, name: str) -> None:
        """Delete an account and end its sign-ins (its history stays: a trainer still sees it).

        Raises:
            AccountError: No account has that name.
        """
        with self.writing() as con:
            if con.execute("DELETE FROM accounts WHERE name = ?", (name.strip().lower(),)).rowcount == 0:
                raise AccountError(f"no account named {name!r}")

    def set_password(self, name: str, password: str) -> None:
        """Give an account a new password and end all its sign-ins.

        Raises:
            AccountError: No account has that name, or the password is not acceptable.
        """
        name = name.strip().lower()
        check_password(password, name)
        digest = HASHER.hash(password)
        with self.writing() as con:
            cur = con.execute("UPDATE accounts SET password_hash = ?, password_set_at = ? WHERE name = ?",
                              (digest, _now(), name))
            if cur.rowcount == 0:
                raise AccountError(f"no account named {name!r}")
            con.execute("DELETE FROM sign_ins WHERE name = ?", (name,))

    def get(self, name: str) -> Account | None:
        """The account called ``name`` (any case), or None."""
        with self.reading() as con:
            row = con.execute("SELECT * FROM accounts WHERE name = ?", (name.strip().lower(),)).fetchone()
        return None if row is None else _account(row)

    def list(self) -> list[Account]:
        """Every account, trainers first, then by name."""
        with self.reading() as con:
            rows = con.execute("SELECT * FROM accounts ORDER BY role DESC, name").fetchall()
        return [_account(r) for r in rows]

    def has_trainer(self) -> bool:
        """Whether a trainer account exists (the app needs one before it serves other computers)."""
        with self.reading() as con:
            return con.execute("SELECT 1 FROM accounts WHERE role = 'trainer' LIMIT 1").fetchone() is not None

    def verify(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password, else None (also for an unknown or malformed name).

        The comparison is argon2's own (constant time), and an unknown name is
        checked against a dummy hash, so the time taken does not tell it apart.
        A hash made with weaker parameters than today's is replaced on success.
        """
        key = name.strip().lower()
        with self.reading() as con:
            row = con.execute("SELECT * FROM accounts WHERE name = ?", (key,)).fetchone()
        digest = row["password_hash"] if row is not None else self._dummy()
        try:
            HASHER.verify(digest, password[:PASSWORD_MAX + 1])
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if HASHER.check_needs_rehash(digest) and not self.read_only:
            with self.writing() as con:
                con.execute("UPDATE accounts SET password_hash = ? WHERE name = ?", (HASHER.hash(password), key))
        return _account(row)

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = HASHER.hash(os.urandom(16).hex())
        return self._dummy_hash
