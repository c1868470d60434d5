"""The door of the app served beyond this computer: a sign-in page, and nothing else without a sign-in.

``formcheck app --address ADDR`` (not loopback) serves the app as a Streamlit
``st.App`` (``gated_main.py``) with this module's route and middleware in front
of everything Streamlit serves. Without a live sign-in, no request reaches
Streamlit: a page load is sent to ``/signin``, the WebSocket the page talks
through is refused (HTTP 403), and so are media (annotated videos), uploads and
component files. Only ``/signin`` and the health check answer.

``/signin`` is a plain HTML form (no script). A POST is checked by the
:class:`~formcheck.app.access.Gatekeeper` in a worker thread (argon2id is
deliberately slow) and answers with one message for a wrong name or password,
or a wait while the name or the address is throttled. A success sets the
``formcheck_session`` cookie: HttpOnly (no script can read it), SameSite=Lax,
Secure when served over HTTPS, Path=/, gone after the sign-in's age limit.
A POST from another site (its ``Origin`` is not this host) is refused.

Example:
    >>> routes, middleware = gate_parts(Gatekeeper(history, idle_s=1800))  # doctest: +SKIP
    >>> app = st.App("main.py", routes=routes, middleware=middleware)  # doctest: +SKIP
"""

from __future__ import annotations

import html
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from formcheck.app.access import COOKIE_NAME, MAX_AGE_S, Gatekeeper

SIGN_IN_PATH = "/signin"
#: Paths that answer without a sign-in: the form, and Streamlit's health check (it says only "ok").
OPEN_PATHS = frozenset({SIGN_IN_PATH, "/_stcore/health"})
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
button{{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem}}.msg{{color:#b00020;margin-top:1rem}}</style>
</head><body><h1>formcheck</h1><p>Sign in to see your sessions.</p>
<form method="post" action="{action}">
<label for="name">Name</label><input id="name" name="name" autocomplete="username" required value="{name}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<p class="msg" id="message" role="alert">{message}</p>
</body></html>"""


def sign_in_page(message: str = "", name: str = "", status: int = 200) -> HTMLResponse:
    """The sign-in form, with ``message`` (escaped) under it."""
    body = _PAGE.format(action=SIGN_IN_PATH, name=html.escape(name, quote=True), message=html.escape(message))
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
    """

    def __init__(self, app: ASGIApp, keeper: Gatekeeper) -> None:
        self.app = app
        self.keeper = keeper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
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


def _route(keeper: Gatekeeper) -> Route:
    async def sign_in(request: Request) -> Response:
        cookie = request.cookies.get(COOKIE_NAME)
        if request.method != "POST":
            if await run_in_threadpool(keeper.viewer, cookie) is not None:
                return RedirectResponse("/", status_code=303)
            page = sign_in_page()
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
        address = request.client.host if request.client else None
        outcome = await run_in_threadpool(keeper.sign_in, name, password, address)
        if outcome.cookie is None:
            status, extra = (429, {"Retry-After": str(int(outcome.wait_s) + 1)}) if outcome.wait_s else (401, {})
            page = sign_in_page(outcome.message, name, status)
            page.headers.update(extra)
            return page
        response = RedirectResponse("/", status_code=303, headers={"Cache-Control": "no-store"})
        response.set_cookie(COOKIE_NAME, outcome.cookie, max_age=int(MAX_AGE_S), path="/", httponly=True,
                            samesite="lax", secure=request.url.scheme == "https")
        return response

    return Route(SIGN_IN_PATH, sign_in, methods=["GET", "POST"])


def gate_parts(keeper: Gatekeeper) -> tuple[list[Any], list[Middleware]]:
    """The routes and middleware to give ``st.App`` so that nothing is served without a sign-in."""
    return [_route(keeper)], [Middleware(SignInGate, keeper=keeper)]
