"""Finding the estate's files on disk (no models imported: the cached path stays light)."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024
ESTATE_DIRS = ("inventory", "policies")


class NotAnEstate(Exception):
    """The root has neither inventory/ nor policies/: a usage error, not an invalid estate."""


def read_tree(root: Path) -> dict[str, bytes]:
    """Every YAML file under the estate directories, keyed by repo-relative POSIX path.

    A file over the size limit is read only up to one byte past it, so it cannot eat memory.
    """
    root = Path(root)
    if not any((root / d).is_dir() for d in ESTATE_DIRS):
        raise NotAnEstate(f"{root} is not an estate: it has neither inventory/ nor policies/")
    files: dict[str, bytes] = {}
    for d in ESTATE_DIRS:
        base = root / d
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            if path.is_symlink() or not path.is_file():
                # a link could make validate read (and quote) any file on the CI runner
                from ..errors import Exit, PatrolError

                what = "a symbolic link" if path.is_symlink() else "not a regular file"
                raise PatrolError(f"{what}: estate files must be regular files in the "
                                  "repository", exit_code=Exit.FAILED,
                                  file=path.relative_to(root).as_posix(), line=1, column=1)
            with path.open("rb") as fh:
                files[path.relative_to(root).as_posix()] = fh.read(MAX_FILE_BYTES + 1)
    return files
