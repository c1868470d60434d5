"""Layer 1: what trainers read — plain feature names, spec thresholds, chart groups, the suggestion in words.

Pure functions on specs from ``exercise_specs/`` and hand-made records; the
docstring examples of these modules run too.
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

from formcheck.app.clip_tools import track_table
from formcheck.features.labels import LABELS, feature_label, format_value
from formcheck.features.registry import base_features
from formcheck.pipeline.recognise import Candidate, Recognition
from formcheck.pipeline.suggest import SpecFit, explain_suggestion, wrong_exercise_hint
from formcheck.records.feedback import Feedback, Hold, SetSummary
from formcheck.sinks.chart_data import ChartGroup, FeatureTrack, chart_groups
from formcheck.spec import list_specs, load_spec
from formcheck.spec.thresholds import feature_thresholds

MODULES = ["features.labels", "spec.thresholds", "sinks.svg_chart", "sinks.client_chart", "sinks.chart_data",
           "sinks.client_summary", "sinks.key_frames", "sinks.batch_index", "pipeline.suggest", "pipeline.batch",
           "pipeline.batch_job"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(f"formcheck.{name}"), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_every_feature_a_bundled_spec_uses_has_a_plain_label() -> None:
    from formcheck.features.registry import parse_name

    used = {parse_name(n)[0].name.removesuffix("_3d") for s in list_specs() for n in load_spec(s).feature_names()}
    missing = sorted(used - set(LABELS))
    assert missing == [], f"give these a label in formcheck/features/labels.py: {missing}"


def test_labels_name_only_registered_features() -> None:
    known = {n.removesuffix("_3d") for n in base_features()}
    assert set(LABELS) <= known, set(LABELS) - known


@pytest.mark.parametrize(("name", "label"), [("body_line", "body line (shoulder–hip–ankle)"),
                                             ("right_body_line_3d", "right body line (shoulder–hip–ankle) (3-D)"),
                                             ("knee_angle_asym", "knee angle, left–right difference"),
                                             ("not_a_feature", "not a feature")])
def test_feature_labels(name: str, label: str) -> None:
    assert feature_label(name) == label


def test_values_carry_their_unit() -> None:
    assert (format_value("elbow_angle", 89.6), format_value("hip_sag", 0.153), format_value("hip_sag", np.nan)) == \
        ("90°", "0.15 torso lengths", "unknown")


def test_push_up_thresholds_come_from_its_rep_and_rules() -> None:
    spec = load_spec("push_up")
    limits = feature_thresholds(spec)
    assert [(t.value, t.label) for t in limits[spec.rep.signal]] == [(spec.rep.start, "rest"),
                                                                     (spec.rep.peak, "full range")]
    assert [(t.value, t.op, t.label) for t in limits["hip_sag"]] == [
        (0.15, ">", "your hips sagged"), (-0.35, "<", "your hips piked up")]


def test_one_chart_per_unit_so_a_small_sag_is_not_flattened_beside_angles() -> None:
    spec = load_spec("push_up")
    feedback = [Feedback(t=i / 10, phase="start", features={"elbow_angle": 160.0 - i, "body_line": 170.0,
                                                            "hip_sag": 0.1 if i != 3 else np.nan})
                for i in range(6)]  # the rep signal never known here: left out of the charts
    groups = {g.unit: g for g in chart_groups(feedback, spec)}
    assert sorted(groups) == ["deg", "torso"]
    assert [t.name for t in groups["deg"].tracks] == ["elbow_angle", "body_line"]
    assert groups["torso"].y_title == "torso lengths"
    assert {th.value for _, th in groups["torso"].thresholds} == {0.15, -0.35}


def test_a_gap_starts_a_new_line_segment() -> None:
    t = np.arange(6) / 10
    group = ChartGroup("torso", "torso lengths",
                       (FeatureTrack("hip_sag", "hip sag", t, np.array([0.1, 0.1, np.nan, np.nan, 0.2, 0.2])),))
    table = track_table(group)
    assert list(table["t"]) == [0.0, 0.1, 0.4, 0.5]
    assert table["segment"].nunique() == 2 and list(table["segment"])[0] != list(table["segment"])[-1]


def _fit(name: str, title: str, fit: float, reps: int, score: int, hold: float = 0.0) -> SpecFit:
    holds = (Hold(0.0, hold, hold, 0.0),) if hold else ()
    summary = SetSummary(name, title, reps, {}, 0, (), holds, (), 15.0, 200, 200, score)
    return SpecFit(name, title, fit, summary)


RANKING = [_fit("superman", "Superman", 4.0, 4, 100), _fit("plank", "Plank", 1.2, 0, 40, hold=6.0),
           _fit("glute_bridge", "Glute bridge", 0.0, 0, 0)]


def test_the_suggestion_says_what_each_exercise_finds() -> None:
    assert explain_suggestion(RANKING) == (
        "Suggested: Superman: read as this exercise, the clip has 4 reps with a form score of 100/100. "
        "Read as the next best, Plank, it has a 6 s good hold.")
    assert explain_suggestion([RANKING[2]]).startswith("No exercise recognised")


def test_wrong_exercise_hint_only_when_another_fits_far_better() -> None:
    hint = wrong_exercise_hint(RANKING, "glute_bridge")
    assert hint == ("This clip looks more like Superman (4 reps with a form score of 100/100) than Glute bridge "
                    "(no rep and no hold). If that is what was filmed, choose Superman and analyse again.")
    assert wrong_exercise_hint(RANKING, "superman") is None
    close = [_fit("one_arm_row", "One-arm row", 3.0, 3, 100), _fit("bent_over_row", "Row", 2.0, 2, 100)]
    assert wrong_exercise_hint(close, "bent_over_row") is None  # 2 of 3: a fair reading, no warning


def _recognition(*names: str) -> Recognition:
    """The recogniser's answer with ``names`` best first (scores 0.6, 0.3, ...)."""
    scores = [0.6 / 2 ** i for i in range(len(names))]
    return Recognition(tuple(Candidate(n, n.title(), s, s, 1.0, 1.0, 1.0, 1.0, 1.0, spec_score=s)
                             for n, s in zip(names, scores)))


def test_the_hint_needs_the_recogniser_to_agree() -> None:
    # Another spec counting more reps is no evidence by itself: a squat's counter reads each deadlift as
    # two knee bends. With the clip recognised, the hint needs the recogniser's agreement.
    assert wrong_exercise_hint(RANKING, "glute_bridge", _recognition("superman", "plank", "glute_bridge")) is not None
    # the recogniser names the chosen exercise: no hint
    assert wrong_exercise_hint(RANKING, "glute_bridge", _recognition("glute_bridge", "superman")) is None
    # the one the fits would name is not among its three best: no hint
    assert wrong_exercise_hint(RANKING, "glute_bridge", _recognition("plank", "bird_dog", "cat_cow")) is None
