"""`patrol init DIR`: start a new estate repository that validates at once.

Writes the sample estate (``inventory/``, ``policies/``, ``schemas/``, an inventory script),
the CI templates (GitHub workflows and ``.gitlab-ci.yml``, installing this version of Patrol
as a tool), ``.pre-commit-config.yaml``, ``.gitignore``, ``ansible.cfg`` and a README for the
estate's maintainers, all from the package (``runner/scaffold``), then ``git init``. Nothing
is committed: review, edit the hosts, and make the first commit yourself.

Exit 0 when written; 2 when DIR exists and is not empty.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from ..errors import Exit

# package file -> where it goes in the new repository
_RENAMED = {
    "github-workflows": ".github/workflows",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "gitignore": ".gitignore",
}
_CI_FILES = (".github/workflows", ".gitlab-ci.yml")
# How Patrol's own repository installs itself in CI: `pip install [-q] .` (validation, the
# light install) or `'.[ansible]'` (running plays); `-e` would bring Ansible to every job.
_SOURCE_INSTALL = re.compile(r"\bpip install((?: -q)?) (?:-e )?(?:\.|'\.\[(\w+)\]')(?=\s|$)",
                             re.MULTILINE)


def _version() -> str:
    from ..version import installed

    return installed("patrol", "0.1.0")


# Patrol's source is a path that triggers validation in this repository; in an estate
# repository the Patrol version pinned in the workflow is.
_SOURCE_PATH = re.compile(r'^(\s*)- "runner/\*\*"$', re.MULTILINE)


def _as_a_tool(text: str) -> str:
    """A CI template for an estate repository: install Patrol, not the repository itself."""
    def tool(match: re.Match[str]) -> str:
        extra = f"[{match[2]}]" if match[2] else ""
        return f'pip install{match[1]} "patrol{extra}=={_version()}"'

    text = _SOURCE_PATH.sub(r'\1- ".github/workflows/validate.yml"  # the Patrol version pin', text)
    return _SOURCE_INSTALL.sub(tool, text)


def scaffold(dest: Path) -> list[Path]:
    """Copy the scaffold into ``dest`` (which must not hold files); the files written."""
    from ..resources import package_dir

    source = package_dir("scaffold")
    files = sorted(Path(top) / name  # followlinks: in a source checkout, scaffold/ links
                   for top, _dirs, names in os.walk(source, followlinks=True) for name in names)
    written = []
    for path in files:
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(source).as_posix()
        top, _, rest = rel.partition("/")
        target = dest / (_RENAMED.get(top, top) + (f"/{rest}" if rest else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.relative_to(dest).as_posix().startswith(_CI_FILES):
            target.write_text(_as_a_tool(path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copyfile(path, target)
        written.append(target)
    (dest / "inventory" / "patrol-inventory").chmod(0o755)
    return written


def _refusal(dest: Path) -> str | None:
    """Why ``dest`` cannot take a new estate, or None."""
    if not dest.exists():
        return None
    if not dest.is_dir():
        return f"{dest} exists and is not a directory; give a new or empty directory"
    if any(dest.iterdir()):
        return f"{dest} exists and is not empty; give a new or empty directory"
    return None


def run(dest: Path) -> int:
    dest = Path(dest)
    try:
        refused = _refusal(dest)
        if refused is None:
            dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        refused = f"cannot create {dest}: {exc.strerror or exc}"
    if refused:
        print(f"patrol init: {refused}", file=sys.stderr)
        return int(Exit.USAGE)
    from ..archive.git import init_repository

    try:
        written = scaffold(dest)
        init_repository(dest)
    except OSError as exc:  # a full disk, a directory made read-only meanwhile
        print(f"patrol init: writing {exc.filename or dest} failed: {exc.strerror or exc}; "
              f"remove {dest} and run again", file=sys.stderr)
        return int(Exit.FAILED)
    print(f"patrol init: wrote {len(written)} files to {dest} (a Git repository, nothing "
          "committed yet)\nnext: edit inventory/ and policies/, `patrol validate`, then "
          "`git add -A && git commit`")
    return int(Exit.OK)
