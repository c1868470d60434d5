"""Layer 1-2: the synthetic exerciser without the pose model.

Labels follow the schema, faults lie inside the clip and really show in the
motion (angles measured on the generator's own 3-D landmarks), the same seed
gives the same bytes, and the landmark-only mode writes a usable track.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.pose.landmarks_file import load_landmarks
from formcheck.records.errors import LabelError, SynthError
from formcheck.records.labels import load_label
from formcheck.records.landmarks import Landmark as L
from formcheck.synth.exercises import EXERCISES
from formcheck.synth.generate import SynthOptions, render_clip, synth_track


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _world(frames: list) -> np.ndarray:  # type: ignore[type-arg]
    return np.stack([f.world for f in frames]).astype(float)


def _side(frames: list) -> np.ndarray:  # type: ignore[type-arg]
    """World landmarks flattened onto the side camera's image plane, where form angles are judged.

    In 3-D, shoulders wider than hips bend a shoulder-hip-knee line by ~10°.
    """
    w = _world(frames)
    w[:, :, 2] = 0.0
    return w


def _mid(w: np.ndarray, a: L, b: L) -> np.ndarray:
    return 0.5 * (w[:, a] + w[:, b])


def _in(label, t: np.ndarray, start: float, end: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    return (t >= start) & (t <= end)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ALL_CASES = [(ex.id, f) for ex in EXERCISES.values() for f in (None, *ex.all_faults)]


@pytest.mark.parametrize(("exercise", "fault"), ALL_CASES)
def test_labels_are_valid_and_faults_lie_inside_the_clip(exercise: str, fault: str | None) -> None:
    frames, label = synth_track(exercise, fault=fault, seed=2)
    assert label.frame_count == len(frames) and 8.0 <= label.duration_s <= 20.0
    assert all(f.has_person for f in frames)
    assert abs(frames[-1].t - (len(frames) - 1) / label.fps) < 1e-6
    if fault:
        assert label.faults, "a fault clip labels its fault"
    for item in [*label.reps, *label.holds, *label.faults]:
        assert 0.0 <= item.start < item.end <= label.duration_s
    for fl in label.faults:
        assert fl.id == fault
        if label.reps:  # a rep fault covers exactly one of the reps
            assert any(r.start == fl.start and r.end == fl.end for r in label.reps)
    if EXERCISES[exercise].kind == "hold":  # one hold, or one per side for a stretch done to each side
        assert len(label.holds) == (2 if EXERCISES[exercise].alternating else 1) and not label.reps
        assert all(label.holds[0].start <= f.start and f.end <= label.holds[0].end for f in label.faults)
    if exercise == "idle":
        assert label.exercise is None and not label.reps and not label.holds


def test_alternating_bird_dog_labels_sides_and_one_side_variant() -> None:
    _, label = synth_track("bird_dog", reps=4, seed=1)
    assert [r.side for r in label.reps] == ["left", "right", "left", "right"]
    _, one = synth_track("bird_dog", reps=3, side="right", seed=1)
    assert [r.side for r in one.reps] == ["right"] * 3
    assert one.reps_by_side() == {"right": 3}


def _rep_extremes(frames, label, signal: np.ndarray, top_is_max: bool = True) -> list[float]:  # type: ignore[no-untyped-def]
    t = np.array([f.t for f in frames])
    pick = np.max if top_is_max else np.min
    return [float(pick(signal[_in(label, t, r.start, r.end)])) for r in label.reps]


def test_glute_bridge_hip_extension_and_hips_low() -> None:
    frames, label = synth_track("glute_bridge", reps=3, fault="hips_low", seed=0)
    w = _side(frames)
    hip = _angle(w[:, L.LEFT_SHOULDER], w[:, L.LEFT_HIP], w[:, L.LEFT_KNEE])
    tops = _rep_extremes(frames, label, hip)
    assert 115 <= hip[0] <= 140  # lying with knees bent
    assert tops[0] >= 170 and tops[2] >= 170  # clean reps reach a straight line
    assert 140 <= tops[1] <= 156  # the hips_low rep (2nd) tops out well short


def test_bird_dog_reaches_horizontal_unless_fault() -> None:
    for fault, lo, hi in ((None, -10, 10), ("limb_not_horizontal", -50, -32)):
        frames, label = synth_track("bird_dog", reps=4, fault=fault, fault_reps=[0, 1, 2, 3], seed=0)
        w = _world(frames)
        # Arm elevation vs horizontal: world y is down, so elevation = -dy / |d|.
        d = w[:, L.LEFT_WRIST] - w[:, L.LEFT_SHOULDER]
        elev = np.degrees(np.arcsin(-d[:, 1] / np.linalg.norm(d, axis=1)))
        first = label.reps[0]  # a left-arm rep
        t = np.array([f.t for f in frames])
        top = float(elev[np.argmin(np.abs(t - first.top))])
        assert lo <= top <= hi, (fault, top)


def test_row_elbow_range_and_torso_rising() -> None:
    frames, label = synth_track("bent_over_row", reps=4, fault="torso_rising", seed=0)
    w = _world(frames)
    elbow = _angle(w[:, L.LEFT_SHOULDER], w[:, L.LEFT_ELBOW], w[:, L.LEFT_WRIST])
    assert elbow[0] >= 160 and min(_rep_extremes(frames, label, elbow, top_is_max=False)) <= 80
    torso = _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - _mid(w, L.LEFT_HIP, L.RIGHT_HIP)
    incl = np.degrees(np.arcsin(-torso[:, 1] / np.linalg.norm(torso, axis=1)))  # above horizontal
    assert 38 <= incl[0] <= 52
    rise = [m - incl[0] for m in _rep_extremes(frames, label, incl)]
    assert rise[0] < 5 and rise[1] >= 20  # 2nd rep is the faulty one


@pytest.mark.parametrize(("fault", "lo", "hi"), [(None, 174, 181), ("hips_sagging", 155, 165), ("hips_piked", 150, 160)])
def test_plank_body_line(fault: str | None, lo: float, hi: float) -> None:
    frames, label = synth_track("plank", fault=fault, seed=0)
    w, t = _side(frames), np.array([f.t for f in frames])
    line = _angle(w[:, L.LEFT_SHOULDER], w[:, L.LEFT_HIP], w[:, L.LEFT_ANKLE])
    span = label.faults[0] if label.faults else label.holds[0]
    mid = (span.start + span.end) / 2
    assert lo <= float(line[np.argmin(np.abs(t - mid))]) <= hi
    if fault:
        hip_y = w[:, L.LEFT_HIP, 1]  # y down: sagging hips are lower (larger y) than the body line
        line_y = 0.5 * (w[:, L.LEFT_SHOULDER, 1] + w[:, L.LEFT_ANKLE, 1])
        k = np.argmin(np.abs(t - mid))
        assert (hip_y[k] > line_y[k]) == (fault == "hips_sagging")


def test_superman_neck_cranked_tilts_head_back() -> None:
    def head_tilt(fault: str | None) -> float:
        frames, label = synth_track("superman", reps=2, fault=fault, fault_reps=[0, 1], seed=0)
        w, t = _world(frames), np.array([f.t for f in frames])
        k = np.argmin(np.abs(t - label.reps[0].top))
        ear, nose = w[k, L.LEFT_EAR], w[k, L.NOSE]
        spine = _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)[k] - _mid(w, L.LEFT_HIP, L.RIGHT_HIP)[k]
        return float(_angle(ear + spine, ear, nose))  # spine direction vs ear→nose: 90 = face down
    assert head_tilt(None) - head_tilt("neck_cranked") >= 30  # chin lifted: the nose turns forward


def test_too_fast_and_partial_reps() -> None:
    _, fast = synth_track("superman", reps=4, fault="too_fast", seed=0)
    durations = [r.end - r.start for r in fast.reps]
    assert durations[1] < 1.2 and durations[0] > 2.0
    frames, partial = synth_track("glute_bridge", reps=3, fault="partial_rep", seed=0)
    assert [r.complete for r in partial.reps] == [True, False, True]
    assert [(f.start, f.end) for f in partial.faults] == [(partial.reps[1].start, partial.reps[1].end)]


def test_same_seed_same_files_and_other_seed_differs(tmp_path: Path) -> None:
    opts = SynthOptions("glute_bridge", reps=1, seed=5, tempo=(0.8, 0.3, 0.8, 0.3))
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
    render_clip(opts, tmp_path / "a" / "clip.mp4")
    render_clip(opts, tmp_path / "b" / "clip.mp4")
    render_clip(SynthOptions("glute_bridge", reps=1, seed=6, tempo=(0.8, 0.3, 0.8, 0.3)), tmp_path / "c" / "clip.mp4")
    for name in ("clip.mp4", "clip.json", "clip.npz"):
        assert _sha(tmp_path / "a" / name) == _sha(tmp_path / "b" / name), name
    assert _sha(tmp_path / "a" / "clip.json") != _sha(tmp_path / "c" / "clip.json")
    label = load_label(tmp_path / "a" / "clip.json")
    frames, meta = load_landmarks(tmp_path / "a" / "clip.npz")
    assert label.landmarks == "clip.npz" and len(frames) == label.frame_count and meta["clip"] == "clip.mp4"


@pytest.mark.parametrize(("change", "field"), [
    ({"fps": -1}, "fps"),
    ({"reps": [{"start": 2.0, "top": 1.0, "end": 3.0}]}, "reps.0"),
    ({"faults": [{"id": "hips_low", "start": 1.0}]}, "faults.0.end"),
    ({"holds": [{"start": 0.0, "end": 1.0, "colour": "red"}]}, "holds.0.colour"),
])
def test_bad_label_raises_label_error_naming_the_field(tmp_path: Path, change: dict, field: str) -> None:  # type: ignore[type-arg]
    _, label = synth_track("glute_bridge", reps=1, seed=0)
    data = {**label.model_dump(mode="json"), **change}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LabelError, match=f"field {field}"):
        load_label(path)


def test_landmark_only_mode_writes_track_and_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "track.npz"
    assert main(["synth", "one_arm_row", "--reps", "3", "--side", "right", "--landmarks-only",
                 "--jitter", "0.01", "--seed", "4", "-o", str(out)]) == 0
    frames, _ = load_landmarks(out)
    label = load_label(tmp_path / "track.json")
    assert label.exercise == "one_arm_row" and label.reps_complete == 3 and label.reps_by_side() == {"right": 3}
    assert len(frames) == label.frame_count and not (tmp_path / "track.mp4").exists()
    exact, _ = synth_track("one_arm_row", reps=3, side="right", seed=4)
    noise = np.stack([f.world for f in frames]) - np.stack([f.world for f in exact])
    assert 0.005 < float(np.std(noise)) < 0.02  # jitter is there, at the asked size
    assert "3 complete" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["synth", "pushup", "-o", "x.mp4"], "unknown exercise 'pushup'"),
    (["synth", "plank", "--fault", "hips_low", "-o", "x.mp4"], "not available for plank"),
    (["synth", "plank"], "-o CLIP.mp4"),
    (["synth", "plank", "-o", "no/such/folder/x.mp4"], "output folder does not exist"),
    (["synth", "plank", "-o", "x.avi"], "must end in .mp4"),
    (["synth", "squat", "--setting", "bench", "-o", "x.mp4"], "squat has no setting 'bench'; its settings: none"),
])
def test_cli_user_mistakes_give_one_line_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_list_names_every_seed_exercise_with_its_faults(capsys: pytest.CaptureFixture[str]) -> None:
    seeds = {"back_extension", "prone_y_raise", "prone_t_raise", "prone_w_raise", "prone_scapular_squeeze",
             "shoulder_blade_squeeze", "band_pull_apart", "face_pull", "seated_row", "childs_pose", "neck_stretch",
             "upper_trap_stretch", "thoracic_extension"}
    assert main(["synth", "--list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert seeds <= set(rows)
    for seed in seeds:  # at least one form fault of its own besides partial_rep / too_fast
        own = [f for f in EXERCISES[seed].faults if f not in ("partial_rep", "too_fast")]
        assert own and all(f in rows[seed] for f in own), rows[seed]


def test_another_setting_is_made_from_the_command_line_and_listed(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert rows["prone_t_raise"].endswith("settings: bench") and "settings" not in rows["squat"]
    out = tmp_path / "incline.npz"
    assert main(["synth", "prone_t_raise", "--setting", "bench", "--reps", "2", "--seed", "3", "--landmarks-only",
                 "-o", str(out)]) == 0
    frames, _ = load_landmarks(out)
    bench, _ = synth_track("prone_t_raise", setting="bench", reps=2, seed=3)
    floor, _ = synth_track("prone_t_raise", reps=2, seed=3)
    written = np.stack([f.world for f in frames])
    assert np.allclose(written, np.stack([f.world for f in bench]), atol=1e-5)
    assert written.shape != np.stack([f.world for f in floor]).shape or not np.allclose(
        written, np.stack([f.world for f in floor]), atol=1e-3)


def test_library_rejects_bad_options() -> None:
    with pytest.raises(SynthError, match="range of motion"):
        synth_track("glute_bridge", rom=0.1)
    with pytest.raises(SynthError, match="unknown view"):
        synth_track("glute_bridge", view="top")
    with pytest.raises(SynthError, match="plank is a hold: --reps does not apply"):
        synth_track("plank", reps=3)
    with pytest.raises(SynthError, match="squat has no setting 'bench'"):
        synth_track("squat", setting="bench")


def _torso_elevation(frames: list) -> np.ndarray:
    w = _world(frames)
    torso = _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - _mid(w, L.LEFT_HIP, L.RIGHT_HIP)
    return np.asarray(np.degrees(np.arcsin(-torso[:, 1] / np.linalg.norm(torso, axis=1))))


def test_back_extension_over_a_bench_hangs_below_level_and_lifts_to_a_straight_body() -> None:
    # back_extension.yaml: over a 45-degree bench the torso rests 40-65 deg below level and the lift
    # ends with the body straight, ~45 deg above; the legs stay anchored at ~45 deg.
    frames, label = synth_track("back_extension", setting="bench", reps=2, seed=0)
    torso = _torso_elevation(frames)
    assert -65 <= torso[0] <= -40
    assert all(30 <= top <= 55 for top in _rep_extremes(frames, label, torso))
    w = _world(frames)
    leg = w[:, L.LEFT_ANKLE] - w[:, L.LEFT_HIP]
    assert np.all(np.abs(np.degrees(np.arcsin(leg[:, 1] / np.linalg.norm(leg, axis=1))) - 45) < 8)


def _on_the_incline_bench(exercise: str) -> tuple[list, object, np.ndarray]:  # type: ignore[type-arg]
    """Three reps of ``exercise`` in its setting ``bench``: the torso stays on the pad, ~35 deg above level."""
    frames, label = synth_track(exercise, setting="bench", reps=3, seed=0)
    assert np.all(np.abs(_torso_elevation(frames) - 35) < 5)
    return frames, label, _world(frames)


def test_chest_supported_row_keeps_the_torso_on_the_bench_while_the_arms_pull() -> None:
    # bent_over_row.yaml admits a chest-supported row on an incline bench: torso still ~35 deg above
    # level, shins ~50-65 deg from vertical, the elbows bending as in the standing row.
    frames, label, w = _on_the_incline_bench("bent_over_row")
    shin = w[:, L.LEFT_ANKLE] - w[:, L.LEFT_KNEE]
    from_vertical = np.degrees(np.arccos(np.abs(shin[:, 1]) / np.linalg.norm(shin, axis=1)))
    assert np.all((45 <= from_vertical) & (from_vertical <= 70))
    elbow = _angle(w[:, L.LEFT_SHOULDER], w[:, L.LEFT_ELBOW], w[:, L.LEFT_WRIST])
    assert elbow[0] >= 160 and min(_rep_extremes(frames, label, elbow, top_is_max=False)) <= 80


def test_a_hip_thrust_keeps_the_face_on_the_chest_side() -> None:
    # Off the bench the head is carried, chin tucked, eyes down the body: the nose lies on the chest's
    # side of the shoulder-hip line (above it, the figure lying on its back). Kept level with the
    # floor like a bridge's head, it hung behind the bench at the bottom, the face to the wall.
    frames, _ = synth_track("hip_thrust", reps=2, seed=0)
    w = _world(frames)
    shoulders, hips = _mid(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _mid(w, L.LEFT_HIP, L.RIGHT_HIP)
    axis = (shoulders - hips) / np.linalg.norm(shoulders - hips, axis=1, keepdims=True)
    face = w[:, L.NOSE] - shoulders
    across = face - (face * axis).sum(1, keepdims=True) * axis
    assert np.all(-across[:, 1] > 0.02)  # world y points down: the nose is above the torso's line


def test_an_incline_t_raise_lifts_hanging_arms_to_level_with_the_chest_on_the_bench() -> None:
    # prone_t_raise.yaml counts a T raise on an incline bench: torso still ~35 deg above level, the
    # straight arms from hanging under the shoulders to out to the sides, above level at the top.
    frames, label, w = _on_the_incline_bench("prone_t_raise")
    arm = w[:, L.LEFT_WRIST] - w[:, L.LEFT_SHOULDER]
    elevation = np.degrees(np.arcsin(-arm[:, 1] / np.linalg.norm(arm, axis=1)))
    assert elevation[0] < -75
    assert all(0 <= top <= 20 for top in _rep_extremes(frames, label, elevation))
    assert np.all(_angle(w[:, L.LEFT_SHOULDER], w[:, L.LEFT_ELBOW], w[:, L.LEFT_WRIST]) > 160)  # straight arms


def test_empty_scene_has_no_person_in_its_ground_truth() -> None:
    frames, label = synth_track("glute_bridge", reps=1, figure="none", seed=0)
    assert frames and not any(f.has_person for f in frames)
    assert label.exercise is None and not label.reps and not label.faults
    stick_frames, stick = synth_track("glute_bridge", reps=1, figure="stick", seed=0)
    assert all(f.has_person for f in stick_frames) and stick.reps_complete == 1  # the control still moves


@pytest.mark.parametrize(("exercise", "fault"), [("deadlift", "rounded_back"), ("plank", "hips_sagging"),
                                                 ("bent_over_row", "rounded_back"), ("neck_stretch", "head_turning"),
                                                 ("childs_pose", "hips_lifted"), ("band_pull_apart", "arms_low")])
def test_posture_fault_is_invisible_outside_its_labelled_range(exercise: str, fault: str) -> None:
    """Same seed with and without the fault: frames differ only inside the fault's time ranges.

    (A fault that stretches the clip's extent, such as a chest lifted higher than any clean rep,
    moves the framing camera and so every frame's camera-relative landmarks: not listed here.)
    """
    clean, _ = synth_track(exercise, seed=3)
    faulty, label = synth_track(exercise, fault=fault, seed=3)
    t = np.array([f.t for f in clean])
    changed = np.abs(_world(faulty) - _world(clean)).max(axis=(1, 2)) > 1e-4
    inside = np.zeros(len(t), bool)
    for fl in label.faults:
        inside |= _in(label, t, fl.start, fl.end)
    assert changed.any() and not (changed & ~inside).any()


def _lift(w: np.ndarray, end: L, root: L) -> np.ndarray:
    """Height (m) of ``end`` above ``root`` (world y points down)."""
    return np.asarray(w[:, root, 1] - w[:, end, 1])


def test_an_alternating_superman_lifts_one_arm_and_the_opposite_leg_each_rep() -> None:
    # superman's setting "alternating": rep 1 the left arm and right leg, rep 2 the right arm and left leg.
    frames, label = synth_track("superman", setting="alternating", reps=2, seed=0)
    w, t = _world(frames), np.array([f.t for f in frames])
    for rep, (arm, leg, still_arm, still_leg) in zip(label.reps, (
            (L.LEFT_WRIST, L.RIGHT_ANKLE, L.RIGHT_WRIST, L.LEFT_ANKLE),
            (L.RIGHT_WRIST, L.LEFT_ANKLE, L.LEFT_WRIST, L.RIGHT_ANKLE))):
        during = _in(label, t, rep.start, rep.end)
        rest = _lift(w, arm, L.LEFT_SHOULDER)[0], _lift(w, leg, L.LEFT_HIP)[0]
        assert _lift(w, arm, L.LEFT_SHOULDER)[during].max() - rest[0] > 0.15
        assert _lift(w, leg, L.LEFT_HIP)[during].max() - rest[1] > 0.1
        assert np.ptp(_lift(w, still_arm, L.LEFT_SHOULDER)[during]) < 0.1
        assert np.ptp(_lift(w, still_leg, L.LEFT_HIP)[during]) < 0.06


def test_a_loaded_back_extension_over_the_bench_keeps_the_arms_hanging() -> None:
    # back_extension's setting "bench_weights": the trunk moves as on the bench, the arms hang straight
    # down throughout (a dumbbell in each hand), so the wrists stay under the shoulders.
    frames, label = synth_track("back_extension", setting="bench_weights", reps=2, seed=0)
    w = _world(frames)
    bench, _ = synth_track("back_extension", setting="bench", reps=2, seed=0)
    assert np.allclose(_torso_elevation(frames), _torso_elevation(bench), atol=1.0)
    arm = w[:, L.LEFT_WRIST] - w[:, L.LEFT_SHOULDER]
    from_vertical = np.degrees(np.arccos(arm[:, 1] / np.linalg.norm(arm, axis=1)))
    assert np.all(from_vertical < 10)
