"""Notices: the outbox of what cannot be written on the chain, kept on a ref of its own.

When the archive is broken (``patrol audit verify`` or a run's tip check finds a break),
nothing may be appended to it: a record cannot chain onto an edited one, and a run refuses a
broken tip. Yet the people the routes name must be told, once. So the notification documents
of ``archive.broken`` (owed, claimed, delivered or failed: ``notify.outbox``'s shapes) live on
``refs/patrol/notices``: a history of its own beside the archive branch, one commit per
document, never in ``reports/``, never verified as a record.

Exactly once across clones, as on the chain: each document is added by a commit whose parent
is the ref as last read and pushed straight away; the push is the compare-and-swap. A
rejected push fetches the remote's ref and says so (``add`` returns False): the caller reads
the documents again and decides again. Without a remote the local ``update-ref`` with the old
value is the compare-and-swap (the run lock serialises one clone).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..errors import PatrolError
from . import reader
from .history import git, identity_env

REF = "refs/patrol/notices"
NONE = "0" * 40  # update-ref's "the ref must not exist yet"


def remote(root: Path) -> str | None:
    """The remote the notices are shared through (the first one), or None."""
    names = git(root, "remote", check=False).decode().split()
    return names[0] if names else None


def fetch(root: Path, where: str) -> None:
    """The remote's notices, over ours (ours were pushed when made); none there: ours stay."""
    listed = git(root, "ls-remote", where, REF).decode().split()
    if listed:
        git(root, "fetch", "-q", "--no-tags", where, f"+{REF}:{REF}")


def tip(root: Path) -> str | None:
    out = git(root, "rev-parse", "-q", "--verify", f"{REF}^{{commit}}", check=False)
    return out.decode().strip() or None


def read(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every document on the ref, by path (a damaged one is an error naming it)."""
    head = tip(root)
    if head is None:
        return []
    names = [n for n in git(root, "ls-tree", "-r", "--name-only", head).decode().splitlines()
             if n.endswith(".yaml")]
    return [(name, reader.parse_mapping(f"{REF}:{name}",
                                        git(root, "cat-file", "blob", f"{head}:{name}")))
            for name in sorted(names)]


def add(root: Path, rel: str, data: bytes, where: str | None) -> bool:
    """Commit ``rel`` onto the ref as last read and push it to ``where``; False when another
    clone moved the ref first (then the remote's ref is fetched: read again, decide again)."""
    old = tip(root)
    blob = git(root, "hash-object", "-w", "--stdin", input=data).decode().strip()
    with tempfile.TemporaryDirectory(prefix="patrol-notices-") as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if old is not None:
            git(root, "read-tree", old, env=index)
        git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", env=index)
        tree = git(root, "write-tree", env=index).decode().strip()
    parents = ["-p", old] if old else []
    new = git(root, "commit-tree", tree, *parents, "-m", f"notice: {rel}",
              env=identity_env(root) or None).decode().strip()
    git(root, "update-ref", REF, new, old or NONE, check=False)  # only from the ref we read
    if tip(root) != new:
        return False
    if where is None:
        return True
    try:
        git(root, "push", "-q", where, f"{REF}:{REF}")
    except PatrolError:  # rejected: the remote's ref moved first; ours is not the notice
        if old is None:
            git(root, "update-ref", "-d", REF, new)
        else:
            git(root, "update-ref", REF, old, new)
        fetch(root, where)
        return False
    return True
