"""Small builders shared by tests (no model, no video decoding)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_video(path: Path, frames: int = 12, size: tuple[int, int] = (64, 48), fps: float = 10.0,
                painter=None) -> Path:  # type: ignore[no-untyped-def]
    """Write a small mp4v clip; ``painter(i) -> image`` draws frame i (default: a moving bar)."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for i in range(frames):
        if painter is not None:
            image = painter(i)
        else:
            image = np.full((h, w, 3), 40, np.uint8)
            image[:, (i * 3) % w] = 255
        writer.write(image)
    writer.release()
    return path
