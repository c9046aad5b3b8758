"""The house's import rules, read from the source: no circles, the engine imports nothing above itself, no import
hidden in a function to dodge a circle, and nothing in the app imports the old top-level `workers` package.

The graph is read with `ast`, not by importing: a circle shows up here even when import order happens to hide it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "jewelpwa"

# What the engine may import: pure rules, tables, the clock and the shared service modules. Nothing that presents
# (book, owner), moves data in and out (data), sends (push), or serves (views, web, tasks, cli, demo).
ENGINE = "jewelpwa.services.engine"
ENGINE_MAY_IMPORT = ("jewelpwa.domain", "jewelpwa.models", "jewelpwa.extensions", "jewelpwa.clock",
                     "jewelpwa.database", "jewelpwa.services.access", "jewelpwa.services.batching",
                     "jewelpwa.services.errors", "jewelpwa.services.pg_settings", "jewelpwa.services.rows", ENGINE)
# The app factory binds the parts when it is called (nothing runs at import time); its init_* steps import
# inside create_app by design, so they are not read as dodging a circle.
FACTORY = "jewelpwa"


@dataclass(frozen=True)
class Missing:
    source: str
    target: str
    line: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    in_function: bool


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in root.rglob("*.py") if "migrations" not in p.parts}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(name: str, path: Path, known: set[str], missing: list[Missing] | None = None) -> list[Edge]:
    """Every import of a module of the package, with whether it sits inside a function body; an import of the
    package that names no module of it goes to `missing` (inside a function it would only fail when called)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    root = name.split(".")[0]
    found: list[Edge] = []

    def resolve(node: ast.ImportFrom) -> list[str]:
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        targets = []
        for alias in node.names:
            if f"{source}.{alias.name}" in known:  # `from package import module`
                targets.append(f"{source}.{alias.name}")
            elif source in known:
                targets.append(source)
            elif source.split(".")[0] == root and missing is not None:
                missing.append(Missing(name, source, node.lineno))
        return targets

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue  # annotations only: never executed
            if isinstance(child, ast.ImportFrom):
                found.extend(Edge(name, t, child.lineno, in_function) for t in resolve(child))
            elif isinstance(child, ast.Import):
                found.extend(Edge(name, a.name, child.lineno, in_function) for a in child.names
                             if a.name in known or a.name.split(".")[0] == "workers")
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(path.read_text(), str(path)), False)
    return found


def all_edges(root: Path, missing: list[Missing] | None = None) -> list[Edge]:
    mods = modules(root)
    known = set(mods)
    return [edge for name, path in sorted(mods.items()) for edge in imports(name, path, known, missing)]


def circles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components of more than one module (or a module importing itself): Tarjan's."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def module_level(edges: list[Edge]) -> list[Edge]:
    return [e for e in edges if not e.in_function]


def dodges(edges: list[Edge]) -> list[Edge]:
    """Imports inside functions that would close a circle if they were written at the top of their module."""
    base = module_level(edges)
    return [e for e in edges if e.in_function and e.source != FACTORY and circles(base + [e])]


def above_engine(edges: list[Edge]) -> list[Edge]:
    return [e for e in edges if (e.source == ENGINE or e.source.startswith(ENGINE + "."))
            and not any(e.target == ok or e.target.startswith(ok + ".") for ok in ENGINE_MAY_IMPORT)]


def describe(found: list[Edge]) -> str:
    return "\n".join(f"{e.source} -> {e.target} (line {e.line})" for e in found)


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return all_edges(PACKAGE)


def test_no_module_level_import_circle_in_the_app(edges):
    assert circles(module_level(edges)) == []


def test_no_import_inside_a_function_dodges_a_circle(edges):
    assert dodges(edges) == [], describe(dodges(edges))


def test_the_engine_imports_nothing_above_itself(edges):
    assert above_engine(edges) == [], describe(above_engine(edges))


def test_every_import_of_the_app_names_one_of_its_modules():
    missing: list[Missing] = []
    all_edges(PACKAGE, missing)
    assert missing == []


def test_the_app_does_not_import_a_top_level_workers_package(edges):
    assert [e for e in edges if e.target.split(".")[0] == "workers"] == []


def test_the_checks_see_a_circle_a_dodge_and_an_upward_engine_import(tmp_path):
    """The rules fail when the code breaks them: a small package with each fault, read the same way."""
    root = tmp_path / "jewelpwa"
    files = {
        "__init__.py": "",
        "services/__init__.py": "",
        "services/engine/__init__.py": "",
        "services/engine/planner.py": "from ..book import today\n",
        "services/book/__init__.py": "",
        "services/book/today.py": "def f():\n    from . import card\n",
        "services/book/card.py": "from . import today\nfrom typing import TYPE_CHECKING\n"
                                 "if TYPE_CHECKING:\n    from ..engine import planner\n",
        "views/__init__.py": "from . import a\n",
        "views/a.py": "from . import b\nimport workers.jobs\n",
        "views/b.py": "from .a import x\n",
        "cli.py": "def deactivate():\n    from .extensions import db\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    missing: list[Missing] = []
    found = all_edges(root, missing)
    assert [(m.source, m.target) for m in missing] == [("jewelpwa.cli", "jewelpwa.extensions")]
    assert circles(module_level(found)) == [["jewelpwa.views.a", "jewelpwa.views.b"]]
    assert [(e.source, e.target) for e in dodges(found)] == [("jewelpwa.services.book.today",
                                                              "jewelpwa.services.book.card")]
    assert [(e.source, e.target) for e in above_engine(found)] == [("jewelpwa.services.engine.planner",
                                                                   "jewelpwa.services.book.today")]
    assert [e.target for e in found if e.target.startswith("workers")] == ["workers.jobs"]
