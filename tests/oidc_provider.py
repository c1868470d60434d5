"""A tiny real OpenID Connect provider for the sign-in tests, served by uvicorn on 127.0.0.1 in a thread.

It does what Google or Keycloak do for the authorization-code flow, for one
registered client: ``/.well-known/openid-configuration``, ``/authorize`` (it
approves at once, as the configured :attr:`TestProvider.user`, and sends the
browser back with a code), ``/token`` (client secret, code, redirect URI and
the PKCE verifier checked; an RS256 ID token back) and ``/jwks`` (the public
half of an RSA key generated when the provider starts). :attr:`TestProvider.tamper`
makes it misbehave the way an attacker or a broken provider would: sign with
another key, or put another nonce, audience, issuer or a past expiry in the token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.live_browser import free_port

CLIENT_ID, CLIENT_SECRET = "formcheck-test-client", "test-client-secret-0123456789"
#: What ``tamper`` may be: None (an honest provider) or one of these.
TAMPERS = ("signature", "nonce", "audience", "issuer", "expired")


class TestProvider:
    """The provider's state: who it signs in as, how it misbehaves, the codes it handed out."""

    __test__ = False  # not a pytest class

    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.user: dict[str, Any] = {"sub": "1", "email": "alice@example.org", "email_verified": True}
        self.tamper: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {**self.user, "iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        key = self.key
        if self.tamper == "signature":  # same key id, another key: the JWKS check must fail
            key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        elif self.tamper == "nonce":
            claims["nonce"] = "a nonce of another sign-in"
        elif self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "issuer":
            claims["iss"] = "https://evil.example.org"
        elif self.tamper == "expired":
            claims.update(iat=now - 3600, exp=now - 1800)
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)

    def app(self) -> Starlette:
        async def metadata(request: Request) -> Response:
            return JSONResponse({
                "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

        async def authorize(request: Request) -> Response:
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code" \
                    or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return PlainTextResponse("bad authorization request", status_code=400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": q.get("nonce", ""), "challenge": q["code_challenge"],
                                "redirect_uri": q.get("redirect_uri")}
            back = urlencode({"code": code, "state": q.get("state", "")})
            return RedirectResponse(f"{q.get('redirect_uri')}?{back}", status_code=302)

        async def token(request: Request) -> Response:
            form = await request.form()
            basic = request.headers.get("authorization", "")
            sent = base64.b64decode(basic[6:]).decode() if basic.startswith("Basic ") else \
                f"{form.get('client_id')}:{form.get('client_secret')}"
            grant = self.codes.pop(str(form.get("code")), None)
            if sent != f"{CLIENT_ID}:{CLIENT_SECRET}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            verifier = str(form.get("code_verifier", ""))
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri") or digest != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                 "expires_in": 300, "id_token": self.id_token(grant["nonce"])})

        async def jwks(request: Request) -> Response:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        return Starlette(routes=[Route("/.well-known/openid-configuration", metadata),
                                 Route("/authorize", authorize), Route("/token", token, methods=["POST"]),
                                 Route("/jwks", jwks)])


@contextmanager
def running_provider() -> Iterator[TestProvider]:
    """The test provider, serving on a free port of 127.0.0.1 until the block ends."""
    port = free_port()
    provider = TestProvider(port)
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test provider did not start"
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(10)


def auth_section(provider: TestProvider, name: str = "testid", **extra: Any) -> dict[str, Any]:
    """Streamlit's ``[auth]`` secrets section for the provider, as a trainer would write it (``[auth.NAME]``)."""
    return {"cookie_secret": "unused by formcheck", **extra,
            name: {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                   "server_metadata_url": provider.metadata_url}}
