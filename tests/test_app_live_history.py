"""Layer 4a: the Live page before START and the History page, through Streamlit's AppTest.

Real parts: the app's script, a real SQLite file (``FORMCHECK_DB`` in tmp_path).
Only ``get_this_session_info`` of streamlit-webrtc is patched (AppTest has no
webrtc runtime); the live stream itself runs in headless Chromium
(``test_live_browser.py``).
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from formcheck.records.feedback import Cue
from formcheck.records.routine_summary import RoutineSet, RoutineSummary
from formcheck.spec import list_specs, load_spec
from formcheck.spec.routine import load_routine, routine_path
from formcheck.store.history import HistoryStore
from formcheck.store.routine_store import RoutineHistory
from tests.test_store import make_summary

pytestmark = pytest.mark.usefixtures("no_webrtc_runtime")  # AppTest has no webrtc runtime

MAIN = Path(__file__).resolve().parent.parent / "formcheck" / "app" / "main.py"


def _open(page: str, **params: str) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.query_params["page"] = page
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow
def test_the_picker_groups_exercises_by_category_and_choosing_saves_nothing(db: Path) -> None:
    at = _open("live")
    groups = at.radio(key="live_category")
    by_category: dict[str, set[str]] = {}
    for name in list_specs():
        spec = load_spec(name)
        by_category.setdefault(spec.category, set()).add(spec.title)
    by_category.setdefault("extras", set()).add("Any exercise")  # no spec: counts whatever is repeated
    assert [o.split(" (")[0] for o in groups.options] == [
        t for c, t in (("lower_back", "Lower back"), ("upper_back", "Upper back"), ("stretches", "Stretches"),
                       ("extras", "Extras")) if c in by_category]
    for category in [groups.value] + [c for c in by_category if c != groups.value]:
        at.radio(key="live_category").set_value(category).run()
        box = at.selectbox(key=f"live_exercise_{category}")
        assert set(box.options) == by_category[category]
        for title in box.options:
            name = next((n for n in list_specs() if load_spec(n).title == title), "any")
            at.selectbox(key=f"live_exercise_{category}").set_value(name).run()
            assert not at.exception
    assert not db.exists() or HistoryStore(db).list_sessions() == []


def test_a_direct_link_opens_the_exercise_or_the_routine(db: Path) -> None:
    at = _open("live", exercise="plank")
    assert at.radio(key="live_category").value == load_spec("plank").category
    assert at.selectbox(key=f"live_exercise_{load_spec('plank').category}").value == "plank"
    at = _open("live", routine="lower_back")
    assert at.radio(key="live_mode").value == "routine" and at.selectbox(key="live_routine").value == "lower_back"
    plan = next(m.value for m in at.markdown if "id='fc-plan'" in m.value)
    rows = re.findall(r"<tr>(.*?)</tr>", plan)[1:]
    cells = [re.findall(r"<td class='fc-\w+'>(.*?)</td>", row) for row in rows]
    assert [c[0] for c in cells][:2] == ["Cat-cow", "Bird-dog"] and "8 reps each side" in cells[1][1]
    assert "Child&#x27;s pose" in [c[0] for c in cells]  # the catalogue specifies every step: none skipped
    # The routine's notes in full (a data frame's column cut them off).
    assert cells[0][3] == "slowly, breathe out as you round" and cells[-1][3] == "hold 30-60 s, breathe into the lower back"
    assert not any("Not yet specified" in c.value for c in at.caption)


def test_the_address_exercise_counts_even_when_the_first_run_came_without_it(db: Path) -> None:
    """A session's first run may miss the address's parameters; the next run that sees them applies
    them, and the live state counts that exercise from the start (not the catalogue's first one)."""
    at = _open("live")
    first = at.selectbox(key=f"live_exercise_{at.radio(key='live_category').value}").value
    assert first != "plank"
    at.query_params["exercise"] = "plank"
    at.run()
    category = load_spec("plank").category
    assert at.radio(key="live_category").value == category
    assert at.selectbox(key=f"live_exercise_{category}").value == "plank"
    assert at.session_state["live_state"].exercise == "plank"
    # The user's own pick stands afterwards: the address is not applied again.
    at.selectbox(key=f"live_exercise_{category}").set_value("glute_bridge").run()
    assert at.session_state["live_state"].exercise == "glute_bridge"


def test_a_run_without_the_address_leaves_the_address_alone_and_a_later_one_is_followed(db: Path) -> None:
    """The page writes the address only for a page the user picked. A first run that came without the
    address's parameters used to write ``?page=live``: the browser's address then lost
    ``&exercise=glute_bridge`` before any run could read it, and the Live page counted the catalogue's
    first exercise. AppTest's ``query_params`` is the address after the run, as the browser holds it."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.run()
    assert not at.exception and at.radio(key="page").value == "live"
    assert at.query_params == {}
    # The address's parameters arrive with the next run: its page opens, the rest is kept.
    at.query_params.update({"page": "samples", "exercise": "plank"})
    at.run()
    assert at.radio(key="page").value == "samples"
    assert at.query_params == {"page": "samples", "exercise": "plank"}
    # The user's pick is written (and kept: the address written is not followed back).
    at.radio(key="page").set_value("live").run()
    assert at.query_params == {"page": "live", "exercise": "plank"}
    assert at.selectbox(key=f"live_exercise_{load_spec('plank').category}").value == "plank"
    at.run()
    assert at.radio(key="page").value == "live"
    # A browser's Back changes the address again: that page opens.
    at.query_params["page"] = "history"
    at.run()
    assert not at.exception and at.radio(key="page").value == "history"


def test_the_address_routine_is_run_even_when_the_first_run_came_without_it(db: Path) -> None:
    """The routine twin of the test above: a first run without ``?routine=`` draws the exercise mode
    and the first built-in routine is the picker's default; the run that sees the address must still
    switch to routine mode and pick the asked-for routine (under load, START ran the built-in one)."""
    at = _open("live")
    assert at.radio(key="live_mode").value == "exercise"
    at.query_params["routine"] = "upper_back"
    at.run()
    assert at.radio(key="live_mode").value == "routine"
    assert at.selectbox(key="live_routine").value == "upper_back"
    assert any(m.value.startswith(f"**{load_routine(routine_path('upper_back')).title}**") for m in at.markdown)
    # The user's own pick stands afterwards, and comes back after a page that drops the widgets' state.
    at.selectbox(key="live_routine").set_value("lower_back").run()
    at.radio(key="page").set_value("history").run()
    at.radio(key="page").set_value("live").run()
    assert not at.exception
    assert at.radio(key="live_mode").value == "routine"
    assert at.selectbox(key="live_routine").value == "lower_back"
    assert any(m.value.startswith(f"**{load_routine(routine_path('lower_back')).title}**") for m in at.markdown)


def test_the_chosen_exercise_stays_chosen_after_another_page(db: Path) -> None:
    """Widget state is dropped while the picker is not drawn (another page, the workout view): the
    choice must come back, not the catalogue's first exercise (which the next START would count)."""
    at = _open("live")
    category = load_spec("plank").category
    at.radio(key="live_category").set_value(category).run()
    at.selectbox(key=f"live_exercise_{category}").set_value("plank").run()
    at.radio(key="page").set_value("history").run()
    at.radio(key="page").set_value("live").run()
    assert not at.exception
    assert at.radio(key="live_category").value == category
    assert at.selectbox(key=f"live_exercise_{category}").value == "plank"
    assert at.session_state["live_state"].exercise == "plank"


def test_the_live_state_starts_on_the_address_exercise(db: Path) -> None:
    at = _open("live", exercise="superman")
    assert at.session_state["live_state"].exercise == "superman"


def test_a_voice_option_is_shared_by_the_views_and_survives_their_absence() -> None:
    """The setup's "Speak counts and cues" and the workout's "Voice" are one value, whichever view
    drew it last, however many runs drew neither."""
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import streamlit as st

        from formcheck.app.live_setup import option

        view = st.session_state.setdefault("view", "setup")
        if view == "setup":
            option("Speak counts and cues", "fc_speak", True)
        elif view == "workout":
            option("Voice", "fc_speak", True)

    at = AppTest.from_function(script).run()
    assert at.checkbox[0].label == "Speak counts and cues" and at.checkbox[0].value is True
    at.checkbox[0].uncheck().run()
    for view in ("neither", "neither", "workout"):
        at.session_state["view"] = view
        at.run()
    assert at.checkbox[0].label == "Voice" and at.checkbox[0].value is False
    at.checkbox[0].check().run()
    at.session_state["view"] = "setup"
    at.run()
    assert at.checkbox[0].value is True and at.session_state["fc_speak"] is True


def test_a_broken_routine_file_is_one_line_on_the_page(db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "routines"
    mine.mkdir()
    (mine / "mine.yaml").write_text("name: mine\ntitle: Mine\nexercises:\n  - exercise: plank\n    reps: 5\n")
    monkeypatch.setenv("FORMCHECK_ROUTINES", str(mine))
    at = _open("live", routine="mine")
    [error] = [e.value for e in at.error]
    assert error.startswith("This routine cannot run: ") and "mine.yaml:5: exercises[0].reps: plank is a hold" in error


def _fill(db: Path) -> dict[str, int]:
    store = HistoryStore(db)
    when = datetime(2026, 1, 2, 23, 30, tzinfo=timezone.utc)
    cue = (Cue(id="hips_low", message="Push your hips higher", priority=2, start=1.0, end=2.0, rep=1),)
    live = store.save_set(_with_cues(make_summary(reps=3, rep_cues=("hips_low",)), cue), source="webcam",
                          kind="live", when=when)
    review = store.save_set(make_summary("plank", reps=0), source="clip.mp4", kind="review", when=when)
    sample = store.save_set(make_summary("superman", reps=4), source="superman_side.mp4", kind="sample", when=when)
    RoutineHistory(store).save(RoutineSummary(
        "lower_back", "Lower-back care", "completed", 130.0,
        (RoutineSet("glute_bridge", "Glute bridge", "Set 1 of 1", "3 reps", 3, 0.0, 80, True, live),), 1),
        when=when)
    return {"live": live, "review": review, "sample": sample}


def _with_cues(summary: Any, cues: tuple[Cue, ...]) -> Any:
    from dataclasses import replace

    return replace(summary, cues=cues)


def test_history_keeps_live_sets_routines_clips_and_samples_apart_in_local_time(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _fill(db)
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # the server's zone when the browser gives none
    time.tzset()
    try:
        at = _open("history")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert [t.label for t in at.tabs] == ["Live sets (1)", "Routines", "Reviewed clips (1)", "Sample replays (1)",
                                          "Clients (0)"]
    tables = [df.value for df in at.dataframe]
    live = next(v for v in tables if "source" in v.columns and list(v["id"]) == [ids["live"]])
    assert list(live["date"]) == ["2026-01-03 08:30"]  # 23:30 UTC is 08:30 the next day in Tokyo
    assert list(live["exercise"]) == [load_spec("glute_bridge").title]  # the spec's title, not its id
    assert list(live["cues"]) == ["Push your hips higher"]
    routines = next(v for v in tables if "routine" in v.columns)
    assert list(routines["routine"]) == ["Lower-back care"] and list(routines["sets"]) == ["1 of 1"]
    reviewed = next(v for v in tables if list(v.get("source", [])) == ["clip.mp4"])
    assert list(reviewed["exercise"]) == [load_spec("plank").title]
    assert all("_" not in str(c) for v in tables for c in v.columns)


def test_a_sets_detail_speaks_plainly(db: Path) -> None:
    ids = _fill(db)
    at = _open("history")
    at.selectbox(key="history_session_live").set_value(ids["live"]).run()
    reps = next(df.value for df in at.dataframe if "range of motion" in df.value.columns)
    assert list(reps["cues"])[-1] == "Push your hips higher" and "rom" not in reps.columns
    cues = next(df.value for df in at.dataframe if "cue" in df.value.columns and "from (s)" in df.value.columns)
    assert list(cues["cue"]) == ["Push your hips higher"]


def test_history_shows_the_check_in_beside_its_live_set_and_routine_set(db: Path) -> None:
    from formcheck.store.checkin_store import CheckIns

    ids = _fill(db)
    CheckIns(HistoryStore(db)).save(ids["live"], pain=4, difficulty="right")
    at = _open("history")
    tables = [df.value for df in at.dataframe]
    live = next(v for v in tables if "source" in v.columns and list(v["id"]) == [ids["live"]])
    assert (list(live["pain (0-10)"]), list(live["difficulty"])) == (["4"], ["Just right"])
    sets = next(v for v in tables if "target met" in v.columns)
    assert (list(sets["pain (0-10)"]), list(sets["difficulty"])) == (["4"], ["Just right"])
    reviewed = next(v for v in tables if list(v.get("source", [])) == ["clip.mp4"])
    assert "pain (0-10)" not in reviewed.columns  # a trainer's clip has no check-in


def test_a_page_run_of_a_new_session_loads_no_spec(db: Path) -> None:
    """Each Live page run used to load every spec about four times (some 120 loads, most of its CPU time):
    with 100 sessions opening the page at once, their runs queued behind each other's spec loads."""
    from unittest import mock

    import formcheck.spec
    import formcheck.spec.loader

    _open("live")  # the first session of the server: the catalogue is loaded here
    real = formcheck.spec.loader.load_spec
    with mock.patch.object(formcheck.spec, "load_spec", wraps=real) as loads, \
            mock.patch.object(formcheck.spec.loader, "load_spec", wraps=real) as loader_loads:
        at = _open("live")
        at.radio(key="live_category").set_value(at.radio(key="live_category").options[-1]).run()
        assert not at.exception
    assert loads.call_count + loader_loads.call_count == 0


@pytest.mark.slow
def test_the_setup_draws_an_exercises_demo_when_asked_and_shows_it_from_then_on(db: Path) -> None:
    from formcheck.synth.demo import cached_demo

    at = _open("live", exercise="glute_bridge")
    assert cached_demo("glute_bridge") is None and not at.get("image")  # browsing draws nothing
    at.button(key="live_demo_glute_bridge").click().run()
    assert not at.exception and cached_demo("glute_bridge") is not None
    [image] = at.get("image")
    assert image.proto.imgs[0].caption == "How it goes: Glute bridge"
    assert image.proto.imgs[0].url.endswith(".gif")  # the GIF as it is: it moves
    again = _open("live", exercise="glute_bridge")  # drawn once: shown at once, no button
    assert again.get("image") and not [b for b in again.button if b.key == "live_demo_glute_bridge"]
    anything = _open("live", exercise="any")  # "Any exercise" has no motion to show: no demo, no button
    assert not anything.exception and not [b for b in anything.button if b.key and "live_demo" in b.key]


def test_after_stop_a_score_under_100_says_what_it_lost_points_for(db: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from formcheck.app.live_records import FinishedSet
    from formcheck.records.feedback import ScoreLoss, SetSummary

    rushed = SetSummary(exercise="glute_bridge", title="Glute bridge", reps=3, reps_by_side={}, partial_reps=0,
                        rep_rows=(), holds=(), cues=(), duration_s=12.0, frames=360, frames_with_person=360,
                        score=85, score_losses=(ScoreLoss(15, "too_fast", reps=(2,)),))
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.query_params["page"] = "live"
    at.session_state["live_results"] = [FinishedSet(rushed, "stream stopped", session_id=1)]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success][:1] == ["Glute bridge: 3 reps, saved to History (Live sets)."]
    assert "Score 85/100: 15 points because rep 2 was rushed." in [c.value for c in at.caption]


def test_a_stored_sets_detail_says_what_its_score_lost_points_for(db: Path) -> None:
    from dataclasses import replace

    from formcheck.records.feedback import ScoreLoss

    store = HistoryStore(db)
    rushed = store.save_set(replace(make_summary(reps=3, cue_ids=()), score=85,
                                    score_losses=(ScoreLoss(15, "too_fast", reps=(2,)),)), source="webcam", kind="live")
    perfect = store.save_set(replace(make_summary(reps=3, cue_ids=()), score=100), source="webcam", kind="live")
    at = _open("history")
    at.selectbox(key="history_session_live").set_value(rushed).run()
    assert "Score 85/100: 15 points because rep 2 was rushed." in [c.value for c in at.caption]
    at.selectbox(key="history_session_live").set_value(perfect).run()  # the same minute, the same count
    assert at.selectbox(key="history_session_live").value == perfect
    assert not [c.value for c in at.caption if c.value.startswith("Score ")]


@pytest.mark.parametrize("score", [85, 100])
def test_a_set_without_cues_says_no_form_cues_only_at_100(score: int) -> None:
    """Review and History draw a set with ``summary_tables``: a score under 100 without cues says what it lost
    points for, never "no form cues" beside it (issue 21)."""
    from streamlit.testing.v1 import AppTest

    def script(score: int) -> None:
        from formcheck.app.widgets import summary_tables
        from formcheck.records.feedback import ScoreLoss, SetSummary

        losses = (ScoreLoss(100 - score, "too_fast", reps=(2,)),) if score < 100 else ()
        summary_tables(SetSummary(exercise="glute_bridge", title="Glute bridge", reps=3, reps_by_side={},
                                  partial_reps=0, rep_rows=(), holds=(), cues=(), duration_s=12.0, frames=360,
                                  frames_with_person=360, score=score, score_losses=losses), key="t")

    at = AppTest.from_function(script, args=(score,)).run()
    said = [e.value for e in (*at.success, *at.info)]
    if score == 100:
        assert said == ["No form cues in this set."]
    else:
        assert said == ["Score 85/100: 15 points because rep 2 was rushed."]
        assert not any("no form cues" in s.lower() for s in said)
