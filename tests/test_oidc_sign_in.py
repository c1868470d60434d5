"""Layer 3: sign-in through an OpenID Connect provider, the whole redirect dance through the gate.

Real parts: the gate's routes and middleware (``gate_parts``) in front of a
one-page app, driven with Starlette's TestClient; Authlib's flow in the gate; a
real provider over HTTP (``tests/oidc_provider.py``: uvicorn on 127.0.0.1, an
RSA key made for the run, RS256 ID tokens); the accounts and secret files in
tmp_path. The browser's part (following the provider's redirect) is one plain
HTTP request to the provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from formcheck.app.access import COOKIE_NAME, NO_ACCOUNT, Gatekeeper
from formcheck.app.oidc import PENDING_COOKIE, ProviderFlow, load_providers
from formcheck.app.settings import SettingsError
from formcheck.app.sign_in_gate import gate_parts
from formcheck.store.accounts import AccountStore, accounts_path
from formcheck.store.login_throttle import FREE_PER_ADDRESS
from tests.oidc_provider import TAMPERS, TestProvider, auth_section, running_provider
from tests.test_access import history_with_accounts

APP_PAGE = "the app behind the gate"


@pytest.fixture(scope="module")
def provider() -> Iterator[TestProvider]:
    with running_provider() as p:
        yield p


@pytest.fixture(autouse=True)
def honest(provider: TestProvider) -> None:
    provider.user = {"sub": "1", "email": "Alice@Example.org", "email_verified": True}
    provider.tamper = None


@pytest.fixture(scope="module")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = AccountStore(accounts_path(tmp_path_factory.mktemp("oidc") / "history.sqlite3"))
    store.add("alice", "client", "alice's passphrase", email="alice@example.org")
    store.add("tina", "trainer", "tina's passphrase")
    return store.path


@pytest.fixture()
def keeper(accounts_template: Path, tmp_path: Path) -> Gatekeeper:
    return Gatekeeper(history_with_accounts(accounts_template, tmp_path), idle_s=600)


def gated(keeper: Gatekeeper, auth: dict[str, Any] | None) -> TestClient:
    """A TestClient on the gate (with the providers of ``auth``, Streamlit's ``[auth]`` section) and one page."""
    providers = load_providers(auth)

    async def home(request: Request) -> Response:
        return PlainTextResponse(APP_PAGE)

    routes, middleware = gate_parts(keeper, ProviderFlow(providers) if providers is not None else None)
    return TestClient(Starlette(routes=[*routes, Route("/", home)], middleware=middleware), follow_redirects=False)


@pytest.fixture()
def client(keeper: Gatekeeper, provider: TestProvider) -> Iterator[TestClient]:
    with gated(keeper, auth_section(provider)) as c:
        yield c


def to_provider(client: TestClient) -> str:
    """Press "Sign in with Testid": the provider's authorization URL the gate sends the browser to."""
    started = client.get("/signin/oidc/testid")
    assert started.status_code == 302, started.text
    assert PENDING_COOKIE in started.headers["set-cookie"] and "httponly" in started.headers["set-cookie"].lower()
    return started.headers["location"]


def back_from_provider(url: str) -> str:
    """The provider approves at once: the callback URL (with code and state) it sends the browser back to."""
    answer = httpx2.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def dance(client: TestClient) -> httpx2.Response:
    """The whole sign-in: gate → provider → gate's callback; the callback's answer."""
    return client.get(back_from_provider(to_provider(client)))


def test_the_request_to_the_provider_carries_pkce_state_and_nonce(client: TestClient, provider: TestProvider) -> None:
    url = to_provider(client)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{provider.issuer}/authorize?")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["scope"] == "openid email profile" and query["redirect_uri"] == "http://testserver/oauth2callback"
    assert query["prompt"] == "select_account"  # st.login's default: the provider's account chooser


def test_a_known_verified_email_signs_in_its_account_with_the_same_cookie(client: TestClient,
                                                                         keeper: Gatekeeper) -> None:
    assert client.get("/").status_code == 303  # nothing before the sign-in
    answer = dance(client)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    cookie = client.cookies.get(COOKIE_NAME)
    viewer = keeper.viewer(cookie)
    assert viewer is not None and (viewer.name, viewer.role) == ("alice", "client")
    assert "httponly" in answer.headers["set-cookie"].lower()
    assert client.get("/").text == APP_PAGE
    entry = keeper.audit.recent()[0]
    assert (entry.actor, entry.action, entry.what) == ("alice", "sign in",
                                                       "from testclient with Testid (alice@example.org)")


def test_an_email_of_no_account_gets_the_one_message_and_no_account(client: TestClient, keeper: Gatekeeper,
                                                                    provider: TestProvider) -> None:
    provider.user = {"sub": "2", "email": "mallory@example.org", "email_verified": True}
    answer = dance(client)
    assert answer.status_code == 403 and NO_ACCOUNT in answer.text
    assert client.cookies.get(COOKIE_NAME) is None and client.get("/").status_code == 303
    assert [a.name for a in keeper.accounts.list()] == ["tina", "alice"]
    assert keeper.throttle.failures("address:testclient") == 1


@pytest.mark.parametrize("user", [{"sub": "1", "email": "alice@example.org", "email_verified": False},
                                  {"sub": "1", "email": "alice@example.org"},
                                  {"sub": "1"}], ids=["unverified", "no-verified-claim", "no-email"])
def test_an_email_the_provider_has_not_verified_is_refused(client: TestClient, provider: TestProvider,
                                                           user: dict[str, Any]) -> None:
    provider.user = user
    answer = dance(client)
    assert answer.status_code == 401 and "Testid has not verified the e-mail of this account" in answer.text
    assert client.cookies.get(COOKIE_NAME) is None


#: What each tampered token is refused for (in the server's log; the visitor sees one message).
REFUSED_FOR = {"signature": "BadSignatureError", "nonce": "Invalid claim: 'nonce'", "audience": "Invalid claim: 'aud'",
               "issuer": "Invalid claim: 'iss'", "expired": "ExpiredTokenError"}


@pytest.mark.parametrize("tamper", TAMPERS)
def test_an_id_token_that_does_not_verify_is_refused(client: TestClient, provider: TestProvider,
                                                     keeper: Gatekeeper, tamper: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    provider.tamper = tamper
    with caplog.at_level("WARNING", logger="formcheck.app.oidc"):
        answer = dance(client)
    assert answer.status_code == 401 and "The sign-in with Testid did not complete; try again." in answer.text
    assert REFUSED_FOR[tamper] in caplog.text
    assert client.cookies.get(COOKIE_NAME) is None and keeper.audit.recent() == []


def test_a_callback_with_another_state_or_from_another_browser_is_refused(
        client: TestClient, keeper: Gatekeeper, provider: TestProvider, caplog: pytest.LogCaptureFixture) -> None:
    callback = back_from_provider(to_provider(client))
    forged = callback.replace("state=", "state=x")
    with caplog.at_level("WARNING", logger="formcheck.app.oidc"):
        assert client.get(forged).status_code == 401
    assert "mismatching_state" in caplog.text
    with gated(keeper, auth_section(provider)) as elsewhere:  # the code reaches a browser that did not start it
        answer = elsewhere.get(callback)
    assert answer.status_code == 401 and "was not started here" in answer.text
    assert client.cookies.get(COOKIE_NAME) is None


def test_an_error_from_the_provider_is_refused(client: TestClient) -> None:
    to_provider(client)
    answer = client.get("/oauth2callback?error=access_denied&state=x")
    assert answer.status_code == 401 and client.cookies.get(COOKIE_NAME) is None


def test_a_throttled_address_is_refused_before_the_provider_is_asked(client: TestClient, keeper: Gatekeeper,
                                                                     provider: TestProvider) -> None:
    for _ in range(FREE_PER_ADDRESS + 1):
        keeper.failed("testclient")
    refused = client.get("/signin/oidc/testid")
    assert refused.status_code == 429 and "Too many failed tries" in refused.text and refused.headers["retry-after"]
    assert client.get("/oauth2callback?code=x&state=y").status_code == 429


def test_the_page_offers_the_provider_only_when_one_is_configured(keeper: Gatekeeper,
                                                                  provider: TestProvider) -> None:
    with gated(keeper, None) as plain:
        page = plain.get("/signin").text
        assert "Sign in with" not in page and 'name="password"' in page
        for path in ("/oauth2callback?code=x&state=y", "/signin/oidc/testid"):  # closed: Streamlit's never answers
            assert plain.get(path).status_code == 303, path
    with gated(keeper, auth_section(provider)) as offered:
        page = offered.get("/signin").text
        assert 'href="/signin/oidc/testid">Sign in with Testid</a>' in page and 'name="password"' in page
        assert offered.get("/signin/oidc/nobody").status_code == 404
        for path in ("/signin/oidc/testid/x", "/signin/oidc/", "/signin/oidc/../"):  # nothing else is opened
            assert offered.get(path).status_code == 303, path


def test_a_configured_redirect_uri_is_the_one_sent(keeper: Gatekeeper, provider: TestProvider) -> None:
    auth = auth_section(provider, redirect_uri="http://testserver/oauth2callback")
    with gated(keeper, auth) as client:
        assert dance(client).headers["location"] == "/"


@pytest.mark.parametrize(("auth", "message"), [
    ({"client_id": "x", "client_secret": "y"}, r"\[auth\] in .streamlit/secrets.toml lacks server_metadata_url"),
    ({"google": {"client_id": "x"}}, r"\[auth.google\] .* lacks client_secret, server_metadata_url"),
    ({"redirect_uri": "https://a.example/callback", "google": {"client_id": "x", "client_secret": "y",
      "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"}},
     "redirect_uri must end with /oauth2callback"),
])
def test_a_bad_auth_section_fails_in_one_line(auth: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_providers(auth)


def test_streamlit_s_single_provider_form_and_named_sections_both_load() -> None:
    google = "https://accounts.google.com/.well-known/openid-configuration"
    loaded = load_providers({"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s",
                             "client_id": "a", "client_secret": "b", "server_metadata_url": google,
                             "microsoft": {"client_id": "c", "client_secret": "d", "server_metadata_url":
                                           "https://login.microsoftonline.com/common/v2.0/.well-known/"
                                           "openid-configuration"}})
    assert loaded is not None and [(p.key, p.label) for p in loaded.providers] == [("default", "Google"),
                                                                                   ("microsoft", "Microsoft")]
    assert load_providers(None) is None and load_providers({"cookie_secret": "s"}) is None


def test_the_examples_in_the_oidc_module_run_as_shown() -> None:
    import doctest

    import formcheck.app.oidc

    result = doctest.testmod(formcheck.app.oidc, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
