"""``patrol audit signatures-off``: stop requiring signatures, as a signed, recorded event.

Whoever holds an allowed key may decide the archive no longer needs signatures, but never
quietly: the decision is two signed commits an auditor reads in the archive itself.

1. the estate commit that sets ``archive.require_signatures: false`` in
   ``policies/service.yaml`` (made here when the estate still requires them and records live
   beside it; when a merged, signed pull request already turned them off — the only way on
   an archive branch, whose estate branch is protected — that commit is the one recorded);
2. a sealed, chained ``kind: policy`` record naming that commit (``turned_off_by``) and the
   reason, committed with Patrol's trailers beside the other records (on the archive branch
   when there is one).

Both are signed by a key allowed before the turn-off (``PATROL_SIGNING_KEY`` or ``git config
user.signingkey``). Verify counts the turn-off only from the record on (``signatures``).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..clock import iso
from ..errors import Exit, PatrolError
from . import history, signatures
from .chain import record_path, seal
from .files import atomic_write, dump_yaml
from .preflight import require_signing_key
from .records import preamble
from .repair import commit_signed_record, signing_key
from .verify import verify


@dataclass(frozen=True)
class TurnedOff:
    turned_off_by: str  # the estate commit that turned the requirement off
    made_here: bool  # whether this command made it
    record: str  # the policy record's path
    commit: str  # the commit that adds it


def _line(estate: Path, records: str | None) -> signatures.Mainline:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="patrol-signers-") as tmp:
        return signatures.mainline(estate, "HEAD", signatures.Checker(estate, Path(tmp)),
                                   records=records)


def _set_off(text: str, rel: str) -> str:
    """``archive.require_signatures: false``, every other byte of the file kept."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100_000
    try:
        doc = yaml.load(text)
    except Exception as exc:  # the estate's own file; validate names the place
        raise PatrolError(f"{rel}: does not read as YAML ({exc}); run `patrol validate`",
                          exit_code=Exit.USAGE) from None
    archive = doc.get("archive") if isinstance(doc, dict) else None
    if not isinstance(archive, dict):
        raise PatrolError(f"{rel}: no `archive:` mapping to change", exit_code=Exit.USAGE)
    archive["require_signatures"] = False
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def turn_off(estate: Path, records: Path, reason: str, now: datetime, env: dict[str, str],
             records_rev: str | None = None, estate_ref: str | None = None) -> TurnedOff:
    """Turn the requirement off and record it (module docstring). ``records``: where
    ``reports/`` is written (the estate, or the archive branch's worktree)."""
    reason = reason.strip()
    if not reason:
        raise PatrolError("--reason is required: the record says why signatures stop",
                          exit_code=Exit.USAGE)
    key = signing_key(estate, env)
    require_signing_key(estate, key, listed=True)
    line = _line(estate, records_rev)
    if not line.order:
        raise PatrolError("the estate has no commits", exit_code=Exit.USAGE)
    made_here = False
    if line.pending is None:
        if not line.after[line.order[-1]].required:
            raise PatrolError("signatures are not required: there is nothing to turn off",
                              exit_code=Exit.FAILED)
        if records_rev is not None:  # the estate's branch changes by review, not from here
            raise PatrolError(
                "on an archive branch the estate's policy changes by pull request: merge a "
                f"signed change setting archive.require_signatures: false in {signatures.SERVICE}"
                ", then run this again to record it; nothing was changed",
                exit_code=Exit.FAILED)
        _commit_policy(estate, key, reason)
        made_here = True
        line = _line(estate, records_rev)
        if line.pending is None:  # the commit did not count: verify says why
            raise PatrolError("the turn-off commit does not count (run `patrol audit "
                              "verify`)", exit_code=Exit.FAILED)
    found = verify(records, estate_ref=estate_ref)
    if not found.ok:
        raise PatrolError("the archive does not verify; repair it first (`patrol audit "
                          "repair`): nothing was recorded", exit_code=Exit.FAILED)
    rel, commit = _record(records, estate, key, line.pending, reason, now, found)
    return TurnedOff(line.pending, made_here, rel, commit)


def _commit_policy(estate: Path, key: str, reason: str) -> None:
    rel = signatures.SERVICE
    if history.git(estate, "status", "--porcelain", "--", rel).strip():
        raise PatrolError(f"{rel} has uncommitted changes: commit or remove them first; "
                          "nothing was changed", exit_code=Exit.FAILED)
    path = estate / rel
    atomic_write(path, _set_off(path.read_text(encoding="utf-8"), rel).encode())
    message = f"archive: stop requiring signatures\n\n{reason}\n"
    history.git(estate, *history.signing_args(key), "commit", "-q", "--no-verify", "-S",
                "-m", message, "--", rel, env={**history.identity_env(estate)})


def _record(records: Path, estate: Path, key: str, turned_off_by: str, reason: str,
            now: datetime, found: Any) -> tuple[str, str]:
    run_id = f"{now:%Y%m%dT%H%M%SZ}{signatures.POLICY_MARK}{secrets.token_hex(3)}"
    estate_commit = history.resolve(estate, "HEAD")
    previous = (found.tip.path, found.tip.sha256) if found.tip.path and found.tip.sha256 \
        else None
    header: dict[str, Any] = {"started": iso(now), "finished": iso(now),
                              "estate": {"commit": estate_commit, "dirty": False}}
    body = preamble(signatures.POLICY, run_id, header, previous)
    body["signatures"] = {"required": False, "turned_off_by": turned_off_by,
                          "reason": reason}
    data, digest = seal(dump_yaml(body))
    rel = record_path(run_id, now.year, now.month)
    subject = f"policy: signatures no longer required (turned off by {turned_off_by[:12]})"
    return rel, commit_signed_record(records, key, rel, data, digest, subject, run_id,
                                     str(estate_commit))
