"""The layering, read from the imports: only the executor touches hosts (ansible_runner), only
the archive touches Git (git), and production code never reads the lab (runner.lab), which is
a connection provider only ``patrol lab``, ``patrol demo`` and ``--lab`` (runner/commands/lab.py)
reach. Benchmarks and tests drive the lab on purpose and are not production code."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "runner"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def from_target(node: ast.ImportFrom, package: str) -> str:
    """The module a ``from X import ...`` in ``package`` names, relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, relative imports resolved;
    ``from a import b`` counts as importing both ``a`` and ``a.b``."""
    package = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = from_target(node, package)
            out.add(target)
            out.update(f"{target}.{alias.name}" for alias in node.names)
    return out


def importers(prefix: str) -> set[str]:
    """Files under runner/ (repo-relative) that import ``prefix`` or a module inside it."""
    found = set()
    for path in sorted(RUNNER.rglob("*.py")):
        names = imported(path.read_text(), module_name(path), path.name == "__init__.py")
        if any(n == prefix or n.startswith(prefix + ".") for n in names):
            found.add(path.relative_to(ROOT).as_posix())
    return found


def test_the_import_reader_resolves_relative_imports() -> None:
    assert "runner.lab" in imported("from .. import lab\n", "runner.commands.inspect")
    assert "runner.lab.fleet" in imported("from ..lab import fleet\n", "runner.upgrade.plays")
    assert "runner.archive.git" in imported("from .git import commit\n", "runner.archive", True)
    assert "git" in imported("def f():\n    import git\n", "runner.inspect")
    assert "git" not in imported("from .git import commit\n", "runner.archive.chain")


def test_only_the_executor_imports_ansible_runner() -> None:
    assert importers("ansible_runner") == {"runner/execute.py"}


def test_only_the_archive_imports_git() -> None:
    outside = {p for p in importers("git") if not p.startswith("runner/archive/")}
    assert outside == set()
    assert importers("git") == {"runner/archive/git.py"}


LAB_USERS = ("runner/lab/", "runner/commands/lab.py", "runner/commands/demo.py")


def test_production_code_never_imports_the_lab() -> None:
    assert {p for p in importers("runner.lab") if not p.startswith(LAB_USERS)} == set()
    assert "runner/commands/lab.py" in importers("runner.lab")  # the reader sees real imports


def test_no_check_kind_imports_another_kind() -> None:
    """What kinds share lives in runner/checks/helpers.py (or base, _mounts), not in a kind."""
    from runner.checks import KINDS

    kinds = {f"runner.checks.{name}" for name in KINDS}
    crossing = {}
    for name in sorted(kinds):
        path = RUNNER / "checks" / f"{name.rpartition('.')[2]}.py"
        others = (imported(path.read_text(), name) & kinds) - {name}
        if others:
            crossing[name] = sorted(others)
    assert crossing == {}
    assert "runner.checks.helpers" in imported(
        (RUNNER / "checks" / "drift.py").read_text(), "runner.checks.drift")  # the reader sees it
