"""The archive branch: where ``main`` is protected, records live on a records-only branch.

With ``archive: {branch: patrol-archive}`` in the service policy, Patrol keeps a worktree of
that branch inside the Git directory (never a stray file in the estate) and reads and writes
``reports/`` there; the estate checkout stays on its branch, untouched by runs. The branch is
made from the remote's copy when there is one, else as a new history with no estate files.
``--push`` pushes it, never the estate's branch, so engineers' PRs never conflict with records.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Exit, PatrolError
from . import history
from .files import load_yaml

WORKTREE = "patrol-archive"


def configured(root: Path) -> str | None:
    """The archive branch the estate's service policy names (read without the whole estate:
    ``patrol findings`` and ``audit`` must find the records cheaply)."""
    path = root / "policies" / "service.yaml"
    try:
        doc = load_yaml(path.read_bytes()) or {}
    except (OSError, ValueError):
        return None
    except Exception:
        return None
    branch = (doc.get("archive") or {}).get("branch") if isinstance(doc, dict) else None
    return str(branch) if branch else None


def _ok_name(branch: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", branch) or ".." in branch:
        raise PatrolError(f"archive branch {branch!r} is not a usable branch name")
    return branch


def rev(root: Path, branch: str) -> str | None:
    """The archive branch's tip as this clone knows it: the local branch, else the remote's."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        sha = history.resolve(root, ref)
        if sha:
            return ref
    return None


def archive_rev(root: Path) -> tuple[str | None, str | None]:
    """(the revision holding the records, the estate's revision when that is another branch).
    Without an archive branch the records are in the estate's own history: (HEAD, None)."""
    name = configured(root)
    if name is None:
        return "HEAD", None
    return rev(root, name), "HEAD"


def records_root(root: Path, branch: str) -> Path:
    """The directory whose ``reports/`` is the archive branch's: its worktree, made when
    missing (from the remote's branch if there is one, else a new records-only history)."""
    branch = _ok_name(branch)
    common = Path(history.git(root, "rev-parse", "--path-format=absolute",
                              "--git-common-dir").decode().strip())
    prefix = history.prefix_of(root)
    wt = common / WORKTREE
    if not (wt / ".git").exists():
        history.git(root, "worktree", "prune")
        if history.resolve(root, f"refs/heads/{branch}"):
            history.git(root, "worktree", "add", "-q", str(wt), branch)
        elif history.resolve(root, f"refs/remotes/origin/{branch}"):
            history.git(root, "worktree", "add", "-q", "--track", "-b", branch, str(wt),
                        f"origin/{branch}")
        else:
            history.git(root, "worktree", "add", "-q", "--detach", "--no-checkout", str(wt))
            history.git(wt, "checkout", "-q", "--orphan", branch)
            history.git(wt, "rm", "-rq", "--cached", "--ignore-unmatch", ".")
    current = history.git(wt, "symbolic-ref", "-q", "--short", "HEAD", check=False).decode()
    if current.strip() != branch:
        raise PatrolError(f"{wt} is on {current.strip() or 'a detached HEAD'}, not the archive "
                          f"branch {branch}; remove it (git worktree remove) and run again",
                          exit_code=Exit.ENVIRONMENT)
    out = wt / prefix
    out.mkdir(parents=True, exist_ok=True)
    return out


def foreign_commits(root: Path, rev_: str) -> list[tuple[str, list[str]]]:
    """Commits on the archive branch that change anything outside ``reports/``: nothing but
    Patrol's records may ever land there."""
    prefix = history.prefix_of(root)
    raw = history.git(root, "log", "--first-parent", "--format=%x1e%H", "--name-only",
                      "--no-renames", rev_).decode(errors="replace")
    out = []
    for chunk in raw.split("\x1e")[1:]:
        lines = [x for x in chunk.splitlines() if x.strip()]
        if not lines:
            continue
        sha, paths = lines[0], lines[1:]
        outside = [p for p in paths if not p.startswith(f"{prefix}reports/")]
        if outside:
            out.append((sha, outside))
    return out


def reports_root(root: Path) -> Path:
    """Where the estate's archive is read: the archive branch's worktree when the service
    policy names one, else the estate root itself. Outside a repository there is no archive
    (a usage error): reading none would pass for an empty one, "0 findings"."""
    try:
        if not Path(root).is_dir():
            raise PatrolError("no such directory")
        history.git(root, "rev-parse", "--git-dir")
    except PatrolError:
        raise PatrolError(f"{root} is not inside a Git repository; the archive needs one "
                          "(git init)", exit_code=Exit.USAGE) from None
    branch = configured(root)
    return records_root(root, branch) if branch else root
