"""Finding the estate's files on disk (no models imported: the cached path stays light)."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
ESTATE_DIRS = ("inventory", "policies")


class NotAnEstate(Exception):
    """The root has neither inventory/ nor policies/: a usage error, not an invalid estate."""


def is_estate(root: Path) -> bool:
    """An estate is a directory with inventory/ or policies/ (or both)."""
    return any((root / d).is_dir() for d in ESTATE_DIRS)


def find_estate(start: Path) -> Path | None:
    """The nearest estate at or above ``start`` (absolute), as Git finds its root; None when
    neither ``start`` nor any directory above it is one."""
    start = start.absolute()
    for candidate in (start, *start.parents):
        if is_estate(candidate):
            return candidate
    return None


def scan_tree(root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """Every YAML file under the estate directories, keyed by repo-relative POSIX path, and a
    problem for each estate path that is not a readable regular file.

    A file over the size limit is read only up to one byte past it, so it cannot eat memory.
    Unreadable paths are problems, not exceptions, so that `validate --format sarif` and the
    other tool formats still report them in their own format.
    """
    root = Path(root)
    if not is_estate(root):
        raise NotAnEstate(f"{root} is not an estate: it has neither inventory/ nor policies/")
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for d in ESTATE_DIRS:
        base = root / d
        if not base.is_dir():
            continue
        for path in _yaml_paths(root, base, problems):
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() or not path.is_file():
                # a link could make validate read (and quote) any file on the CI runner
                what = "a symbolic link" if path.is_symlink() else "not a regular file"
                problems.append(Problem(rel, 1, 1, f"{what}: estate files must be regular "
                                        "files in the repository", code="unreadable-file"))
                continue
            try:
                with path.open("rb") as fh:
                    files[rel] = fh.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                problems.append(Problem(rel, 1, 1, f"cannot read: {exc.strerror}",
                                        code="unreadable-file"))
    return files, problems


def _yaml_paths(root: Path, base: Path, problems: list[Problem]) -> list[Path]:
    """Every path under ``base`` named like a YAML file (directories and links included, to be
    refused by the caller); a directory that cannot be listed is a problem, not a silent gap."""
    def unlisted(exc: OSError) -> None:
        where = Path(exc.filename).relative_to(root).as_posix() if exc.filename else str(base)
        problems.append(Problem(where, 1, 1, f"cannot read this directory: {exc.strerror}",
                                code="unreadable-file"))

    found = []
    for top, dirs, names in os.walk(base, onerror=unlisted):  # never follows a linked dir
        found += [Path(top, name) for name in (*names, *dirs) if name.endswith((".yaml", ".yml"))]
    return sorted(found)


def read_tree(root: Path) -> dict[str, bytes]:
    """The estate's files, for commands that must stop at the first unreadable one."""
    files, problems = scan_tree(root)
    if problems:
        from ..errors import Exit, PatrolError

        first = problems[0]
        raise PatrolError(first.message, exit_code=Exit.FAILED, file=first.file,
                          line=first.line, column=first.column)
    return files
