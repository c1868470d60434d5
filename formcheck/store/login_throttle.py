"""Failed sign-ins slow down further tries, per account name and per address, and survive a restart.

Each failure is counted under two keys: the name typed (whether or not such an
account exists, so the answer never tells) and the address it came from. Past
a few free failures, a key must wait ``2 ** (failures - free)`` seconds after its
last failure (at most 15 minutes) before the next try is even checked; a try
made too early is refused without looking at the password and is not counted.
A success clears the name's count (the address keeps its own until it waits
out a success too).

Example:
    >>> throttle = LoginThrottle(AccountStore(path))  # doctest: +SKIP
    >>> keys = throttle_keys("alice", "192.0.2.7")
    >>> keys
    ('name:alice', 'address:192.0.2.7')
"""

from __future__ import annotations

from formcheck.store.accounts import AccountStore

#: Failures allowed before any wait: per name (a person mistyping), per address (a family or a gym).
FREE_PER_NAME, FREE_PER_ADDRESS = 3, 10
#: The longest wait between two tries of one key, in seconds.
MAX_WAIT_S = 900.0


def throttle_keys(name: str, address: str | None) -> tuple[str, ...]:
    """The keys one try is counted under: its name (lower-case) and, when known, its address."""
    keys = [f"name:{name.strip().lower()[:64]}"]
    if address:
        keys.append(f"address:{address}")
    return tuple(keys)


def wait_after(failures: int, free: int) -> float:
    """Seconds to wait after the last of ``failures`` failures.

    Example:
        >>> [wait_after(n, 3) for n in (3, 4, 5, 6, 20)]
        [0.0, 2.0, 4.0, 8.0, 900.0]
    """
    return 0.0 if failures <= free else min(2.0 ** (failures - free), MAX_WAIT_S)


def _free(key: str) -> int:
    return FREE_PER_ADDRESS if key.startswith("address:") else FREE_PER_NAME


class LoginThrottle:
    """Failed-try counts of one accounts file.

    Args:
        store: The accounts file (its ``failures`` table).
    """

    def __init__(self, store: AccountStore) -> None:
        self.store = store

    def wait_s(self, keys: tuple[str, ...], now: float) -> float:
        """Seconds before a try under ``keys`` is checked (0: now)."""
        marks = ",".join("?" * len(keys))
        with self.store.reading() as con:
            rows = con.execute(f"SELECT key, count, last_at FROM failures WHERE key IN ({marks})", keys).fetchall()
        waits = [float(r["last_at"]) + wait_after(int(r["count"]), _free(r["key"])) - now for r in rows]
        return max([0.0, *waits])

    def failed(self, keys: tuple[str, ...], now: float) -> None:
        """Count one failed try under each key."""
        with self.store.writing() as con:
            con.executemany("INSERT INTO failures (key, count, last_at) VALUES (?, 1, ?)"
                            " ON CONFLICT (key) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
                            [(k, now) for k in keys])

    def succeeded(self, keys: tuple[str, ...]) -> None:
        """Forget the failures of a name that signed in (its address's count stays)."""
        with self.store.writing() as con:
            con.executemany("DELETE FROM failures WHERE key = ?", [(k,) for k in keys if k.startswith("name:")])

    def failures(self, key: str) -> int:
        """Failures counted under ``key``."""
        with self.store.reading() as con:
            row = con.execute("SELECT count FROM failures WHERE key = ?", (key,)).fetchone()
        return 0 if row is None else int(row["count"])
