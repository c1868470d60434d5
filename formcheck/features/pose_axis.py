"""Finding the repetition in a pose track with no spec: the axis and the period it moves along.

Pure numpy, no state: the spec-free counter (:mod:`formcheck.tracker.any_counter`) calls
:func:`learn_axis` on a whole clip (offline) or on the frames seen so far (live).

* **Pose vector.** Each frame's body landmarks (the nose and landmarks 11-32: the face's
  ten points would weigh ten times a hand), image x and y, min-max normalised within the
  frame: position and size in the picture are gone, the shape of the body stays. This is
  also the form of the RepCount-pose benchmark's landmarks, so one counter reads both.
* **Period** (:mod:`formcheck.features.pose_period`). The autocorrelation of all coordinates
  at once (each weighed by its variance): its first high peak. Then slow changes of posture
  (lead-in, walking, a rest) are taken out by subtracting a moving average over
  ``HIGH_PASS`` periods, and the period is measured again on what is left; halved when
  alternate reps differ (the octave check), and, offline, when the whole pose's period is
  not clear, the most periodic component's own.
* **Axis.** The leading principal components of that high-passed pose; of the first
  ``COMPONENTS`` the one whose own autocorrelation at the period is largest carries the
  repetition. :func:`project_local` learns it again every ``LOCAL_AXIS`` periods, where a
  set changes direction in the picture (the person turned).

Example:
    >>> t = np.arange(300) / 30
    >>> pose = np.zeros((300, len(BODY) * 2)); pose[:, 10] = np.sin(2 * np.pi * t / 1.5)
    >>> axis = learn_axis(pose, fps=30)
    >>> round(axis.period_s, 1), int(np.argmax(np.abs(axis.vec)))
    (1.5, 10)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from formcheck.features.pose_period import (
    CLEAR,
    MAX_PERIOD_S,
    REPEAT_COMPONENTS,
    SHORTER,
    autocorrelation,
    octave,
    own_period,
    period,
    period_of,
    repeating_direction,
)

Arr = NDArray[np.float64]

#: Landmarks in the pose vector: the nose, then shoulders to feet (MediaPipe indices).
BODY: tuple[int, ...] = (0, *range(11, 33))
BODY_INDEX = np.array(BODY)
#: Body parts named in reports, by MediaPipe landmark index.
PARTS: dict[str, tuple[int, ...]] = {
    "head": (0,), "shoulders": (11, 12), "elbows": (13, 14), "hands": (15, 16, 17, 18, 19, 20, 21, 22),
    "hips": (23, 24), "knees": (25, 26), "feet": (27, 28, 29, 30, 31, 32)}
#: Moving average taken out of the pose, in periods (slow posture changes are not reps).
HIGH_PASS = 1.5
#: Principal components considered for the axis.
COMPONENTS = 3
#: The axis is learned again over windows of this many periods (half overlapping): a person who
#: turns between sets, or a camera moved, changes the direction the same rep takes in the picture.
LOCAL_AXIS = 6.0
#: ... and used only where it repeats clearly (autocorrelation at the period), the clip's own axis
#: carries less than half of its movement there, and that movement is at least half the clip's
#: along its axis (a set, not a rest, fidgeting or a walk: those keep the clip's axis).
LOCAL_STRENGTH, KEEP_GLOBAL, LOCAL_SIZE = 0.3, 0.5, 0.5
#: A window's period may be up to this factor off the clip's (a second set done faster).
LOCAL_TEMPO = 1.6
#: A body part moved when it carries this share of the axis (its squared loading).
PART_SHARE = 0.12


@dataclass(frozen=True)
class Axis:
    """The direction in pose space the repetition moves along, and how fast it repeats.

    ``vec`` is a unit vector over the pose vector's coordinates; ``period_s`` the rep period;
    ``strength`` the autocorrelation at the period (0-1: how periodic the movement is);
    ``window`` the high-pass window in frames; ``parts`` the body parts that move along it.
    """

    vec: Arr
    period_s: float
    strength: float
    window: int
    parts: tuple[str, ...]


def pose_vectors(xy: NDArray[np.floating], present: NDArray[np.bool_] | None = None) -> Arr:
    """Pose vectors of frames: ``(n, 33, 2)`` image coordinates → ``(n, 2 * len(BODY))``.

    Each frame min-max normalised per axis. Frames without a person (``present`` False, or
    NaN landmarks) take the last known pose (the first known before it), so that a lost
    frame is no movement.
    """
    pts = np.asarray(xy, dtype=np.float64)[:, BODY, :2]
    known = np.isfinite(pts)
    lo = np.where(known, pts, np.inf).min(axis=1, keepdims=True)
    hi = np.where(known, pts, -np.inf).max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):  # a frame with no landmark known: NaN rows, filled below
        out = ((pts - lo) / np.maximum(hi - lo, 1e-9)).reshape(len(pts), -1)
    ok = np.isfinite(out).all(axis=1)
    if present is not None:
        ok &= np.asarray(present, dtype=bool)
    return fill_missing(out, ok)


def fill_missing(vecs: Arr, ok: NDArray[np.bool_]) -> Arr:
    """Rows not ``ok`` take the last good row (the first good one before any); all bad: zeros."""
    good = np.flatnonzero(ok)
    if len(good) == 0:
        return np.zeros_like(vecs)
    idx = np.maximum.accumulate(np.where(ok, np.arange(len(vecs)), -1))
    idx[idx < 0] = good[0]
    return np.asarray(vecs[idx], dtype=np.float64)


def smooth(x: Arr, sigma: float) -> Arr:
    """Gaussian smoothing along time (axis 0), edges extended; ``sigma`` in frames."""
    if sigma <= 0.3 or len(x) < 2:
        return np.asarray(x, dtype=np.float64)
    r = int(3 * sigma + 0.5)
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    pad = np.concatenate([np.repeat(x[:1], r, axis=0), x, np.repeat(x[-1:], r, axis=0)])
    if x.ndim == 1:
        return np.convolve(pad, k, mode="valid")
    return np.stack([np.convolve(pad[:, j], k, mode="valid") for j in range(x.shape[1])], axis=1)


def moving_average(x: Arr, window: int) -> Arr:
    """Centred moving average over ``window`` frames along axis 0, edges extended."""
    w = max(1, int(window)) | 1
    h = w // 2
    pad = np.concatenate([np.repeat(x[:1], h, axis=0), x, np.repeat(x[-1:], h, axis=0)])
    c = np.cumsum(np.concatenate([np.zeros_like(pad[:1]), pad]), axis=0)
    return np.asarray((c[w:] - c[:-w]) / w, dtype=np.float64)


def parts_moving(vec: Arr) -> tuple[str, ...]:
    """The body parts carrying at least ``PART_SHARE`` of the axis, most first (none for a signal that
    is not a pose vector: a spec's rep signal counted alone)."""
    if len(vec) != 2 * len(BODY):
        return ()
    load = (vec.reshape(len(BODY), 2) ** 2).sum(axis=1)
    total = float(load.sum()) or 1.0
    share = {name: sum(float(load[BODY.index(i)]) for i in idx) / total for name, idx in PARTS.items()}
    return tuple(n for n, s in sorted(share.items(), key=lambda kv: -kv[1]) if s >= PART_SHARE)


def principal_axes(cov: Arr, k: int, iters: int = 60) -> Arr:
    """The ``k`` leading eigenvectors of a covariance matrix (columns), by orthogonal iteration.

    Plain matrix products: a LAPACK call on a small matrix costs tens of milliseconds when
    its threads wait for a busy processor, and the live counter calls this every second.
    """
    d = cov.shape[0]
    k = min(k, d)
    q = np.eye(d, k) + 1e-3 * np.cos(np.arange(d * k).reshape(d, k))  # fixed start: same answer every run
    scale = float(np.trace(cov)) or 1.0
    for _ in range(iters):
        q = (cov / scale) @ q
        for j in range(k):  # Gram-Schmidt
            q[:, j] -= q[:, :j] @ (q[:, :j].T @ q[:, j])
            q[:, j] /= max(float(np.linalg.norm(q[:, j])), 1e-300)
    return q


def pose_vector(xy: NDArray[np.floating]) -> Arr:
    """One frame's pose vector from its ``(33, 2+)`` image landmarks (all known): the live path."""
    pts = np.asarray(xy, dtype=np.float64)[BODY_INDEX, :2]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return np.asarray(((pts - lo) / np.maximum(hi - lo, 1e-9)).ravel(), dtype=np.float64)


def learn_axis(vecs: Arr, fps: float, *, own_periods: bool = True) -> Axis | None:
    """The axis and period of the repetition in ``(n, d)`` pose vectors; None: nothing periodic.

    Args:
        vecs: Pose vectors (:func:`pose_vectors`), one row per frame, evenly spaced in time.
        fps: Frames per second.
        own_periods: When the whole pose's period is not clear (``CLEAR``), try each component's
            own. For a whole clip, where no more frames will come; live, the first reps are better
            waited for: a component's own period on a few reps can be a harmonic.
    """
    x = smooth(np.asarray(vecs, dtype=np.float64), 1.5)
    # Large slow posture changes can hide the repetition from the first look: then look again
    # with what moves slower than the longest period taken out.
    first = period_of(x, fps) or period_of(x - moving_average(x, int(MAX_PERIOD_S * fps) + 1), fps)
    if first is None:
        return None
    window = int(HIGH_PASS * first[0]) + 1
    xh = x - moving_average(x, window)
    whole = autocorrelation(xh).sum(axis=1)
    found = period(whole / whole[0], fps) if whole[0] > 0 else None
    found = found or first
    per = found[0]
    xc = xh - xh.mean(axis=0)
    cov = xc.T @ xc
    top = principal_axes(cov, COMPONENTS)
    ac = autocorrelation(xc @ top)
    if whole[0] > 0:
        per = octave(ac, ac[0] / (float(np.trace(cov)) or 1.0), whole / whole[0], per, fps)
    i = int(np.argmax(ac[per]))
    strength = float(ac[per, i] / ac[0, i]) if ac[0, i] > 0 else 0.0
    vec = np.asarray(top[:, i], dtype=np.float64)
    if strength < CLEAR and own_periods:
        # Searched on the pose high-passed at the period read (not the first look's), the axis's own.
        xp = x - moving_average(x, int(HIGH_PASS * per) + 1)
        xp -= xp.mean(axis=0)
        lead = principal_axes(xp.T @ xp, REPEAT_COMPONENTS)
        rep = repeating_direction(xp @ lead, fps)
        if rep is not None and rep[1] >= CLEAR and rep[0] <= SHORTER * per:
            per, strength, vec = rep[0], rep[1], lead @ rep[2]
            vec = vec / (float(np.linalg.norm(vec)) or 1.0)
            window = int(HIGH_PASS * per) + 1  # the high-pass follows the period it now counts at
        else:
            per, strength, i = own_period(ac, fps) or (per, strength, i)
            vec = np.asarray(top[:, i], dtype=np.float64)
    return Axis(vec=vec, period_s=per / fps, strength=strength, window=window, parts=parts_moving(vec))


def project(vecs: Arr, axis: Axis, fps: float) -> Arr:
    """The repetition signal of a whole clip: the high-passed pose along the axis, smoothed
    over an eighth of a period."""
    x = smooth(np.asarray(vecs, dtype=np.float64), 1.5)
    s = (x - moving_average(x, axis.window)) @ axis.vec
    return smooth(s, max(1.0, axis.period_s * fps / 8))


def _best_component(xc: Arr, per: int) -> tuple[Arr, float]:
    """Of the leading components of ``xc`` (centred), the one most periodic near ``per`` frames
    (``LOCAL_TEMPO``: a set done faster or slower), and its autocorrelation peak there (0-1)."""
    top = principal_axes(xc.T @ xc, COMPONENTS)
    ac = autocorrelation(xc @ top)
    lo, hi = max(2, int(per / LOCAL_TEMPO)), min(len(ac) - 1, int(per * LOCAL_TEMPO) + 1)
    if hi <= lo + 1 or not (ac[0] > 0).all():
        return np.asarray(top[:, 0], dtype=np.float64), 0.0
    peak = (ac[lo:hi] / ac[0]).max(axis=0)
    i = int(np.argmax(peak))
    return np.asarray(top[:, i], dtype=np.float64), float(peak[i])


def project_local(vecs: Arr, axis: Axis, fps: float) -> Arr:
    """As :func:`project`, with the axis learned again over each ``LOCAL_AXIS`` periods.

    Each window's signal is the high-passed pose along its own axis (its sign the one closest to
    the window before); the windows are blended with triangular weights, so the signal changes
    axis smoothly where the rep changes direction. A clip shorter than two windows: :func:`project`.
    """
    per = max(2, round(axis.period_s * fps))
    size = int(LOCAL_AXIS * per)
    n = len(vecs)
    if n < 2 * size:
        return project(vecs, axis, fps)
    x = smooth(np.asarray(vecs, dtype=np.float64), 1.5)
    xh = x - moving_average(x, axis.window)
    hop = size // 2
    starts = list(range(0, n - size, hop)) + [n - size]
    out, weight = np.zeros(n), np.zeros(n)
    ramp = 1.0 - np.abs(np.linspace(-1.0, 1.0, size)) + 1e-3
    prev = axis.vec
    size_min = LOCAL_SIZE * float(np.var(xh @ axis.vec))
    for a in starts:
        w = xh[a:a + size]
        wc = w - w.mean(axis=0)
        v, strength = _best_component(wc, per)
        moved = float(np.var(wc @ v))
        if strength < LOCAL_STRENGTH or moved < size_min or np.var(wc @ axis.vec) >= KEEP_GLOBAL * moved:
            v = axis.vec  # nothing periodic here, or the clip's axis still carries the movement
        v = v if float(v @ prev) >= 0 else -v
        prev = v
        out[a:a + size] += ramp * (w @ v)
        weight[a:a + size] += ramp
    return smooth(out / weight, max(1.0, axis.period_s * fps / 8))
