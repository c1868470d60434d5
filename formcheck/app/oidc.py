"""Sign-in through an OpenID Connect provider (Google, Microsoft, Auth0, Keycloak…), configured as for ``st.login``.

The provider is set up in Streamlit's own ``[auth]`` section of
``.streamlit/secrets.toml`` (the folder ``formcheck app`` is started in, or
``~/.streamlit/``), with ``st.login``'s keys, so a trainer who followed
Streamlit's guide for a provider has it work here too::

    [auth]
    redirect_uri = "https://studio.example.org:8501/oauth2callback"   # optional here
    cookie_secret = "..."                                              # accepted, unused
    client_id = "..."
    client_secret = "..."
    server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"

or one ``[auth.NAME]`` section per provider (``client_id``, ``client_secret``,
``server_metadata_url``, optional ``client_kwargs``) under ``[auth]``.

The flow is Authlib's (the library ``st.login`` is built on), run by the
sign-in gate rather than by a script, because no script runs before a sign-in:
the authorization-code flow with PKCE (S256), ``state`` and ``nonce``; the code
is exchanged at the provider's token endpoint, and the ID token's signature is
checked against the provider's published keys (JWKS), with its ``iss``, ``aud``,
``exp`` and ``nonce``. The flow's state waits in a signed, HttpOnly cookie
(``formcheck_oidc``, 10 minutes) bound to the browser that started it. The
result is the e-mail, only when the provider marks it ``email_verified``; the
gate then finds the account with that e-mail (``Gatekeeper.sign_in_email``).
Only :func:`configured_providers` touches streamlit (its secrets files).

Example:
    >>> providers = load_providers({"client_id": "id", "client_secret": "s",
    ...     "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"})
    >>> [(p.key, p.label) for p in providers.providers]
    [('default', 'Google')]
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx2
from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import Response

from formcheck.app.settings import SettingsError
from formcheck.records.errors import FormcheckError

#: Where the provider sends the browser back (``st.login``'s path, so the same registration works).
CALLBACK_PATH = "/oauth2callback"
#: ``/signin/oidc/<provider>`` starts a sign-in with that provider.
START_PATH = "/signin/oidc"
#: The cookie that holds the flow's state, nonce and PKCE verifier (signed) until the provider answers.
PENDING_COOKIE = "formcheck_oidc"
PENDING_MAX_AGE_S = 600.0
#: Provider keys each ``[auth.NAME]`` section must have (``st.login``'s).
REQUIRED_KEYS = ("client_id", "client_secret", "server_metadata_url")
#: Names shown on the button for well-known provider hosts (else the section's name or the host).
_LOG = logging.getLogger(__name__)
KNOWN_HOSTS = {"accounts.google.com": "Google", "login.microsoftonline.com": "Microsoft",
               "auth0.com": "Auth0", "okta.com": "Okta", "cognito-idp.amazonaws.com": "Amazon Cognito"}


class ProviderSignInError(FormcheckError):
    """Raised when a sign-in through the provider does not complete: a stale or forged state, a failed
    code exchange, an ID token that does not verify, or no verified e-mail in it. The message is fit to
    show a visitor; the library's own error is its ``__cause__`` (and in the server's log)."""


@dataclass(frozen=True, slots=True)
class Provider:
    """One OpenID Connect provider of the ``[auth]`` section."""

    key: str
    label: str
    client_id: str
    client_secret: str
    server_metadata_url: str
    client_kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Providers:
    """Every configured provider, and the callback address when ``redirect_uri`` names it."""

    providers: tuple[Provider, ...]
    redirect_uri: str | None = None

    def get(self, key: str) -> Provider | None:
        return next((p for p in self.providers if p.key == key), None)


def provider_label(key: str, server_metadata_url: str) -> str:
    """The name on the "Sign in with …" button.

    Example:
        >>> provider_label("default", "https://dev-1.eu.auth0.com/.well-known/openid-configuration")
        'Auth0'
        >>> provider_label("keycloak", "https://id.example.org/realms/gym/.well-known/openid-configuration")
        'Keycloak'
    """
    host = (urlsplit(server_metadata_url).hostname or "").lower()
    for known, label in KNOWN_HOSTS.items():
        if host == known or host.endswith(f".{known}"):
            return label
    return key.capitalize() if key != "default" else host


def _provider(key: str, section: Mapping[str, Any]) -> Provider:
    where = "[auth]" if key == "default" else f"[auth.{key}]"
    missing = [k for k in REQUIRED_KEYS if not isinstance(section.get(k), str) or not section.get(k)]
    if missing:
        raise SettingsError(f"{where} in .streamlit/secrets.toml lacks {', '.join(missing)} "
                            "(the keys st.login's guide for your provider gives)")
    url = str(section["server_metadata_url"])
    if urlsplit(url).scheme not in ("https", "http"):
        raise SettingsError(f"{where} server_metadata_url must be the provider's https:// discovery URL, got {url!r}")
    kwargs = section.get("client_kwargs") or {}
    if not isinstance(kwargs, Mapping):
        raise SettingsError(f"{where} client_kwargs must be a table, got {kwargs!r}")
    return Provider(key, provider_label(key, url), str(section["client_id"]), str(section["client_secret"]), url,
                    dict(kwargs))


def load_providers(auth: Mapping[str, Any] | None) -> Providers | None:
    """The providers of Streamlit's ``[auth]`` secrets section (``st.secrets.get("auth")``), or None.

    Raises:
        SettingsError: A provider lacks one of REQUIRED_KEYS, or ``redirect_uri`` does not end in
            ``/oauth2callback``.
    """
    if not auth:
        return None
    providers = [_provider(k, v) for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"]
    if any(k in auth for k in REQUIRED_KEYS):
        providers.insert(0, _provider("default", auth))
    if not providers:
        return None
    redirect_uri = auth.get("redirect_uri")
    if redirect_uri is not None and not str(redirect_uri).split("?")[0].endswith(CALLBACK_PATH):
        raise SettingsError(f"[auth] redirect_uri must end with {CALLBACK_PATH} (as for st.login), "
                            f"got {redirect_uri!r}")
    return Providers(tuple(providers), str(redirect_uri) if redirect_uri else None)


def configured_providers() -> Providers | None:
    """The providers of the ``[auth]`` section in Streamlit's secrets files, where ``st.login`` reads it
    (``.streamlit/secrets.toml`` in the folder the app starts in, then ``~/.streamlit/secrets.toml``).

    Raises:
        SettingsError: As :func:`load_providers`.
    """
    import streamlit as st  # its own search path and TOML reading: the files a st.login guide has you write

    return load_providers(st.secrets.get("auth") if st.secrets.load_if_toml_exists() else None)


@contextmanager
def _session(request: Request, data: dict[str, Any]) -> Iterator[None]:
    """Authlib keeps the flow's state in ``request.session``: give it ``data`` (kept in our cookie) meanwhile."""
    had, before = "session" in request.scope, request.scope.get("session")
    request.scope["session"] = data
    try:
        yield
    finally:
        if had:
            request.scope["session"] = before
        else:
            del request.scope["session"]


class ProviderFlow:
    """The authorization-code flow with each configured provider (Authlib's Starlette client).

    Args:
        providers: What ``load_providers`` read.
    """

    def __init__(self, providers: Providers) -> None:
        self.providers = providers
        self._oauth = OAuth()
        for p in providers.providers:
            # st.login's defaults (scope, the account chooser), the section's client_kwargs, and PKCE always
            kwargs = {"scope": "openid email profile", "prompt": "select_account", **p.client_kwargs,
                      "code_challenge_method": "S256"}
            self._oauth.register(p.key, client_id=p.client_id, client_secret=p.client_secret,
                                 server_metadata_url=p.server_metadata_url, client_kwargs=kwargs)

    def redirect_uri(self, request: Request) -> str:
        """``redirect_uri`` of the settings (``{port}`` filled in), else this server's own callback address."""
        configured = self.providers.redirect_uri
        if configured:
            return configured.replace("{port}", str(request.url.port or ""))
        return str(request.url.replace(path=CALLBACK_PATH, query="", fragment=""))

    async def start(self, request: Request, key: str) -> tuple[Response, dict[str, Any]]:
        """The redirect to the provider's sign-in page, and what to keep (sealed) until it answers.

        Raises:
            ProviderSignInError: The provider's discovery document cannot be read.
        """
        provider = self.providers.get(key)
        if provider is None:
            raise ProviderSignInError(f"No sign-in provider named {key!r}.")
        client = self._oauth.create_client(key)
        session: dict[str, Any] = {}
        try:
            with _session(request, session):
                response = await client.authorize_redirect(request, self.redirect_uri(request))
        except (OAuthError, httpx2.HTTPError, KeyError, ValueError) as exc:
            _LOG.warning("sign-in with %s: cannot start: %r", key, exc)
            raise ProviderSignInError(f"Cannot reach {provider.label}; try again later.") from exc
        return response, {"provider": key, "session": session}

    async def finish(self, request: Request, pending: Mapping[str, Any]) -> tuple[Provider, str]:
        """The provider and the verified e-mail the callback ``request`` brings, for the flow ``pending``.

        Raises:
            ProviderSignInError: Unknown provider, state not the one this browser started with, a
                failed code exchange, an ID token that does not verify, or no verified e-mail.
        """
        provider = self.providers.get(str(pending.get("provider", "")))
        session = pending.get("session")
        if provider is None or not isinstance(session, dict):
            raise ProviderSignInError("no sign-in with a provider was started in this browser")
        client = self._oauth.create_client(provider.key)
        try:
            metadata = await client.load_server_metadata()
            options = {"iss": {"essential": True, "value": metadata["issuer"]},
                       "aud": {"essential": True, "value": provider.client_id},
                       "exp": {"essential": True}}
            with _session(request, session):
                token = await client.authorize_access_token(request, claims_options=options)
        except (OAuthError, JoseError, httpx2.HTTPError, KeyError, ValueError, TypeError) as exc:
            _LOG.warning("sign-in with %s refused: %r", provider.key, exc)
            raise ProviderSignInError(f"The sign-in with {provider.label} did not complete; try again.") from exc
        claims = token.get("userinfo")  # the ID token's claims, verified above (absent: no ID token)
        if not claims:
            raise ProviderSignInError(f"{provider.label} sent no ID token; formcheck cannot sign you in with it.")
        email = claims.get("email")
        if not isinstance(email, str) or not email or claims.get("email_verified") not in (True, "true"):
            raise ProviderSignInError(f"{provider.label} has not verified the e-mail of this account; "
                                      "formcheck cannot sign you in with it.")
        return provider, email.strip().lower()
