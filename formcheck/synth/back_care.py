"""The back-care programme's exercises as keyframed motions (data for :class:`~formcheck.synth.keyframes.Move`).

Each entry gives the posture, the channels at rest and at the top, and what each fault
changes. Ranges are anatomical goals from the programmes: a prone raise lifts the hands
~15-20 cm off the floor; a back extension lifts the chest ~15 deg; a neck stretch tilts the
head ~35-40 deg; a shoulder-blade squeeze draws the shoulders back ~3-4 cm. Faults are the
compensations a physiotherapist cues: the chest lifting with the arms, the neck cranked up,
the shoulders shrugged, the arms sagging in a pull-apart or the elbows dropping in a face
pull, the torso rocking in a row, the hips staying high in child's pose, the face turning or
the trunk leaning in a neck stretch.

Example:
    >>> sorted(MOVES)[:2]
    ['back_extension', 'band_pull_apart']
"""

from __future__ import annotations

from collections.abc import Mapping

from formcheck.synth.keyframes import Move, Pair

#: Prone raises: the arm's azimuth (0 = overhead, 90 = out to the side) and its lift from
#: resting on the floor (-8 deg at the shoulder) to ~12 deg above the horizontal.
_PRONE_FAULTS = {
    "chest_lifting": {"trunk": 10.0, "bend": -15.0},  # the upper body joins the lift: a superman
    "neck_cranked": {"head": 38.0},                   # chin up, looking forward
}

#: Standing pulls from the front: shoulders hitched up towards the ears.
_SHRUG = {"shrugging": {"shrug": 0.06}}


def _prone_raise(azimuth: float, lift: float = 12.0) -> Move:
    return Move("prone", {"upper_az": (azimuth, azimuth), "upper_el": (-8.0, lift)}, faults=_PRONE_FAULTS)


#: Side stretches: the face turning to the shoulder (a rotation, not a side bend), the trunk
#: leaning with the head.
_STRETCH_FAULTS = {"head_turning": {"head_turn": 40.0}, "trunk_leaning": {"side_bend": 16.0}}


def _side_stretch(keys: Mapping[str, Pair] | None = None, arms: str = "rest", one_arm: bool = False) -> Move:
    """Standing, the head tilts towards the working side (plus ``keys``)."""
    return Move("standing", {"head_tilt": (0.0, 38.0), **(keys or {})}, arms=arms, one_arm=one_arm,
                faults=_STRETCH_FAULTS)


#: Spec id → motion.
MOVES: dict[str, Move] = {
    # Floor back extension: hands at the temples, chest lifted ~15 deg; overextending arches
    # the trunk ~40 deg above the legs.
    "back_extension": Move(
        "prone", {"trunk": (0.0, 9.0), "bend": (0.0, -12.0), "hand_up": (-0.03, -0.03), "hand_out": (0.1, 0.1),
                  "pole_fwd": (-0.3, -0.3), "pole_up": (0.0, 0.0), "pole_out": (1.0, 1.0)},
        arms="reach", anchor="head",
        faults={"overextending": {"trunk": 16.0, "bend": -22.0}, "neck_cranked": {"head": 38.0}}),
    "prone_y_raise": _prone_raise(35.0),
    "prone_t_raise": _prone_raise(75.0),  # out to the sides, hands a little ahead of the shoulders
    # W: elbows bent at the sides (upper arm out and towards the hips), forearms towards the head.
    "prone_w_raise": Move("prone", {"upper_az": (135.0, 135.0), "upper_el": (-8.0, 16.0),
                                    "lower_az": (20.0, 20.0), "lower_el": (0.0, 12.0)}, faults=_PRONE_FAULTS),
    # A small lift of straight arms overhead, held: the shoulder blades set down and back.
    "prone_scapular_squeeze": _prone_raise(25.0, lift=10.0),
    # Standing tall, arms relaxed: the shoulders draw back (and a little down).
    "shoulder_blade_squeeze": Move("standing", {"retract": (0.0, 0.035), "shrug": (0.0, -0.01)}, arms="rest",
                                   faults=_SHRUG),
    # Straight arms from in front at shoulder height out to a T; the fault pulls the band
    # down towards the hips instead.
    "band_pull_apart": Move("standing", {"upper_az": (6.0, 82.0), "upper_el": (0.0, 0.0)},
                            faults={"arms_low": {"upper_el": -40.0}, **_SHRUG}),
    # Hands from arm's length at face height to beside the ears, elbows out and high; the
    # fault pulls with the elbows down (a row to the chin).
    "face_pull": Move(
        "standing", {"hand_fwd": (0.62, 0.02), "hand_up": (0.08, 0.2), "hand_out": (-0.12, 0.05),
                     "pole_fwd": (-0.2, -0.2), "pole_up": (0.35, 0.35), "pole_out": (1.0, 1.0)},
        arms="reach", faults={"elbows_low": {"pole_up": -2.6, "pole_out": -0.8, "hand_up": -0.2}, **_SHRUG}),
    # Sitting on the floor, feet on a plate: the handle from arm's length to the belly, elbows back.
    "seated_row": Move(
        "seated", {"hand_fwd": (0.52, 0.2), "hand_up": (-0.2, -0.36), "hand_out": (-0.08, -0.06),
                   "pole_fwd": (-1.0, -1.0), "pole_up": (-0.6, -0.6)},
        arms="reach", faults={"torso_swinging": {"trunk": 22.0}}),
    # From all fours, sit back onto the heels, chest to the thighs, hands stay planted.
    "childs_pose": Move(
        "child", {"fold": (0.0, 1.0), "head": (0.0, -10.0), "hand_fwd": (0.62, 0.62), "hand_up": (0.035, 0.035),
                  "hand_out": (0.14, 0.14)},
        arms="reach", anchor="world", faults={"hips_lifted": {"fold": -0.5}}),
    "neck_stretch": _side_stretch(arms="rest"),
    # The working hand over the head to the far ear draws the head down, chin slightly in.
    "upper_trap_stretch": _side_stretch(
        keys={"head": (0.0, -10.0), "hand_fwd": (0.02, 0.04), "hand_up": (-0.56, 0.3), "hand_out": (0.04, -0.06),
              "pole_fwd": (-0.3, 0.2), "pole_up": (-1.0, 0.6), "pole_out": (0.2, 1.0)},
        arms="reach", one_arm=True),
    # Standing, hands behind the head, elbows wide: the upper back extends, eyes up a little;
    # the fault leans the whole trunk back from the hips instead.
    "thoracic_extension": Move(
        "standing", {"bend": (0.0, -24.0), "head": (0.0, 10.0), "hand_fwd": (-0.09, -0.09), "hand_up": (0.02, 0.02),
                     "hand_out": (0.06, 0.06), "pole_fwd": (0.4, 0.4), "pole_up": (0.3, 0.3), "pole_out": (1.0, 1.0)},
        arms="reach", anchor="head", faults={"lower_back_arching": {"trunk": 18.0}}),
}

#: Spec id → other settings the spec admits, each a motion: the back extension over a 45-degree
#: bench (back_extension.yaml) hangs ~50 deg below level at rest and lifts until the body is straight
#: (~40 deg above level), hands at the temples as on the floor, or hanging with weights.
_BENCH_EXTENSION = {"trunk": (-50.0, 40.0), "bend": (0.0, -12.0)}
_EXTENSION_FAULTS = {"overextending": {"trunk": 16.0, "bend": -22.0}, "neck_cranked": {"head": 38.0}}
SETTINGS: dict[str, dict[str, Move]] = {
    "back_extension": {
        "bench": Move("bench", {**_BENCH_EXTENSION, "hand_up": (-0.03, -0.03), "hand_out": (0.1, 0.1),
                                "pole_fwd": (-0.3, -0.3), "pole_up": (0.0, 0.0), "pole_out": (1.0, 1.0)},
                      arms="reach", anchor="head", faults=_EXTENSION_FAULTS),
        # Loaded with a dumbbell or plate in each hand: the arms hang straight down throughout (what the
        # arms do does not make it another exercise; the trunk over the anchored legs does).
        "bench_weights": Move("bench", _BENCH_EXTENSION, arms="rest", faults=_EXTENSION_FAULTS)},
    # The face pull done bent over with dumbbells (face_pull.yaml's other setup): hinged ~50 deg on soft
    # knees, the arms hang under the shoulders and pull the hands up beside the head, elbows out to the
    # sides at shoulder height; the faults as standing (elbows tucked low: a row).
    "face_pull": {"bent_over": Move(
        "hinge", {"trunk": (-50.0, -50.0), "knee": (20.0, 20.0), "hand_fwd": (0.04, 0.16), "hand_up": (-0.56, -0.02),
                  "hand_out": (0.0, 0.14), "pole_fwd": (-0.2, -0.2), "pole_up": (-1.0, 0.35), "pole_out": (0.3, 1.0)},
        arms="reach", faults={"elbows_low": {"pole_up": -2.6, "pole_out": -0.8, "hand_up": -0.2}, **_SHRUG})},
}
