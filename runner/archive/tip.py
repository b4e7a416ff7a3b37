"""Verify the tip before a run appends to it, cheaply: from the last verified commit.

The last commit ``verify`` found sound (and the chain's tip there) is kept in ``.git/`` (never
in the estate, never pushed). A run verifies only the commits after it — in a fresh clone,
the whole history from the root: trust starts from proof, never from a commit found by its
message (anyone can write ``Patrol-Run:`` in a commit message) — then the uncommitted files
under ``reports/``:
records an earlier run left (the spool, ``--no-commit`` upgrades) are fine if sealed and
chained; anything else edited, deleted or added by hand is a break. When the cached commit is
no longer an ancestor (a rebase, an amend, a reset), the whole history is verified again.
The whole history is ``patrol audit verify``'s, in CI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import PatrolError
from . import history, reader
from .chain import record_hash, record_is_intact
from .files import RUNS, atomic_write, is_temp
from .verify import FINDINGS, Break, Tip, Verified, record_head, verify

CACHE = "patrol-verified.json"
WORKTREE = "(uncommitted)"


def _cache_path(root: Path) -> Path:
    return history.git_dir(root) / CACHE


def _here(root: Path) -> tuple[str | None, Path, str]:
    """(HEAD's sha or None, the cache's path, the estate's prefix) in one git process: the
    check with nothing new must stay within 20 ms, and each git process costs 3-5."""
    out = history.git(root, "rev-parse", "--absolute-git-dir", "--show-prefix", "--verify",
                      "-q", "HEAD^{commit}", check=False).decode().split("\n")
    if len(out) < 2 or not out[0]:  # not a repository: let git say so
        return None, _cache_path(root), history.prefix_of(root)
    return (out[2].strip() or None) if len(out) > 2 else None, Path(out[0]) / CACHE, out[1]


def _read(root: Path, path: Path | None = None) -> tuple[str, Tip] | None:
    try:
        doc = json.loads((path or _cache_path(root)).read_text())
        return str(doc["commit"]), Tip(doc.get("record"), doc.get("sha256"), doc.get("started"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(root: Path, commit: str, tip: Tip, path: Path | None = None) -> None:
    """Note ``commit`` as verified, with the chain's tip there."""
    doc = {"commit": commit, "record": tip.path, "sha256": tip.sha256, "started": tip.started}
    atomic_write(path or _cache_path(root), (json.dumps(doc, sort_keys=True) + "\n").encode())


def advance(root: Path, parent: str | None, commit: str, tip: Tip) -> None:
    """After Patrol's own commit on a verified parent, the new commit is verified too."""
    path = _cache_path(root)
    cached = _read(root, path)
    if cached is not None and parent is not None and cached[0] == parent:
        remember(root, commit, tip, path)


def check(root: Path, estate_ref: str | None = None) -> Verified:
    """Verify the committed history since the last verified commit, then the working tree."""
    head, cache, prefix = _here(root)
    if head is None:
        out = Verified()
    else:
        cached = _read(root, cache)
        if cached is not None and cached[0] == head:  # nothing committed since: no walk
            out = Verified(head=head, tip=cached[1])
        elif cached is not None and history.is_ancestor(root, cached[0], head):
            out = verify(root, since=cached[0], tip=cached[1], estate_ref=estate_ref)
        else:  # a fresh clone, or the verified commit was rewritten away: from the root
            out = verify(root, estate_ref=estate_ref)
        if out.ok and (cached is None or cached[0] != head):
            remember(root, head, out.tip)
    out.breaks.extend(_worktree(root, out.tip, prefix))
    return out


def _worktree(root: Path, tip: Tip, prefix: str | None = None) -> list[Break]:
    """Uncommitted changes under reports/: only a --no-commit run's sealed, chained records
    and the files they justify (a ``.NAME.XXXX.tmp`` a killed write left is no change)."""
    breaks: list[Break] = []
    changes = [(s, p) for s, p in history.worktree_changes(root, prefix=prefix)
               if not is_temp(p)]
    new_records = sorted(p for s, p in changes if s[0] in "?A" and p.startswith(RUNS + "/"))
    for status, path in changes:
        if path.startswith(RUNS + "/") and status[0] not in "?A":
            verb = "deleted" if "D" in status else "edited"
            breaks.append(Break(WORKTREE, path, f"record {verb} since the last Patrol commit: "
                                                "records are append-only"))
    named: dict[str, str] = {}
    data: dict[str, bytes] = {}
    heads: dict[str, dict[str, Any]] = {}
    for p in list(new_records):  # each record read strictly, and parsed once
        try:
            data[p] = reader.read_bytes(root, p)
            heads[p] = record_head(data[p])
        except reader.Refused as exc:
            breaks.append(Break(WORKTREE, p, f"line {exc.line}: {exc}"))
            new_records.remove(p)
        except PatrolError as exc:
            breaks.append(Break(WORKTREE, p, exc.message))
            new_records.remove(p)
    remaining = set(new_records)
    cur = tip
    while remaining:
        path = next((p for p in sorted(remaining) if _links(heads[p], cur)), None)
        if path is None:
            for path in sorted(remaining):
                breaks.append(Break(WORKTREE, path, "uncommitted record does not chain onto "
                                                    f"the tip {cur.path}"))
            break
        remaining.remove(path)
        if not record_is_intact(data[path]):
            breaks.append(Break(WORKTREE, path, "seal does not match the record's bytes"))
        for item in heads[path].get("findings") or []:
            if isinstance(item, dict) and item.get("finding"):
                named[str(item["finding"])] = str(item.get("to"))
        cur = Tip(path, record_hash(data[path]), heads[path].get("started"))
    for _status, path in changes:
        if path.startswith(RUNS + "/"):
            continue
        if not new_records:
            breaks.append(Break(WORKTREE, path, "changed under reports/ since the last Patrol "
                                                "commit, by something other than Patrol"))
        elif path.startswith(FINDINGS) and path[len(FINDINGS):].removesuffix(".yaml") not in named:
            breaks.append(Break(WORKTREE, path, "finding changed without a record naming it"))
    return breaks


def _links(head: dict[str, Any], tip: Tip) -> bool:
    prev = head.get("previous") or {}
    if not prev:
        return tip.path is None
    return prev.get("record") == tip.path and prev.get("sha256") == tip.sha256


def proven_span(root: Path, end: str, since: str | None,
                commits: list[history.Commit] | None = None) -> Verified | None:
    """What ``verify(root, rev=end, since=since)`` would find, from the tip check's proof
    instead of a second walk, or None when there is no such proof (then verify).

    The tip check proved the first-parent line from the root to its cached commit (each run
    verifies what was committed since the last proven commit before it appends). When
    ``end`` and ``since`` are on that line, the span between them is already proven: no break
    is open in it. What is left to do here is to count it (commits, records: ``commits`` are
    its commits of ``reports/`` when the caller has walked them) and to check its
    signatures again, as verify does, so ``signed`` still means "checked now"; a signature
    that does not check sends the caller to the full verify, which names the break."""
    cached = _read(root)
    if cached is None:
        return None
    line = history.git(root, "rev-list", "--first-parent", "--reverse", cached[0],
                       check=False).decode().split()
    position = {sha: i for i, sha in enumerate(line)}
    if end not in position or (since is not None and since not in position):
        return None
    out = Verified(head=end)
    if commits is None:
        commits = history.walk(root, end, since)
    out.commits = len(commits)
    out.records = sum(1 for c in commits for ch in c.changes
                      if ch.status == "A" and ch.path.startswith(RUNS + "/"))
    span = line[(position[since] + 1 if since is not None else 0): position[end] + 1]
    if not signatures_hold(root, end, span, out):
        return None
    return out


def signatures_hold(root: Path, end: str, span: list[str], out: Verified) -> bool:
    """Check the signatures the policy in force requires on ``span`` (``signatures``),
    counting the good ones in ``out.signed``; False at the first that does not check."""
    import tempfile

    from . import signatures

    with tempfile.TemporaryDirectory(prefix="patrol-proven-") as tmp:
        checker = signatures.Checker(root, Path(tmp))
        policy = signatures.mainline(root, end, checker)
        if policy.breaks:
            return False
        within = set(span)
        out.events += [e for e in policy.events if e.commit in within]
        to_check: dict[bytes | None, list[str]] = {}
        for sha in span:
            before = policy.before.get(sha, signatures.Policy())
            if before.required:
                to_check.setdefault(before.signers, []).append(sha)
        for signers, shas in to_check.items():
            for why in checker.check(shas, signers).values():
                if why is not None:
                    return False
                out.signed += 1
    return True
