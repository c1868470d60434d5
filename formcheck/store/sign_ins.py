"""Sign-ins kept on the server: a random token per sign-in, ended by sign-out, idleness or age.

The browser holds the token (inside a signed cookie, see ``formcheck.app.access``);
the accounts file holds only its sha256, so a copy of the file lets nobody in.
A sign-in ends when the account signs out, when it has been idle longer than
the idle limit, when it is older than the age limit, when its password is
changed, or when the account is removed.

Example:
    >>> sign_ins = SignIns(AccountStore(path))  # doctest: +SKIP
    >>> token = sign_ins.start("alice", now=1000.0)  # doctest: +SKIP
    >>> sign_ins.resolve(token, now=1060.0, idle_s=1800, max_age_s=43200).name  # doctest: +SKIP
    'alice'
"""

from __future__ import annotations

import hashlib
import secrets

from formcheck.store.accounts import Account, AccountStore

#: A sign-in's ``last_seen`` is written at most this often (every page request would otherwise write).
TOUCH_EVERY_S = 30.0


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignIns:
    """The sign-ins of one accounts file.

    Args:
        store: The accounts file.
    """

    def __init__(self, store: AccountStore) -> None:
        self.store = store

    def start(self, name: str, now: float) -> str:
        """Record a new sign-in of ``name``; return its token (put it in the cookie, never in a log)."""
        token = secrets.token_urlsafe(32)
        with self.store.writing() as con:
            con.execute("INSERT INTO sign_ins (token_hash, name, created_at, last_seen) VALUES (?, ?, ?, ?)",
                        (_digest(token), name, now, now))
        return token

    def resolve(self, token: str, now: float, idle_s: float, max_age_s: float) -> Account | None:
        """The signed-in account, or None when the token is unknown, ended, idle too long or too old.

        A live sign-in's ``last_seen`` moves to ``now`` (at most every TOUCH_EVERY_S); an expired
        one is deleted.
        """
        key = _digest(token)
        with self.store.reading() as con:
            row = con.execute("SELECT s.created_at, s.last_seen, a.name, a.role, a.created_at AS made,"
                              " a.password_set_at FROM sign_ins s JOIN accounts a ON a.name = s.name"
                              " WHERE s.token_hash = ?", (key,)).fetchone()
        if row is None:
            return None
        if now - float(row["last_seen"]) > idle_s or now - float(row["created_at"]) > max_age_s:
            self._end(key)
            return None
        if now - float(row["last_seen"]) > TOUCH_EVERY_S and not self.store.read_only:
            with self.store.writing() as con:
                con.execute("UPDATE sign_ins SET last_seen = ? WHERE token_hash = ?", (now, key))
        return Account(row["name"], row["role"], row["made"], row["password_set_at"])

    def end(self, token: str) -> None:
        """End one sign-in (sign-out); an unknown token is no error."""
        self._end(_digest(token))

    def end_all(self, name: str) -> int:
        """End every sign-in of ``name``; return how many there were."""
        with self.store.writing() as con:
            return int(con.execute("DELETE FROM sign_ins WHERE name = ?", (name,)).rowcount)

    def prune(self, now: float, idle_s: float, max_age_s: float) -> int:
        """Delete every expired sign-in; return how many."""
        with self.store.writing() as con:
            return int(con.execute("DELETE FROM sign_ins WHERE last_seen < ? OR created_at < ?",
                                   (now - idle_s, now - max_age_s)).rowcount)

    def _end(self, key: str) -> None:
        if self.store.read_only:
            return
        with self.store.writing() as con:
            con.execute("DELETE FROM sign_ins WHERE token_hash = ?", (key,))
