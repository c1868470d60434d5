"""A limb's swing along the camera's axis, restored from the picture against its own hanging length.

The pose model's world landmarks flatten depth. Seen head-on, a bent-over row's elbow drives
back along the camera's line of sight: the upper arm truly goes from 9 to 66° off the vertical,
and the model reads 11 to 30°. The row then counts 0 or 1 of 4.

The picture keeps what the depth loses. A level camera sees a hanging limb at its full length
in the picture's vertical, and a limb swung θ from the vertical at cos θ of that length,
whichever way it swings: across the picture (side-on) or along the camera's axis (head-on). So
θ = arccos(drop / own drop). The own drop is how far the limb's end hung below its root over the
last seconds (:data:`OWN_DROP_QUANTILE` of the drops over :data:`OWN_WINDOW_S`): the person's own
length at this distance from the camera, measured while the limb hangs between reps.

That reading and the model's are good in opposite views:
- side-on, near the vertical, a few pixels of the elbow's jitter become 10-20° through the
  arccos, while the model's 3-D angle is sound (the swing is in the picture);
- head-on, the picture reading is sound and the model's is flat.
So the two are blended by how squarely the shoulders face the camera (or turn their back to it):
the weight is cos⁴ of the shoulder line's turn out of the picture plane. It is 1 facing the
camera, ~0.2 at 45° and ~0 side-on. The model's shoulder depth wobbles by 0.1-0.3 of cos² side-on,
and the fourth power keeps that wobble from letting the picture's jitter in. No threshold decides,
so nothing flickers.

The limb's end points are then turned about its root, in the vertical plane the model put them in,
to the blended angle; their length is kept. Every feature that reads them (the upper arm's
incline, the elbow's angle) sees the restored limb. Only specs that ask for it
(``depth_from_picture``) are restored, and only limbs that hang between reps (a row's upper arm):
the own drop is measured hanging.

Causal and per frame, like :mod:`formcheck.tracker.label_continuity`: live and a clip's replay
restore alike. A cut to another camera starts the own drop again.

Example:
    >>> import numpy as np
    >>> from formcheck.records.frame import PoseFrame
    >>> def frame(t, elbow_y_px, elbow_world):  # facing the camera: shoulders along x
    ...     img = np.full((33, 3), 0.5, np.float32); world = np.zeros((33, 3), np.float32)
    ...     img[[11, 12], 1] = 0.3; img[[23, 24], 1] = 0.6; img[[11, 23], 0] = 0.45; img[[12, 24], 0] = 0.55
    ...     img[[13, 14], 1] = elbow_y_px / 480
    ...     world[11], world[12] = (-0.2, -0.5, 0), (0.2, -0.5, 0)
    ...     world[13], world[14] = (-0.2, -0.5, 0) + np.array(elbow_world), (0.2, -0.5, 0) + np.array(elbow_world)
    ...     return PoseFrame(t=t, image_wh=(640, 480), image=img, world=world,
    ...                      visibility=np.ones(33, np.float32), presence=np.ones(33, np.float32))
    >>> depth = PictureDepth(["upper_arm"])
    >>> for i in range(20):  # hanging between reps: the elbow 80 px below the shoulder
    ...     _ = depth.restore(frame(i / 10, 144 + 80, (0.0, 0.3, 0.0)))
    >>> for i in range(20, 24):  # pulled: half the drop (60° back), the model reads 20°
    ...     out = depth.restore(frame(i / 10, 144 + 40, (0.0, 0.28, 0.1)))
    >>> u = out.world[13] - out.world[11]
    >>> round(float(np.degrees(np.arccos(u[1] / np.linalg.norm(u)))))
    60
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Sequence

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark
from formcheck.tracker.cuts import Place, jumped, torso_place

#: The own drop: this quantile of the limb's drops ...
OWN_DROP_QUANTILE = 95.0
#: ... over this many seconds (a set's rests between reps, and enough to forget another distance).
OWN_WINDOW_S = 10.0
#: The picture's drop is averaged over this many seconds: 4-5 frames at 30 fps, 2-3 at 15, which
#: takes out the landmarks' frame-to-frame jitter, while the top of a pull (0.2-0.5 s) keeps its
#: depth (averaged over 0.3 s, a quick chest-supported pull lost its top and became a partial).
STEADY_S = 0.15
#: Each limb, per side: its root, the end whose drop is read, and the points that turn with it.
LIMBS: dict[str, tuple[tuple[int, int, tuple[int, ...]], ...]] = {
    "upper_arm": tuple((int(Landmark[f"{s}_SHOULDER"]), int(Landmark[f"{s}_ELBOW"]),
                        tuple(int(Landmark[f"{s}_{p}"]) for p in ("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")))
                       for s in ("LEFT", "RIGHT")),
}
_LEFT_SHOULDER, _RIGHT_SHOULDER = int(Landmark.LEFT_SHOULDER), int(Landmark.RIGHT_SHOULDER)


class PictureDepth:
    """Restores the named limbs' swing along the camera's axis frame by frame (see the module).

    Args:
        limbs: Names from :data:`LIMBS` (a spec's ``depth_from_picture``).

    Raises:
        ValueError: An unknown limb.
    """

    def __init__(self, limbs: Sequence[str]) -> None:
        unknown = sorted(set(limbs) - set(LIMBS))
        if unknown:
            raise ValueError(f"unknown limb(s) {unknown}; known: {sorted(LIMBS)}")
        self._chains = [chain for name in limbs for chain in LIMBS[name]]
        self.reset()

    def reset(self) -> None:
        """Forget the own drops (a new set)."""
        self._drops: dict[int, deque[tuple[float, float]]] = {end: deque() for _, end, _ in self._chains}
        self._recent: dict[int, deque[tuple[float, float]]] = {end: deque() for _, end, _ in self._chains}
        self._place: Place | None = None

    def restore(self, frame: PoseFrame) -> PoseFrame:
        """The frame with each limb turned to the blended angle (unchanged without a person)."""
        if not (self._chains and frame.has_person):
            return frame
        height = float(frame.image_wh[1])
        place = torso_place(frame.image[:, :2] * np.asarray(frame.image_wh, dtype=np.float32))
        if frame.person_switched or place is None or (self._place is not None and jumped(self._place, place)):
            self.reset()  # another person, or a cut: the own drop seen before does not apply
        self._place = place
        world = frame.world.astype(np.float64)
        weight = _facing_weight(world)
        for root, end, moved in self._chains:
            drop = self._steady_drop(end, frame.t, float(frame.image[end, 1] - frame.image[root, 1]) * height)
            own = self._own_drop(end, frame.t, drop)
            if math.isnan(weight) or math.isnan(drop) or not own > 0.0:
                continue  # nothing read: the model's limb stands
            seen = math.acos(min(1.0, max(-1.0, drop / own)))
            _turn_limb(world, root, moved, weight, seen)
        return dataclasses.replace(frame, world=world.astype(frame.world.dtype))

    def restore_all(self, frames: Sequence[PoseFrame]) -> Sequence[PoseFrame]:
        """:meth:`restore` on each frame of a clip, in order (the frames themselves without limbs)."""
        return [self.restore(f) for f in frames] if self._chains else frames

    def _steady_drop(self, end: int, t: float, drop: float) -> float:
        """The drop's mean over the last ``STEADY_S``: the arccos turns the picture's jitter near the
        vertical into large angles, so it is taken out before (NaN while none was read)."""
        recent = _slide(self._recent[end], t, drop, STEADY_S)
        return sum(recent) / len(recent) if recent else math.nan

    def _own_drop(self, end: int, t: float, drop: float) -> float:
        """The limb's own drop as it hung over the last ``OWN_WINDOW_S`` (NaN before any)."""
        seen = _slide(self._drops[end], t, drop, OWN_WINDOW_S)
        return _quantile(sorted(seen), OWN_DROP_QUANTILE / 100.0) if seen else math.nan


def _slide(window: deque[tuple[float, float]], t: float, value: float, span_s: float) -> list[float]:
    """``value`` (unless NaN) added to ``window`` at ``t``, samples older than ``span_s`` dropped; the
    values left, oldest first."""
    if not math.isnan(value):
        window.append((t, value))
    while window and window[0][0] < t - span_s:
        window.popleft()
    return [v for _, v in window]


def _quantile(ordered: list[float], q: float) -> float:
    """``q`` quantile of sorted values, interpolated between neighbours (numpy's default)."""
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _facing_weight(world: np.ndarray) -> float:
    """cos⁴ of the shoulder line's turn out of the picture plane: 1 facing the camera, 0 side-on."""
    dx, _, dz = world[_RIGHT_SHOULDER] - world[_LEFT_SHOULDER]
    across = dx * dx + dz * dz
    return float((dx * dx / across) ** 2) if across > 0 else math.nan


def _turn_limb(world: np.ndarray, root: int, moved: tuple[int, ...], weight: float, seen: float) -> None:
    """Turn ``moved`` about ``root`` so the limb's angle from the vertical is the blend of the model's
    and the picture's (``seen``, radians), in the vertical plane the limb lies in. Python floats: a
    few points a frame, where numpy's per-call cost would be most of the work."""
    rx, ry, rz = (float(c) for c in world[root])
    x, y, z = (float(c) for c in world[moved[0]])
    x, y, z = x - rx, y - ry, z - rz
    length = math.sqrt(x * x + y * y + z * z)
    if not length > 0.0:
        return
    model = math.acos(min(1.0, max(-1.0, y / length)))  # world y points down
    angle = weight * (seen - model)
    if angle == 0.0:
        return
    out = math.hypot(x, z)
    # The axis is horizontal, across the limb's plane: turning about it swings the limb out from
    # the vertical. Hanging straight, the hidden swing is along the camera's axis.
    kx, kz = (z / out, -x / out) if out > 1e-3 * length else (1.0 if z >= 0 else -1.0, 0.0)
    c, s = math.cos(angle), math.sin(angle)
    for i in moved:
        vx, vy, vz = (float(world[i, 0]) - rx, float(world[i, 1]) - ry, float(world[i, 2]) - rz)
        dot = kx * vx + kz * vz
        # Rodrigues: v cos + (k x v) sin + k (k . v)(1 - cos), with k = (kx, 0, kz)
        world[i, 0] = rx + vx * c + (-kz * vy) * s + kx * dot * (1 - c)
        world[i, 1] = ry + vy * c + (kz * vx - kx * vz) * s
        world[i, 2] = rz + vz * c + (kx * vy) * s + kz * dot * (1 - c)
