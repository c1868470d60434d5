"""Accounts (trainers, when the app is served beyond this computer): clients, passwords, who did what.

A trainer adds client (or trainer) accounts, gives an account a new password
(which signs it out everywhere) or the e-mail it signs in with through the
OpenID Connect provider (when one is configured), removes an account (its history stays, under
its name, for trainers), and reads the audit log: sign-ins, deletions, exports
and account changes, newest first. ``formcheck users`` does the same from the
shell. Password boxes are emptied once a form is sent.
"""

from __future__ import annotations

import secrets

import pandas as pd
import streamlit as st

from formcheck.app.access_page import gatekeeper
from formcheck.app.history_tables import local_time
from formcheck.app.settings import AppSettings
from formcheck.records.errors import FormcheckError
from formcheck.store.accounts import ROLES

#: Audit entries the page lists (the file keeps them all).
AUDIT_SHOWN = 100


def _add_form(settings: AppSettings, actor: str) -> None:
    keeper = gatekeeper(settings)
    with st.form("accounts-add", clear_on_submit=True):
        st.markdown("**Add an account**")
        left, mid, email_col, right = st.columns([2, 2, 2, 1])
        name = left.text_input("Name", key="accounts-add-name", help="a-z, 0-9, '.', '_' or '-'; up to 32")
        password = mid.text_input("Password", type="password", key="accounts-add-password",
                                  help="At least 10 characters: give it to the client in person. Leave it "
                                       "empty with an e-mail: sign-in through the provider only.")
        email = email_col.text_input("E-mail (optional)", key="accounts-add-email",
                                     help="The e-mail this person signs in with through the provider "
                                          "(Google, Microsoft…), when one is set up.")
        role = right.selectbox("Role", ROLES[::-1], key="accounts-add-role")
        if st.form_submit_button("Add account"):
            try:
                if not password and email.strip():  # a password nobody knows: the provider only
                    password = secrets.token_urlsafe(32)
                account = keeper.accounts.add(name, str(role), password, email)
                keeper.audit.record(actor, "add account", f"{account.name} ({account.role})"
                                    + (f", e-mail {account.email}" if account.email else ""))
                st.success(f"Added {account.name} ({account.role}).")
            except FormcheckError as exc:
                st.error(str(exc))


def _password_form(settings: AppSettings, actor: str, names: list[str]) -> None:
    keeper = gatekeeper(settings)
    with st.form("accounts-password", clear_on_submit=True):
        st.markdown("**New password** (signs the account out everywhere)")
        left, right = st.columns(2)
        name = left.selectbox("Account", names, key="accounts-password-name")
        password = right.text_input("New password", type="password", key="accounts-password-new")
        if st.form_submit_button("Set password") and name is not None:
            try:
                keeper.accounts.set_password(str(name), password)
                keeper.audit.record(actor, "new password", str(name))
                st.success(f"{name} has a new password.")
            except FormcheckError as exc:
                st.error(str(exc))


def _email_form(settings: AppSettings, actor: str, names: list[str]) -> None:
    keeper = gatekeeper(settings)
    with st.form("accounts-email", clear_on_submit=True):
        st.markdown("**E-mail for sign-in with a provider** (empty removes it)")
        left, right = st.columns(2)
        name = left.selectbox("Account", names, key="accounts-email-name")
        email = right.text_input("E-mail", key="accounts-email-new")
        if st.form_submit_button("Set e-mail") and name is not None:
            try:
                account = keeper.accounts.set_email(str(name), email)
                keeper.audit.record(actor, "set e-mail", f"{account.name}: {account.email or 'none'}")
                st.success(f"{account.name}: e-mail {account.email or 'removed'}.")
            except FormcheckError as exc:
                st.error(str(exc))


def _remove_form(settings: AppSettings, actor: str, names: list[str]) -> None:
    keeper = gatekeeper(settings)
    others = [n for n in names if n != actor]
    with st.form("accounts-remove", clear_on_submit=True):
        st.markdown("**Remove an account** (its sessions stay in History)")
        name = st.selectbox("Account", others, key="accounts-remove-name")
        sure = st.checkbox("Yes, remove it", key="accounts-remove-sure")
        if st.form_submit_button("Remove account") and name is not None:
            if not sure:
                st.warning("Tick “Yes, remove it” first.")
                return
            try:
                keeper.accounts.remove(str(name))
                keeper.audit.record(actor, "remove account", str(name))
                st.success(f"Removed {name}.")
            except FormcheckError as exc:
                st.error(str(exc))


def render(settings: AppSettings) -> None:
    st.header("Accounts")
    if settings.scope is None or not settings.scope.sees_all:
        st.error("Only trainers manage accounts.")
        return
    actor = settings.scope.name
    keeper = gatekeeper(settings)
    _add_form(settings, actor)
    accounts = keeper.accounts.list()
    zone = st.context.timezone
    # Plain tables (not the canvas grid): short, printable, and read by screen readers.
    st.table(pd.DataFrame([{"name": a.name, "role": a.role, "e-mail": a.email,
                            "created": local_time(a.created_at, zone),
                            "password set": local_time(a.password_set_at, zone)} for a in accounts],
                          columns=["name", "role", "e-mail", "created", "password set"]).set_index("name"))
    names = [a.name for a in accounts]
    _password_form(settings, actor, names)
    _email_form(settings, actor, names)
    _remove_form(settings, actor, names)
    st.subheader("Who did what")
    st.caption(f"The newest {AUDIT_SHOWN} entries: sign-ins, deletions, exports and account changes.")
    entries = keeper.audit.recent(AUDIT_SHOWN)
    st.table(pd.DataFrame([{"when": local_time(e.at, zone), "who": e.actor, "action": e.action, "what": e.what}
                           for e in entries], columns=["when", "who", "action", "what"]).set_index("when"))
