"""The door of the app served beyond this computer: a sign-in page, and nothing else without a sign-in.

``formcheck app --address ADDR`` (not loopback) serves the app as a Streamlit
``st.App`` (``gated_main.py``) with this module's route and middleware in front
of everything Streamlit serves. Without a live sign-in, no request reaches
Streamlit: a page load is sent to ``/signin``, the WebSocket the page talks
through is refused (HTTP 403), and so are media (annotated videos), uploads and
component files. Only ``/signin`` (with a provider, ``/signin/oidc/<provider>``
and ``/oauth2callback`` too) and the health check answer.

``/signin`` is a plain HTML form (no script). A POST is checked by the
:class:`~formcheck.app.access.Gatekeeper` in a worker thread (argon2id is
deliberately slow) and answers with one message for a wrong name or password,
or a wait while the name or the address is throttled. A success sets the
``formcheck_session`` cookie: HttpOnly (no script can read it), SameSite=Lax,
Secure when served over HTTPS, Path=/, gone after the sign-in's age limit.
A POST from another site (its ``Origin`` is not this host) is refused.

When an OpenID Connect provider is configured (``formcheck.app.oidc``), the page
also offers "Sign in with <provider>": ``/signin/oidc/<provider>`` sends the
browser to the provider, and ``/oauth2callback`` (``st.login``'s path) takes it
back, verifies the provider's answer, and sets the same cookie for the account
with that e-mail. Every refusal there counts against the address, like a wrong
password.

Example:
    >>> routes, middleware = gate_parts(Gatekeeper(history, idle_s=1800))  # doctest: +SKIP
    >>> app = st.App("main.py", routes=routes, middleware=middleware)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from formcheck.app.access import COOKIE_NAME, MAX_AGE_S, Gatekeeper, SignInOutcome, address_keys
from formcheck.app.oidc import (
    CALLBACK_PATH,
    PENDING_COOKIE,
    PENDING_MAX_AGE_S,
    START_PATH,
    ProviderFlow,
    ProviderSignInError,
)

SIGN_IN_PATH = "/signin"
#: Paths that answer without a sign-in: the form and Streamlit's health check ("ok"); with a provider, also
#: CALLBACK_PATH and ``/signin/oidc/<provider>`` (else Streamlit's own ``/oauth2callback`` would answer).
OPEN_PATHS = frozenset({SIGN_IN_PATH, "/_stcore/health"})
#: ``/signin/oidc/<provider>``, one path segment: nothing under it reaches Streamlit.
_START = re.compile(re.escape(START_PATH) + r"/[A-Za-z0-9-]{1,64}")
#: The largest sign-in form accepted (a name and a password fit many times over).
MAX_FORM_BYTES = 8192
#: Headers of the sign-in page: no framing, no scripts, no caching, no referrer to other sites.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                           "frame-ancestors 'none'; base-uri 'none'",
                "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                "Referrer-Policy": "same-origin"}  # no-referrer would make the POST's Origin "null"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>formcheck: sign in</title>
<style>body{{font-family:system-ui,sans-serif;max-width:22rem;margin:12vh auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}}
button{{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem}}
.provider{{display:inline-block;margin-top:1.2rem;padding:.6rem 1.2rem;border:1px solid #888;color:inherit;
text-decoration:none}}.msg{{color:#b00020;margin-top:1rem}}</style>
</head><body><h1>formcheck</h1><p>Sign in to see your sessions.</p>
<form method="post" action="{action}">
<label for="name">Name</label><input id="name" name="name" autocomplete="username" required value="{name}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>{providers}
<p class="msg" id="message" role="alert">{message}</p>
</body></html>"""


def sign_in_page(message: str = "", name: str = "", status: int = 200,
                 providers: tuple[tuple[str, str], ...] = ()) -> HTMLResponse:
    """The sign-in form, a "Sign in with <label>" link per ``(key, label)`` provider, ``message`` (escaped) under it."""
    links = "".join(f'\n<p><a class="provider" href="{START_PATH}/{html.escape(key, quote=True)}">'
                    f"Sign in with {html.escape(label)}</a></p>" for key, label in providers)
    body = _PAGE.format(action=SIGN_IN_PATH, name=html.escape(name, quote=True), message=html.escape(message),
                        providers=links)
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


def cookie_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The sign-in cookie's value in raw ASGI headers, or None."""
    jar: SimpleCookie = SimpleCookie()
    for key, value in headers:
        if key.lower() == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:  # a malformed Cookie header is no sign-in
                return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel is not None else None


def _same_origin(request: Request) -> bool:
    """A browser's POST names its page's origin: it must be this host (no sign-in forms on other sites)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


class SignInGate:
    """ASGI middleware: only requests with a live sign-in (or to an open path) reach the app behind it.

    Args:
        app: The app behind the gate (Streamlit's).
        keeper: Who is signed in.
        providers: Whether sign-in through a provider is on (its two paths are open then).
    """

    def __init__(self, app: ASGIApp, keeper: Gatekeeper, providers: bool = False) -> None:
        self.app = app
        self.keeper = keeper
        self.providers = providers

    def _open(self, path: str) -> bool:
        if path in OPEN_PATHS:
            return True
        return self.providers and (path == CALLBACK_PATH or _START.fullmatch(path) is not None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._open(scope["path"]):
            await self.app(scope, receive, send)
            return
        account = await run_in_threadpool(self.keeper.viewer, cookie_of(list(scope.get("headers", []))))
        if account is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect; closing before accepting answers HTTP 403
            await send({"type": "websocket.close", "code": 1008})
            return
        response: Response
        if scope["method"] in ("GET", "HEAD"):
            response = RedirectResponse(SIGN_IN_PATH, status_code=303, headers={"Cache-Control": "no-store"})
        else:
            response = PlainTextResponse("Sign in first.", status_code=401)
        await response(scope, receive, send)


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _set_session(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(COOKIE_NAME, cookie, max_age=int(MAX_AGE_S), path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def _route(keeper: Gatekeeper, flow: ProviderFlow | None) -> Route:
    providers = tuple((p.key, p.label) for p in flow.providers.providers) if flow is not None else ()

    def page_of(message: str = "", name: str = "", status: int = 200) -> HTMLResponse:
        return sign_in_page(message, name, status, providers)

    async def sign_in(request: Request) -> Response:
        cookie = request.cookies.get(COOKIE_NAME)
        if request.method != "POST":
            if await run_in_threadpool(keeper.viewer, cookie) is not None:
                return RedirectResponse("/", status_code=303)
            page = page_of()
            if cookie is not None:  # an ended sign-in's cookie is of no use any more
                page.delete_cookie(COOKIE_NAME, path="/")
            return page
        if not _same_origin(request):
            return PlainTextResponse("Sign in from this app's own page.", status_code=403)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return PlainTextResponse("Too large.", status_code=413)
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=4)
        name, password = (form.get(k, [""])[0] for k in ("name", "password"))
        outcome = await run_in_threadpool(keeper.sign_in, name, password, _address(request))
        if outcome.cookie is None:
            status, extra = (429, {"Retry-After": str(int(outcome.wait_s) + 1)}) if outcome.wait_s else (401, {})
            page = page_of(outcome.message, name, status)
            page.headers.update(extra)
            return page
        response = RedirectResponse("/", status_code=303, headers={"Cache-Control": "no-store"})
        _set_session(response, request, outcome.cookie)
        return response

    return Route(SIGN_IN_PATH, sign_in, methods=["GET", "POST"])


def _refusal(outcome: SignInOutcome, providers: tuple[tuple[str, str], ...], status: int) -> HTMLResponse:
    """The sign-in page with a provider's refusal (429 and Retry-After while the address must wait)."""
    if outcome.wait_s:
        page = sign_in_page(outcome.message, "", 429, providers)
        page.headers["Retry-After"] = str(int(outcome.wait_s) + 1)
    else:
        page = sign_in_page(outcome.message, "", status, providers)
    page.delete_cookie(PENDING_COOKIE, path=CALLBACK_PATH)  # a flow's state is good for one answer
    return page


def _provider_routes(keeper: Gatekeeper, flow: ProviderFlow) -> list[Route]:
    providers = tuple((p.key, p.label) for p in flow.providers.providers)

    async def start(request: Request) -> Response:
        refused = await run_in_threadpool(keeper.wait_message, address_keys(_address(request)))
        if refused is not None:
            return _refusal(refused, providers, 429)
        key = str(request.path_params["provider"])
        if flow.providers.get(key) is None:
            return _refusal(SignInOutcome(None, message="No such sign-in provider."), providers, 404)
        try:
            response, pending = await flow.start(request, key)
        except ProviderSignInError as exc:
            return _refusal(SignInOutcome(None, message=str(exc)), providers, 502)
        response.headers["Cache-Control"] = "no-store"
        response.set_cookie(PENDING_COOKIE, keeper.seal(pending), max_age=int(PENDING_MAX_AGE_S), path=CALLBACK_PATH,
                            httponly=True, samesite="lax", secure=request.url.scheme == "https")
        return response

    async def callback(request: Request) -> Response:
        address = _address(request)
        refused = await run_in_threadpool(keeper.wait_message, address_keys(address))
        if refused is not None:
            return _refusal(refused, providers, 429)
        pending = keeper.unseal(request.cookies.get(PENDING_COOKIE), PENDING_MAX_AGE_S)
        try:
            if pending is None:
                raise ProviderSignInError("This sign-in was not started here, or took over 10 minutes; try again.")
            provider, email = await flow.finish(request, pending)
        except ProviderSignInError as exc:
            await run_in_threadpool(keeper.failed, address)
            return _refusal(SignInOutcome(None, message=str(exc)), providers, 401)
        outcome = await run_in_threadpool(keeper.sign_in_email, email, provider.label, address)
        if outcome.cookie is None:
            return _refusal(outcome, providers, 403)
        response = RedirectResponse("/", status_code=303, headers={"Cache-Control": "no-store"})
        response.delete_cookie(PENDING_COOKIE, path=CALLBACK_PATH)
        _set_session(response, request, outcome.cookie)
        return response

    return [Route(f"{START_PATH}/{{provider}}", start, methods=["GET"]),
            Route(CALLBACK_PATH, callback, methods=["GET"])]


def gate_parts(keeper: Gatekeeper, flow: ProviderFlow | None = None) -> tuple[list[Any], list[Middleware]]:
    """The routes and middleware to give ``st.App`` so that nothing is served without a sign-in.

    ``flow``: sign-in through the configured OpenID Connect providers too (``formcheck.app.oidc``).
    """
    routes = [_route(keeper, flow), *(_provider_routes(keeper, flow) if flow is not None else [])]
    return routes, [Middleware(SignInGate, keeper=keeper, providers=flow is not None)]
