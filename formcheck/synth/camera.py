"""A pinhole camera that looks at the exerciser from a named view.

Views are azimuths around the figure: ``side`` looks from ``+Z`` (the
figure's left side when standing or prone), ``45`` is turned 45° towards the
figure's front (its head end when lying), ``front`` looks at the front and
``rear_oblique`` from behind the figure's right side (135° from ``side``,
turned through its back; from the feet end when lying).
The camera frames the whole motion of a clip once (it does not follow the
body), like a phone on a stand.

Example:
    >>> import numpy as np
    >>> pts = np.array([[0.0, 0.0, 0.0], [0.5, 1.7, 0.0]])
    >>> cam = Camera.framing("side", pts, size=(640, 360))
    >>> uv, depth = cam.project(pts)
    >>> bool(((uv >= 0) & (uv <= [640, 360])).all())
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.records.errors import SynthError

#: Azimuth (degrees, from +Z towards the figure's front -X) of each named view.
VIEWS = {"side": 0.0, "45": 45.0, "front": 90.0, "rear_oblique": -135.0}


@dataclass(frozen=True)
class Camera:
    """Pinhole camera: ``position`` looking at ``target``, horizontal field of view ``fov`` degrees."""

    position: tuple[float, float, float]
    target: tuple[float, float, float]
    size: tuple[int, int] = (640, 360)
    fov: float = 42.0

    @property
    def focal(self) -> float:
        """Focal length in pixels."""
        return float(0.5 * self.size[0] / np.tan(np.radians(self.fov) / 2.0))

    def axes(self) -> np.ndarray:
        """Rows: camera right, down, forward in world coordinates."""
        fwd = np.subtract(self.target, self.position).astype(float)
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points ``(..., 3)`` → camera coordinates (x right, y down, z forward)."""
        return np.asarray((np.asarray(points, dtype=float) - np.asarray(self.position)) @ self.axes().T)

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points ``(..., 3)`` → pixel coordinates ``(..., 2)`` and depth ``(...)`` in metres."""
        c = self.to_camera(points)
        z = np.maximum(c[..., 2], 1e-3)
        uv = self.focal * c[..., :2] / z[..., None] + np.array(self.size, dtype=float) / 2.0
        return uv, c[..., 2]

    @classmethod
    def framing(cls, view: str, points: np.ndarray, size: tuple[int, int] = (640, 360), *,
                height: float | None = None, distance: float | None = None, fill: float = 0.86,
                fov: float = 42.0, yaw: float = 0.0, pitch: float | None = None) -> Camera:
        """A camera at ``view`` that keeps every point of ``points`` (n, 3) in frame.

        Args:
            view: ``side``, ``45`` or ``front``.
            points: Every joint of the whole clip (the camera never moves).
            size: Image ``(width, height)``.
            height: Camera height above the floor (m); default 0.25 m above the
                middle of the motion, at least 0.5 m.
            distance: Camera distance (m) from the middle of the motion;
                default: the closest at which the motion fills ``fill`` of the frame.
            yaw: Degrees added to the view's azimuth (towards the figure's
                front), e.g. a slightly oblique "side" view.
            pitch: Degrees the camera looks down at the middle of the motion
                (a phone on a shelf); sets its height at every distance tried,
                so it overrides ``height``.
        """
        if view not in VIEWS:
            raise SynthError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
        pts = np.asarray(points, dtype=float).reshape(-1, 3)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        target = (lo + hi) / 2.0
        target[2] = 0.0
        az = np.radians(VIEWS[view] + yaw)
        direction = np.array([-np.sin(az), 0.0, np.cos(az)])
        # Oblique views look down a little more, so the far-side limbs are not hidden behind the body.
        default_y = max(0.5, target[1] + 0.25) if VIEWS[view] == 0.0 else max(1.1, target[1] + 0.5)
        cam_y = default_y if height is None else height

        def at(d: float) -> Camera:
            pos = target + d * direction
            pos[1] = cam_y if pitch is None else target[1] + d * np.tan(np.radians(pitch))
            return cls((float(pos[0]), float(pos[1]), float(pos[2])),
                       (float(target[0]), float(target[1]), float(target[2])), size, fov)

        if distance is not None:
            return at(distance)
        d = 1.0
        for _ in range(200):
            cam = at(d)
            uv, depth = cam.project(pts)
            margin = (1.0 - fill) / 2.0
            w, h = size
            inside = ((uv[:, 0] >= margin * w) & (uv[:, 0] <= (1 - margin) * w)
                      & (uv[:, 1] >= margin * h) & (uv[:, 1] <= (1 - margin) * h) & (depth > 0.3))
            if inside.all():
                return cam
            d *= 1.03
        return at(d)
