"""Draw the figure: shaded capsules in painter's order on a floor with a mat.

The pose model needs body *volume* (a stick figure is not detected; see
``shared/notes/synthetic-video.md``), not faces or texture. Each body segment
is a 3-D capsule projected to a tapered 2-D capsule and drawn far-to-near,
with a few offset layers of lighter colour that read as a rounded, lit limb.
The far side of the body is darker, as in a real room. Pure numpy + OpenCV.

Figure modes: ``volume`` (default), ``stick`` (thin lines and a circle head:
the negative control the model must *not* detect) and ``none`` (empty scene).

Example:
    >>> from formcheck.synth.generate import SynthOptions, simulate
    >>> sim = simulate(SynthOptions("plank", hold=1.0))
    >>> image = Renderer(sim.camera, sim.body, sim.points.reshape(-1, 3).mean(axis=0)).draw(sim.joints[0])
    >>> image.shape
    (360, 640, 3)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.synth.camera import Camera
from formcheck.synth.skeleton import Body, Joints

FIGURES = ("volume", "stick", "none")

# BGR colours
SKIN = (120, 160, 215)
SHIRT = (170, 95, 45)
PANTS = (70, 60, 55)
SHOES = (45, 45, 50)
HAIR = (40, 50, 70)
METAL = (150, 150, 155)
WALL = (205, 215, 220)
FLOOR = (120, 150, 175)
MAT = (140, 80, 110)
BENCH = (60, 55, 50)
BAND = (60, 160, 60)
EYES = (40, 35, 30)
NOSE = (100, 135, 195)
EARS = (105, 145, 200)
LIPS = (80, 80, 160)

_SHIFT = 4  # sub-pixel bits for OpenCV drawing
_ONE = 1 << _SHIFT
_LIGHT = np.array([-0.45, -0.9]) / np.hypot(0.45, 0.9)  # light from the upper left (image)
_LAYERS = ((1.0, 0.0, 0.55), (0.82, 0.14, 0.78), (0.58, 0.26, 0.95), (0.3, 0.34, 1.08))


@dataclass(frozen=True)
class Capsule:
    a: np.ndarray
    b: np.ndarray
    ra: float
    rb: float
    colour: tuple[int, int, int]


def body_capsules(body: Body, j: Joints, prop: str | None = None, prop_side: str = "l") -> list[Capsule]:
    """The figure's volumes for one frame of joints (``prop_side``: the dumbbell hand)."""
    caps: list[Capsule] = []

    def add(a: str | np.ndarray, b: str | np.ndarray, ra: float, rb: float, colour: tuple[int, int, int]) -> None:
        pa = j[a] if isinstance(a, str) else a
        pb = j[b] if isinstance(b, str) else b
        caps.append(Capsule(pa, pb, ra, rb, colour))

    for s in "lr":
        add(f"hip_{s}", f"knee_{s}", body.r_thigh, body.r_shin * 1.05, PANTS)
        add(f"knee_{s}", f"ankle_{s}", body.r_shin, body.r_shin * 0.7, PANTS)
        add(f"heel_{s}", f"toe_{s}", body.r_foot, body.r_foot * 0.8, SHOES)
        add(f"shoulder_{s}", f"elbow_{s}", body.r_upper_arm, body.r_forearm, SHIRT)
        add(f"elbow_{s}", f"wrist_{s}", body.r_forearm, body.r_hand * 0.9, SKIN)
        add(f"wrist_{s}", f"hand_{s}", body.r_hand, body.r_hand * 0.8, SKIN)
    add("hip_l", "hip_r", body.r_pelvis * 0.9, body.r_pelvis * 0.9, PANTS)
    add("pelvis", "spine", body.r_pelvis, body.r_chest * 0.95, SHIRT)
    add("spine", "neck", body.r_chest * 0.95, body.r_chest, SHIRT)
    add("shoulder_l", "shoulder_r", body.r_upper_arm * 1.25, body.r_upper_arm * 1.25, SHIRT)
    add("neck", "head", body.r_neck, body.r_neck, SKIN)
    add("head", "head", body.r_head, body.r_head, SKIN)
    back = j["head"] - 0.035 * j["face"] + 0.02 * j["head_up"]
    caps.append(Capsule(back, back, body.r_head * 0.92, body.r_head * 0.92, HAIR))
    props = set((prop or "").split("+"))
    if "bench" in props:  # a bench under the shoulder blades (hip thrust): top from its edge away from the hips
        edge = j["neck"] - (body.r_chest + 0.04) * np.array([0.0, 1.0, 0.0])
        for z in (-0.22, 0.0, 0.22):
            add(edge + [0.05, 0.0, z], edge + [-0.45, 0.0, z], 0.04, 0.04, BENCH)
        for x, z in itertools.product((0.0, -0.4), (-0.22, 0.22)):
            add(edge + [x, 0.0, z], np.array([edge[0] + x, 0.0, z]), 0.025, 0.025, BENCH)
    if "bar" in props:
        mid = 0.25 * (j["wrist_l"] + j["wrist_r"] + j["hand_l"] + j["hand_r"])
        half = 0.6 * j["left"]
        add(mid + half, mid - half, 0.016, 0.016, METAL)
    elif "dumbbells" in props:  # one in each hand
        for side in "lr":
            grip = 0.5 * (j[f"wrist_{side}"] + j[f"hand_{side}"])
            add(grip + 0.14 * j["left"], grip - 0.14 * j["left"], 0.05, 0.05, METAL)
    elif "dumbbell" in props:
        grip = 0.5 * (j[f"wrist_{prop_side}"] + j[f"hand_{prop_side}"])
        half = 0.14 * j["left"]
        add(grip + half, grip - half, 0.05, 0.05, METAL)
    elif "handle" in props:  # a short cable-row handle held in both hands
        mid = 0.25 * (j["wrist_l"] + j["wrist_r"] + j["hand_l"] + j["hand_r"])
        half = 0.12 * j["left"]
        add(mid + half, mid - half, 0.02, 0.02, METAL)
    elif "band" in props:  # an exercise band stretched between the hands
        add(0.5 * (j["wrist_l"] + j["hand_l"]), 0.5 * (j["wrist_r"] + j["hand_r"]), 0.012, 0.012, BAND)
    return caps


#: Facial features are drawn when the face turns towards the camera by this much (cosine, ~50 deg).
#: Facing the camera they are what tells a front from a back (the pose model swaps left and right
#: on a blank head); in profile or from behind they would be a few pixels or hidden.
FACE_SHOWN = 0.64


def face_capsules(body: Body, j: Joints) -> list[Capsule]:
    """Hair, ears, eyes, brows, nose and mouth of a head facing the camera (tilted with it)."""
    head, face, up, lat = j["head"], j["face"], j["head_up"], j["head_left"]
    k = body.r_head / 0.105
    caps = [Capsule(head + k * (0.1 * face + 0.005 * up), head + k * (0.106 * face - 0.025 * up), 0.011 * k,
                    0.013 * k, NOSE),
            Capsule(head + k * (0.09 * face - 0.05 * up - 0.02 * lat),
                    head + k * (0.09 * face - 0.05 * up + 0.02 * lat), 0.007 * k, 0.007 * k, LIPS)]
    # Hair on the crown and a fringe: the hairline is what shows the head's tilt from the front.
    crown = head + k * (0.035 * up - 0.01 * face)
    caps += [Capsule(crown, crown, 0.095 * k, 0.095 * k, HAIR),
             Capsule(head + k * (0.07 * face + 0.066 * up - 0.05 * lat),
                     head + k * (0.07 * face + 0.066 * up + 0.05 * lat), 0.02 * k, 0.02 * k, HAIR)]
    for sign in (1.0, -1.0):
        ear = head + k * (-0.01 * face + 0.098 * sign * lat)
        caps.append(Capsule(ear + 0.022 * k * up, ear - 0.018 * k * up, 0.016 * k, 0.014 * k, EARS))
        eye = head + k * (0.088 * face + 0.025 * up + sign * 0.035 * lat)
        caps.append(Capsule(eye, eye, 0.011 * k, 0.011 * k, EYES))
        brow = head + k * (0.09 * face + 0.048 * up + sign * 0.035 * lat)
        caps.append(Capsule(brow - 0.012 * k * lat, brow + 0.012 * k * lat, 0.005 * k, 0.005 * k, HAIR))
    return caps


def _draw_capsule(img: np.ndarray, a: np.ndarray, b: np.ndarray, ra: float, rb: float,
                  colour: np.ndarray) -> None:
    """One shaded tapered capsule in pixel coordinates."""
    d = b - a
    n = float(np.hypot(*d))
    normal = np.array([-d[1], d[0]]) / n if n > 1e-6 else np.array([0.0, 1.0])
    for scale, offset, bright in _LAYERS:
        pa, pb = a + _LIGHT * offset * ra, b + _LIGHT * offset * rb
        r1, r2 = ra * scale, rb * scale
        c = tuple(int(v) for v in np.clip(colour * bright, 0, 255))
        if n > 1e-6:
            quad = np.array([pa + normal * r1, pb + normal * r2, pb - normal * r2, pa - normal * r1])
            cv2.fillConvexPoly(img, np.round(quad * _ONE).astype(np.int32), c, cv2.LINE_AA, _SHIFT)
        for p, r in ((pa, r1), (pb, r2)):
            cv2.circle(img, (int(round(p[0] * _ONE)), int(round(p[1] * _ONE))), max(int(round(r * _ONE)), 1),
                       c, -1, cv2.LINE_AA, _SHIFT)


def _clip_near(poly: np.ndarray, camera: Camera, near: float = 0.2) -> np.ndarray:
    """Keep the part of a world polygon in front of the camera (one-plane Sutherland–Hodgman)."""
    depth = camera.to_camera(poly)[:, 2]
    out = []
    for i in range(len(poly)):
        p, q, dp, dq = poly[i], poly[(i + 1) % len(poly)], depth[i], depth[(i + 1) % len(poly)]
        if dp >= near:
            out.append(p)
        if (dp >= near) != (dq >= near):
            out.append(p + (q - p) * (near - dp) / (dq - dp))
    return np.array(out)


def _fill_world_polygon(img: np.ndarray, camera: Camera, poly: np.ndarray, colour: tuple[int, int, int]) -> None:
    poly = _clip_near(poly, camera)
    if len(poly) < 3:
        return
    uv, _ = camera.project(poly)
    uv = np.clip(uv, -1e4, 1e4)
    cv2.fillPoly(img, [np.round(uv * _ONE).astype(np.int32)], colour, cv2.LINE_AA, _SHIFT)


def background(camera: Camera, centre: np.ndarray, mat: bool = True) -> np.ndarray:
    """The empty scene: wall, floor and an exercise mat under ``centre`` (world x, z)."""
    w, h = camera.size
    img = np.empty((h, w, 3), np.uint8)
    # A soft vertical gradient on the wall, so the scene is not a flat colour.
    ramp = np.linspace(0.9, 1.05, h)[:, None, None]
    img[:] = np.clip(np.array(WALL, float)[None, None] * ramp, 0, 255).astype(np.uint8)
    cx, cz = float(centre[0]), float(centre[2])
    big = 6.0
    floor = np.array([[cx - big, 0, cz - 3.0], [cx + big, 0, cz - 3.0], [cx + big, 0, cz + big],
                      [cx - big, 0, cz + big]])
    _fill_world_polygon(img, camera, floor, FLOOR)
    if mat:
        mx, mz = 1.0, 0.35
        mat_poly = np.array([[cx - mx, 0.005, cz - mz], [cx + mx, 0.005, cz - mz], [cx + mx, 0.005, cz + mz],
                             [cx - mx, 0.005, cz + mz]])
        _fill_world_polygon(img, camera, mat_poly, MAT)
    return img


class Renderer:
    """Draws frames of one clip (fixed camera and background)."""

    def __init__(self, camera: Camera, body: Body, centre: np.ndarray, figure: str = "volume",
                 prop: str | None = None, prop_side: str = "l") -> None:
        if figure not in FIGURES:
            raise ValueError(f"figure must be one of {FIGURES}, got {figure!r}")
        self.camera, self.body, self.figure, self.prop, self.prop_side = camera, body, figure, prop, prop_side
        self._background = background(camera, centre)
        self._depth_mid = float(np.linalg.norm(np.subtract(camera.target, camera.position)))

    def draw(self, j: Joints) -> np.ndarray:
        """The BGR image of one frame."""
        return self._soften(self._draw_sharp(j))

    @staticmethod
    def _soften(img: np.ndarray) -> np.ndarray:
        # A real lens is never pixel-sharp; a light blur also cuts the mp4 size by about a third
        # (OpenCV's mp4v writer encodes at a fixed high quality, so sharp edges cost bits).
        return cv2.GaussianBlur(img, (3, 3), 0)

    def _draw_sharp(self, j: Joints) -> np.ndarray:
        img = self._background.copy()
        if self.figure == "none":
            return img
        if self.figure == "stick":
            return self._draw_stick(img, j)
        caps = body_capsules(self.body, j, self.prop, self.prop_side)
        to_camera = np.subtract(self.camera.position, j["head"])
        if float(np.dot(j["face"], to_camera)) > FACE_SHOWN * float(np.linalg.norm(to_camera)):
            caps += face_capsules(self.body, j)
        ends = np.array([[c.a, c.b] for c in caps])
        uv, depth = self.camera.project(ends)
        order = np.argsort(-depth.mean(axis=1), kind="stable")
        f = self.camera.focal
        for i in order:
            c = caps[i]
            shade = float(np.clip(1.0 - 0.9 * (depth[i].mean() - self._depth_mid), 0.72, 1.12))
            _draw_capsule(img, uv[i, 0], uv[i, 1], f * c.ra / max(depth[i, 0], 0.05),
                          f * c.rb / max(depth[i, 1], 0.05), np.array(c.colour, float) * shade)
        return img

    def _draw_stick(self, img: np.ndarray, j: Joints) -> np.ndarray:
        pairs = [("neck", "pelvis"), ("shoulder_l", "shoulder_r"), ("hip_l", "hip_r"), ("neck", "head")]
        for s in "lr":
            pairs += [(f"shoulder_{s}", f"elbow_{s}"), (f"elbow_{s}", f"wrist_{s}"), (f"hip_{s}", f"knee_{s}"),
                      (f"knee_{s}", f"ankle_{s}"), (f"ankle_{s}", f"toe_{s}")]
        for a, b in pairs:
            (pa, pb), _ = self.camera.project(np.array([j[a], j[b]]))
            cv2.line(img, tuple(int(v) for v in pa), tuple(int(v) for v in pb), (30, 30, 30), 2, cv2.LINE_AA)
        (ph,), (dh,) = self.camera.project(j["head"][None])
        cv2.circle(img, (int(ph[0]), int(ph[1])), int(self.camera.focal * 0.09 / dh), (30, 30, 30), 2, cv2.LINE_AA)
        return img
