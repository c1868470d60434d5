"""Layers 1 and 4a: comparing two stored sessions (pure tables, then the Compare page via AppTest).

Real parts: a real SQLite history file in tmp_path, the app through AppTest.
The sessions are built from hand-made rep records, so every expected number is
one of the inputs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from unittest import mock

import pytest

from formcheck.app.compare_tools import comparison_notes, default_pair, for_display, rep_comparison, set_comparison
from formcheck.records.feedback import Cue, RepRecord, SetSummary
from formcheck.store.history import HistoryStore

MAIN = Path(__file__).resolve().parent.parent / "formcheck" / "app" / "main.py"


def _set(roms: list[float], up: float = 1.0, cue_reps: tuple[int, ...] = ()) -> SetSummary:
    rows = tuple(RepRecord(index=i, start=3.0 * i, peak=3.0 * i + up, end=3.0 * i + 2 * up + 0.5, complete=True,
                           rom=rom, tempo_up=up, tempo_hold=0.5, tempo_down=up,
                           cues=("hips_low",) if i in cue_reps else ())
                 for i, rom in enumerate(roms, 1))
    cues = tuple(Cue("hips_low", "Push your hips higher", 2, 3.0 * i, 3.0 * i + 1, i) for i in cue_reps)
    return SetSummary(exercise="glute_bridge", title="Glute bridge", reps=len(roms), reps_by_side={}, partial_reps=0,
                      rep_rows=rows, holds=(), cues=cues, duration_s=20.0, frames=300, frames_with_person=300,
                      score=100 - 10 * len(cue_reps))


@pytest.fixture()
def db(tmp_path: Path) -> tuple[Path, int, int]:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    ref = store.save_set(_set([30.0, 30.0, 30.0], up=1.0), source="me.mp4", kind="review", client="reference")
    client = store.save_set(_set([24.0, 21.0], up=0.5, cue_reps=(2,)), source="ada.mp4", kind="review", client="Ada")
    return path, ref, client


#: The glute bridge's words for ``hips_low``, its range cue (``rep.short_id``), as the client report says them.
HIPS_LOW = "you stopped short of the full range"


def test_rep_by_rep_table_puts_both_sets_side_by_side(db: tuple[Path, int, int]) -> None:
    path, ref, client = db
    store = HistoryStore(path)
    table = rep_comparison(store.get(ref), store.get(client))
    assert list(table["rep"]) == [1, 2, 3]
    assert list(table["range A"]) == [30.0, 30.0, 30.0]
    assert list(table["range B − A"])[:2] == [-6.0, -9.0] and table["range B"].isna().tolist() == [False, False, True]
    assert list(table["cues B"]) == ["", HIPS_LOW, "—"]  # B has no rep 3
    assert list(table["up/hold/down B (s)"]) == ["0.5 / 0.5 / 0.5"] * 2 + ["—"]
    shown = for_display(table)
    assert not shown.isna().any().any() and list(shown["range B"]) == [24.0, 21.0, "—"]


def test_notes_say_what_differs_most(db: tuple[Path, int, int]) -> None:
    path, ref, client = db
    store = HistoryStore(path)
    notes = comparison_notes(store.get(ref), store.get(client))
    assert notes[0] == "B's reps reach 75 % of A's range of motion on average (A 30.0, B 22.5)."
    assert "A rep takes 1.5 s in B against 2.5 s in A." in notes
    assert f"Only in B: {HIPS_LOW}." in notes and "Reps: A 3, B 2." in notes
    figures = set_comparison(store.get(ref), store.get(client)).set_index("figure")
    assert figures.loc["score", "A"] == "100" and figures.loc["score", "B"] == "90"


@pytest.fixture()
def _no_webrtc_runtime() -> Iterator[None]:
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        yield


@pytest.mark.usefixtures("_no_webrtc_runtime")
def test_compare_page_lists_the_reference_first_and_shows_both_sets(db: tuple[Path, int, int]) -> None:
    from streamlit.testing.v1 import AppTest

    path, ref, client = db
    with mock.patch.dict(os.environ, {"FORMCHECK_DB": str(path)}):
        at = AppTest.from_file(str(MAIN), default_timeout=60)
        at.query_params["page"] = "compare"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="compare_a").value == ref
        assert at.selectbox(key="compare_b").value == client
        reps = next(df.value for df in at.dataframe if "range A" in df.value.columns)
        assert list(reps["range B"]) == ["24.0", "21.0", "—"]  # no "None" cell
        assert list(reps["cues B"]) == ["", HIPS_LOW, "—"]
        assert any("75 % of A's range" in m.value for m in at.markdown)
        at.selectbox(key="compare_a").set_value(client)
        at.run()
        assert not at.exception and at.selectbox(key="compare_b").value == ref


def _day(d: int) -> datetime:
    return datetime(2026, 3, d, 18, 0, tzinfo=timezone.utc)


def test_the_default_pair_is_the_newest_set_and_the_one_before_it_of_the_same_exercise(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    old_bridge = store.save_set(_set([30.0]), source="w1.mp4", kind="review", when=_day(1))
    store.save_set(_set([20.0]), source="a.mp4", kind="review", when=_day(2), client="reference")  # another one's
    last_bridge = store.save_set(_set([31.0]), source="w3.mp4", kind="review", when=_day(3))
    other = replace(_set([10.0]), exercise="superman", title="Superman")
    store.save_set(other, source="s.mp4", kind="review", when=_day(4))
    newest_bridge = store.save_set(_set([32.0]), source="w5.mp4", kind="review", when=_day(5))
    sessions = store.list_sessions()
    # All are glute bridges but the superman; the reference (a glute bridge too) is preferred as A.
    ref = next(s.id for s in sessions if s.client == "reference")
    assert default_pair(sessions) == (ref, newest_bridge)
    store.delete(ref)
    assert default_pair(store.list_sessions()) == (last_bridge, newest_bridge)  # not the newer superman
    store.delete(last_bridge)
    assert default_pair(store.list_sessions()) == (old_bridge, newest_bridge)


@pytest.mark.usefixtures("_no_webrtc_runtime")
def test_compare_page_opens_on_the_latest_two_sets_of_one_exercise(tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    first = store.save_set(_set([30.0, 29.0]), source="mon.mp4", kind="review", when=_day(1))
    store.save_set(replace(_set([10.0]), exercise="superman", title="Superman"), source="s.mp4", kind="review",
                   when=_day(2))
    second = store.save_set(_set([28.0]), source="wed.mp4", kind="review", when=_day(3))
    with mock.patch.dict(os.environ, {"FORMCHECK_DB": str(path)}):
        at = AppTest.from_file(str(MAIN), default_timeout=60)
        at.query_params["page"] = "compare"
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert (at.selectbox(key="compare_a").value, at.selectbox(key="compare_b").value) == (first, second)
    assert not any("different exercises" in m.value for m in at.markdown)
