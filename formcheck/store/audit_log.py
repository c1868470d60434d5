"""Who did what: deletions, exports, sign-ins and account changes, kept in the accounts file.

Each entry says who (the account name, ``shell`` for the ``formcheck users``
command), when (UTC), the action and what it touched (a session id, an
exercise and a client, a number of rows). Passwords and tokens are never
written here.

Example:
    >>> audit = AuditLog(AccountStore(path))  # doctest: +SKIP
    >>> audit.record("tina", "delete", "session 12 (Plank, client alice, 2026-11-26)")  # doctest: +SKIP
    >>> audit.recent()[0].action  # doctest: +SKIP
    'delete'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from formcheck.store.accounts import AccountStore


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded action."""

    id: int
    at: str
    actor: str
    action: str
    what: str


class AuditLog:
    """The audit trail of one accounts file.

    Args:
        store: The accounts file (its ``audit`` table).
    """

    def __init__(self, store: AccountStore) -> None:
        self.store = store

    def record(self, actor: str, action: str, what: str, when: datetime | None = None) -> None:
        """Append one entry (in its own transaction)."""
        at = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        with self.store.writing() as con:
            con.execute("INSERT INTO audit (at, actor, action, what) VALUES (?, ?, ?, ?)",
                        (at, actor, action, what[:500]))

    def recent(self, limit: int = 200) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first."""
        with self.store.reading() as con:
            rows = con.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
        return [AuditEntry(int(r["id"]), r["at"], r["actor"], r["action"], r["what"]) for r in rows]
