"""The workout's extras around the panel: the exercise's demo before it, and the check-in after it.

* Demo: on a routine's lead-in and rest screens, the synthetic exerciser doing the exercise to
  come (:func:`formcheck.synth.demo.demo_gif`, cached in the user cache), as a looping image.
* Check-in: after a routine exercise's last set, or after STOP of a one-exercise set that was saved,
  "How was Glute bridge?": pain 0-10 and Easy / Just right / Hard, saved with the set
  (:class:`formcheck.store.checkin_store.CheckIns`); "Not now" drops it. It stays on screen until
  answered: the user may answer after the next set has begun.

Both are drawn into placeholders of the workout view, once per change (the page's poll loop
never ends, so a widget must not be drawn twice in one run).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import streamlit as st

from formcheck.app.live_records import PendingCheckIn
from formcheck.app.live_state import LiveState
from formcheck.store.checkin_store import DIFFICULTIES

#: Session key of the last check-in's save error (shown once in the next run).
CHECKIN_ERROR = "live_checkin_error"


#: One of the two demos shows: the narrow one on a phone, the wide one elsewhere.
DEMO_CSS = ("<style>.fc-demo-narrow{display:none}@media (max-width:640px){.fc-demo-narrow{display:block}"
            ".fc-demo-wide{display:none}}</style>")
_DEMOS: dict[str, str] = {}  # exercise -> data URL, read once per process
_ASKED: set[str] = set()  # demos asked to be drawn in the background by this process


def demo_file(exercise: str) -> Path | None:
    """The demo's cached file, or None: not drawn yet (it is then drawn in the background, once per
    process; the page never waits for it) or the exercise has none."""
    from formcheck.synth.demo import cached_demo, has_demo, warm_demos

    path = cached_demo(exercise)
    if path is None and has_demo(exercise) and exercise not in _ASKED:
        _ASKED.add(exercise)
        warm_demos([exercise])  # returns at once
    return path


def _demo_data(exercise: str) -> str | None:
    """The demo as a data URL, or None while it is not drawn yet (then it is drawn in the background:
    the page polls again and must never wait for it) or when the exercise has none."""
    if exercise in _DEMOS:
        return _DEMOS[exercise]
    path = demo_file(exercise)
    if path is None:
        return None
    _DEMOS[exercise] = "data:image/gif;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return _DEMOS[exercise]


def demo_html(exercise: str, title: str, where: str = "wide") -> str:
    """The demo of ``exercise`` as an ``<img>`` (empty when it has none, or is not drawn yet).

    The page draws it twice: ``wide`` (under the video's controls) shows on a wide window,
    ``narrow`` (under the panel) on a phone, where the video column comes below the panel.

    Example:
        >>> "fc-demo" in demo_html("glute_bridge", "Glute bridge")  # doctest: +SKIP
        True
    """
    src = _demo_data(exercise)
    if src is None:
        return ""
    alt = html.escape(f"Demo: {title}", quote=True)
    return (f"{DEMO_CSS}<div class='fc-demo fc-demo-{where}' data-exercise='{html.escape(exercise, quote=True)}'>"
            f"<img src='{src}' alt='{alt}' style='width:100%;max-width:300px;border-radius:8px'>"
            f"<div style='color:#777;font-size:0.85rem'>How it goes: {html.escape(title)}</div></div>")


def _save(state: LiveState, pending: PendingCheckIn) -> None:
    pain = st.session_state.get(f"fc_pain_{pending.id}")
    difficulty = st.session_state.get(f"fc_difficulty_{pending.id}")
    error = state.check_in(pending.id, None if pain is None else int(pain), difficulty)
    if error:
        st.session_state[CHECKIN_ERROR] = f"The check-in was not saved: {error}"


def _drop(state: LiveState, pending: PendingCheckIn) -> None:
    state.check_in(pending.id, None, None)  # no answer: nothing saved, not asked again


def draw_checkin(state: LiveState, pending: PendingCheckIn, slot: Any) -> None:
    """The check-in's questions and buttons in ``slot``."""
    with slot.container(border=True):
        st.markdown(f"**How was {html.escape(pending.title)}?**")
        st.pills("Pain (0 = none, 10 = worst)", list(range(11)), key=f"fc_pain_{pending.id}")
        st.segmented_control("Difficulty", list(DIFFICULTIES), format_func=DIFFICULTIES.__getitem__,
                             key=f"fc_difficulty_{pending.id}")
        save, later = st.columns(2)
        with save:
            st.button("Save check-in", key=f"fc_checkin_save_{pending.id}", type="primary",
                      on_click=_save, args=(state, pending))
        with later:
            st.button("Not now", key=f"fc_checkin_later_{pending.id}", on_click=_drop, args=(state, pending))
