"""Fit the recogniser's classifier on the synthetic generator's clips only (never on filmed ones).

Every exercise the generator knows is made over many seeds, camera views and turns, camera
heights, body heights, working sides, rep counts, ranges, faults and the settings its spec admits
(:data:`SETTING_SHARE`), some after the person stands a while (:data:`LEAD_IN_SHARE`); each track's
world landmarks are then distorted the way the pose model distorts filmed people (its depth is the
least reliable axis: scaled, and the camera pitched and rolled a little), so that the classifier
learns what survives the model. A multinomial logistic regression on :func:`clip_features`
(standardised; an unseen figure is the training mean) is fitted with numpy to its one minimum, its
temperature set on held-out synthetic clips, and written to :data:`WEIGHTS` as JSON.

``python -m formcheck.pipeline.recognise_train [--per-exercise N] [--seed S]`` writes the file again
(80 clips of each exercise and 24 held out: about twelve minutes; 40 left the fit's answers on filmed
clips hanging on the seed, and 160 fitted the synthetic clips more sharply and named fewer filmed
ones); the tests check that the stored file matches the features and names the generator's
exercises.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.pipeline.recognise_features import FEATURE_NAMES, clip_features
from formcheck.records.frame import PoseFrame

#: The fitted classifier, shipped with the package.
WEIGHTS = Path(__file__).with_name("recognise_weights.json")
#: L2 penalty of the logistic regression (on standardised features).
L2 = 1e-2
#: Share of an exercise's clips made in another setting its spec admits (a back extension over a
#: 45-degree bench, a row with the chest on an incline bench): the setting changes where the body
#: is against the floor, not the movement, and the classifier should know both.
SETTING_SHARE = 0.5
#: Share of clips that begin with the person standing, then stepping on the spot, for
#: :data:`LEAD_IN_S` seconds before the set (a filmed clip often does: getting ready, picking up the
#: weights): figures measured over the whole clip should not take that for the exercise.
LEAD_IN_SHARE = 0.3
LEAD_IN_S = (1.5, 5.0)


def _rotation(pitch: float, roll: float) -> np.ndarray:
    cp, sp, cr, sr = math.cos(pitch), math.sin(pitch), math.cos(roll), math.sin(roll)
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return np.asarray(rz @ rx)


def distort(frames: Sequence[PoseFrame], rng: np.random.Generator) -> list[PoseFrame]:
    """The track as the pose model might report it: depth scaled, camera pitched and rolled, noisy."""
    depth = rng.uniform(0.4, 1.3)
    rot = _rotation(math.radians(rng.normal(0, 8)), math.radians(rng.normal(0, 4)))
    noise = rng.uniform(0.0, 0.03)
    out = []
    for f in frames:
        if not f.has_person:
            out.append(f)
            continue
        w = f.world.astype(np.float64) * np.array([1.0, 1.0, depth])
        w = w @ rot.T + rng.normal(0, noise, w.shape)
        out.append(dataclasses.replace(f, world=w.astype(np.float32)))
    return out


def with_lead_in(frames: Sequence[PoseFrame], seconds: float, seed: int, view: str) -> list[PoseFrame]:
    """``frames`` after ``seconds`` of the generator's idle script (standing, then stepping on the spot),
    filmed from the same ``view``.

    Example:
        >>> from formcheck.synth import synth_track
        >>> frames = with_lead_in(synth_track("plank", hold=5.0)[0], 2.0, seed=1, view="side")
        >>> round(frames[0].t, 2), bool(frames[0].world[0, 1] < -0.5)  # standing: the nose high above the hips
        (0.0, True)
    """
    from formcheck.synth import synth_track

    idle, _ = synth_track("idle", seed=seed, view=view, duration=seconds + 1.0)
    lead = [f for f in idle if f.t < seconds]
    return lead + [dataclasses.replace(f, t=f.t + seconds, index=f.index + len(lead)) for f in frames]


def synthetic_case(exercise: str, rng: np.random.Generator) -> dict[str, Any]:
    """Random generator options for one clip of ``exercise``."""
    from formcheck.synth.exercises import EXERCISES

    ex = EXERCISES[exercise]
    opts: dict[str, Any] = {
        "seed": int(rng.integers(1_000_000)), "view": str(rng.choice(["side", "side", "45", "front"])),
        "camera_yaw": float(rng.uniform(-30, 30)), "height": float(rng.uniform(1.55, 1.95)),
        "jitter": float(rng.uniform(0.003, 0.02)),
        "camera_height": None if rng.random() < 0.5 else float(rng.uniform(0.3, 1.8)),
    }
    if ex.sided:
        opts["side"] = str(rng.choice(["left", "right"]))
    if ex.kind == "hold":
        opts["hold"] = float(rng.uniform(5, 20))
    else:
        opts["reps"] = int(rng.integers(2, 7))
        opts["rom"] = float(rng.uniform(0.75, 1.0))
        if ex.all_faults and rng.random() < 0.35:
            opts["fault"] = str(rng.choice(list(ex.all_faults)))
    if ex.settings and rng.random() < SETTING_SHARE:
        opts["setting"] = str(rng.choice(sorted(ex.settings)))
    return opts


def dataset(per_exercise: int, seed: int, log: Any = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features and labels of ``per_exercise`` distorted synthetic clips of every generator exercise."""
    from formcheck.spec import list_specs
    from formcheck.synth import synth_track
    from formcheck.synth.exercises import EXERCISES

    classes = [e for e in EXERCISES if e in set(list_specs())]
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k, exercise in enumerate(classes):
        if log is not None:
            log(f"{exercise} ({k + 1}/{len(classes)})")
        for _ in range(per_exercise):
            case = synthetic_case(exercise, rng)
            frames, _ = synth_track(exercise, **case)
            if rng.random() < LEAD_IN_SHARE:
                frames = with_lead_in(frames, float(rng.uniform(*LEAD_IN_S)), case["seed"], case["view"])
            xs.append(clip_features(distort(frames, rng)))
            ys.append(k)
    return np.array(xs), np.array(ys), classes


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit(x: np.ndarray, y: np.ndarray, k: int, steps: int = 3000) -> dict[str, Any]:
    """A standardised multinomial logistic regression, fitted by Adam on the full batch.

    The step shrinks to nothing over the run (a cosine schedule): the penalised loss is convex with
    one minimum, and Adam at a constant step circles it, ending wherever the last steps happened to
    be (a different machine's rounding gave other weights and other answers on filmed clips).
    """
    mean = np.nanmean(x, axis=0)
    std = np.nanstd(x, axis=0)
    std = np.where(std > 1e-6, std, 1.0)
    z = np.nan_to_num((x - mean) / std)
    n, d = z.shape
    onehot = np.eye(k)[y]
    w, b = np.zeros((d, k)), np.zeros(k)
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        step = lr * 0.5 * (1.0 + math.cos(math.pi * (t - 1) / steps))
        p = _softmax(z @ w + b)
        gw = z.T @ (p - onehot) / n + L2 * w
        gb = (p - onehot).mean(0)
        mw, vw = b1 * mw + (1 - b1) * gw, b2 * vw + (1 - b2) * gw * gw
        mb, vb = b1 * mb + (1 - b1) * gb, b2 * vb + (1 - b2) * gb * gb
        w -= step * (mw / (1 - b1 ** t)) / (np.sqrt(vw / (1 - b2 ** t)) + 1e-8)
        b -= step * (mb / (1 - b1 ** t)) / (np.sqrt(vb / (1 - b2 ** t)) + 1e-8)
    return {"mean": mean, "std": std, "w": w, "b": b}


def logits(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """The classifier's logits of feature rows ``x``."""
    z = np.nan_to_num((np.atleast_2d(x) - model["mean"]) / model["std"])
    return np.asarray(z @ model["w"] + model["b"])


def temperature(model: dict[str, Any], x: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the held-out clips' log loss (calibrated confidences)."""
    z = logits(model, x)
    best, best_t = math.inf, 1.0
    for t in np.exp(np.linspace(np.log(0.1), np.log(8.0), 60)):
        p = _softmax(z / t)
        loss = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
        if loss < best:
            best, best_t = loss, float(t)
    return best_t


def _class_spread(model: dict[str, Any], x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each class's mean and spread (plus a floor) in standardised feature units."""
    z = np.nan_to_num((x - model["mean"]) / model["std"])
    return np.array([z[y == c].mean(0) for c in range(k)]), np.array([z[y == c].std(0) + 0.3 for c in range(k)])


def atypicality(z: np.ndarray, centre: np.ndarray, spread: np.ndarray) -> float:
    """How far a standardised feature vector lies from a class's synthetic clips (RMS, each term capped)."""
    return float(np.sqrt(np.mean(np.minimum(((z - centre) / spread) ** 2, 25.0))))


def build(x: np.ndarray, y: np.ndarray, xh: np.ndarray, yh: np.ndarray, classes: Sequence[str],
          **about: Any) -> dict[str, Any]:
    """The classifier fitted on ``x, y``, calibrated on the held-out ``xh, yh``, as JSON-ready data.

    Besides the weights: each class's centre and spread, and the 99th percentile of the held-out
    clips' :func:`atypicality` to their predicted class (``typical_limit``): a filmed clip far beyond
    it looks like nothing the classifier was fitted on, and the recogniser asks rather than decide.
    """
    k = len(classes)
    model = fit(x, y, k)
    t = temperature(model, xh, yh)
    centre, spread = _class_spread(model, x, y, k)
    pred = logits(model, xh).argmax(1)
    zh = np.nan_to_num((xh - model["mean"]) / model["std"])
    far = [atypicality(z, centre[c], spread[c]) for z, c in zip(zh, pred)]
    return {"features": list(FEATURE_NAMES), "classes": list(classes), "temperature": round(t, 4),
            "typical_limit": round(float(np.percentile(far, 99)), 4),
            "train_top1": round(float((logits(model, x).argmax(1) == y).mean()), 4),
            "held_out_top1": round(float((pred == yh).mean()), 4), "l2": L2, **about,
            **{name: np.asarray(v).round(5).tolist() for name, v in
               (("mean", model["mean"]), ("std", model["std"]), ("w", model["w"]), ("b", model["b"]),
                ("centre", centre), ("spread", spread))}}


def train(per_exercise: int = 80, seed: int = 11, log: Any = None) -> dict[str, Any]:
    """Fit on ``per_exercise`` clips of each exercise (``seed``), calibrate on 30 % as many (``seed + 1``)."""
    x, y, classes = dataset(per_exercise, seed, log)
    xh, yh, _ = dataset(max(per_exercise * 3 // 10, 5), seed + 1, log)
    data = build(x, y, xh, yh, classes, per_exercise=per_exercise, seed=seed)
    if log is not None:
        log(f"train top-1 {data['train_top1']}, held-out {data['held_out_top1']}, temperature {data['temperature']}")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--per-exercise", type=int, default=80)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--out", default=str(WEIGHTS))
    args = p.parse_args(argv)
    data = train(args.per_exercise, args.seed, log=lambda s: print(s, file=sys.stderr, flush=True))
    Path(args.out).write_text(json.dumps(data, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
