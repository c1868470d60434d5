"""Layers 1-2: the client report's parts (plain summary, key frames, SVG charts, the HTML page).

The summary, key-frame and page tests run the real pose model once on a
sample video with a labelled fault (``model`` marker); the chart tests are pure.
Expected values come from the clips' labels, the spec files and the tracker's
own records, never from the code under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from formcheck.pipeline.analysis import analyze_video
from formcheck.records.feedback import Cue
from formcheck.sinks.client_summary import client_sentences
from formcheck.sinks.html_report import ReportMeta, render_client_report, write_client_report
from formcheck.sinks.key_frames import draw_key_frame, key_moments, render_key_frames
from formcheck.sinks.svg_chart import Band, HLine, Series, line_chart_svg, nice_ticks, path_segments

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"


def _label(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((SAMPLES / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def bridge_low(model_path: Path) -> object:
    """The hips-low bridge sample through the real model: 3 reps, the fault on one of them."""
    if not (SAMPLES / "glute_bridge_side_hips_low.mp4").is_file():
        pytest.skip("sample video missing")
    return analyze_video(SAMPLES / "glute_bridge_side_hips_low.mp4", "glute_bridge", model_path=model_path)


class TestSvgChart:
    def test_unknown_values_break_the_line_instead_of_bridging_the_gap(self) -> None:
        t = np.arange(6, dtype=float)
        runs = path_segments(t, np.array([1.0, 2.0, np.nan, np.nan, 5.0, 6.0]))
        assert runs == [[(0.0, 1.0), (1.0, 2.0)], [(4.0, 5.0), (5.0, 6.0)]]
        svg = line_chart_svg([Series("x", t, np.array([1.0, 2.0, np.nan, np.nan, 5.0, 6.0]))],
                             t_range=(0.0, 5.0), y_title="degrees")
        assert svg.count('class="series"') == 2

    def test_thresholds_bands_and_unit_are_drawn(self) -> None:
        t = np.linspace(0, 10, 50)
        svg = line_chart_svg([Series("hip sag", t, np.sin(t) * 0.1)], t_range=(0.0, 10.0),
                             y_title="torso lengths", lines=[HLine(0.15, "hips sagging")],
                             bands=[Band(1.0, 3.0, "rep 1")])
        assert svg.count('class="threshold"') == 1 and "hips sagging" in svg
        assert svg.count('class="band"') == 1 and ">torso lengths<" in svg
        # The threshold (0.15) lies above every value (<= 0.1): the y range must still include it.
        y_line = float(re.search(r'class="threshold" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"', svg).group(1))
        top = float(re.search(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="none"', svg).group(1))
        assert y_line > top

    @pytest.mark.parametrize(("lo", "hi", "expected"), [(0.0, 13.2, [0.0, 5.0, 10.0]), (-0.2, 0.31, [-0.2, 0.0, 0.2]),
                                                        (130.0, 171.0, [130.0, 140.0, 150.0, 160.0, 170.0])])
    def test_ticks_are_round_numbers(self, lo: float, hi: float, expected: list[float]) -> None:
        assert nice_ticks(lo, hi) == expected


@pytest.mark.model
class TestClientSummary:
    def test_states_the_count_and_the_rep_the_fault_happened_on(self, bridge_low: object) -> None:
        label = _label("glute_bridge_side_hips_low")
        lines = client_sentences(bridge_low.summary, bridge_low.spec)  # type: ignore[attr-defined]
        assert lines[0] == f"{sum(r['complete'] for r in label['reps'])} reps."
        fault = label["faults"][0]
        rep = next(i for i, r in enumerate(label["reps"], 1) if r["start"] < fault["end"] and fault["start"] < r["end"])
        advice = bridge_low.spec.rep.short_message  # type: ignore[attr-defined]  # the spec's range cue
        fault_line = [s for s in lines if advice in s]
        assert fault_line == [f"On rep {rep} you stopped short of the full range: {advice}"]

    def test_a_set_level_cue_is_said_not_dropped(self, bridge_low: object) -> None:
        summary = bridge_low.summary  # type: ignore[attr-defined]
        loose = Cue("hips_low", "Push your hips higher", 2, start=12.4, end=13.0, rep=None)
        lines = client_sentences(replace(summary, cues=(*summary.cues, loose)), bridge_low.spec)  # type: ignore[attr-defined]
        assert any(s.startswith("Also between reps (at 12 s) you stopped short") for s in lines), lines

    def test_zero_reps_never_reads_as_good_form(self, bridge_low: object) -> None:
        summary = replace(bridge_low.summary, reps=0, rep_rows=(), cues=(), partial_reps=0,  # type: ignore[attr-defined]
                          notes=("no person detected",))
        lines = client_sentences(summary, bridge_low.spec)  # type: ignore[attr-defined]
        assert lines == ["No reps were counted (no person detected)."]


@pytest.mark.model
class TestKeyFrames:
    def test_one_moment_per_fault_and_rep_at_the_worst_value(self, bridge_low: object) -> None:
        moments = key_moments(bridge_low)  # type: ignore[arg-type]
        label = _label("glute_bridge_side_hips_low")
        spec = bridge_low.spec  # type: ignore[attr-defined]
        assert [m.cue_id for m in moments] == [label["faults"][0]["id"]]
        fault = label["faults"][0]
        assert fault["start"] <= moments[0].t <= fault["end"]
        # A rep short of the range target: its top, on the rep signal, below the target.
        assert moments[0].feature == spec.rep.signal and moments[0].value < spec.rep.peak

    def test_the_feature_is_drawn_in_red_on_the_frame(self, bridge_low: object) -> None:
        result = bridge_low
        moment = key_moments(result)[0]  # type: ignore[arg-type]
        i = int(np.argmin([abs(f.t - moment.t) for f in result.frames]))  # type: ignore[attr-defined]
        blank = np.full((360, 640, 3), 128, np.uint8)
        drawn = draw_key_frame(blank, result.frames[i], moment)  # type: ignore[attr-defined]
        red = (drawn[:, :, 2] > 200) & (drawn[:, :, 0] < 40) & (drawn[:, :, 1] < 40)
        assert red.sum() > 200, "the measured limb segments should be highlighted"

    def test_clean_set_shows_one_good_form_frame(self) -> None:
        result = analyze_video(SAMPLES / "glute_bridge_side.npz", "glute_bridge")  # generator landmarks suffice
        moments = key_moments(result)
        assert len(moments) == 1 and moments[0].cue_id == "" and moments[0].caption.startswith("Good form")


@pytest.mark.model
def test_report_page_is_self_contained_and_complete(bridge_low: object, tmp_path: Path) -> None:
    frames = render_key_frames(SAMPLES / "glute_bridge_side_hips_low.mp4", bridge_low)  # type: ignore[arg-type]
    html = render_client_report(bridge_low, frames, ReportMeta(clip="client_bridge.mp4", client="Sam Lee",  # type: ignore[arg-type]
                                                               notes="Squeeze <glutes> & breathe"))
    assert "<script" not in html and not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.count('class="key-frame"') == 1 and html.count("data:image/jpeg;base64,") == 1
    assert "Client: Sam Lee" in html and "Clip: client_bridge.mp4" in html and "Exercise: Glute bridge" in html
    assert "Squeeze &lt;glutes&gt; &amp; breathe" in html  # notes are text, never markup
    assert html.count("<tr><td>") == len(bridge_low.summary.rep_rows)  # type: ignore[attr-defined]
    assert "@media print" in html and html.count("<svg") >= 1


@pytest.mark.model
def test_write_client_report_replaces_the_file_atomically(bridge_low: object, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("old")
    path = write_client_report(bridge_low, tmp_path, meta=ReportMeta(clip="a.mp4"))  # type: ignore[arg-type]
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
