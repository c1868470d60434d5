"""Streamlit entry file of formcheck: ``formcheck app`` or ``streamlit run formcheck/app/main.py``.

Pages are picked with a sidebar radio (``?page=live|review|samples|history``
opens one directly); each page is a module with ``render(settings)``.
"""

from __future__ import annotations

import importlib

import streamlit as st

from formcheck.app import access_page
from formcheck.app.settings import SettingsError, for_visitor, load_settings

#: slug → (label, module)
PAGES: dict[str, tuple[str, str]] = {
    "live": ("Live", "formcheck.app.live_page"),
    "review": ("Review a clip", "formcheck.app.review_page"),
    "samples": ("Samples", "formcheck.app.samples_page"),
    "history": ("History", "formcheck.app.history_page"),
    "compare": ("Compare", "formcheck.app.compare_page"),
    "accounts": ("Accounts", "formcheck.app.accounts_page"),  # trainers, when signed in (issue 27)
}


def main() -> None:
    st.set_page_config(page_title="formcheck", layout="wide")
    try:
        settings = load_settings()
    except SettingsError as exc:
        st.error(for_visitor(f"Settings: {exc}"))
        st.stop()
    settings = access_page.admit(settings)  # issue 27: who is signed in, and whose history they may see
    slugs = access_page.allowed_pages(settings, list(PAGES))
    _follow_address(slugs)
    st.sidebar.title("formcheck")
    slug = st.sidebar.radio("Page", slugs, format_func=lambda s: PAGES[s][0], key="page")
    if slug != st.query_params.get("page", "live"):
        # Written only when the user picked another page. Writing sends the whole address as this run
        # knows it, and a session's first run may come without the address's parameters: writing
        # ``page`` then dropped ``?exercise=glute_bridge`` for good (the Live page counted the
        # catalogue's first exercise). The address written is the user's pick, not one to follow.
        st.query_params["page"] = st.session_state["applied_page"] = slug
    st.sidebar.caption("Live: coach yourself on camera · Review: analyse a clip · "
                       "Samples: check formcheck on labelled clips · History: your sessions · "
                       "Compare: two sets side by side")
    if slug != "review":  # an analysis running while another page is open
        importlib.import_module("formcheck.app.review_page").sidebar_note()
    importlib.import_module(PAGES[slug][1]).render(settings)


def _follow_address(slugs: list[str]) -> None:
    """Open the page the address names (``?page=review``) once per value it takes, whenever a run first
    sees it: a session's first run may come without the address's parameters, and a browser's Back
    changes them. The user's picks in the sidebar stand in between."""
    wanted = st.query_params.get("page")
    if wanted in slugs and st.session_state.get("applied_page") != wanted:
        st.session_state["applied_page"] = st.session_state["page"] = wanted
    elif st.session_state.get("page") not in slugs:  # new, or a page this visitor may no longer open
        st.session_state["page"] = "live"


main()
