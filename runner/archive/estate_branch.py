"""An estate edit where ``main`` is protected: its own branch, for a pull request.

A run that edits the estate (``upgrade`` rewrites declared versions, ``spares use/receive``
rewrites ``inventory/spares.yaml``) cannot commit the edit with its record when records live
on the archive branch: the two belong to different histories, and the estate's branch only
changes by PR. So the edit is committed on a new branch ``patrol/estate/<run-id>`` whose
parent is the estate commit the run started from, built with a private index: the estate
checkout, its index and its branch stay exactly as they were. ``--push`` pushes that branch
(never ``main``); the record names the branch, its base and its commit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import Exit, PatrolError
from .history import Blobs, git, identity_env, prefix_of, resolve, signing_args

PREFIX = "patrol/estate/"


def branch_name(run_id: str) -> str:
    """The branch a run's estate edit goes on: named after the run, so it is unique."""
    return f"{PREFIX}{run_id}"


def tree_files(root: Path, base: str, directory: str) -> dict[str, bytes]:
    """Every file under ``directory`` (relative to the estate root) at ``base``."""
    prefix = prefix_of(root)
    names = git(root, "ls-tree", "--full-tree", "-r", "--name-only", "-z", base, "--",
                f"{prefix}{directory}").decode().split("\0")
    specs = {name[len(prefix):]: f"{base}:{name}" for name in filter(None, names)}
    blobs = Blobs(root).at(specs.values())  # one cat-file process for all of them
    return {rel: data for rel, spec in specs.items() if (data := blobs[spec]) is not None}


def commit_edit(root: Path, base: str, files: Mapping[str, bytes], branch: str, message: str,
                sign_key: str | None = None) -> str:
    """Commit ``files`` (estate-root-relative path -> bytes) over ``base`` on the new branch
    ``branch``; the checkout and its index are not touched. Returns the commit's sha."""
    if resolve(root, f"refs/heads/{branch}"):
        raise PatrolError(f"branch {branch} already exists; nothing was committed",
                          exit_code=Exit.FAILED)
    prefix = prefix_of(root)
    root = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())  # paths from here
    with tempfile.TemporaryDirectory(prefix="patrol-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), **identity_env(root)}
        git(root, "read-tree", base, env=env)
        for rel, data in sorted(files.items()):
            blob = git(root, "hash-object", "-w", "--stdin", input=data).decode().strip()
            git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{prefix}{rel}",
                env=env)
        tree = git(root, "write-tree", env=env).decode().strip()
        sha = git(root, *signing_args(sign_key), "commit-tree", *(["-S"] if sign_key else []), tree,
                  "-p", base, "-F", "-", input=message.encode(), env=env).decode().strip()
    git(root, "update-ref", f"refs/heads/{branch}", sha, "0" * 40)  # create, never move
    return sha


def discard(root: Path, branch: str, sha: str) -> None:
    """Delete the estate edit's branch while it still points at ``sha`` (never pushed: a
    movement re-checked on a moved archive tip makes its edit again, or none)."""
    git(root, "update-ref", "-d", f"refs/heads/{branch}", sha)


def push(root: Path, branch: str) -> None:
    """Push the estate edit's branch (new, so never a force and never a conflict)."""
    remote = git(root, "remote", check=False).decode().split()
    if not remote:
        raise PatrolError(f"cannot --push: this repository has no remote; the estate edit "
                          f"is committed locally on {branch}", exit_code=Exit.FAILED)
    name = "origin" if "origin" in remote else remote[0]
    try:
        git(root, "push", "-q", name, f"refs/heads/{branch}:refs/heads/{branch}")
    except PatrolError as exc:
        raise PatrolError(f"{exc}; the estate edit is committed locally on {branch}: push "
                          f"it with `git push {name} {branch}`", exit_code=Exit.FAILED) from None
