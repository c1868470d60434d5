"""Layers 1-2: the client report's parts (plain summary, key frames, SVG charts, the HTML page).

The summary, key-frame and page tests run the real pose model once on a
sample video with a labelled fault (``model`` marker); the chart tests are pure,
and the client-words tests read the sample's generator landmarks. Expected
values come from the clips' labels, the spec files and the tracker's own
records, never from the code under test; text widths are estimated by
``tests/svg_layout.py``, not by the chart's own estimate.
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
from formcheck.sinks.svg_chart import Bar, BarChart, bar_chart_svg, nice_ticks
from formcheck.spec import load_spec
from tests.svg_layout import outside_view_box, overlapping, svgs_in, text_boxes, visible_words

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


def _bars(n: int, sided: bool = False) -> BarChart:
    bars = tuple(Bar(str(i), ("left", "right")[i % 2] if sided else "", 150.0 + (i % 7), f"{150 + i % 7}°",
                     i % 3 != 0, partial=i == n) for i in range(1, n + 1))
    return BarChart(bars=bars, base=132.0, target=153.0, target_text="153°", unit="°", axis_title="rep")


class TestBarChart:
    @pytest.mark.parametrize("n", [1, 3, 12, 40])
    def test_one_bar_per_rep_and_every_label_inside_the_picture(self, n: int) -> None:
        svg = bar_chart_svg(_bars(n, sided=True))
        assert len(re.findall(r'<rect class="bar ', svg)) == n
        assert outside_view_box(svg) == []
        assert not any(b.text.endswith("…") for b in text_boxes(svg)), "a label was cut short"

    @pytest.mark.parametrize("n", [3, 12, 40])
    def test_labels_under_the_bars_never_overlap(self, n: int) -> None:
        boxes = text_boxes(bar_chart_svg(_bars(n, sided=True)))
        assert overlapping([b for b in boxes if b.cls in ("bar-label", "bar-note", "value")]) == []
        assert "1" in [b.text for b in boxes if b.cls == "bar-label"]

    def test_the_target_band_lies_beyond_the_target_in_the_movements_direction(self) -> None:
        up = bar_chart_svg(_bars(3))
        down = bar_chart_svg(BarChart(bars=(Bar("1", "", 95.0, "95°", True),), base=170.0, target=100.0,
                                      target_text="100°", unit="°", axis_title="rep", target_up=False))
        for svg, above in ((up, True), (down, False)):
            band = re.search(r'<rect class="target" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
            edge = re.search(r'<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="[\d.]+" stroke="#1e7d4f"', svg)
            assert band is not None and edge is not None
            top, bottom, target_y = float(band[1]), float(band[1]) + float(band[2]), float(edge[1])
            assert abs((bottom if above else top) - target_y) < 0.2  # the band ends at the target line...
            assert (top < target_y) == above  # ...and lies on the side the movement goes

    @pytest.mark.parametrize(("lo", "hi", "expected"), [(0.0, 13.2, [0.0, 5.0, 10.0]), (-0.2, 0.31, [-0.2, 0.0, 0.2]),
                                                        (130.0, 171.0, [130.0, 140.0, 150.0, 160.0, 170.0])])
    def test_ticks_are_round_numbers(self, lo: float, hi: float, expected: list[float]) -> None:
        assert nice_ticks(lo, hi) == expected


#: Words a client should not meet: the measuring method, abbreviations, a share of a range.
JARGON = ("(3-D)", "3-D", "ROM", "%", "rom_fraction", "needed")


class TestClientWords:
    """The report of the hips-low bridge (generator landmarks: 3 reps, rep 2 short of the spec's peak)."""

    @pytest.fixture(scope="class")
    def page(self) -> tuple[object, str]:
        result = analyze_video(SAMPLES / "glute_bridge_side_hips_low.npz", "glute_bridge")
        return result, render_client_report(result, [], ReportMeta(clip="bridge.mp4", client="Sam Lee"))

    def test_no_jargon_reaches_the_client(self, page: tuple[object, str]) -> None:
        words = visible_words(page[1])
        assert [j for j in JARGON if j in words] == [], words

    def test_one_plain_chart_with_a_bar_per_rep_coloured_by_the_target(self, page: tuple[object, str]) -> None:
        result, html = page
        [svg] = svgs_in(html)  # one chart: the per-feature charts are the app's
        rows = result.summary.rep_rows  # type: ignore[attr-defined]
        peak = load_spec("glute_bridge").rep.peak
        kinds = re.findall(r'<rect class="bar ([a-z-]+)"', svg)
        assert kinds == ["on-target" if r.extreme >= peak else "short" for r in rows]
        assert kinds.count("short") == 1  # the labelled short rep
        assert outside_view_box(svg) == []
        words = visible_words(html)
        assert "How far you went on each rep" in words and "153° or more" in words

    def test_the_legend_is_outside_the_plot(self, page: tuple[object, str]) -> None:
        html = page[1]
        [svg] = svgs_in(html)
        assert "reached the target" not in svg and "short of the target" in html.replace(svg, "")


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
    assert html.count("<tr><td ") == len(bridge_low.summary.rep_rows)  # type: ignore[attr-defined]
    assert "@media print" in html and html.count("<svg") >= 1


@pytest.mark.model
def test_write_client_report_replaces_the_file_atomically(bridge_low: object, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("old")
    path = write_client_report(bridge_low, tmp_path, meta=ReportMeta(clip="a.mp4"))  # type: ignore[arg-type]
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_reps_form_cell_says_good_only_when_nothing_cost_it_points() -> None:
    """A partial rep without a cue scored 40/100 and its "Form" said "good" (issue 21: every point lost named)."""
    from formcheck.records.feedback import RepRecord
    from formcheck.sinks.html_report import _rep_form

    spec = load_spec("superman")
    whole = RepRecord(1, 0.0, 1.0, 2.0, True, quality=100)
    partial = RepRecord(3, 6.8, 7.4, 7.7, False, counted=False, rom_fraction=0.4, quality=40)
    faulty = RepRecord(2, 3.0, 4.0, 5.0, True, cues=("neck_cranked",), quality=80)
    assert _rep_form(whole, spec) == "good"
    assert _rep_form(partial, spec) == "not through the full range"
    assert _rep_form(faulty, spec) == "you cranked your neck up"  # the rule's own `fault` text in the spec
