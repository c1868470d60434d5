"""Layers 1 and 4a: comparing two stored sessions (pure tables, then the Compare page via AppTest).

Real parts: a real SQLite history file in tmp_path, the app through AppTest.
The sessions are built from hand-made rep records, so every expected number is
one of the inputs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from formcheck.app.compare_tools import comparison_notes, rep_comparison, set_comparison
from formcheck.records.feedback import Cue, RepRecord, SetSummary
from formcheck.sinks.store import HistoryStore

MAIN = Path(__file__).resolve().parent.parent / "formcheck" / "app" / "main.py"


def _set(roms: list[float], up: float, cue_reps: tuple[int, ...] = ()) -> SetSummary:
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


def test_rep_by_rep_table_puts_both_sets_side_by_side(db: tuple[Path, int, int]) -> None:
    path, ref, client = db
    store = HistoryStore(path)
    table = rep_comparison(store.get(ref), store.get(client))
    assert list(table["rep"]) == [1, 2, 3]
    assert list(table["ROM A"]) == [30.0, 30.0, 30.0]
    assert list(table["ROM B − A"])[:2] == [-6.0, -9.0] and table["ROM B"].isna().tolist() == [False, False, True]
    assert list(table["cues B"]) == ["", "hips_low", ""]
    assert list(table["up/hold/down B (s)"])[:2] == ["0.5 / 0.5 / 0.5"] * 2


def test_notes_say_what_differs_most(db: tuple[Path, int, int]) -> None:
    path, ref, client = db
    store = HistoryStore(path)
    notes = comparison_notes(store.get(ref), store.get(client))
    assert notes[0] == "B's reps reach 75 % of A's range of motion on average (A 30.0, B 22.5)."
    assert "A rep takes 1.5 s in B against 2.5 s in A." in notes
    assert "Cues only in B: hips_low." in notes and "Reps: A 3, B 2." in notes
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
        reps = next(df.value for df in at.dataframe if "ROM A" in df.value.columns)
        assert list(reps["ROM B"].dropna()) == [24.0, 21.0]
        assert any("75 % of A's range" in m.value for m in at.markdown)
        at.selectbox(key="compare_a").set_value(client)
        at.run()
        assert not at.exception and at.selectbox(key="compare_b").value == ref
