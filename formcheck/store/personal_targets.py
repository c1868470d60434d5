"""Personal targets: one client's own rest, far end and range, learnt from a good set, kept as a spec.

A trainer films a client doing one good set and picks it. From its complete
reps this learns where that person rests (the rep signal where each rep
starts), how far they get (its far end) and so their range, each the median
over the reps. It writes a spec that ``extends:`` the exercise's own spec and
overrides only ``rep.start`` (their rest), ``rep.peak`` (the range target:
:data:`TARGET_SHARE` of the way from their rest to their far end, so a rep
like the reference ones reaches it and a clearly shorter one does not) and
``rep.min_excursion`` (the smallest movement that is a rep: the base spec's,
or half their range if that is less). Everything else (form rules, setup,
tempo) stays the base spec's.

The file lives beside the history database, never in the repository:
``<history folder>/targets/<client>/<exercise>.personal.yaml``
(``<client>`` in lower case, spaces and symbols as ``-``). Live sets and
reviews of that client load it instead of the base spec
(:func:`personal_spec`); reports list the personal values
(:func:`personal_words`).

Example:
    >>> learnt = learn_targets(result.summary, result.spec, client="Ada", clip="ada.mp4")  # doctest: +SKIP
    >>> path = save_targets(learnt, targets_folder())  # doctest: +SKIP
    >>> personal_spec("ada", "glute_bridge", targets_folder()).spec.rep.peak  # doctest: +SKIP
    158.4
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from formcheck.features.labels import feature_unit, plain_label
from formcheck.records.atomic import atomic_write_text
from formcheck.records.errors import SpecError, StoreError
from formcheck.records.feedback import SetSummary
from formcheck.spec import load_spec, parse_spec_text
from formcheck.store.history import default_db_path

#: The range target as a share of the client's reference range (from their rest towards their far end).
TARGET_SHARE = 0.9
#: Complete reps a reference set needs (one rep is too little to know a person's range).
MIN_REPS = 2
SUFFIX = ".personal.yaml"


@dataclass(frozen=True, slots=True)
class LearnedTargets:
    """What one reference set says about a client, in the rep signal's unit.

    Attributes:
        client: The client's name as the trainer wrote it.
        exercise: The base spec's id.
        signal: The rep signal (``hip_angle_3d``).
        rest: Median value where their reps start.
        end: Median far end of their reps.
        range: Median range of motion of their reps.
        peak: The range target written (``TARGET_SHARE`` of their range from their rest).
        min_excursion: The smallest movement that counts as a rep for them.
        reps: Complete reps it was learnt from.
        clip: The reference clip's name.
        learnt_at: When (ISO 8601, UTC).
    """

    client: str
    exercise: str
    signal: str
    rest: float
    end: float
    range: float
    peak: float
    min_excursion: float
    reps: int
    clip: str
    learnt_at: str


@dataclass(frozen=True, slots=True)
class PersonalSpec:
    """A client's personal spec as loaded: the spec to run, its file, and the base it extends."""

    spec: Any  # formcheck.spec.ExerciseSpec
    path: Path
    base: Any


def targets_folder(db_path: str | Path | None = None) -> Path:
    """Where personal specs live: ``targets/`` beside the history database (``FORMCHECK_DB`` or the default)."""
    return Path(db_path or default_db_path()).expanduser().parent / "targets"


def client_key(client: str) -> str:
    """A client's folder name: lower case, runs of anything but letters and digits as one ``-``.

    Example:
        >>> client_key("  Ada Lovelace ")
        'ada-lovelace'
    """
    key = re.sub(r"[^\w]+", "-", client.strip().lower(), flags=re.UNICODE).strip("-_")
    if not key:
        raise SpecError(f"personal targets need a client's name, got {client!r}")
    return key


def personal_spec_path(client: str, exercise: str, folder: Path) -> Path:
    """The file of ``client``'s personal spec of ``exercise`` (which may not exist)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", exercise):
        raise SpecError(f"personal targets extend a built-in exercise by its id, got {exercise!r}")
    return folder / client_key(client) / f"{exercise}{SUFFIX}"


def learn_targets(summary: SetSummary, spec: Any, *, client: str, clip: str) -> LearnedTargets:
    """Learn a client's rest, far end and range from the complete reps of one good set.

    Raises:
        SpecError: A hold exercise (no rep signal), no client name, or fewer than
            ``MIN_REPS`` complete reps in the set.
    """
    client_key(client)
    rep = getattr(spec, "rep", None)
    if rep is None or getattr(spec, "kind", "reps") == "hold":
        raise SpecError(f"{spec.title} is a hold: personal targets are learnt from a rep exercise's set")
    reps = [r for r in summary.rep_rows if r.complete and r.counted and r.rom > 0 and math.isfinite(r.extreme)]
    if len(reps) < MIN_REPS:
        raise SpecError(f"{clip}: {len(reps)} complete rep(s); a reference set needs at least {MIN_REPS} "
                        "good reps to learn from")
    sign = rep.direction
    rest = statistics.median(r.extreme - sign * r.rom for r in reps)
    end = statistics.median(r.extreme for r in reps)
    size = statistics.median(r.rom for r in reps)
    return LearnedTargets(
        client=client.strip(), exercise=str(spec.name), signal=str(rep.signal), rest=round(rest, 1),
        end=round(end, 1), range=round(size, 1), peak=round(rest + sign * TARGET_SHARE * size, 1),
        min_excursion=round(min(rep.excursion_floor, 0.5 * size), 1), reps=len(reps), clip=clip,
        learnt_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def spec_text(t: LearnedTargets) -> str:
    """The personal spec's YAML: ``extends:`` the base, the three learnt values, how they were learnt."""
    return (f"# {t.client}'s personal targets for {t.exercise}, learnt by formcheck from {t.reps} good reps\n"
            f"# of {t.clip!r} on {t.learnt_at}: rest {t.rest:g}, far end {t.end:g}, range {t.range:g}\n"
            f"# ({t.signal}). The range target is {TARGET_SHARE:.0%} of that range from the rest. Everything\n"
            "# else is the base spec's. Learn again to replace this file; delete it to go back to the base.\n"
            f"extends: {t.exercise}\n"
            f"rep:\n  start: {t.rest:g}\n  peak: {t.peak:g}\n  min_excursion: {t.min_excursion:g}\n")


def save_targets(t: LearnedTargets, folder: Path) -> Path:
    """Write ``t`` as the client's personal spec (replacing an older one); return its path.

    The text is validated as a spec first: a file that would not load is never written.
    """
    path = personal_spec_path(t.client, t.exercise, folder)
    text = spec_text(t)
    parse_spec_text(text, str(path))  # the base found by id: the file's folder holds no spec named like it
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot make the folder for personal targets {path.parent}: {exc}") from exc
    atomic_write_text(path, text)
    return path


def personal_spec(client: str, exercise: str, folder: Path) -> PersonalSpec | None:
    """``client``'s personal spec of ``exercise``, or None (no name, no file).

    Raises:
        SpecError: The file is there but does not load (it names the file and the field).
    """
    if not client.strip() or not re.fullmatch(r"[a-z][a-z0-9_]*", exercise):
        return None  # no client, or a spec file rather than a built-in exercise: no personal spec
    path = personal_spec_path(client, exercise, folder)
    if not path.is_file():
        return None
    return PersonalSpec(load_spec(path), path, load_spec(exercise))


def personal_words(spec: Any, base: Any) -> tuple[str, ...]:
    """The targets in which ``spec`` differs from ``base``, in words ("Start position: 128° (personal)").

    Example:
        >>> from formcheck.spec import load_spec
        >>> base = load_spec("glute_bridge")
        >>> personal_words(base.model_copy(update={"rep": base.rep.model_copy(update={"peak": 150.0})}), base)
        ('Target: hip angle 150° (personal; standard 153°)',)
    """
    mine, theirs = getattr(spec, "rep", None), getattr(base, "rep", None)
    if mine is None or theirs is None:
        return ()
    unit = "°" if feature_unit(str(mine.signal)) == "deg" else ""
    what = plain_label(str(mine.signal))
    out = []
    for field, words in (("start", "Start position"), ("peak", "Target")):
        have, std = float(getattr(mine, field)), float(getattr(theirs, field))
        if have != std:
            out.append(f"{words}: {what} {have:g}{unit} (personal; standard {std:g}{unit})")
    if mine.excursion_floor != theirs.excursion_floor:
        out.append(f"Smallest movement that counts: {mine.excursion_floor:g}{unit} (personal; standard "
                   f"{theirs.excursion_floor:g}{unit})")
    return tuple(out)


def list_targets(folder: Path) -> list[tuple[str, str, Path]]:
    """Every personal spec under ``folder``: (client folder, exercise, file), sorted."""
    if not folder.is_dir():
        return []
    return sorted((p.parent.name, p.name[: -len(SUFFIX)], p) for p in folder.glob(f"*/*{SUFFIX}"))
