"""Compare (trainers): two stored sessions side by side, e.g. a client's clip against your reference clip.

Sessions come from History: review your own reference clip first (its Client
field set to "reference" lists it first), then the client's.
"""

from __future__ import annotations

import streamlit as st

from formcheck.app import widgets
from formcheck.app.compare_tools import comparison_notes, rep_comparison, session_label, set_comparison
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.errors import FormcheckError


def render(settings: AppSettings) -> None:
    st.header("Compare two sets")
    st.caption("A client's clip against a reference clip you recorded, or two sessions of one client: "
               "per rep range of motion, tempo and cues. Both come from History (review a clip first).")
    try:
        store = widgets.store(settings)
        sessions = store.list_sessions()
    except FormcheckError as exc:
        st.error(for_visitor(str(exc)))
        return
    if len(sessions) < 2:
        st.info("Compare needs two sessions in History: review two clips (or finish two sets) first.")
        return
    # References first, then newest first: the usual pick is "my reference" vs "the client's latest".
    ordered = sorted(sessions, key=lambda s: (s.client.strip().lower() != "reference", -s.id))
    ids = [s.id for s in ordered]
    labels = {s.id: session_label(s) for s in sessions}
    left, right = st.columns(2)
    a_id = left.selectbox("A (e.g. your reference)", ids, key="compare_a", format_func=labels.__getitem__)
    rest = [i for i in ids if i != a_id]
    b_id = right.selectbox("B (e.g. the client's clip)", rest, key="compare_b", format_func=labels.__getitem__)
    a, b = store.get(int(a_id)), store.get(int(b_id))
    for note in comparison_notes(a, b):
        st.markdown(f"- {note}")
    st.dataframe(set_comparison(a, b), hide_index=True, key="compare-sets")
    st.markdown("**Rep by rep** (range of motion in the units of the exercise's rep signal)")
    st.dataframe(rep_comparison(a, b), hide_index=True, key="compare-reps")
    for label, s in (("A", a), ("B", b)):
        if s.trainer_notes:
            st.caption(f"Notes on {label}: {s.trainer_notes}")
