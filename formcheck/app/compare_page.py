"""Compare (trainers): two stored sessions side by side, e.g. a client's clip against your reference clip.

Sessions come from History: review your own reference clip first (its Client
field set to "reference" lists it first), then the client's. The page opens on
the newest session (B) and the one before it of the same exercise (A, a
reference clip of that exercise first); sets of other exercises come last in
the pickers.
"""

from __future__ import annotations

import streamlit as st

from formcheck.app import widgets
from formcheck.app.compare_tools import (
    b_options,
    comparison_notes,
    default_pair,
    for_display,
    newest_first,
    rep_comparison,
    session_label,
    set_comparison,
)
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
    by_id = {s.id: s for s in sessions}
    zone = widgets.viewer_zone()
    first_a, first_b = default_pair(sessions)
    a_ids = [first_a] + [s.id for s in newest_first(sessions) if s.id != first_a]
    left, right = st.columns(2)
    a_id = left.selectbox("A (e.g. your reference)", a_ids, key="compare_a",
                          format_func=lambda i: session_label(by_id[i], zone))
    b_ids = [s.id for s in b_options(sessions, by_id[int(a_id)])]
    if int(a_id) == first_a:  # the default pair: B is the newest session, not the first option
        b_ids.remove(first_b)
        b_ids.insert(0, first_b)
    b_id = right.selectbox("B (e.g. the client's clip)", b_ids, key="compare_b",
                           format_func=lambda i: session_label(by_id[i], zone))
    a, b = store.get(int(a_id)), store.get(int(b_id))
    for note in comparison_notes(a, b):
        st.markdown(f"- {note}")
    st.dataframe(set_comparison(a, b), hide_index=True, key="compare-sets")
    st.markdown("**Rep by rep** (range of motion in the units of the exercise's rep signal)")
    st.dataframe(for_display(rep_comparison(a, b)), hide_index=True, key="compare-reps")
    for label, s in (("A", a), ("B", b)):
        if s.trainer_notes:
            st.caption(f"Notes on {label}: {s.trainer_notes}")
