"""Entry of ``formcheck app`` served beyond this computer: ``main.py`` behind the sign-in gate.

``streamlit run`` finds the ``st.App`` below and serves ``main.py`` through it,
with :mod:`formcheck.app.sign_in_gate` in front of every route (pages, the
WebSocket, media, uploads). The accounts and the cookie secret sit beside the
history named by ``FORMCHECK_DB`` (``formcheck app --db``). An ``[auth]``
section in Streamlit's secrets (``.streamlit/secrets.toml``, as for
``st.login``) adds sign-in through that OpenID Connect provider
(:mod:`formcheck.app.oidc`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from formcheck.app.access import Gatekeeper
from formcheck.app.oidc import ProviderFlow, configured_providers
from formcheck.app.settings import load_settings
from formcheck.app.sign_in_gate import gate_parts
from formcheck.store.history import default_db_path

_settings = load_settings()
_providers = configured_providers()
_routes, _middleware = gate_parts(Gatekeeper(_settings.db_path or default_db_path(),
                                             idle_s=_settings.idle_minutes * 60),
                                  ProviderFlow(_providers) if _providers is not None else None)
app = st.App(str(Path(__file__).with_name("main.py")), routes=_routes, middleware=_middleware)
