"""Hand-made feedback records and pose frames for sink tests (no model, no tracker)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from formcheck.records.feedback import Cue, Feedback, Hold, RepRecord, SetSummary
from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark

# A person standing side-on, in normalised image coordinates (x right, y down).
_POSE = {
    Landmark.NOSE: (0.50, 0.18), Landmark.LEFT_EAR: (0.49, 0.17), Landmark.RIGHT_EAR: (0.51, 0.17),
    Landmark.LEFT_SHOULDER: (0.48, 0.28), Landmark.RIGHT_SHOULDER: (0.52, 0.28),
    Landmark.LEFT_ELBOW: (0.46, 0.42), Landmark.RIGHT_ELBOW: (0.54, 0.42),
    Landmark.LEFT_WRIST: (0.46, 0.55), Landmark.RIGHT_WRIST: (0.54, 0.55),
    Landmark.LEFT_HIP: (0.49, 0.55), Landmark.RIGHT_HIP: (0.51, 0.55),
    Landmark.LEFT_KNEE: (0.49, 0.72), Landmark.RIGHT_KNEE: (0.51, 0.72),
    Landmark.LEFT_ANKLE: (0.49, 0.88), Landmark.RIGHT_ANKLE: (0.51, 0.88),
    Landmark.LEFT_HEEL: (0.48, 0.90), Landmark.RIGHT_HEEL: (0.50, 0.90),
    Landmark.LEFT_FOOT_INDEX: (0.53, 0.90), Landmark.RIGHT_FOOT_INDEX: (0.55, 0.90),
}


def person_frame(t: float = 1.0, wh: tuple[int, int] = (640, 360), index: int = 0) -> PoseFrame:
    """A frame with one fully visible standing person."""
    image = np.zeros((33, 3), np.float32)
    image[:, :2] = _POSE[Landmark.NOSE]
    for lm, (x, y) in _POSE.items():
        image[lm, :2] = (x, y)
    return PoseFrame(t=t, image_wh=wh, image=image, world=image.copy(), visibility=np.ones(33),
                     presence=np.ones(33), index=index)


def spec(kind: str = "reps", key_features: tuple[str, ...] = ("hip_angle", "left_knee_angle", "pelvis_tilt"),
         title: str = "Glute bridge", name: str = "glute_bridge") -> SimpleNamespace:
    """The few spec fields the sinks read."""
    return SimpleNamespace(name=name, title=title, kind=kind, key_features=list(key_features))


def feedback(t: float = 1.0, reps: int = 3, cue: str | None = None, guidance: str | None = None,
             **kw: object) -> Feedback:
    cues = (Cue(id="hips_low", message=cue, priority=2, start=t - 0.5),) if cue else ()
    features = {"hip_angle": 150.0, "left_knee_angle": 95.0, "pelvis_tilt": 4.0, "neck_angle": math.nan}
    return Feedback(t=t, phase=kw.pop("phase", "ascent"), reps=reps, cues=cues,  # type: ignore[arg-type]
                    guidance=guidance, features=features, **kw)  # type: ignore[arg-type]


def rep(index: int, start: float, complete: bool = True, side: str | None = None,
        cues: tuple[str, ...] = ()) -> RepRecord:
    return RepRecord(index=index, start=start, peak=start + 1.0, end=start + 2.5, complete=complete,
                     side=side, rom=40.0 if complete else 15.0, rom_fraction=1.1 if complete else 0.4,
                     tempo_up=1.0, tempo_hold=0.5, tempo_down=1.0, cues=cues, quality=90 if not cues else 60)


def summary(reps: int = 2, notes: tuple[str, ...] = ()) -> SetSummary:
    rows = tuple(rep(i + 1, 1.0 + 3 * i, cues=("hips_low",) if i == 1 else ()) for i in range(reps))
    rows += (rep(reps + 1, 1.0 + 3 * reps, complete=False),)
    return SetSummary(
        exercise="glute_bridge", title="Glute bridge", reps=reps, reps_by_side={}, partial_reps=1,
        rep_rows=rows, holds=(Hold(start=0.5, end=4.5, good_s=3.0, lost_s=1.0, target_s=30.0),),
        cues=(Cue(id="hips_low", message="Lift your hips higher", priority=2, start=4.2, end=5.0, rep=2),),
        duration_s=12.0, frames=360, frames_with_person=350, score=80, notes=notes)
