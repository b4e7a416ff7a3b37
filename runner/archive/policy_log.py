"""What was promised, and who changed it: the audit log's policy and commitment events.

Each mainline commit that changed the service policy (deadlines, response times, penalties,
the archive's signature requirement), the spare-part commitments or the allowed signers is one
event per file, naming each value it changed (``key: before -> after``, keys as written in the
file; for ``allowed_signers`` the keys added and removed), the commit, its author, the pull
request's merge when it came in by one, and who signed it: the principal git verified against
the allowed signers in force before it, else what the signature is (unsigned, or a key not
allowed then). What the signature policy made of each change (it now requires signatures, a
turn-off is pending or recorded, a change that does not count) comes from ``signatures``'
walk of the mainline (``Mainline.events`` and its breaks), never derived twice.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import history, signatures
from .files import load_yaml

SPARES = "policies/spares.yaml"
FILES = (signatures.SERVICE, SPARES, signatures.SIGNERS)


@dataclass(frozen=True)
class PolicyChange:
    at: str  # the mainline commit's date (a pull request's merge: when it took effect)
    commit: str
    author: str
    merge: str | None  # the mainline merge commit that brought it, when it is one
    file: str
    text: str
    signer: str  # who signed the commit, as verified against the signers in force before it


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """A YAML document as ``dotted.key -> text``, so two versions compare key by key."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k in sorted(value, key=str):
            out.update(flatten(value[k], f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        named = [_name_of(v) for v in value]
        if value and all(named) and len(set(named)) == len(named):  # items with an identity
            out = {}
            for v, n in zip(value, named, strict=True):
                out.update(flatten(v, f"{prefix}[{n}]"))
            return out
        return {prefix: ", ".join(str(v) for v in value)}
    return {prefix: "" if value is None else str(value)}


def _name_of(item: Any) -> str | None:
    """What names a list item (a commitment's part, an entry's id or name), if anything."""
    if isinstance(item, dict):
        for key in ("id", "part", "name", "site"):
            if isinstance(item.get(key), (str, int)):
                return str(item[key])
    return None


def _values(data: bytes, sha: str) -> dict[str, str]:
    try:
        doc = load_yaml(data) if data else {}
    except Exception:  # a version that does not parse: named as a whole
        return {"(unreadable)": sha[:12]}
    return flatten(doc or {})


def _signers(data: bytes) -> dict[tuple[str, str], str]:
    """(type, key) -> the principal(s) an allowed_signers file lists it for."""
    out: dict[tuple[str, str], str] = {}
    for line in data.decode(errors="replace").splitlines():
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        for key in signatures.allowed_keys(line.encode()):
            out[key] = tokens[0]
    return out


def _diff(rel: str, before: bytes, after: bytes, sha: str) -> list[str]:
    if rel == signatures.SIGNERS:
        old, new = _signers(before), _signers(after)
        return ([f"key added: {new[k]} {k[0]} {k[1][:16]}..." for k in sorted(set(new) - set(old))]
                + [f"key removed: {old[k]} {k[0]} {k[1][:16]}..."
                   for k in sorted(set(old) - set(new))])
    old_v, new_v = _values(before, sha), _values(after, sha)
    return [f"{key}: {old_v.get(key, '–')} -> {new_v.get(key, '–')}"
            for key in sorted(set(old_v) | set(new_v)) if old_v.get(key) != new_v.get(key)]


def changes(root: Path, rev: str = "HEAD", records: str | None = None) -> list[PolicyChange]:
    """Every change to the promises on ``rev``'s mainline, oldest first, and the signature
    policy's own events there (``records``: the archive branch, when records live on one)."""
    meta = _meta(root, rev)
    found: list[tuple[str, str, str]] = []  # (commit, file, text)
    for rel in FILES:
        before: bytes | None = None
        for sha, _at, data in history.mainline_versions(root, rel, rev):
            if before is not None:
                lines = _diff(rel, before, data, sha)
                if lines:
                    found.append((sha, rel, f"{rel}: {'; '.join(lines)}"))
            before = data
    with tempfile.TemporaryDirectory(prefix="patrol-policy-log-") as tmp:
        checker = signatures.Checker(root, Path(tmp))
        line = signatures.mainline(root, rev, checker, records=records)
        found += [(e.commit, signatures.SERVICE, f"signature policy: {e.text}")
                  for e in line.events]
        found += [(sha, path, f"signature policy: {why}") for sha, path, why in line.breaks]
        signers = _signed_by(root, Path(tmp), line, sorted({sha for sha, _, _ in found}))
    out = []
    for sha, rel, text in found:
        at, author, parents = meta.get(sha, ("", "", []))
        out.append(PolicyChange(at, sha, author, sha if len(parents) > 1 else None, rel, text,
                                signers.get(sha, "")))
    order = {sha: i for i, sha in enumerate(meta)}
    return sorted(out, key=lambda c: (order.get(c.commit, -1), c.file, c.text))


def _meta(root: Path, rev: str) -> dict[str, tuple[str, str, list[str]]]:
    """Mainline commit -> (its date, author, parents), oldest first."""
    raw = history.git(root, "log", "--first-parent", "--reverse",
                      "--format=%H%x1f%cI%x1f%an <%ae>%x1f%P", rev, check=False).decode()
    out: dict[str, tuple[str, str, list[str]]] = {}
    for row in raw.splitlines():
        parts = row.split("\x1f")
        if len(parts) == 4:
            out[parts[0]] = (parts[1], parts[2], parts[3].split())
    return out


def _signed_by(root: Path, tmp: Path, line: signatures.Mainline,
               shas: list[str]) -> dict[str, str]:
    """Per commit: the principal whose allowed key signed it (as in force before it), or
    what its signature is."""
    out: dict[str, str] = {}
    kinds = signatures.kinds(root, shas)
    by_signers: dict[bytes, list[str]] = {}
    for sha in shas:
        kind = kinds.get(sha)
        if kind is None:
            out[sha] = "unsigned"
        elif kind != "ssh":
            out[sha] = f"an {kind} signature (the archive accepts SSH only)"
        else:
            signers = line.before.get(sha, signatures.Policy()).signers
            if signers is None:
                out[sha] = f"an SSH key (no {signatures.SIGNERS} in force)"
            else:
                by_signers.setdefault(signers, []).append(sha)
    for i, (signers, group) in enumerate(sorted(by_signers.items())):
        path = tmp / f"signers.{i}"
        path.write_bytes(signers)
        for sha, good, who, key in history.signatures(root, group, path):
            out[sha] = who if good == "G" and who else (
                f"key {key or 'unknown'}, not in {signatures.SIGNERS} as in force before it")
    return out


def requirement(root: Path, rev: str = "HEAD", records: str | None = None
                ) -> list[tuple[str, str, bool]]:
    """(commit, its date, whether signatures are required after it) for each mainline commit
    where the signature requirement in force started or stopped, oldest first: read from
    ``signatures.mainline`` (what counted, not what the files said), never derived again."""
    meta = _meta(root, rev)
    with tempfile.TemporaryDirectory(prefix="patrol-policy-log-") as tmp:
        line = signatures.mainline(root, rev, signatures.Checker(root, Path(tmp)),
                                   records=records)
    out = []
    for sha in line.order:
        before, after = line.before.get(sha), line.after.get(sha)
        if before is not None and after is not None and before.required != after.required:
            out.append((sha, meta.get(sha, ("", "", []))[0], after.required))
    return out
