"""Layers 1, 2 and 3: personal targets — learnt from a good set, stored beside the history, used by
reviews, live sets and the CLI, and named in the client report.

Real files in tmp_path (the history database's folder); the CLI in-process on a
sample clip's landmarks file (no pose model needed); the live state with the
stand-in session of ``test_live_state``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from formcheck.cli import main
from formcheck.records.errors import SpecError
from formcheck.records.feedback import RepRecord, SetSummary
from formcheck.sinks.html_report import ReportMeta, render_client_report
from formcheck.spec import load_spec
from formcheck.spec.loader import resolved_mapping
from formcheck.store.history import HistoryStore
from formcheck.store.personal_targets import (
    TARGET_SHARE,
    learn_targets,
    list_targets,
    personal_spec,
    personal_spec_path,
    personal_words,
    save_targets,
    targets_folder,
)
from tests.test_live_state import IMAGE, StandInSession
from tests.test_store import make_summary

ROOT = Path(__file__).resolve().parent.parent
BRIDGE_NPZ = ROOT / "sample_videos" / "glute_bridge_side.npz"


def _set(extremes: tuple[float, ...], roms: tuple[float, ...]) -> SetSummary:
    """A glute-bridge set whose complete reps reach ``extremes`` after moving ``roms`` (degrees)."""
    rows = tuple(RepRecord(index=i + 1, start=2.0 * i, peak=2.0 * i + 0.8, end=2.0 * i + 1.6, complete=True, rom=r,
                           extreme=e, rom_fraction=1.0) for i, (e, r) in enumerate(zip(extremes, roms)))
    return replace(make_summary(reps=len(rows)), rep_rows=rows)


class TestLearn:
    def test_rest_end_and_range_are_the_medians_of_the_complete_reps(self) -> None:
        spec = load_spec("glute_bridge")
        t = learn_targets(_set((150.0, 152.0, 160.0), (26.0, 27.0, 34.0)), spec, client="Ada", clip="ada.mp4")
        assert (t.rest, t.end, t.range, t.reps) == (125.0, 152.0, 27.0, 3)
        assert t.peak == pytest.approx(125.0 + TARGET_SHARE * 27.0, abs=0.05)
        assert t.min_excursion == spec.rep.excursion_floor  # 10 is less than half of 27

    def test_a_small_range_lowers_the_smallest_movement_that_counts(self) -> None:
        t = learn_targets(_set((140.0, 141.0), (12.0, 12.0)), load_spec("glute_bridge"), client="Bo", clip="bo.mp4")
        assert t.min_excursion == 6.0 and t.peak < load_spec("glute_bridge").rep.peak

    @pytest.mark.parametrize(("exercise", "summary", "match"), [
        ("plank", make_summary("plank", reps=0), "is a hold"),
        ("glute_bridge", _set((150.0,), (25.0,)), "at least 2 good reps"),
    ])
    def test_refuses_a_hold_or_too_few_reps(self, exercise: str, summary: SetSummary, match: str) -> None:
        with pytest.raises(SpecError, match=match):
            learn_targets(summary, load_spec(exercise), client="Ada", clip="x.mp4")

    def test_needs_a_client(self) -> None:
        with pytest.raises(SpecError, match="client's name"):
            learn_targets(_set((150.0, 150.0), (25.0, 25.0)), load_spec("glute_bridge"), client="  ", clip="x.mp4")


class TestStore:
    def test_the_spec_extends_the_base_and_lives_beside_the_history(self, tmp_path: Path) -> None:
        db = tmp_path / "data" / "history.sqlite3"
        folder = targets_folder(db)
        t = learn_targets(_set((150.0, 152.0, 160.0), (26.0, 27.0, 34.0)), load_spec("glute_bridge"),
                          client="Ada Lovelace", clip="ada.mp4")
        path = save_targets(t, folder)
        assert path == tmp_path / "data" / "targets" / "ada-lovelace" / "glute_bridge.personal.yaml"
        assert path.read_text().splitlines()[4] == "extends: glute_bridge"
        mine = personal_spec(" ada lovelace", "glute_bridge", folder)
        assert mine is not None and mine.path == path
        base = load_spec("glute_bridge")
        assert mine.spec.name == "glute_bridge" and mine.spec.rules == base.rules  # only the rep's ends change
        assert (mine.spec.rep.start, mine.spec.rep.peak) == (125.0, t.peak)
        assert mine.spec.model_dump(exclude={"rep"}) == base.model_dump(exclude={"rep"})
        assert resolved_mapping(path)["rep"]["signal"] == base.rep.signal
        assert personal_spec("Bo", "glute_bridge", folder) is None and personal_spec("", "glute_bridge", folder) is None
        assert list_targets(folder) == [("ada-lovelace", "glute_bridge", path)]

    def test_the_words_name_each_personal_value_beside_the_standard_one(self, tmp_path: Path) -> None:
        t = learn_targets(_set((150.0, 152.0, 160.0), (26.0, 27.0, 34.0)), load_spec("glute_bridge"),
                          client="Ada", clip="ada.mp4")
        mine = personal_spec("Ada", "glute_bridge", targets_folder(tmp_path / "h.sqlite3")) if save_targets(
            t, targets_folder(tmp_path / "h.sqlite3")) else None
        assert mine is not None
        assert personal_words(mine.spec, mine.base) == (
            "Start position: hip angle 125° (personal; standard 132°)",
            f"Target: hip angle {t.peak:g}° (personal; standard 153°)")
        assert personal_words(mine.base, mine.base) == ()

    def test_a_spec_file_not_an_id_has_no_personal_spec(self, tmp_path: Path) -> None:
        assert personal_spec("Ada", "my_specs/bridge.yaml", tmp_path) is None
        with pytest.raises(SpecError):
            personal_spec_path("Ada", "../bridge", tmp_path)


@pytest.mark.skipif(not BRIDGE_NPZ.is_file(), reason="sample_videos/ has no landmarks files")
class TestReport:
    def test_the_report_says_which_targets_are_personal(self, tmp_path: Path) -> None:
        from formcheck.pipeline.analysis import analyze_video

        result = analyze_video(BRIDGE_NPZ, "glute_bridge")
        plain = render_client_report(result, [], ReportMeta(clip="ada.mp4", client="Ada"))
        assert "personal-targets" not in plain
        words = ("Target: hip angle 150° (personal; standard 153°)",)
        html = render_client_report(result, [], ReportMeta(clip="ada.mp4", client="Ada", personal=words))
        assert 'id="personal-targets"' in html and words[0] in html and "Targets: personal" in html


@pytest.mark.skipif(not BRIDGE_NPZ.is_file(), reason="sample_videos/ has no landmarks files")
class TestCli:
    def test_learn_then_analyze_uses_the_clients_targets(self, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
        db = tmp_path / "history.sqlite3"
        assert main(["targets", "learn", str(BRIDGE_NPZ), "--client", "Ada", "-e", "glute_bridge",
                     "--db", str(db)]) == 0
        out = capsys.readouterr().out
        path = tmp_path / "targets" / "ada" / "glute_bridge.personal.yaml"
        assert path.is_file() and f"wrote {path}" in out and "Start position: hip angle" in out
        assert main(["targets", "list", "--db", str(db)]) == 0
        assert "ada" in capsys.readouterr().out
        report = tmp_path / "out"
        assert main(["analyze", str(BRIDGE_NPZ), "-e", "glute_bridge", "--client", "Ada", "--db", str(db),
                     "--html", "-o", str(report), "--no-progress"]) == 0
        assert "personal targets" in capsys.readouterr().err
        assert 'id="personal-targets"' in (report / "report.html").read_text()

    def test_a_set_with_one_rep_is_one_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        partial = ROOT / "sample_videos" / "plank_side.npz"
        if not partial.is_file():
            pytest.skip("no plank landmarks")
        assert main(["targets", "learn", str(partial), "--client", "Ada", "-e", "plank",
                     "--db", str(tmp_path / "h.sqlite3")]) == 1
        assert "is a hold" in capsys.readouterr().err


class TestReview:
    def test_a_clients_review_is_judged_by_their_targets(self, tmp_path: Path) -> None:
        from formcheck.app.clip_analysis import client_spec
        from formcheck.app.settings import load_settings

        settings = load_settings({"FORMCHECK_DB": str(tmp_path / "history.sqlite3")})
        assert client_spec("Ada", "glute_bridge", settings) == ("glute_bridge", ())
        save_targets(learn_targets(_set((150.0, 152.0, 160.0), (26.0, 27.0, 34.0)), load_spec("glute_bridge"),
                                   client="Ada", clip="ada.mp4"), tmp_path / "targets")
        spec, words = client_spec("ada", "glute_bridge", settings)
        assert spec.rep.start == 125.0 and words[0].startswith("Start position: hip angle 125°")
        assert client_spec("Bo", "glute_bridge", settings) == ("glute_bridge", ())


class TestLive:
    def test_a_clients_live_set_runs_their_spec_and_is_saved_under_their_name(self, tmp_path: Path) -> None:
        from formcheck.app.live_records import Client
        from formcheck.app.live_state import LiveState

        store = HistoryStore(tmp_path / "history.sqlite3")
        path = save_targets(learn_targets(_set((150.0, 152.0, 160.0), (26.0, 27.0, 34.0)),
                                          load_spec("glute_bridge"), client="Ada", clip="ada.mp4"),
                            targets_folder(store.path))
        made: list[StandInSession] = []

        def factory(name: str, model_path: Any) -> StandInSession:
            made.append(StandInSession(name, model_path))
            return made[-1]

        def save(summary: SetSummary) -> int:
            return store.save_set(summary, source="webcam", kind="live", client=state.who.name)

        state = LiveState("glute_bridge", on_set_end=save, session_factory=factory)

        def spec_for(exercise: str) -> str:
            mine = personal_spec(state.who.name, exercise, targets_folder(store.path))
            return str(mine.path) if mine is not None else exercise

        state.who = Client("Ada", spec_for)
        for i in range(25):
            state.process(IMAGE, i / 10)
        assert made[0].spec.rep.start == 125.0 and made[0].spec.rep.peak == load_spec(path).rep.peak
        state.stream_ended()
        [row] = store.list_sessions()
        assert (row.client, row.reps) == ("Ada", 2)
        state.who = Client()
        state.set_exercise("cat_cow")
        state.set_exercise("glute_bridge")
        for i in range(5):
            state.process(IMAGE, 10 + i / 10)
        assert made[-1].spec.rep.start == load_spec("glute_bridge").rep.start


# -- the pages, through Streamlit's AppTest (FORMCHECK_DB in tmp_path; the run is made from a landmarks file) ----
def _page(page: str, **params: str) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "formcheck" / "app" / "main.py"), default_timeout=60)
    at.query_params["page"] = page
    for k, v in params.items():
        at.query_params[k] = v
    return at


@pytest.mark.usefixtures("no_webrtc_runtime")
@pytest.mark.skipif(not BRIDGE_NPZ.is_file(), reason="sample_videos/ has no landmarks files")
def test_review_learns_the_clients_targets_from_the_set_shown(db: Path) -> None:
    from formcheck.app.clip_analysis import ClipRun
    from formcheck.pipeline.analysis import analyze_video

    result = analyze_video(BRIDGE_NPZ, "glute_bridge")
    sid = HistoryStore(db).save_set(result.summary, source="ada.mp4", kind="review", client="Ada")
    at = _page("review")
    at.session_state["review_run"] = ClipRun(result, "ada.mp4", None, None, "{}", "", sid, None, client="Ada")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    button = at.button(key="review-learn")
    assert button.label == "Use this set as Ada's personal targets"
    button.click().run()
    path = targets_folder(db) / "ada" / "glute_bridge.personal.yaml"
    assert path.is_file()
    [saved] = [s.value for s in at.success if "personal targets" in s.value]
    assert saved.startswith("Saved Ada's personal targets for Glute bridge, from 3 reps: rest ")
    assert f"target {load_spec(path).rep.peak:g}°" in saved and "(standard 153°)" in saved


@pytest.mark.usefixtures("no_webrtc_runtime")
def test_a_live_link_with_a_client_names_whose_sets_they_are(db: Path) -> None:
    at = _page("live", client="Ada")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="live_client").value == "Ada"
    assert at.session_state["live_state"].who.name == "Ada"


@pytest.mark.model
def test_a_reviewed_clip_of_the_client_is_judged_by_their_targets(tmp_path: Path, sample_videos: Path,
                                                                 model_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The Review page's analysis (pose model on a sample clip) with a client who has personal targets."""
    import tempfile

    from formcheck.app.clip_analysis import analyze_clip_file
    from formcheck.app.settings import load_settings

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the run's video
    db = tmp_path / "history.sqlite3"
    settings = load_settings({"FORMCHECK_DB": str(db), "FORMCHECK_MODEL": str(model_path)})
    path = save_targets(learn_targets(_set((150.0, 152.0, 160.0), (26.0, 27.0, 34.0)), load_spec("glute_bridge"),
                                      client="Ada", clip="ada.mp4"), targets_folder(db))
    run, _ = analyze_clip_file(sample_videos / "glute_bridge_side.mp4", "glute_bridge", source="ada-week2.mp4",
                               kind="review", settings=settings, names=["glute_bridge"], client="Ada")
    try:
        assert run.result.spec.rep.start == load_spec(path).rep.start == 125.0
        assert run.personal and run.personal[0].startswith("Start position: hip angle 125°")
        assert (HistoryStore(db).get(run.session_id or 0).client, run.result.summary.exercise) == ("Ada", "glute_bridge")
    finally:
        run.discard()
