"""The history as the pages may reach it: all of it on this computer, the signed-in person's scope otherwise.

Pages, the Review thread and the Live callbacks open the history through
:func:`history`; with a signed-in person in ``settings.scope`` that is a
:class:`~formcheck.store.scoped_store.ScopedHistoryStore`, so the filtering
happens in the store layer whatever the page asks. No streamlit here (the Live
callbacks and the Review thread run outside the script).

Example:
    >>> store = history(settings)  # doctest: +SKIP
    >>> routines(store).list()  # doctest: +SKIP
    []
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from formcheck.app.settings import AppSettings
from formcheck.store.accounts import AccountStore, accounts_path
from formcheck.store.audit_log import AuditLog
from formcheck.store.checkin_store import CheckIns
from formcheck.store.client_history import ClientHistory
from formcheck.store.history import HistoryStore, default_db_path
from formcheck.store.routine_store import RoutineHistory
from formcheck.store.scoped_store import ScopedHistoryStore

T = TypeVar("T")


def history(settings: AppSettings) -> HistoryStore:
    """The history store for ``settings``: scoped (and audited) when someone is signed in.

    Raises:
        StoreError: The history (or the accounts file) cannot be opened.
    """
    if settings.scope is None:
        return HistoryStore(settings.db_path)
    path = settings.db_path or default_db_path()
    return ScopedHistoryStore(path, settings.scope, AuditLog(AccountStore(accounts_path(path))))


def routines(store: HistoryStore) -> RoutineHistory:
    """The routine sessions of ``store``, in its scope when it has one."""
    return store.routines() if isinstance(store, ScopedHistoryStore) else RoutineHistory(store)


def checkins(store: HistoryStore) -> CheckIns:
    """The check-ins of ``store``'s sets, in its scope when it has one."""
    return store.checkins() if isinstance(store, ScopedHistoryStore) else CheckIns(store)


def clients(store: HistoryStore) -> ClientHistory:
    """The clients of ``store`` and their trends, in its scope when it has one."""
    return store.clients() if isinstance(store, ScopedHistoryStore) else ClientHistory(store)


def audited(settings: AppSettings, what: str, make: Callable[[], T]) -> Callable[[], T]:
    """``make`` as a download's data: when someone is signed in, each download is written to the audit log.

    Streamlit calls a download button's callable when the button is pressed, so
    the entry is the download itself, not the page showing the button.

    Example:
        >>> data = audited(settings, "reps CSV of clip.mp4", lambda: "rep,score\\n")  # doctest: +SKIP
    """
    if settings.scope is None:
        return make
    scope = settings.scope
    path = settings.db_path or default_db_path()

    def data() -> T:
        made = make()
        AuditLog(AccountStore(accounts_path(path))).record(scope.name, "export", what)
        return made

    return data
