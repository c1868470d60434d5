"""The recogniser's classifier: probabilities of the generator's exercises from :func:`clip_features`.

The weights (:data:`formcheck.pipeline.recognise_train.WEIGHTS`) were fitted on synthetic clips
only; they are read once. A spec the generator has no motion for (a trainer's own) gets no
probability here: :func:`formcheck.pipeline.recognise.recognise` then reads it by its spec alone.

Example:
    >>> probs = classify(frames)  # doctest: +SKIP
    >>> max(probs, key=probs.get)  # doctest: +SKIP
    'glute_bridge'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from formcheck.pipeline.recognise_features import FEATURE_NAMES, clip_features
from formcheck.records.frame import PoseFrame


@cache
def _model() -> dict[str, Any] | None:
    """The stored classifier, or None when it is missing or was fitted on other features."""
    from formcheck.pipeline.recognise_train import WEIGHTS

    try:
        data = json.loads(WEIGHTS.read_text())
    except (OSError, ValueError):
        return None
    if tuple(data.get("features", ())) != FEATURE_NAMES:
        return None
    return {**data, **{k: np.asarray(data[k], dtype=np.float64) for k in ("mean", "std", "w", "b", "centre", "spread")}}


def classes() -> tuple[str, ...]:
    """The exercises the classifier knows (empty without a usable weights file)."""
    model = _model()
    return tuple(model["classes"]) if model is not None else ()


def probabilities(features: np.ndarray) -> dict[str, tuple[float, float]]:
    """Each known exercise's calibrated probability for one feature vector, and how unlike its
    synthetic clips the vector is (1: as far as the farthest 1 % of held-out synthetic clips); {}
    without a model.
    """
    from formcheck.pipeline.recognise_train import atypicality

    model = _model()
    if model is None or np.isnan(features).all():
        return {}
    z = np.nan_to_num((features - model["mean"]) / model["std"])
    logits = (z @ model["w"] + model["b"]) / float(model["temperature"])
    p = np.exp(logits - logits.max())
    p /= p.sum()
    limit = float(model["typical_limit"])
    return {name: (float(v), atypicality(z, model["centre"][k], model["spread"][k]) / limit)
            for k, (name, v) in enumerate(zip(model["classes"], p))}


def classify(frames: Sequence[PoseFrame]) -> dict[str, tuple[float, float]]:
    """:func:`probabilities` of a clip's frames."""
    return probabilities(clip_features(frames))
