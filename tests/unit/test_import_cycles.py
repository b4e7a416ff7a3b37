"""No import circle among runner/'s modules.

Every import counts, wherever it stands: at the top of a module, inside a function (a deferred
import still makes a circle: the two modules cannot be read or tested apart, and which one
loads first decides whether it works), and under ``if TYPE_CHECKING:`` (a circle the type
checker walks). ``from pkg import name`` is an edge to ``pkg.name`` when that is a module, else
to ``pkg``: importing a submodule is not importing the package's other names. Each circle is
reported as the modules in it, so the message says what to break.
"""

from __future__ import annotations

import ast

from tests.unit.test_layering import RUNNER, from_target, module_name

MODULES = {module_name(p): p for p in RUNNER.rglob("*.py")}


def edges(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The runner modules ``source`` (the text of ``module``) imports, anywhere in it."""
    package = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = from_target(node, package)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)
    return {m for m in out if m in known and m != module}


def graph(modules: dict[str, str], packages: set[str]) -> dict[str, set[str]]:
    known = set(modules)
    return {name: edges(text, name, name in packages, known) for name, text in modules.items()}


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
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
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(found)


def runner_graph() -> dict[str, set[str]]:
    texts = {name: path.read_text() for name, path in MODULES.items()}
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    return graph(texts, packages)


def test_no_module_under_runner_is_in_an_import_circle() -> None:
    assert circles(runner_graph()) == []


def test_the_reader_finds_circles_through_deferred_and_type_checking_imports() -> None:
    modules = {
        "p": "",
        "p.a": "from . import b\n",
        "p.b": "def f():\n    from .c import x\n",
        "p.c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import y\n",
        "p.d": "from . import a\n",  # imports into the circle, is not part of it
    }
    assert circles(graph(modules, {"p"})) == [["p.a", "p.b", "p.c"]]


def test_importing_a_sibling_module_is_not_importing_the_package() -> None:
    modules = {"p": "from .a import f\n", "p.a": "from . import b\n", "p.b": ""}
    assert circles(graph(modules, {"p"})) == []
    modules["p.b"] = "from . import f\n"  # a name of the package itself: a real circle
    assert circles(graph(modules, {"p"})) == [["p", "p.a", "p.b"]]


def test_the_three_circles_the_issue_named_are_gone() -> None:
    g = runner_graph()
    assert "runner.cli_incidents" not in g and "runner.cli.incidents" in g
    assert "runner.estate.estate" not in g["runner.estate.models"]
    assert "runner.findings.policy" not in g["runner.findings.waivers"]
    assert "runner.estate.models" in g["runner.estate.estate"]  # the reader sees real edges
