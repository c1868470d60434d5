"""One SQLite file formcheck owns: opened safely, read-only when it must be, written in transactions.

``SqliteFile`` opens (and creates) the file in WAL mode with foreign keys on,
refuses another program's SQLite file before anything changes it, opens a file
it may not write read-only, and turns sqlite errors into ``StoreError``. A
subclass brings its schema through ``_migrate``.

Example:
    >>> class Notes(SqliteFile):  # doctest: +SKIP
    ...     def _migrate(self, con): ...
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from formcheck.records.errors import StoreError


class SqliteFile:
    """Safe access to one SQLite file (see the module docstring).

    Args:
        path: The database file; its folder is created.

    Raises:
        StoreError: The file cannot be created or opened, or belongs to another program.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the history folder {self.path.parent}: {exc.strerror}") from exc
        # SQLite in WAL mode writes -wal/-shm files beside the database: the folder counts too.
        self.read_only = self.path.exists() and not (
            os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        self._refuse_foreign()
        with self._connect() as con:
            self._migrate(con)

    # -- connection -------------------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in WAL mode with foreign keys on; sqlite errors become StoreError."""
        con: sqlite3.Connection | None = None
        try:
            con = self._open_read_only() if self.read_only else sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None)
            con.row_factory = sqlite3.Row
            if not self.read_only:
                con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA foreign_keys=ON")
            yield con
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"history database {self.path}: {exc} (move the file away to start afresh)") from exc
        finally:
            if con is not None:
                con.close()

    def _refuse_foreign(self) -> None:
        """Raise ``StoreError`` for another program's SQLite file, before anything changes it.

        formcheck sets ``user_version`` in the transaction that creates its tables,
        so tables without it belong to someone else (even switching such a file to
        WAL mode would change it).
        """
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return
        try:
            con = self._open_read_only()
            try:
                version = int(con.execute("PRAGMA user_version").fetchone()[0])
                tables = [r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"history database {self.path}: {exc} (move the file away to start afresh)") from exc
        if version == 0 and tables:
            raise StoreError(f"{self.path} is not a formcheck history database (it holds the tables "
                             f"{', '.join(sorted(tables)[:5])}); choose another file with --db or FORMCHECK_DB")

    def _open_read_only(self) -> sqlite3.Connection:
        """A read-only connection; ``immutable`` when SQLite cannot even create its WAL index."""
        uri = self.path.absolute().as_uri()
        con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=10.0, isolation_level=None)
        try:
            con.execute("PRAGMA user_version").fetchone()
            return con
        except sqlite3.OperationalError:
            con.close()
            return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=10.0, isolation_level=None)

    @contextmanager
    def _transaction(self, con: sqlite3.Connection) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (which propagates)."""
        if self.read_only:
            raise StoreError(f"history database {self.path} is read-only (no write permission on the file "
                             "or its folder): it can be read but not changed")
        con.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def _migrate(self, con: sqlite3.Connection) -> None:
        """Create or upgrade the schema (the subclass's; the base has none)."""

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection to read with (for sibling stores such as ``routine_store``)."""
        with self._connect() as con:
            yield con

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction: everything written in the block, or nothing."""
        with self._connect() as con, self._transaction(con):
            yield con

    def journal_mode(self) -> str:
        """The journal mode SQLite reports for the file (``"wal"``)."""
        with self._connect() as con:
            return str(con.execute("PRAGMA journal_mode").fetchone()[0])
