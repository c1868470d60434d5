"""The table of exercises the generator knows: script, kind, faults and default tempo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from formcheck.synth.back_care import MOVES, SETTINGS
from formcheck.synth.extras import biceps_curl, cat_cow, good_morning, lunge, single_leg_rdl, squat
from formcheck.synth.idle import idle
from formcheck.synth.motions import (
    PoseFn,
    alternating_superman,
    bent_over_row,
    bird_dog,
    chest_supported_row,
    deadlift,
    glute_bridge,
    glute_bridge_hold,
    hip_thrust,
    incline_t_raise,
    one_arm_row,
    plank,
    push_up,
    superman,
)


@dataclass(frozen=True)
class Exercise:
    """One exercise's script and defaults.

    Attributes:
        id: Spec id (``None`` label for ``idle``).
        kind: ``"reps"``, ``"hold"`` or ``"idle"``.
        pose: Pose function.
        faults: Fault ids this script can show (``partial_rep`` and
            ``too_fast`` are added for rep exercises).
        alternating: Reps (or holds) alternate sides (label ``side`` per rep or hold).
        sided: Has a working side (``--side``); the label records it.
        tempo: Default (up, hold at top, down, rest between reps) seconds.
        reps: Default number of reps (hold exercises: hold seconds).
        prop: ``"bar"``, ``"dumbbell"`` (the working hand), ``"dumbbells"``, ``"handle"``, ``"band"``,
            ``"bench+bar"`` (a bench under the shoulder blades and a bar) or None.
        settings: Other settings the exercise's spec admits, by name (``bench``: a back extension
            over a 45-degree bench, a row with the chest on an incline bench; ``alternating``: a
            superman lifting one arm and the opposite leg at a time), each a pose function.
    """

    id: str
    kind: str
    pose: PoseFn
    faults: tuple[str, ...] = ()
    alternating: bool = False
    sided: bool = False
    tempo: tuple[float, float, float, float] = (1.2, 0.8, 1.2, 0.6)
    reps: int = 5
    prop: str | None = None
    settings: Mapping[str, PoseFn] = field(default_factory=dict)

    @property
    def all_faults(self) -> tuple[str, ...]:
        return self.faults + (("partial_rep", "too_fast") if self.kind == "reps" else ())


#: Other settings of the prone raises their specs admit: the T raise with the chest on an incline bench.
_PRONE_RAISE_SETTINGS: dict[str, Mapping[str, PoseFn]] = {"prone_t_raise": {"bench": incline_t_raise}}

EXERCISES: dict[str, Exercise] = {e.id: e for e in (
    Exercise("glute_bridge", "reps", glute_bridge, ("hips_low",), tempo=(1.1, 0.9, 1.2, 0.5), reps=3),
    Exercise("bird_dog", "reps", bird_dog, ("hips_rotating", "limb_not_horizontal"), alternating=True,
             sided=True, tempo=(1.0, 1.0, 1.0, 0.5), reps=4),
    Exercise("superman", "reps", superman, ("neck_cranked",), tempo=(1.0, 0.7, 1.0, 0.5), reps=4,
             settings={"alternating": alternating_superman}),
    Exercise("superman_hold", "hold", superman, ("neck_cranked",), tempo=(1.5, 7.0, 1.5, 0.0), reps=1),
    Exercise("bent_over_row", "reps", bent_over_row, ("torso_rising", "rounded_back"),
             tempo=(0.9, 0.4, 1.1, 0.5), reps=4, prop="bar", settings={"bench": chest_supported_row}),
    Exercise("one_arm_row", "reps", one_arm_row, ("torso_rising", "rounded_back"), sided=True,
             tempo=(0.9, 0.4, 1.1, 0.5), reps=4, prop="dumbbell"),
    Exercise("plank", "hold", plank, ("hips_sagging", "hips_piked"), tempo=(1.8, 8.0, 1.5, 0.0), reps=1),
    Exercise("deadlift", "reps", deadlift, ("rounded_back",), tempo=(1.3, 0.7, 1.5, 0.7), reps=3, prop="bar"),
    # The back-care catalogue (keyframed motions in back_care.py); three reps or a short hold
    # each keep the sample clips short.
    Exercise("back_extension", "reps", MOVES["back_extension"], ("overextending", "neck_cranked"),
             tempo=(1.0, 0.8, 1.0, 0.6), reps=3, settings=SETTINGS["back_extension"]),
    *(Exercise(name, "reps", MOVES[name], ("chest_lifting", "neck_cranked"), tempo=(0.9, 1.0, 0.9, 0.5), reps=3,
               settings=_PRONE_RAISE_SETTINGS.get(name, {}))
      for name in ("prone_y_raise", "prone_t_raise", "prone_w_raise")),
    Exercise("prone_scapular_squeeze", "reps", MOVES["prone_scapular_squeeze"], ("neck_cranked", "chest_lifting"),
             tempo=(0.9, 2.5, 0.9, 0.6), reps=3),
    Exercise("shoulder_blade_squeeze", "reps", MOVES["shoulder_blade_squeeze"], ("shrugging",),
             tempo=(0.9, 2.0, 0.9, 0.7), reps=3),
    Exercise("band_pull_apart", "reps", MOVES["band_pull_apart"], ("arms_low", "shrugging"),
             tempo=(1.0, 0.5, 1.0, 0.5), reps=3, prop="band"),
    Exercise("face_pull", "reps", MOVES["face_pull"], ("elbows_low", "shrugging"), tempo=(1.0, 0.6, 1.0, 0.5), reps=3,
             settings=SETTINGS["face_pull"]),
    Exercise("seated_row", "reps", MOVES["seated_row"], ("torso_swinging",), tempo=(1.0, 0.5, 1.2, 0.5), reps=3,
             prop="handle"),
    Exercise("thoracic_extension", "reps", MOVES["thoracic_extension"], ("lower_back_arching",),
             tempo=(1.1, 0.8, 1.1, 0.6), reps=3),
    Exercise("childs_pose", "hold", MOVES["childs_pose"], ("hips_lifted",), tempo=(2.0, 6.0, 1.5, 0.0), reps=1),
    *(Exercise(name, "hold", MOVES[name], ("head_turning", "trunk_leaning"), alternating=True, sided=True,
               tempo=(1.0, 3.0, 1.0, 0.6), reps=2) for name in ("neck_stretch", "upper_trap_stretch")),
    # Demos only (no sample video): cat-cow and the strength extras (extras.py), the push-up and hip
    # thrust beside the plank and bridge they vary, the bridge held like the superman.
    Exercise("cat_cow", "reps", cat_cow, tempo=(2.0, 0.6, 2.0, 0.4), reps=3),
    Exercise("squat", "reps", squat, ("torso_too_forward",), tempo=(1.4, 0.4, 1.1, 0.6), reps=3),
    Exercise("lunge", "reps", lunge, ("torso_too_forward",), alternating=True, sided=True,
             tempo=(1.4, 0.4, 1.3, 0.5), reps=4),
    Exercise("push_up", "reps", push_up, ("hips_sagging", "hips_piked"), tempo=(1.3, 0.3, 1.0, 0.6), reps=3),
    Exercise("hip_thrust", "reps", hip_thrust, ("hips_low",), tempo=(1.1, 1.0, 1.2, 0.5), reps=3, prop="bench+bar"),
    Exercise("good_morning", "reps", good_morning, ("rounded_back",), tempo=(1.5, 0.6, 1.4, 0.6), reps=3),
    Exercise("single_leg_rdl", "reps", single_leg_rdl, ("free_leg_low", "rounded_back"), sided=True,
             tempo=(1.5, 0.6, 1.4, 0.6), reps=3, prop="dumbbells"),
    Exercise("biceps_curl", "reps", biceps_curl, ("elbows_drifting", "torso_swinging"), tempo=(1.0, 0.5, 1.5, 0.5),
             reps=3, prop="dumbbells"),
    Exercise("glute_bridge_hold", "hold", glute_bridge_hold, ("hips_low",), tempo=(1.5, 7.0, 1.5, 0.0), reps=1),
    Exercise("idle", "idle", idle, reps=0),
)}
