"""Generator joints → the 33 MediaPipe landmarks, as :class:`~formcheck.records.frame.PoseFrame` records.

The skeleton models joint centres, the head and the hands/feet; the other
landmarks are placed where MediaPipe puts them relative to those (eyes, ears
and mouth on the head; index, pinky and thumb on the hand; heel and toes on
the foot). Coordinates follow the PoseFrame contract:

- ``image``: x, y normalised by the frame size; z = depth relative to the hip
  midpoint, on the scale of x (depth offset × focal / (hip depth × width)).
- ``world``: metres, origin at the hip midpoint, camera axes (x right, y down,
  z away from the camera), as MediaPipe's world landmarks.
- ``visibility``: 1 for the side nearer the camera, 0.8 for the far side.

Note these are anatomical joint centres: MediaPipe's hips sit a little wider
and higher and its shoulders nearer the body's outline, so compare with a
tolerance (see :mod:`formcheck.synth.validate`).
"""

from __future__ import annotations

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import NUM_LANDMARKS, Landmark
from formcheck.synth.camera import Camera
from formcheck.synth.skeleton import Joints

FAR_VISIBILITY = 0.8

_DIRECT = {
    "SHOULDER": "shoulder", "ELBOW": "elbow", "WRIST": "wrist", "HIP": "hip", "KNEE": "knee",
    "ANKLE": "ankle", "HEEL": "heel", "FOOT_INDEX": "toe",
}


def landmark_points(j: Joints) -> np.ndarray:
    """``(33, 3)`` world positions of the MediaPipe landmarks for one frame of joints."""
    out = np.zeros((NUM_LANDMARKS, 3))
    head, face, up, head_left, left = j["head"], j["face"], j["head_up"], j["head_left"], j["left"]
    out[Landmark.NOSE] = head + 0.10 * face - 0.01 * up
    for sign, side in ((1.0, "LEFT"), (-1.0, "RIGHT")):
        lat, head_lat = sign * left, sign * head_left  # the face tilts with the head, the hands do not
        out[Landmark[f"{side}_EYE_INNER"]] = head + 0.085 * face + 0.03 * up + 0.016 * head_lat
        out[Landmark[f"{side}_EYE"]] = head + 0.08 * face + 0.03 * up + 0.033 * head_lat
        out[Landmark[f"{side}_EYE_OUTER"]] = head + 0.072 * face + 0.03 * up + 0.048 * head_lat
        out[Landmark[f"{side}_EAR"]] = head - 0.005 * face + 0.01 * up + 0.075 * head_lat
        out[Landmark[f"MOUTH_{side}"]] = head + 0.085 * face - 0.045 * up + 0.024 * head_lat
        s = "l" if sign > 0 else "r"
        for name, joint in _DIRECT.items():
            out[Landmark[f"{side}_{name}"]] = j[f"{joint}_{s}"]
        wrist, tip = j[f"wrist_{s}"], j[f"hand_{s}"]
        along = tip - wrist
        out[Landmark[f"{side}_INDEX"]] = wrist + 0.9 * along - 0.02 * lat
        out[Landmark[f"{side}_PINKY"]] = wrist + 0.75 * along + 0.025 * lat
        out[Landmark[f"{side}_THUMB"]] = wrist + 0.45 * along - 0.035 * lat
    return out


def _left_landmarks() -> np.ndarray:
    return np.array(["LEFT" in lm.name for lm in Landmark])


_IS_LEFT = _left_landmarks()
_IS_RIGHT = np.array(["RIGHT" in lm.name for lm in Landmark])


def to_pose_frame(points: np.ndarray, camera: Camera, t: float, index: int) -> PoseFrame:
    """One frame of landmark world positions (33, 3) seen by ``camera``."""
    w, _ = camera.size
    uv, depth = camera.project(points)
    hip_mid = 0.5 * (points[Landmark.LEFT_HIP] + points[Landmark.RIGHT_HIP])
    (hip_uv, hip_depth) = camera.project(hip_mid[None])
    image = np.empty((NUM_LANDMARKS, 3))
    image[:, :2] = uv / np.array(camera.size, dtype=float)
    image[:, 2] = (depth - hip_depth[0]) * camera.focal / (hip_depth[0] * w)
    world = camera.to_camera(points) - camera.to_camera(hip_mid[None])[0]
    left_nearer = depth[Landmark.LEFT_SHOULDER] + depth[Landmark.LEFT_HIP] <= (
        depth[Landmark.RIGHT_SHOULDER] + depth[Landmark.RIGHT_HIP])
    far = _IS_RIGHT if left_nearer else _IS_LEFT
    visibility = np.where(far, FAR_VISIBILITY, 1.0)
    return PoseFrame(t=t, image_wh=camera.size, image=image, world=world, visibility=visibility,
                     presence=np.ones(NUM_LANDMARKS), num_people=1, index=index)
