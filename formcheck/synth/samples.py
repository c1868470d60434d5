"""The sample-video set: one recipe, rendered by ``formcheck synth --samples``.

Every clip is 8-20 s at 640x360, 15 fps, with a fixed seed, so running the
command twice gives byte-identical files. Fault clips show the fault on every
other rep (bird-dog: on the second pair of reps), so each has clean reps too.
Standing rows are filmed 25° off the side (towards the front), as real "side"
row clips often are: exactly side-on, the far arm and leg hide behind the near
ones and no pose model can place them. (The deadlift stays side-on: turned,
its bar crosses the knees and hides them instead.) Exercises done facing the
camera are filmed from the front, the shoulder-blade squeeze at 45° (the
only view where the squeeze itself shows, see its spec).

Example:
    >>> names = [name for name, _ in SAMPLES]
    >>> "glute_bridge_side" in names and "idle_side" in names
    True
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from formcheck.records.errors import OutputError
from formcheck.records.labels import ClipLabel
from formcheck.synth.generate import SynthOptions, render_clip

SEED = 20260
ROW_YAW = 25.0  # degrees off the side view for standing rows (see above)


def _o(exercise: str, **kw: object) -> SynthOptions:
    return SynthOptions(exercise=exercise, seed=SEED, **kw)  # type: ignore[arg-type]


#: (clip name, options) of every sample clip.
SAMPLES: tuple[tuple[str, SynthOptions], ...] = (
    ("bird_dog_side", _o("bird_dog")),
    ("bird_dog_side_hips_rotating", _o("bird_dog", fault="hips_rotating")),
    ("bird_dog_side_limb_not_horizontal", _o("bird_dog", fault="limb_not_horizontal")),
    ("glute_bridge_side", _o("glute_bridge")),
    ("glute_bridge_side_hips_low", _o("glute_bridge", fault="hips_low")),
    ("glute_bridge_side_partial_rep", _o("glute_bridge", fault="partial_rep")),
    ("glute_bridge_45", _o("glute_bridge", view="45")),
    ("superman_side", _o("superman")),
    ("superman_side_neck_cranked", _o("superman", fault="neck_cranked")),
    ("superman_side_too_fast", _o("superman", reps=5, fault="too_fast")),
    ("superman_hold_side", _o("superman_hold")),
    ("bent_over_row_side", _o("bent_over_row", camera_yaw=ROW_YAW)),
    ("bent_over_row_side_torso_rising", _o("bent_over_row", fault="torso_rising", camera_yaw=ROW_YAW)),
    ("one_arm_row_side", _o("one_arm_row", side="left", camera_yaw=ROW_YAW)),
    ("plank_side", _o("plank")),
    ("plank_side_hips_sagging", _o("plank", fault="hips_sagging")),
    ("plank_side_hips_piked", _o("plank", fault="hips_piked")),
    ("deadlift_side", _o("deadlift")),
    ("deadlift_side_rounded_back", _o("deadlift", fault="rounded_back")),
    # The back-care catalogue: one clip per exercise, its fault on every other rep (or in the
    # middle of the last hold), so each clip has clean reps too. Floor exercises side-on,
    # exercises filmed facing the camera from the front.
    ("back_extension_side_overextending", _o("back_extension", fault="overextending")),
    ("prone_y_raise_side_chest_lifting", _o("prone_y_raise", fault="chest_lifting")),
    ("prone_t_raise_side_chest_lifting", _o("prone_t_raise", fault="chest_lifting")),
    # Side-on, the model places the near elbow low while the chest lifts too: that rep reads as
    # half the clean reps' lift, so the faulty rep comes first, before the set's range is known.
    ("prone_w_raise_side_chest_lifting", _o("prone_w_raise", fault="chest_lifting", fault_reps=(0,))),
    ("prone_scapular_squeeze_side_neck_cranked", _o("prone_scapular_squeeze", reps=2, fault="neck_cranked")),
    ("shoulder_blade_squeeze_45_shrugging", _o("shoulder_blade_squeeze", reps=2, fault="shrugging",
                                                                    view="45")),
    ("band_pull_apart_front_arms_low", _o("band_pull_apart", fault="arms_low", view="front")),
    ("face_pull_front_elbows_low", _o("face_pull", fault="elbows_low", view="front")),
    ("seated_row_side_torso_swinging", _o("seated_row", fault="torso_swinging")),
    ("thoracic_extension_side_lower_back_arching", _o("thoracic_extension", fault="lower_back_arching")),
    ("childs_pose_side_hips_lifted", _o("childs_pose", fault="hips_lifted")),
    ("neck_stretch_front_head_turning", _o("neck_stretch", fault="head_turning", view="front")),
    ("upper_trap_stretch_front_trunk_leaning", _o("upper_trap_stretch", fault="trunk_leaning", view="front")),
    ("idle_side", _o("idle")),
)


def write_samples(folder: str | Path = "sample_videos", only: list[str] | None = None,
                  report: Callable[[str, ClipLabel], None] | None = None) -> list[ClipLabel]:
    """Render the sample set into ``folder`` (created if missing); returns the labels.

    Args:
        folder: Output folder.
        only: Clip names to render (default all).
        report: Called after each clip with its name and label.

    Raises:
        OutputError: ``folder`` cannot be created, or ``only`` names an unknown clip.
    """
    folder = Path(folder)
    names = {name for name, _ in SAMPLES}
    unknown = sorted(set(only or []) - names)
    if unknown:
        raise OutputError(f"unknown sample clip(s): {', '.join(unknown)}; choose from: {', '.join(sorted(names))}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc}") from exc
    labels = []
    for name, opts in SAMPLES:
        if only and name not in only:
            continue
        label = render_clip(opts, folder / f"{name}.mp4")
        labels.append(label)
        if report:
            report(name, label)
    return labels
