"""Does the real pose model see the synthetic figure where the generator put it?

For each clip, the real :class:`~formcheck.pose.estimator.PoseEstimator` (VIDEO mode)
runs on the decoded mp4 and its landmarks are compared with the generator's
(``clip.npz``). Per clip:

- ``detected``: share of frames where the model found a person;
- ``within``: share of *all* frames where each of the 12 key joints
  (shoulders, elbows, wrists, hips, knees, ankles) is within ``tolerance``
  torso lengths of the truth (torso length = distance between the shoulder
  midpoint and the hip midpoint of the ground truth, in image pixels);
- ``mean_error``: mean key-joint error in torso lengths over detected frames;
- ``within_lr``: as ``within`` but forgiving a whole-body left/right swap
  (side views make the two sides hard to tell; reported, not asserted).

Run on a folder: ``python -m formcheck.synth.validate sample_videos``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.records.frame import PoseFrame
from formcheck.records.landmarks import Landmark, mirror

KEY_JOINTS: tuple[Landmark, ...] = tuple(
    Landmark[f"{side}_{name}"] for name in ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")
    for side in ("LEFT", "RIGHT"))
_SWAPPED = [int(mirror(lm)) for lm in KEY_JOINTS]
_KEY = [int(lm) for lm in KEY_JOINTS]


@dataclass(frozen=True)
class ClipAccuracy:
    """Agreement of the model's landmarks with the generator's on one clip."""

    name: str
    frames: int
    detected: float
    within: float
    within_lr: float
    mean_error: float
    worst_joint: str

    def row(self) -> str:
        return (f"{self.name:<34} {self.frames:>6} {100 * self.detected:>8.1f} {100 * self.within:>8.1f} "
                f"{100 * self.within_lr:>9.1f} {self.mean_error:>8.3f}  {self.worst_joint}")


HEADER = f"{'clip':<34} {'frames':>6} {'detect%':>8} {'within%':>8} {'within_lr%':>9} {'mean_err':>8}  worst joint"


def compare(name: str, predicted: Sequence[PoseFrame], truth: Sequence[PoseFrame],
            tolerance: float = 0.25) -> ClipAccuracy:
    """Compare model frames with ground-truth frames (same length, same order)."""
    n = min(len(predicted), len(truth))
    if n == 0:
        return ClipAccuracy(name, 0, 0.0, 0.0, 0.0, float("nan"), "-")
    found = np.array([f.has_person for f in predicted[:n]])
    gt = np.stack([f.pixels() for f in truth[:n]])
    pred = np.stack([f.pixels() if f.has_person else np.full((33, 2), np.nan) for f in predicted[:n]])
    torso = np.linalg.norm(0.5 * (gt[:, 11] + gt[:, 12]) - 0.5 * (gt[:, 23] + gt[:, 24]), axis=1)
    err = np.linalg.norm(pred[:, _KEY] - gt[:, _KEY], axis=2) / torso[:, None]
    err_lr = np.linalg.norm(pred[:, _SWAPPED] - gt[:, _KEY], axis=2) / torso[:, None]
    ok = found & np.all(err <= tolerance, axis=1)
    ok_lr = found & (ok | np.all(err_lr <= tolerance, axis=1))
    if found.any():
        per_joint = np.nanmean(err[found], axis=0)
        mean_error = float(np.nanmean(err[found]))
        worst = f"{KEY_JOINTS[int(np.nanargmax(per_joint))].name.lower()} {np.nanmax(per_joint):.2f}"
    else:
        mean_error, worst = float("nan"), "-"
    return ClipAccuracy(name, n, float(found.mean()), float(ok.mean()), float(ok_lr.mean()), mean_error, worst)


def model_frames(video: str | Path, model_path: str | Path | None = None) -> list[PoseFrame]:
    """Run the real pose model (VIDEO mode) over every frame of ``video``."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.sources import VideoFileSource

    with VideoFileSource(str(video)) as src, PoseEstimator(model_path) as pose:
        return [pose.process(image, t) for image, t in src]


def evaluate_clip(video: str | Path, model_path: str | Path | None = None, tolerance: float = 0.25) -> ClipAccuracy:
    """Model-vs-generator accuracy of one sample clip (its ``.npz`` must sit beside it)."""
    from formcheck.pose.landmarks_file import load_landmarks

    video = Path(video)
    truth, _ = load_landmarks(video.with_suffix(".npz"))
    return compare(video.stem, model_frames(video, model_path), truth, tolerance)


def evaluate_folder(folder: str | Path, model_path: str | Path | None = None,
                    tolerance: float = 0.25) -> list[ClipAccuracy]:
    """Accuracy of every ``*.mp4`` with a ``.npz`` beside it in ``folder``, printed as it goes."""
    rows = []
    print(HEADER, flush=True)
    for video in sorted(Path(folder).glob("*.mp4")):
        if video.with_suffix(".npz").is_file():
            rows.append(evaluate_clip(video, model_path, tolerance))
            print(rows[-1].row(), flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="sample_videos")
    parser.add_argument("--tolerance", type=float, default=0.25, help="in torso lengths")
    args = parser.parse_args(argv)
    rows = evaluate_folder(args.folder, tolerance=args.tolerance)
    if rows:
        print(f"{'all':<34} {sum(r.frames for r in rows):>6} "
              f"{100 * np.mean([r.detected for r in rows]):>8.1f} {100 * np.mean([r.within for r in rows]):>8.1f} "
              f"{100 * np.mean([r.within_lr for r in rows]):>9.1f} {np.mean([r.mean_error for r in rows]):>8.3f}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
