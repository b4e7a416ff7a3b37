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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Exit

# package file -> where it goes in the new repository
_RENAMED = {
    "github-workflows": ".github/workflows",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "gitignore": ".gitignore",
}
_CI_FILES = (".github/workflows", ".gitlab-ci.yml")
# What an estate repository does not get: Patrol's own release workflow, and the locks and
# inputs only Patrol's development uses (an estate installs Patrol from light.txt/ansible.txt).
_NOT_COPIED = frozenset({
    "github-workflows/release.yml",
    "requirements/dev.txt", "requirements/release.txt", "requirements/build.in",
    "requirements/release.in", "requirements/constraints.txt",
})
# How Patrol's own repository installs itself in CI, after the locked dependencies
# (`pip install --require-hashes -r requirements/light.txt` or `ansible.txt`): the source tree,
# built with the locked setuptools. An estate repository installs the released Patrol instead.
_SOURCE_INSTALL = re.compile(r"\bpip install --no-deps --no-build-isolation \.(?=\s|$)",
                             re.MULTILINE)


def _version() -> str:
    from ..version import DISTRIBUTION, installed

    return installed(DISTRIBUTION, "0.0.0")


def is_release(version: str) -> bool:
    """A version the package index can hold: no dev, pre-release or local part."""
    return re.fullmatch(r"\d+(\.\d+)*", version) is not None


def _as_a_tool(text: str) -> str:
    """A CI template for an estate repository: install this Patrol, not the repository itself.

    The dependencies stay locked (the lock files are copied beside), so only Patrol's own line
    changes: `--no-deps` keeps pip from resolving anything the lock did not name.
    """
    from ..version import DISTRIBUTION

    return _SOURCE_INSTALL.sub(f'pip install --no-deps "{DISTRIBUTION}=={_version()}"', text)


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
        if rel in _NOT_COPIED:
            continue
        top, _, rest = rel.partition("/")
        target = dest / (_RENAMED.get(top, top) + (f"/{rest}" if rest else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.relative_to(dest).as_posix().startswith(_CI_FILES):
            target.write_text(_as_a_tool(path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copyfile(path, target)
        written.append(target)
    (dest / "inventory" / "patrol-inventory").chmod(0o755)
    gone = _without_lab_sites(dest)
    return [p for p in written if p not in gone]


def _without_lab_sites(dest: Path) -> set[Path]:
    """Leave out the sample's sites behind a jump host or execution node, and everything that
    names them; the files removed.

    Why: their hops and hosts pin the lab's host keys, which the lab derives from host names
    (``runner/lab/hostkeys.py``), so anyone can compute their private halves. A new estate
    that kept them would accept any machine at those addresses offering those keys as its
    jump host or node, and hand a node the BMC passwords. Edited round trip (comments and
    layout kept); a file that does not round-trip exactly is left as it is.
    """
    from ..upgrade.inventory_edit import _dump, _yaml

    def edit(path: Path, change: Callable[[Any], object]) -> Any:  # the data, None: untouched
        loaded = _yaml(path.read_text(encoding="utf-8")) if path.is_file() else None
        if loaded is None:
            return None
        yaml, data = loaded
        change(data)
        path.write_text(_dump(yaml, data), encoding="utf-8")
        return data

    gone: set[str] = set()

    def drop(items: list[Any], key: str) -> None:  # the items naming a gone site
        for i in reversed(range(len(items))):
            if str(items[i].get(key)) in gone:
                del items[i]

    def forget(mapping: Any) -> None:  # a gone site's key in a mapping of sites
        for site in gone & set(mapping or {}):
            del mapping[site]

    def sites(data: Any) -> None:
        gone.update(str(s.get("id")) for s in data.get("sites") or [] if "reach" in s)
        drop(data.get("sites") or [], "id")

    edit(dest / "inventory/sites.yaml", sites)
    if not gone:
        return set()
    edit(dest / "inventory/spares.yaml",
         lambda data: [forget(d.get("reaches")) for d in data.get("depots") or []])
    edit(dest / "policies/notifications.yaml", lambda data: forget(data.get("sites")))
    edit(dest / "policies/service.yaml", lambda data: forget(data.get("service_hours")))
    removed = set()
    for path in sorted((dest / "inventory/hosts").glob("*.yaml")):
        data = edit(path, lambda data: drop(data.get("hosts") or [], "site"))
        if data is not None and not data.get("hosts"):
            path.unlink()  # a file of those sites' hosts only
            removed.add(path)
    return removed


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
    if not is_release(_version()):
        print(f"patrol init: warning: this Patrol ({_version()}) is not a release, and the CI "
              "templates pin it; install a release (pip install patrol-gitops) and run init "
              "again, or edit the pin in .github/workflows and .gitlab-ci.yml", file=sys.stderr)
    print(f"patrol init: wrote {len(written)} files to {dest} (a Git repository, nothing "
          "committed yet)\nnext: edit inventory/ and policies/, `patrol validate`, then "
          "`git add -A && git commit`")
    return int(Exit.OK)
