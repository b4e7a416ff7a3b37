"""Shell completion of the estate's own names: checklists, hosts, upgrade plans, finding and
incident ids (bash, zsh and fish, through typer's ``autocompletion=``).

Names come from the estate the command would use: ``--estate`` when it is already on the
line, else the nearest estate upward from the working directory. A completion reads only file
names, and the host files' ``name:`` keys, never the whole estate (no models, no Git), so a
TAB answers in a few tens of milliseconds; and it never fails: a broken or missing estate, an
unreadable file, anything at all, completes to nothing rather than to a traceback in the
user's shell.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import typer

from ..estate.files import find_estate

ARCHIVE_WORKTREE = "patrol-archive"  # runner.archive.branch.WORKTREE, not imported (Git)
Completer = Callable[[typer.Context, str], list[str]]


def _never_fails(names: Callable[[Path], Iterable[str]]) -> Completer:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:  # no functools.wraps:
        # typer reads this signature to know what to pass
        try:
            root = _root(ctx)
            if root is None:
                return []
            return sorted(n for n in set(names(root)) if n.startswith(incomplete))
        except Exception:  # a completion must never print a traceback into the shell
            return []
    complete.__doc__ = names.__doc__
    return complete


def _root(ctx: typer.Context) -> Path | None:
    given = ctx.params.get("estate")
    if given:
        return Path(given)
    return find_estate(Path.cwd())


def _stems(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return [p.name.rsplit(".", 1)[0] for p in directory.iterdir()
            if p.name.endswith((".yaml", ".yml")) and not p.name.startswith(".")]


@_never_fails
def checklists(root: Path) -> list[str]:
    return _stems(root / "policies" / "inspections")


@_never_fails
def plans(root: Path) -> list[str]:
    return _stems(root / "policies" / "upgrades")


@_never_fails
def hosts(root: Path) -> list[str]:
    from ..estate.yamlsource import careful_load, decode, fast_load

    names = []
    base = root / "inventory" / "hosts"
    for path in sorted(base.glob("*.y*ml")) if base.is_dir() else []:
        try:
            data = path.read_bytes()
            ok, doc = fast_load(data)
            if not ok:
                doc, _ = careful_load(decode(data))
        except Exception:
            continue
        items = doc.get("hosts") if isinstance(doc, dict) else None
        names += [h["name"] for h in items or [] if isinstance(h, dict)
                  and isinstance(h.get("name"), str)]
    return names


def _archives(root: Path) -> list[Path]:
    """The estate's reports/, and the archive branch's when Patrol keeps it in a worktree
    (``.git/patrol-archive``; which branch is configured is not read: that needs Git)."""
    out = [root / "reports"]
    top = root.resolve()
    for parent in (top, *top.parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            prefix = top.relative_to(parent)
            out.append(dot_git / ARCHIVE_WORKTREE / prefix / "reports")
            break
        if dot_git.exists():
            break
    return out


@_never_fails
def findings(root: Path) -> list[str]:
    ids = []
    for reports in _archives(root):
        base = reports / "findings"
        for top, _dirs, files in os.walk(base):
            rel = Path(top).relative_to(base)
            ids += [(rel / f[:-5]).as_posix() for f in files
                    if f.endswith(".yaml") and not f.startswith(".")]
    return ids


@_never_fails
def incidents(root: Path) -> list[str]:
    ids = []
    for reports in _archives(root):
        base = reports / "incidents"
        for year in base.iterdir() if base.is_dir() else []:
            ids += [s for s in _stems(year) if s.startswith("INC-")] if year.is_dir() else []
    return ids
