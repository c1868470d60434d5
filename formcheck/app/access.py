"""Who may use the app when it is served beyond this computer: sign-in, the session cookie, sign-out.

``formcheck app`` picks one of three modes and hands it to the server in
``FORMCHECK_ACCESS``:

* ``local`` (bound to a loopback address): nobody signs in, as before;
* ``accounts`` (any other address): every request needs a signed-in account;
* ``open`` (``--no-auth``): anyone who reaches the port sees everything.

The :class:`Gatekeeper` does the work of ``accounts`` for the sign-in routes
(``formcheck.app.sign_in_gate``) and for the pages alike: it checks a password
(argon2id, :mod:`formcheck.store.accounts`) after the failed-try throttle lets the
try through, starts a server-side sign-in and wraps its random token in a cookie
value signed with itsdangerous (HMAC-SHA1 over the token and a timestamp, key
derived from the secret file beside the history, mode 600), and turns a cookie
back into the account while the sign-in lasts. :meth:`Gatekeeper.sign_in_email`
does the same for an e-mail an OpenID Connect provider vouched for
(``formcheck.app.oidc`` checks the provider's ID token first): the e-mail must
belong to an account, else :data:`NO_ACCOUNT`, and nothing is created.
Nothing here imports streamlit.

Example:
    >>> keeper = Gatekeeper(db_path, idle_s=1800)  # doctest: +SKIP
    >>> outcome = keeper.sign_in("alice", "her passphrase", address="192.0.2.7")  # doctest: +SKIP
    >>> keeper.viewer(outcome.cookie).name  # doctest: +SKIP
    'alice'
"""

from __future__ import annotations

import ipaddress
import math
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from formcheck.app.settings import SettingsError
from formcheck.store.accounts import Account, AccountStore, accounts_path
from formcheck.store.audit_log import AuditLog
from formcheck.store.login_throttle import LoginThrottle, throttle_keys
from formcheck.store.scoped_store import UserScope
from formcheck.store.sign_ins import SignIns

ACCESS_MODES: tuple[str, ...] = ("local", "accounts", "open")
#: The cookie that carries a sign-in (HttpOnly, SameSite=Lax, Secure under HTTPS).
COOKIE_NAME = "formcheck_session"
#: A sign-in ends this long after it started, however busy (the idle limit is the setting).
MAX_AGE_S = 12 * 3600.0
#: The one answer to a wrong name or a wrong password.
WRONG = "Wrong name or password."
#: The one answer to a provider's sign-in with an e-mail no account has.
NO_ACCOUNT = "No formcheck account for this e-mail; ask your trainer."
_SALT = "formcheck.sign-in"
_PENDING_SALT = "formcheck.oidc-pending"


def is_loopback(address: str) -> bool:
    """Whether binding to ``address`` serves this computer only (``localhost``, 127.0.0.0/8, ``::1``).

    A host name counts as loopback only when every address it resolves to is one;
    ``0.0.0.0``, ``::`` and an empty address (all interfaces) never are.

    Example:
        >>> [is_loopback(a) for a in ("localhost", "127.0.0.1", "::1", "0.0.0.0", "192.0.2.2", "")]
        [True, True, True, False, False, False]
    """
    host = address.strip().strip("[]")
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(resolved) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in resolved)


def secret_path(history: Path) -> Path:
    """The cookie-signing secret of a history file: ``history.sqlite3`` → ``history.session-secret``."""
    return history.with_name(f"{history.stem}.session-secret")


def load_secret(path: Path) -> bytes:
    """The signing secret in ``path``, made (256 random bits, mode 600) when missing.

    Deleting the file signs everybody out: cookies signed with the old secret no longer verify.

    Raises:
        SettingsError: The file may be read by other users, or is too short to be a secret.
    """
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # never replaces a secret another process made meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    if path.stat().st_mode & 0o077:
        raise SettingsError(f"the session secret {path} may be read by other users: `chmod 600` it "
                            "(or delete it, which signs everybody out)")
    secret = path.read_bytes().strip()
    if len(secret) < 32:
        raise SettingsError(f"the session secret {path} is too short: delete it and a new one is made")
    return secret


@dataclass(frozen=True, slots=True)
class SignInOutcome:
    """What a sign-in try gave: the account and its cookie value, or the message to show."""

    account: Account | None
    cookie: str | None = None
    message: str = ""
    wait_s: float = 0.0


class Gatekeeper:
    """Sign-in, cookie and sign-out over the accounts file beside one history (see the module docstring).

    Args:
        history: The history file (None: the default one); the accounts and the secret sit beside it.
        idle_s: A sign-in unused this long ends.
        max_age_s: A sign-in ends this long after it began.
        clock: Seconds since the epoch (tests pass their own).

    Raises:
        StoreError: The accounts file cannot be opened.
        SettingsError: The secret file is not private.
    """

    def __init__(self, history: Path, idle_s: float, max_age_s: float = MAX_AGE_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.accounts = AccountStore(accounts_path(history))
        self.sign_ins = SignIns(self.accounts)
        self.throttle = LoginThrottle(self.accounts)
        self.audit = AuditLog(self.accounts)
        self.idle_s, self.max_age_s, self.clock = idle_s, max_age_s, clock
        secret = load_secret(secret_path(history))
        self._cookies = URLSafeTimedSerializer(secret, salt=_SALT)
        self._pending = URLSafeTimedSerializer(secret, salt=_PENDING_SALT)

    def wait_message(self, keys: tuple[str, ...]) -> SignInOutcome | None:
        """The refusal while ``keys`` must wait after failed tries, or None when a try may go ahead."""
        wait = self.throttle.wait_s(keys, self.clock())
        if wait <= 0:
            return None
        return SignInOutcome(None, message=f"Too many failed tries: wait {math.ceil(wait)} s and try again.",
                             wait_s=wait)

    def _start(self, account: Account, how: str) -> SignInOutcome:
        now = self.clock()
        self.sign_ins.prune(now, self.idle_s, self.max_age_s)
        token = self.sign_ins.start(account.name, now)
        self.audit.record(account.name, "sign in", how)
        return SignInOutcome(account, cookie=self._cookies.dumps(token))

    def sign_in(self, name: str, password: str, address: str | None) -> SignInOutcome:
        """Check one try: refused unseen while the name or the address must wait, else the password.

        A failure counts against the name typed and the address; a success starts a sign-in.
        """
        keys = throttle_keys(name, address)
        refused = self.wait_message(keys)
        if refused is not None:
            return refused
        account = self.accounts.verify(name, password)
        if account is None:
            self.throttle.failed(keys, self.clock())
            return SignInOutcome(None, message=WRONG)
        self.throttle.succeeded(keys)
        return self._start(account, f"from {address or 'an unknown address'}")

    def sign_in_email(self, email: str, provider: str, address: str | None) -> SignInOutcome:
        """Start a sign-in for the account with ``email``, which ``provider`` has verified.

        The caller has checked the provider's ID token (``formcheck.app.oidc``). An e-mail no
        account has gets :data:`NO_ACCOUNT` and counts as a failed try of the address.
        """
        keys = address_keys(address)
        refused = self.wait_message(keys)
        if refused is not None:
            return refused
        account = self.accounts.by_email(email)
        if account is None:
            self.failed(address)
            return SignInOutcome(None, message=NO_ACCOUNT)
        return self._start(account, f"from {address or 'an unknown address'} with {provider} ({account.email})")

    def failed(self, address: str | None) -> None:
        """Count one failed try of ``address`` (a provider's sign-in that did not complete)."""
        self.throttle.failed(address_keys(address), self.clock())

    def seal(self, data: dict[str, object]) -> str:
        """``data`` signed with the secret (the state of a provider's sign-in, kept in a cookie meanwhile)."""
        return self._pending.dumps(data)

    def unseal(self, value: str | None, max_age_s: float) -> dict[str, object] | None:
        """What :meth:`seal` signed, or None when ``value`` is missing, tampered or older than ``max_age_s``."""
        if not value:
            return None
        try:
            data = self._pending.loads(value, max_age=int(max_age_s))
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def _token(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            token = self._cookies.loads(cookie, max_age=int(self.max_age_s))
        except BadSignature:  # tampered, signed with another secret, or too old (SignatureExpired)
            return None
        return token if isinstance(token, str) else None

    def viewer(self, cookie: str | None) -> Account | None:
        """The account signed in with this cookie value, or None (no cookie, bad signature, ended sign-in)."""
        token = self._token(cookie)
        if token is None:
            return None
        return self.sign_ins.resolve(token, self.clock(), self.idle_s, self.max_age_s)

    def sign_out(self, cookie: str | None) -> None:
        """End the sign-in of this cookie value (nothing happens for a bad one)."""
        token = self._token(cookie)
        account = self.viewer(cookie)
        if token is not None:
            self.sign_ins.end(token)
        if account is not None:
            self.audit.record(account.name, "sign out", "")


def address_keys(address: str | None) -> tuple[str, ...]:
    """The throttle key of a provider's sign-in: its address only (there is no name typed).

    Example:
        >>> address_keys("192.0.2.7"), address_keys(None)
        (('address:192.0.2.7',), ())
    """
    return throttle_keys("", address)[1:]


def scope_of(account: Account) -> UserScope:
    """The history an account may see: a trainer everyone's, a client their own.

    Example:
        >>> scope_of(Account("alice", "client"))
        UserScope(name='alice', sees_all=False)
    """
    return UserScope(account.name, sees_all=account.is_trainer)
