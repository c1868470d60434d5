"""Layer 1: the ``Example:`` sections of the engine modules' docstrings still run as shown."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["features.geometry", "features.frames", "features.registry", "features.resolve", "features.smoothing", "pose.landmarks_file", "spec.conditions", "spec.numbers", "spec.schema", "spec.loader", "tracker.rep_counter", "tracker.hold_timer", "tracker.form_rules",
           "tracker.tracker", "records.atomic", "records.input_files", "tracker.absence", "tracker.diagnosis", "tracker.excursion",
           "tracker.scoring", "tracker.noise", "pipeline.metrics", "tracker.setup_gate", "tracker.side_follower", "tracker.feature_stream", "tracker.set_log", "tracker.rep_tracking",
           "spec.routine", "sinks.presentation", "sinks.presenter", "sinks.overlay_draw", "sinks.overlay_panels",
           "sinks.speech", "pipeline.routine_run", "app.live_timing", "app.clip_tools", "app.history_tables", "app.browser_voice",
           "records.csv_cells", "sinks.batch_index", "pipeline.batch_pool", "pipeline.ray_batch", "app.review_queue",
           "app.catalogue", "store.personal_targets", "store.history_csv", "sinks.client_chart", "sinks.svg_chart",
           "app.history_clients", "features.pose_axis", "features.pose_period", "tracker.any_counter", "tracker.any_tracker",
           "pipeline.recognise", "pipeline.recognise_features", "pipeline.recognise_eval"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"formcheck.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"formcheck.{name} has no docstring example"
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in formcheck.{name}"
