"""Who is using the app, on every page: nobody asked on this computer, a signed-in account beyond it.

``main.py`` calls :func:`admit` before any page. On ``local`` (the app bound to
a loopback address) a visitor from another computer is turned away (someone
started ``streamlit run`` on all interfaces): nobody else is asked anything. On
``accounts`` the sign-in cookie of the page's connection must still be live
(the gate let the connection in, but a sign-out, an idle limit or a new
password may have ended it since); the signed-in person's scope then goes into
the settings every page receives, and the sidebar says who is signed in, with
Sign out. :func:`allowed_pages` gives a client Live, History and Compare; a
trainer every page and Accounts.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path

import streamlit as st

from formcheck.app.access import COOKIE_NAME, Gatekeeper, scope_of
from formcheck.app.settings import AppSettings
from formcheck.app.sign_in_gate import SIGN_IN_PATH
from formcheck.store.history import default_db_path

#: The pages a client may open (their own sets, history and comparisons).
CLIENT_PAGES = ("live", "history", "compare")
#: The trainers' page for accounts and the audit log (only when accounts are on).
ACCOUNTS_PAGE = "accounts"


@st.cache_resource(show_spinner=False)
def _keeper(history: str, idle_s: float) -> Gatekeeper:
    return Gatekeeper(Path(history) if history else default_db_path(), idle_s=idle_s)


def gatekeeper(settings: AppSettings) -> Gatekeeper:
    """The server's one :class:`Gatekeeper` for this history."""
    return _keeper(str(settings.db_path or ""), settings.idle_minutes * 60)


def _from_elsewhere() -> bool:
    address = st.context.ip_address  # None for this computer (and no text at all under AppTest)
    if not isinstance(address, str):
        return False
    try:
        return not ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return True


def _signed_out() -> None:
    st.title("formcheck")
    st.info("You are signed out.")
    st.markdown(f'<a href="{SIGN_IN_PATH}" target="_self">Sign in</a>', unsafe_allow_html=True)
    st.stop()


def admit(settings: AppSettings) -> AppSettings:
    """``settings`` with the signed-in person's scope, or the page stops here (see the module docstring)."""
    if settings.access == "open":
        return settings
    if settings.access == "local":
        if _from_elsewhere():
            st.error("This app serves this computer only. To use it from other devices, start it with "
                     "`formcheck app --address 0.0.0.0` and sign in (see docs/app.md).")
            st.stop()
        return settings
    keeper = gatekeeper(settings)
    cookie = st.context.cookies.get(COOKIE_NAME)
    account = keeper.viewer(cookie)
    if account is None:
        _signed_out()
    assert account is not None  # st.stop() above ends the script
    st.sidebar.markdown(f"Signed in as **{account.name}** ({account.role})")
    st.sidebar.button("Sign out", key="sign-out", on_click=keeper.sign_out, args=(cookie,))
    return dataclasses.replace(settings, scope=scope_of(account))


def allowed_pages(settings: AppSettings, pages: list[str]) -> list[str]:
    """The page slugs ``settings``' person may open, in ``pages``' order."""
    if settings.scope is None:
        return [p for p in pages if p != ACCOUNTS_PAGE]
    if settings.scope.sees_all:
        return list(pages)
    return [p for p in pages if p in CLIENT_PAGES]
