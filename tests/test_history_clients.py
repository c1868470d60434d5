"""Layers 1 and 4a: History for a trainer — clients, their trend, the CSV export, local times, tabs.

Real SQLite files in tmp_path; the History page through Streamlit's AppTest
(``FORMCHECK_DB`` in tmp_path, the server's zone set with ``TZ``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from formcheck.app.live_panel import routine_table_html
from formcheck.app.live_records import FinishedRoutine
from formcheck.records.errors import StoreError
from formcheck.records.routine_summary import RoutineSummary
from formcheck.sinks.client_chart import trend_panels
from formcheck.sinks.svg_chart import TrendChart, trend_chart_svg
from formcheck.spec import load_spec
from formcheck.store.checkin_store import CheckIns
from formcheck.store.client_history import ClientHistory, TrendPoint
from formcheck.store.history import HistoryStore
from formcheck.store.history_csv import COLUMNS, history_csv
from formcheck.store.routine_store import RoutineHistory
from tests.test_store import make_summary

MAIN = Path(__file__).resolve().parent.parent / "formcheck" / "app" / "main.py"
WHEN = datetime(2026, 1, 2, 23, 30, tzinfo=timezone.utc)  # 08:30 on 3 January in Tokyo


def _week(n: int) -> datetime:
    return WHEN + timedelta(weeks=n)


def _fill_clients(store: HistoryStore) -> None:
    for week, reps in enumerate((6, 8, 10)):
        summary = make_summary(reps=reps)
        store.save_set(replace(summary, score=70 + week), source=f"ada-{week}.mp4", kind="review",
                       when=_week(week), client="Ada " if week == 1 else "Ada")
    store.save_set(make_summary("plank", reps=0), source="bo.mp4", kind="review", when=_week(1), client="Bo")
    store.save_set(make_summary(reps=5), source="model.mp4", kind="review", when=_week(2), client="reference")
    store.save_set(make_summary(reps=4), source="webcam", kind="live", when=_week(3))


class TestClientHistory:
    def test_names_match_without_case_or_spaces_and_leave_out_the_reference(self, tmp_path: Path) -> None:
        store = HistoryStore(tmp_path / "h.sqlite3")
        _fill_clients(store)
        assert ClientHistory(store).names() == ["Ada", "Bo"]

    def test_a_trend_is_one_clients_sessions_of_one_exercise_oldest_first(self, tmp_path: Path) -> None:
        store = HistoryStore(tmp_path / "h.sqlite3")
        _fill_clients(store)
        points = ClientHistory(store).trend("ADA", "glute_bridge")
        assert [(p.reps, p.score) for p in points] == [(6, 70), (8, 71), (10, 72)]
        assert points[0].mean_range == pytest.approx(sum(40.0 + i for i in range(6)) / 6)
        assert ClientHistory(store).trend("Ada", "plank") == []

    def test_the_trend_carries_the_pain_of_each_sets_check_in(self, tmp_path: Path) -> None:
        store = HistoryStore(tmp_path / "h.sqlite3")
        _fill_clients(store)
        first, _, third = (p.session_id for p in ClientHistory(store).trend("Ada", "glute_bridge"))
        CheckIns(store).save(first, pain=6, difficulty="hard")
        CheckIns(store).save(third, pain=2, difficulty="right")
        pains = [p.pain for p in ClientHistory(store).trend("Ada", "glute_bridge")]
        assert pains[0] == 6 and math.isnan(pains[1]) and pains[2] == 2
        reps = [p.reps for p in ClientHistory(store).trend("Ada", "glute_bridge")]
        assert reps == [6, 8, 10], "one check-in must not multiply a session's rows"


class TestHistoryCsv:
    def test_every_cell_is_one_plain_value_and_dates_are_local_with_their_offset(self, tmp_path: Path) -> None:
        store = HistoryStore(tmp_path / "h.sqlite3")
        summary = replace(make_summary(reps=3), reps_by_side={"left": 2, "right": 1}, notes=("lost you, 2 s",))
        store.save_set(summary, source="webcam", kind="live", when=WHEN, client="Ada")
        rows = list(csv.DictReader(io.StringIO(history_csv(store.list_sessions(), "Asia/Tokyo"))))
        assert list(rows[0]) == list(COLUMNS)
        row = rows[0]
        assert row["date"] == "2026-01-03T08:30:00+09:00"
        assert (row["reps_left"], row["reps_right"], row["cues"], row["notes"], row["client"]) == (
            "2", "1", "hips_low", "lost you, 2 s", "Ada")
        for value in row.values():
            with pytest.raises((ValueError, TypeError)):
                parsed = json.loads(value)
                if not isinstance(parsed, (dict, list)):
                    raise ValueError  # a number or a plain word is fine; a JSON object or list is not
            assert not value.startswith(("{", "["))


class TestRoutineStoppedInTheLeadIn:
    def test_is_not_saved(self, tmp_path: Path) -> None:
        store = HistoryStore(tmp_path / "h.sqlite3")
        history = RoutineHistory(store)
        with pytest.raises(StoreError, match="before any set was done"):
            history.save(RoutineSummary("lower_back", "Lower-back care", "stopped", 4.0, (), 11))
        assert history.list() == []

    def test_the_live_page_says_so_without_0_of_11(self) -> None:
        done = FinishedRoutine(RoutineSummary("lower_back", "Lower-back care", "stopped", 4.0, (), 11), None,
                               "not saved: the routine ended before any set was done")
        html = routine_table_html(done)
        assert "0 of 11" not in html and "stopped before any set was done; nothing saved" in html


class TestTrendInTheReport:
    def test_three_panels_for_a_rep_exercise_none_for_one_session(self) -> None:
        pts = [TrendPoint(i, _week(i).isoformat(), "glute_bridge", "Glute bridge", 8 + i, 80 + i, 0.0, 30.0 + i)
               for i in range(3)]
        spec = load_spec("glute_bridge")
        assert [p.heading for p in trend_panels(pts, spec)] == ["Reps", "Form score", "How far you moved (degrees)"]
        assert trend_panels(pts[:1], spec) == []

    def test_a_pain_panel_once_the_client_gave_pain_in_a_check_in(self) -> None:
        pts = [TrendPoint(i, _week(i).isoformat(), "glute_bridge", "Glute bridge", 8 + i, 80 + i, 0.0, 30.0 + i,
                          "review", math.nan if i == 1 else 5.0 - i) for i in range(3)]
        panels = trend_panels(pts, load_spec("glute_bridge"))
        assert panels[-1].heading == "Pain you felt (0-10)"
        assert panels[-1].chart.values[0] == 5.0 and math.isnan(panels[-1].chart.values[1])

    def test_a_missing_value_breaks_the_line(self) -> None:
        svg = trend_chart_svg(TrendChart(("1 Mar", "8 Mar", "15 Mar", "22 Mar"), (8.0, math.nan, 12.0, 13.0), ""))
        assert svg.count('class="point"') == 3 and svg.count("<path") == 1


# -- the History page ------------------------------------------------------------------------------------------
@pytest.fixture()
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's zone (the browser gives none under AppTest): 23:30 UTC is 08:30 the next day."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def _open(page: str) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.query_params["page"] = page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at: Any) -> list[list[dict[str, Any]]]:
    """Each Altair chart's data rows, as the page sent them to the browser."""
    return [[row for ds in e.proto.datasets for row in pa.ipc.open_stream(ds.data.data).read_all().to_pylist()]
            for e in at.get("vega_lite_chart")]


pytestmark = pytest.mark.usefixtures("no_webrtc_runtime")


def test_the_progress_chart_is_in_local_time_like_the_table(db: Path, tokyo: None) -> None:
    store = HistoryStore(db)
    store.save_set(make_summary(reps=3), source="webcam", kind="live", when=WHEN)
    store.save_set(make_summary(reps=4), source="webcam", kind="live", when=_week(1))
    at = _open("history")
    [chart] = [rows for rows in _charts(at) if rows and "kind" in rows[0]]  # the progress chart
    dates = sorted(str(r["date"])[:16] for r in chart)
    assert dates == ["2026-01-03 08:30", "2026-01-10 08:30"]


def test_a_sessions_detail_is_inside_its_own_tab(db: Path) -> None:
    store = HistoryStore(db)
    store.save_set(make_summary(reps=3), source="webcam", kind="live", when=WHEN)
    sample = store.save_set(make_summary("superman", reps=4), source="superman_side.mp4", kind="sample",
                            when=_week(1))
    at = _open("history")
    at.selectbox(key="history_session_sample").set_value(sample).run()
    labels = [t.label for t in at.tabs]
    live, samples = at.tabs[labels.index("Live sets (1)")], at.tabs[labels.index("Sample replays (1)")]
    assert any(s.value.startswith(load_spec("superman").title) for s in samples.subheader)
    assert not any(s.value.startswith(load_spec("superman").title) for s in live.subheader)
    assert any("range of motion" in df.value.columns for df in samples.dataframe)


def test_the_clients_tab_shows_a_clients_trend(db: Path, tokyo: None) -> None:
    _fill_clients(HistoryStore(db))
    at = _open("history")
    assert "Clients (2)" in [t.label for t in at.tabs]
    assert at.selectbox(key="history_client").options == ["Ada", "Bo"]
    table = next(df.value for df in at.dataframe if "range of motion (°)" in df.value.columns)  # hip angle: degrees
    assert list(table["reps"]) == [6, 8, 10] and list(table["date"])[0] == "2026-01-03 08:30"
    trends = [rows for rows in _charts(at) if rows and "kind" not in rows[0]]
    assert [len(rows) for rows in trends] == [3, 3, 3]
    assert sorted(str(r["when"])[:16] for r in trends[0]) == ["2026-01-03 08:30", "2026-01-10 08:30", "2026-01-17 08:30"]


def test_the_clients_tab_charts_pain_once_a_check_in_gave_it(db: Path, tokyo: None) -> None:
    store = HistoryStore(db)
    _fill_clients(store)
    sessions = ClientHistory(store).trend("Ada", "glute_bridge")
    for point, pain in zip(sessions, (7, 4, 2)):
        CheckIns(store).save(point.session_id, pain=pain, difficulty="right")
    at = _open("history")
    table = next(df.value for df in at.dataframe if "pain (0-10)" in df.value.columns
                 and "range of motion (°)" in df.value.columns)
    assert list(table["pain (0-10)"]) == [7, 4, 2]
    trends = [rows for rows in _charts(at) if rows and "kind" not in rows[0]]
    assert len(trends) == 4 and sorted(r["pain (0-10)"] for r in trends[-1]) == [2, 4, 7]
