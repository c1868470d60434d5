"""Which sample clip the app tests use (shared by the AppTest and browser tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

#: Rep exercises in order of preference for app tests (the first with a clean clip wins).
PREFERRED = ("glute_bridge", "bent_over_row", "superman", "deadlift", "one_arm_row", "bird_dog")


def pick_sample(folder: Path) -> tuple[Path, dict[str, Any]]:
    """The clean side-view clip of the first preferred rep exercise that has one.

    Side view, no labelled faults: the plain case every user meets first. The
    choice depends on the labels only, never on what formcheck counts.
    """
    found = []
    for label_path in folder.glob("*.json"):
        label = json.loads(label_path.read_text())
        clip = folder / str(label.get("clip", ""))
        if label.get("exercise") in PREFERRED and clip.is_file() and label.get("view") == "side" \
                and not label.get("faults"):
            found.append((PREFERRED.index(label["exercise"]), label.get("frame_count") or 0, clip.name, clip, label))
    if not found:
        pytest.skip("no clean side-view sample clip of a rep exercise")
    best = min(found)
    return best[3], best[4]


def complete_reps(label: dict[str, Any]) -> int:
    """Complete reps in a label dict."""
    return sum(1 for r in label.get("reps", []) if r.get("complete", True))
