"""Layer 1: the package tree reads as the pipeline, and imports only flow one way.

Layers, lowest first (a module may import its own layer and lower ones, never a
higher one, not even inside a function)::

    records ← pose ← features ← spec ← tracker ← store ← sinks ← synth ← pipeline ← app ← cli

The root ``formcheck/__init__.py`` (the public surface) and ``__main__`` sit on top.
Every import statement is read from the source with ``ast``, so lazy imports
and ``TYPE_CHECKING`` blocks are checked too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "formcheck"
LAYERS = ["records", "pose", "features", "spec", "tracker", "store", "sinks", "synth", "pipeline", "app", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
MAX_CLASS_LINES = 250


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every formcheck import in the file, including lazy ones."""
    return _imports_in(path.read_text(encoding="utf-8"), _dotted(path), path.name == "__init__.py")


def _imports_in(source: str, dotted: str, is_pkg: bool) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    here = dotted.split(".")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "formcheck"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_pkg else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "formcheck":
                continue
            if mod == "formcheck":  # `from formcheck import x`: x is a subpackage or a root name
                out += [(node.lineno, f"formcheck.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, mod))
    return out


def _layer(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def test_every_module_lives_in_a_layer() -> None:
    stray = [str(p.relative_to(PACKAGE)) for p in _modules()
             if _layer(_dotted(p)) is None and p.name not in ("__init__.py", "__main__.py")]
    assert stray == [], f"modules outside the layer packages: {stray}"


def test_every_layer_package_says_its_job_and_what_it_may_import() -> None:
    for name in LAYERS:
        init = PACKAGE / name / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc) > 40, f"formcheck/{name}/__init__.py needs a docstring saying its one job"
        if name != "records":
            assert "import" in doc.lower(), f"formcheck/{name}/__init__.py must say what it may import"


def test_imports_flow_one_way() -> None:
    bad = []
    for path in _modules():
        src = _layer(_dotted(path))
        if src is None:
            continue  # the root package and __main__ may import anything
        for line, mod in _imports(path):
            dst = _layer(mod)
            if dst is None:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports the package root ({mod})")
            elif RANK[dst] > RANK[src]:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} ({src}) imports {mod} ({dst})")
    assert bad == [], "imports against the pipeline direction:\n" + "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    known = {_dotted(p) for p in _modules()}
    graph: dict[str, set[str]] = {}
    for path in _modules():
        name = _dotted(path)
        deps = set()
        for _, mod in _imports(path):
            while mod and mod not in known:  # `from pkg.mod import name` where name is not a module
                mod = mod.rpartition(".")[0]
            if mod and mod != name:
                deps.add(mod)
        graph[name] = deps
    return graph


def test_no_import_cycles_between_modules() -> None:
    graph = _graph()
    # A package's __init__ re-exporting its own modules is not a cycle of the design.
    for name, deps in graph.items():
        graph[name] = {d for d in deps if not (name.startswith(d + ".") and d != "formcheck")}
    graph.pop("formcheck", None)
    graph.pop("formcheck.__main__", None)
    for deps in graph.values():
        deps.discard("formcheck")
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d in graph and state.get(d) is None:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if state.get(n) is None:
            visit(n)
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_class_over_250_lines(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    big = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
           if isinstance(n, ast.ClassDef) and n.end_lineno is not None
           and n.end_lineno - n.lineno + 1 > MAX_CLASS_LINES]
    assert big == [], f"classes over {MAX_CLASS_LINES} lines: {big}"


def test_the_checker_sees_lazy_relative_and_type_checking_imports() -> None:
    source = ("from typing import TYPE_CHECKING\n"
              "def f():\n    from formcheck.app import main\n"
              "if TYPE_CHECKING:\n    import formcheck.cli.specs\n"
              "from ..tracker import rep_counter\n")
    found = [m for _, m in _imports_in(source, "formcheck.records.frame", False)]
    assert sorted(found) == ["formcheck.app", "formcheck.cli.specs", "formcheck.tracker"]
    assert sorted(_layer(m) or "" for m in found) == ["app", "cli", "tracker"]
