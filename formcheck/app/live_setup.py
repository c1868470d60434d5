"""The Live page before START: one exercise or a routine, voice options, and what the last stream did.

Choosing in the picker only chooses: nothing is saved (a set with no rep and
no hold is never saved). After STOP, a saved set (or a routine's last exercise) asks how it went:
the check-in comes right under what was saved. The picker groups exercises by ``spec.category``, so
it stays usable with dozens of exercises. ``?exercise=plank`` or
``?routine=lower_back`` in the address opens the page with that choice, and
``?client=Ada`` with a trainer's client named: their sets are saved under
that name and judged by their personal targets where the trainer made some.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import streamlit as st

from formcheck.app import widgets
from formcheck.app.live_checkin import CHECKIN_ERROR, draw_checkin
from formcheck.app.live_panel import routine_table_html
from formcheck.app.live_records import Client, FinishedRoutine, FinishedSet
from formcheck.app.live_state import LiveState
from formcheck.app.routine_plan import plan_html
from formcheck.app.settings import AppSettings, for_visitor
from formcheck.records.errors import SpecError
from formcheck.spec.routine import (
    RoutinePlan,
    list_routines,
    load_routine,
    plan_routine,
    routine_path,
)
from formcheck.store.personal_targets import client_key as client_folder
from formcheck.store.personal_targets import list_targets, personal_spec, targets_folder

MODES = {"exercise": "One exercise", "routine": "A routine"}
#: Session keys: results of the last stream, the voice options (kept across the two views).
RESULTS, SPEAK, BEEP = "live_results", "fc_speak", "fc_beep"


def routine_files(settings: AppSettings) -> dict[str, Path]:
    """Routine id → file: the built-in routines, then the user's folder (``FORMCHECK_ROUTINES``)."""
    files = {name: routine_path(name) for name in list_routines()}
    if settings.routines_dir is not None:
        files.update({p.stem: p for p in sorted(settings.routines_dir.glob("*.yaml"))})
    return files


def option(label: str, store_key: str, default: bool) -> bool:
    """A checkbox whose value lives in ``st.session_state[store_key]``, shared by the views that draw it.

    Not a keyed widget: Streamlit drops a widget's state in a run that does not draw it, and a
    view drawn while another's run is cut short can then show a keyed checkbox at its default
    (the workout's "Voice" read off while "Speak counts and cues" was on). The checkbox is drawn
    from the stored value each run; a click changes the store, and the next run draws that.
    """
    stored = bool(st.session_state.setdefault(store_key, default))
    shown = bool(st.checkbox(label, value=stored))
    if shown != stored:
        st.session_state[store_key] = shown
    return shown


def wanted_exercise() -> str | None:
    """The exercise the address asks for (``?exercise=plank``, ``?exercise=any``), if the picker offers it."""
    wanted = st.query_params.get("exercise")
    offered = {name for names in widgets.exercise_groups().values() for name in names}
    return wanted if wanted in offered else None


#: The exercise chosen in the picker, kept in plain session state: Streamlit drops a widget's own state
#: in every run that does not draw it (the workout view, another page), and a picker rebuilt from
#: nothing would show the catalogue's first exercise and count it at the next START.
CHOICE = "live_choice"


def _exercise_picker() -> tuple[str, str]:
    """Category, then exercise; returns ``(spec id, title)``."""
    groups = widgets.exercise_groups()
    home_of = {name: category for category, names in groups.items() for name in names}
    wanted = wanted_exercise()
    # The address's exercise is applied once per value it takes, whenever a run first sees it (a
    # session's first run may come without the address's parameters); the user's picks stand after.
    if wanted is not None and st.session_state.get("live_applied_exercise") != wanted:
        st.session_state["live_applied_exercise"] = st.session_state[CHOICE] = wanted
        st.session_state["live_category"] = home_of[wanted]
        st.session_state[f"live_exercise_{home_of[wanted]}"] = wanted
    chosen = st.session_state.get(CHOICE)
    if chosen not in home_of:
        chosen = next(iter(home_of))
    if "live_category" not in st.session_state:  # dropped: drawn again from the choice
        st.session_state["live_category"] = home_of[chosen]
    category = str(st.radio("Group", list(groups), horizontal=True, key="live_category",
                            format_func=lambda c: f"{widgets.CATEGORY_TITLES.get(c, c)} ({len(groups[c])})"))
    names = groups[category]
    key = f"live_exercise_{category}"
    if key not in st.session_state and chosen in names:
        st.session_state[key] = chosen
    exercise = str(st.selectbox("Exercise", list(names), format_func=lambda n: names[n], key=key))
    st.session_state[CHOICE] = exercise
    widgets.spec_card(exercise)
    _demo(exercise, names[exercise])
    return exercise, names[exercise]


def _demo(exercise: str, title: str) -> None:
    """The exercise's demo once drawn (a small image, served by URL); else a button that draws it (a second
    or two, once per machine: not for every exercise browsed in the picker)."""
    from formcheck.synth.demo import cached_demo, demo_gif, has_demo

    demo = cached_demo(exercise)
    if demo is None and has_demo(exercise) and st.button("Show how it goes", key=f"live_demo_{exercise}"):
        with st.spinner("Drawing the demo…"):
            demo = demo_gif(exercise)
    if demo is not None:
        st.image(str(demo), width=240, caption=f"How it goes: {title}")


#: Prefix of the plain session keys that keep a keyed widget's last value (see ``_restore_choice``).
_KEPT = "kept_"


def _restore_choice(key: str, wanted: str | None, offered: Collection[str], address_key: str | None = None) -> None:
    """Set the keyed widget ``key``'s value before it is drawn: the address's ``wanted`` value once per
    value the address takes, else the last value the user had when Streamlit dropped the widget's state.

    Streamlit drops a widget's own state in every run that does not draw it (the workout view, another
    page, a run cut short by the next), and a session's first run may come without the address's
    parameters: a picker keyed on "not yet in the session state" then showed its first entry (the
    built-in routine, not ``?routine=demo``), and START ran that. The caller stores the drawn value
    under ``_KEPT + key`` after drawing the widget.
    """
    applied = f"applied_{key}"
    address_key = address_key or wanted
    if wanted in offered and st.session_state.get(applied) != address_key:
        st.session_state[applied] = address_key
        st.session_state[key] = st.session_state[_KEPT + key] = wanted
    elif key not in st.session_state and st.session_state.get(_KEPT + key) in offered:
        st.session_state[key] = st.session_state[_KEPT + key]


def _title(path: Path) -> str:
    try:
        return load_routine(path).title
    except SpecError:
        return f"{path.stem} (invalid)"


def _routine_picker(settings: AppSettings) -> RoutinePlan | None:
    files = routine_files(settings)
    if not files:
        st.info("No routines found (routines/*.yaml).")
        return None
    _restore_choice("live_routine", st.query_params.get("routine"), files)
    name = str(st.selectbox("Routine", list(files), key="live_routine", format_func=lambda n: _title(files[n])))
    st.session_state[_KEPT + "live_routine"] = name
    try:
        plan = plan_routine(load_routine(files[name]))
    except SpecError as exc:
        st.error(for_visitor(f"This routine cannot run: {exc}"))
        return None
    r = plan.routine
    st.markdown(f"**{r.title}** — {r.description.strip()} About {plan.minutes():.0f} min; "
                f"{r.lead_in_s:g} s to get ready after START.")
    st.markdown(plan_html(plan), unsafe_allow_html=True)  # the notes in full (a data frame cut them off)
    if plan.skipped:
        st.caption("Not yet specified, skipped: " + ", ".join(e for e, _ in plan.skipped))
    if plan.entries:
        first = plan.entries[0].spec
        st.caption(f"First: {first.title}. Placement: {first.placement}")
    else:
        st.warning("None of this routine's exercises is specified yet: nothing to do.")
    return plan


def _show_results() -> None:
    """What the last stream did: the routine's summary, else its last set."""
    results: list[FinishedSet | FinishedRoutine] = st.session_state.get(RESULTS, [])
    routine = next((r for r in results if isinstance(r, FinishedRoutine)), None)
    sets = [r for r in results if isinstance(r, FinishedSet)]
    if routine is not None:
        st.markdown(routine_table_html(routine), unsafe_allow_html=True)
    elif sets:
        done = sets[-1]
        if done.session_id is not None:
            # In the user's words: no row number, and no "stream stopped" for the STOP they just pressed.
            why = "" if done.reason == "stream stopped" else f" ({done.reason})"
            held = sum(h.good_s for h in done.summary.holds)
            did = widgets.plural(done.summary.reps, "rep") if done.summary.reps or not held else f"{held:.0f} s held"
            st.success(f"{done.summary.title}: {did}, saved to History (Live sets){why}.")
        elif done.save_error:
            st.warning(for_visitor(f"Set ended ({done.reason}), not saved: {done.save_error}"))
        widgets.summary_metrics(done.summary, columns=3)
        if (lost := _score_words(done.summary)) is not None:  # every point lost named (issue 21)
            st.caption(lost)


def _score_words(summary: Any) -> str | None:
    """Why the set's score is under 100 (None at 100, or when its spec is gone)."""
    from formcheck.records.errors import FormcheckError
    from formcheck.sinks.client_summary import score_sentence

    try:
        return score_sentence(summary, widgets.spec(summary.exercise))
    except FormcheckError:
        return None


def _client_box(settings: AppSettings, state: LiveState) -> None:
    """The client's name (optional): sets saved under it, their personal targets used where there are some."""
    if settings.scope is not None and not settings.scope.sees_all:
        client = settings.scope.name  # a signed-in client: always their own sets and targets (issue 27)
        st.caption(f"Your sets are saved under **{client}**.")
    else:
        if "live_client" not in st.session_state and st.query_params.get("client"):
            st.session_state["live_client"] = str(st.query_params["client"])
        client = st.text_input("Client", key="live_client", placeholder="optional: a trainer's client",
                               help="Saved with each set (History → Clients); their personal targets are used.").strip()
    folder = targets_folder(settings.db_path)

    def spec_for(exercise: str) -> Any:
        mine = personal_spec(client, exercise, folder)
        return str(mine.path) if mine is not None else exercise  # a spec file runs like an id

    state.who = Client(client, spec_for)  # the next set on (the session is made at START)
    if client:
        try:
            key = client_folder(client)
        except SpecError:
            return
        mine = sorted(widgets.exercise_titles(required=False).get(e, e) for c, e, _ in list_targets(folder) if c == key)
        if mine:
            st.caption(f"{client}'s personal targets: " + ", ".join(mine) + ".")


def render_setup(settings: AppSettings, state: LiveState) -> None:
    """The left column before START."""
    _show_results()
    if (pending := state.pending_checkin()) is not None:  # after STOP: how was the set (or the exercise)
        draw_checkin(state, pending, st.empty())
    if error := st.session_state.pop(CHECKIN_ERROR, None):
        st.warning(error)
    st.subheader("Live coaching")
    _restore_choice("live_mode", "routine" if st.query_params.get("routine") else None, MODES,
                    address_key=f"routine:{st.query_params.get('routine')}")
    mode = st.radio("Mode", list(MODES), format_func=MODES.__getitem__, horizontal=True, key="live_mode",
                    label_visibility="collapsed")
    st.session_state[_KEPT + "live_mode"] = mode
    if mode == "routine":
        state.set_routine(_routine_picker(settings))
    else:
        state.set_routine(None)
        state.set_exercise(*_exercise_picker())  # before START nothing has been done: nothing is saved
    _client_box(settings, state)
    left, right = st.columns(2)
    with left:
        option("Speak counts and cues", SPEAK, True)
    with right:
        option("Beep on each rep", BEEP, False)
    st.caption("Press START and allow the camera, then go to your mat. STOP ends the set (or the routine) and "
               "saves it. Remote use needs HTTPS (see docs/app.md).")
