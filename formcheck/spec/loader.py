"""Loading specs: YAML files in ``exercise_specs/`` validated into the models of ``schema``.

An exercise is data, never Python. A spec names the features to follow (see
``formcheck.features.registry``), the rep signal with its start and peak
thresholds (the gap between them is the hysteresis), or a hold target, the
setup pose, and the form rules with their cues. Conditions are short strings
``"<feature> <op> <number>"`` with ``op`` one of ``< <= > >=``.

Errors name the file, the line, the field path, and the nearest valid name::

    formcheck: error: exercise_specs/plank.yaml:12: rules[0].phase: unknown field; did you mean 'phases'?

Example:
    >>> spec = load_spec("glute_bridge")
    >>> spec.kind, spec.rep.signal
    ('reps', 'hip_angle_3d')
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from formcheck.records.data_folders import data_folder
from formcheck.records.errors import SpecError
from formcheck.spec.schema import (
    CueTiming,
    ExerciseSpec,
    FormRule,
    HoldSpec,
    RepSignal,
    Smoothing,
    Targets,
)

#: The built-in specs: ``exercise_specs/`` at the top of the repository, shipped in the package.
SPECS_DIR = data_folder("exercise_specs")

_MODELS: dict[str, type[BaseModel]] = {
    "": ExerciseSpec, "rep": RepSignal, "hold": HoldSpec, "rules": FormRule, "targets": Targets,
    "smoothing": Smoothing, "cues": CueTiming,
}


Lines = dict[tuple[Any, ...], tuple[str, int]]
#: How deep ``extends`` chains may go (a chain longer than this is almost surely a mistake).
MAX_EXTENDS_DEPTH = 8
#: Most YAML nodes a spec may hold with every alias expanded (the largest built-in one has
#: about 100). Bounds the work of "alias bombs": a few hundred bytes of nested aliases
#: that expand to billions of nodes.
MAX_SPEC_NODES = 20_000
#: Largest spec file read (the largest built-in one has about 3 kB).
MAX_SPEC_BYTES = 1_000_000


class _SpecLoader(yaml.SafeLoader):  # type: ignore[misc]  # yaml has no type stubs
    """The safe YAML loader, with a value Python refuses to build reported as a YAML error at its line.

    ``int()`` refuses integers of over 4300 digits and ``date()`` a 13th month with a
    ``ValueError`` that carries no position; here it becomes a ``ConstructorError`` marked
    with the value's place in the file.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:
            reason = str(exc).split(";")[0]  # drop Python's advice to raise its digit limit
            raise yaml.constructor.ConstructorError(None, None, f"cannot read this value: {reason}",
                                                    node.start_mark) from None


def _expanded_size(node: yaml.Node, memo: dict[int, int], limit: int) -> int:
    """Nodes under ``node`` with aliases expanded, counted in linear time (shared nodes once).

    Returns ``limit + 1`` as soon as the count passes ``limit`` or an alias refers to
    itself (a recursive structure has no finite expansion).
    """
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = limit + 1  # while in progress: a cycle back to here is "too big"
    total = 1
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        children = []
    for child in children:
        total += _expanded_size(child, memo, limit)
        if total > limit:
            break
    memo[key] = min(total, limit + 1)
    return memo[key]


def _key_lines(node: yaml.Node, path: tuple[Any, ...], where: str, out: Lines) -> None:
    """Record the file and 1-based line of every mapping key / sequence item under ``node``."""
    out.setdefault(path, (where, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            p = path + (k.value,)
            out[p] = (where, k.start_mark.line + 1)
            _key_lines(v, p, where, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _key_lines(v, path + (i,), where, out)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``base``: mappings merge key by key, ``rules`` merge by rule id, anything
    else (other lists too) replaces; ``null`` removes the base's field (``rep: null`` for a hold
    variant) or, as ``- {id: x, remove: true}``, a base rule."""
    out = dict(base)
    for key, value in child.items():
        if value is None:
            out.pop(key, None)
        elif key == "rules" and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_rules(out[key], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _merge_rules(base: list[Any], child: list[Any]) -> list[Any]:
    """Rules by id: a child rule with a base rule's id overrides its fields; new ids are added."""
    out = list(base)
    ids = [r.get("id") if isinstance(r, dict) else None for r in out]
    for rule in child:
        rid = rule.get("id") if isinstance(rule, dict) else None
        if rid is not None and rid in ids:
            i = ids.index(rid)
            if rule.get("remove") is True:
                del out[i], ids[i]
            else:
                out[i] = _merge(out[i], {k: v for k, v in rule.items() if k != "remove"})
        else:
            out.append(rule)
            ids.append(rid)
    return out


def _loc_str(loc: tuple[Any, ...]) -> str:
    s = ""
    for part in loc:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s or "(top level)"


def _format_error(err: Mapping[str, Any], where: str, lines: Lines,
                  models: Mapping[str, type[BaseModel]] = _MODELS) -> str:
    loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
    # Trim loc to the deepest path the YAML has (pydantic adds union/validator levels).
    probe = loc
    while probe and probe not in lines:
        probe = probe[:-1]
    file, line = lines.get(probe, (where, 1))
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden" and loc:
        parent = [p for p in loc[:-1] if not isinstance(p, int)]
        model = models.get(parent[-1] if parent else "", models[""])
        near = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.5)
        msg = "unknown field" + (f"; did you mean {near[0]!r}?" if near else
                                 f" (valid: {', '.join(model.model_fields)})")
    elif err["type"] == "missing":
        msg = "required field is missing"
    inherited = f" (inherited by {where})" if file != where else ""
    return f"{file}:{line}: {_loc_str(loc)}: {msg}{inherited}"


def validation_message(exc: ValidationError, where: str, lines: Lines,
                       models: Mapping[str, type[BaseModel]] = _MODELS) -> str:
    """One line for a pydantic error: the first problem with file, line and field, then a few more.

    Args:
        exc: The error from ``Model.model_validate``.
        where: The file, as the user named it.
        lines: Where each key was written (from :func:`read_mapping`).
        models: Field name → model, to suggest the nearest valid field (``""``: the top level).

    Example:
        >>> validation_message(exc, "routines/x.yaml", lines, {"": Routine})  # doctest: +SKIP
        "routines/x.yaml:4: exercises[0].rep: unknown field; did you mean 'reps'?"
    """
    errs = [_format_error(e, where, lines, models) for e in exc.errors()]
    more = f" (and {len(errs) - 1} more: {'; '.join(errs[1:3])})" if len(errs) > 1 else ""
    return errs[0] + more


def read_mapping(text: str, where: str, example: str = "name: ..., title: ..., ...",
                 what: str = "spec") -> tuple[dict[str, Any], Lines]:
    """The YAML mapping of one file and the file and line of every key in it.

    Raises:
        SpecError: Not YAML, or not a mapping (``what`` and ``example`` say what was expected).

    Example:
        >>> read_mapping("name: demo\\ntitle: Demo\\n", "demo.yaml")[1][("title",)]
        ('demo.yaml', 2)
    """
    try:
        node = yaml.compose(text, Loader=_SpecLoader)
        if node is not None and _expanded_size(node, {}, MAX_SPEC_NODES) > MAX_SPEC_NODES:
            raise SpecError(f"{where}: more than {MAX_SPEC_NODES} YAML nodes once aliases are expanded "
                            "(nested or recursive aliases?); a spec needs a few hundred")
        data = yaml.load(text, Loader=_SpecLoader)  # safe: _SpecLoader is yaml.SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise SpecError(f"{where}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except RecursionError:
        raise SpecError(f"{where}: YAML nested too deeply for a spec") from None
    if not isinstance(data, dict):
        raise SpecError(f"{where}:1: a {what} must be a YAML mapping ({example})")
    lines: Lines = {}
    if node is not None:
        _key_lines(node, (), where, lines)
    return data, lines


def _base_path(base: Any, where: str, lines: Lines) -> Path:
    """The file of the spec named by ``extends``: beside the extending file, else a built-in one."""
    line = lines.get(("extends",), (where, 1))[1]
    if not isinstance(base, str) or not base:
        raise SpecError(f"{where}:{line}: extends: must name another spec (e.g. extends: bent_over_row)")
    here = Path(where).parent if where != "<spec>" else SPECS_DIR
    for folder in (here, SPECS_DIR):
        candidate = folder / f"{base}.yaml"
        if candidate.is_file():
            return candidate
    known = list_specs()
    near = difflib.get_close_matches(base, known, n=1, cutoff=0.5)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise SpecError(f"{where}:{line}: extends: unknown spec {base!r}{hint}")


def _resolve(text: str, where: str, chain: tuple[str, ...] = ()) -> tuple[dict[str, Any], Lines]:
    """The spec's mapping with every ``extends`` applied, and where each key was written."""
    data, lines = read_mapping(text, where)
    if "extends" not in data:
        return data, lines
    base_path = _base_path(data.pop("extends"), where, lines)
    key = str(base_path.resolve())
    if key in chain or len(chain) >= MAX_EXTENDS_DEPTH:
        loop = " -> ".join([*(Path(c).stem for c in chain), base_path.stem])
        raise SpecError(f"{where}:{lines[('extends',)][1]}: extends: a loop or a chain too deep ({loop})")
    base_text = read_file(base_path)
    base_data, base_lines = _resolve(base_text, str(base_path), (*chain, key))
    return _merge(base_data, data), {**base_lines, **lines}


def resolved_mapping(name_or_path: str | Path) -> dict[str, Any]:
    """A spec's YAML mapping after ``extends`` is applied (what ``formcheck specs show --raw`` prints)."""
    p = spec_path(name_or_path)
    return _resolve(read_file(p), str(p))[0]


def parse_spec_text(text: str, where: str = "<spec>") -> ExerciseSpec:
    """Validate spec YAML text; ``where`` names it in errors (usually the file path).

    A spec may start from another with ``extends: <id>`` and override its fields: mappings
    (``rep``, ``targets``...) merge key by key, lists and values replace, ``null`` removes.
    """
    data, lines = _resolve(text, where, (str(Path(where).resolve()),) if where != "<spec>" else ())
    try:
        return ExerciseSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(validation_message(exc, where, lines)) from None


def list_specs(specs_dir: Path | None = None) -> list[str]:
    """Ids of the exercises in ``exercise_specs/``, sorted."""
    d = specs_dir or SPECS_DIR
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def catalogue_stamp(specs_dir: Path | None = None) -> tuple[tuple[str, int], ...]:
    """Each spec file's name and last change (ns): equal stamps mean the same catalogue.

    One folder listing and a ``stat`` per file: far cheaper than loading the specs,
    so a caller may keep what it made of them for as long as the stamp holds.

    Example:
        >>> stamp = catalogue_stamp()
        >>> [name for name, _ in stamp] == [f"{n}.yaml" for n in list_specs()] and stamp == catalogue_stamp()
        True
    """
    d = specs_dir or SPECS_DIR
    if not d.is_dir():
        return ()
    return tuple(sorted((f.name, f.stat().st_mtime_ns) for f in d.glob("*.yaml")))


def _folder_stamp(p: Path) -> float:
    """Latest change to any spec the file may extend (its folder and the built-in specs)."""
    stamps = [f.stat().st_mtime for d in {p.parent, SPECS_DIR} if d.is_dir() for f in d.glob("*.yaml")]
    return max(stamps, default=0.0)


def read_file(p: Path, what: str = "spec") -> str:
    """The text of a spec (or routine) file; ``SpecError`` naming the file when it cannot be read
    or is implausibly large."""
    try:
        size = p.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(f"{p}: {size} bytes is too large for a {what} (at most {MAX_SPEC_BYTES})")
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{p}: cannot read {what}: {exc}") from None


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float, folder_stamp: float) -> ExerciseSpec:
    p = Path(path)
    return parse_spec_text(read_file(p), str(p))


def spec_path(name_or_path: str | Path) -> Path:
    """The file of a spec given by id (``"plank"``) or by path; ``SpecError`` when there is none."""
    text = str(name_or_path)
    p = Path(text)
    if p.suffix in (".yaml", ".yml") or p.is_file() or "/" in text:
        if not p.is_file():
            raise SpecError(f"spec file not found: {p}")
    else:
        known = list_specs()
        p = SPECS_DIR / f"{text}.yaml"
        if text not in known:
            near = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise SpecError(f"unknown exercise {text!r}: {hint}known: {', '.join(known) or '(none)'}")
    return p


def load_spec(name_or_path: str | Path) -> ExerciseSpec:
    """Load a spec by id (``"plank"``) or by path (``my_specs/plank.yaml``).

    Raises:
        SpecError: unknown id (lists the known ones, suggests the nearest), unreadable
            file, invalid YAML, or a validation error (file, line, field path).
    """
    p = spec_path(name_or_path)
    spec = _load_cached(str(p.resolve()), p.stat().st_mtime, _folder_stamp(p))
    if p.parent.resolve() == SPECS_DIR.resolve() and spec.name != p.stem:
        # The id on the command line is the file name: a different `name` would report one
        # exercise under another's id.
        raise SpecError(f"{p}:1: name: {spec.name!r} must match the file name {p.stem!r}")
    return spec


def spec_json_schema() -> dict[str, Any]:
    """JSON Schema of a spec file, for editor completion (``formcheck specs schema``)."""
    schema = ExerciseSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "formcheck exercise spec"
    schema["properties"] = {"extends": {
        "type": "string", "title": "Extends",
        "description": "Id of a spec to start from; this file's fields override it (mappings merge, "
                       "lists replace, null removes a field)."}, **schema["properties"]}
    return schema
