"""``patrol audit repair``: put a damaged archive back to its last verified state, on the record.

Once damage is committed (a hand-edited record, a forged commit, a dropped run), every later
commit inherits it, and nothing but ``git reset`` would make verify pass again — which
rewrites history a clone may already hold. Repair never rewrites: it adds one commit on top.

1. ``verify`` the whole history; the last verified state is the first-parent commit just
   before the earliest commit with a break (nothing to do when there is none);
2. ``reports/`` is made exactly what it was there: records added since are removed, edited or
   deleted ones restored (they all stay in Git's history, where the auditor can read them);
3. a repair record (``kind: repair``) chained onto the tip at that commit names it
   (``restores``) and every break it acknowledges (commit, path, message), and the commit is
   signed with a key in ``allowed_signers`` (``PATROL_SIGNING_KEY`` or ``user.signingkey``)
   whether or not signatures are required: repair is an auditor's act, never anonymous, and
   verify acknowledges nothing for a repair that is not so signed;
4. verify then reports those breaks apart, as acknowledged, and any break they do not name —
   or one after the repair — as open.

Runs made after the damage are no longer in ``reports/``: their records stay in the history,
and the inspections are simply run again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import iso
from ..errors import Exit, PatrolError
from . import history, reader
from .chain import record_path, seal
from .files import REPORTS, atomic_write, dump_yaml
from .preflight import require_signing_key
from .records import preamble
from .verify import Break, Tip, Verified, verify

SIGNING_ENV = "PATROL_SIGNING_KEY"


@dataclass(frozen=True)
class Plan:
    """What a repair would do: the commit it restores, the tip there, the breaks it names."""

    restores: str
    tip: Tip
    breaks: list[Break]


def plan(root: Path, estate_ref: str | None = None) -> Plan | None:
    """The repair the archive needs (module docstring), or None when it verifies."""
    found = verify(root, estate_ref=estate_ref)
    if found.ok:
        return None
    order = history.git(root, "rev-list", "--first-parent", "--reverse",
                        "HEAD").decode().split()
    index = {sha: i for i, sha in enumerate(order)}
    first = min((index[b.commit] for b in found.breaks if b.commit in index), default=None)
    if first is None:
        raise PatrolError("the breaks are not in committed history: nothing to repair "
                          "(`patrol audit verify` names them)", exit_code=Exit.FAILED)
    if first == 0:
        raise PatrolError("the first commit itself is broken: there is no verified state to "
                          "restore", exit_code=Exit.FAILED)
    restores = order[first - 1]
    before = verify(root, rev=restores, estate_ref=estate_ref)
    if not before.ok:  # cannot happen: the earliest break is after it
        raise PatrolError(f"{restores[:12]} does not verify either", exit_code=Exit.FAILED)
    return Plan(restores, before.tip, found.breaks)


def signing_key(root: Path, env: dict[str, str]) -> str:
    key = env.get(SIGNING_ENV) or history.git(root, "config", "--get", "user.signingkey",
                                              check=False).decode().strip()
    if not key:
        raise PatrolError(f"a repair is signed: set {SIGNING_ENV} (or git config "
                          "user.signingkey) to an allowed key; nothing was changed",
                          exit_code=Exit.FAILED)
    return key


def repair(root: Path, estate: Path, now: datetime, env: dict[str, str],
           estate_ref: str | None = None) -> tuple[Plan | None, str | None]:
    """Repair the archive in ``root`` (the estate, or the archive branch's worktree) as the
    module docstring says; ``estate``: where ``policies/`` is. Returns (plan, commit)."""
    key = signing_key(estate, env)
    require_signing_key(estate, key, listed=True)
    changes = history.worktree_changes(root)
    if changes:
        raise PatrolError("uncommitted changes under reports/ (" + ", ".join(
            p for _, p in changes[:5]) + "): commit or remove them first; nothing was changed",
            exit_code=Exit.FAILED)
    found = plan(root, estate_ref)
    if found is None:
        return None, None
    run_id = f"{now:%Y%m%dT%H%M%SZ}-repair-{secrets.token_hex(3)}"
    estate_commit = history.resolve(estate, "HEAD")
    previous = (found.tip.path, found.tip.sha256) if found.tip.path and found.tip.sha256 \
        else None
    header: dict[str, Any] = {"started": iso(now), "finished": iso(now),
                              "estate": {"commit": estate_commit, "dirty": False}}
    body = preamble("repair", run_id, header, previous)
    body["restores"] = found.restores
    body["summary"] = {"acknowledged": len(found.breaks)}
    body["acknowledges"] = [b.as_dict() for b in found.breaks]
    data, digest = seal(dump_yaml(body))
    rel = record_path(run_id, now.year, now.month)
    prefix = history.prefix_of(root)
    history.git(root, "rm", "-r", "-q", "--ignore-unmatch", "--", REPORTS)
    if _has(root, found.restores, prefix):
        history.git(root, "checkout", found.restores, "--", REPORTS)
    subject = (f"repair: restore reports/ to {found.restores[:12]}, acknowledging "
               f"{len(found.breaks)} break(s)")
    return found, commit_signed_record(root, key, rel, data, digest, subject, run_id,
                                       str(estate_commit), REPORTS)


def commit_signed_record(root: Path, key: str, rel: str, data: bytes, digest: str,
                         subject: str, run_id: str, estate_commit: str,
                         *paths: str) -> str:
    """Write a sealed record where it belongs and commit it (and ``paths``), signed, with
    Patrol's trailers: an auditor's act on the archive is never anonymous."""
    atomic_write(root / rel, data)
    reader.read_bytes(root, rel)  # written where it belongs, through no link
    history.git(root, "add", "--", rel)
    message = (f"{subject}\n\nPatrol-Run: {run_id}\nPatrol-Estate: {estate_commit}\n"
               f"Patrol-Record: sha256:{digest}\n")
    history.git(root, *history.signing_args(key), "commit", "-q", "--no-verify", "-S",
                "-m", message, "--", *(paths or (rel,)), env={**history.identity_env(root)})
    return str(history.resolve(root, "HEAD"))


def _has(root: Path, rev: str, prefix: str) -> bool:
    """Whether ``reports/`` existed at ``rev``."""
    return history.git(root, "cat-file", "-t", f"{rev}:{prefix}{REPORTS}",
                       check=False).strip() == b"tree"


def after(root: Path, estate_ref: str | None = None) -> Verified:
    """Verify again after a repair; the tip check's cache starts from the repaired commit."""
    from . import tip

    out = verify(root, estate_ref=estate_ref)
    if out.ok and out.head:
        tip.remember(root, out.head, out.tip)
    return out
