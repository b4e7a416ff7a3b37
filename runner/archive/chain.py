"""The hash chain: every record sealed, every record naming the one before it.

A record is YAML whose last line is ``sha256: <hex>``, the SHA-256 of every byte before
that line. Each record names the previous record and its hash, so rewriting history
breaks the chain where it was rewritten.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Exit, PatrolError
from . import reader
from .files import RUNS

_SEAL = re.compile(rb"\nsha256: ([0-9a-f]{64})\n\Z")


def seal(body: bytes) -> tuple[bytes, str]:
    """Append the ``sha256:`` line over ``body``; returns the sealed bytes and the hash."""
    digest = hashlib.sha256(body).hexdigest()
    return body + f"sha256: {digest}\n".encode(), digest


def record_hash(data: bytes) -> str | None:
    """The hash a sealed record claims, or None when it has no seal."""
    m = _SEAL.search(data)
    return m.group(1).decode() if m else None


def record_is_intact(data: bytes) -> bool:
    """True when the seal matches the bytes before it."""
    m = _SEAL.search(data)
    if not m:
        return False
    body = data[: m.start() + 1]
    return hashlib.sha256(body).hexdigest() == m.group(1).decode()


def check_record(rel: str, data: bytes) -> None:
    """A whole, sealed record, or one error at ``file:line`` (a record is never edited)."""
    m = _SEAL.search(data)
    if not m:
        raise PatrolError("not a sealed Patrol record (no final sha256 line): truncated or "
                          "not written by Patrol", exit_code=Exit.FAILED, file=rel,
                          line=data.count(b"\n") or 1, column=1)
    if not record_is_intact(data):
        raise PatrolError("the record's seal does not match its bytes: it was edited after "
                          "it was written; restore it from Git", exit_code=Exit.FAILED,
                          file=rel, line=data.count(b"\n", 0, m.start()) + 2, column=1)


def record_path(run_id: str, year: int, month: int) -> str:
    return f"{RUNS}/{year:04d}/{month:02d}/{run_id}.yaml"


def list_records(root: Path) -> list[str]:
    """Every run record, oldest first (run ids start with a UTC timestamp, so names sort)."""
    out = [p for p in reader.files(root, RUNS) if p.count("/") == 4]
    return sorted(out, key=lambda p: Path(p).name)


_PREVIOUS = re.compile(rb"^previous:\n  record: (\S+)\n", re.M)


def _claimed_previous(data: bytes) -> str | None:
    """The record a record names as its predecessor (read without parsing the YAML)."""
    m = _PREVIOUS.search(data)
    return m.group(1).decode().strip("'\"") if m else None


def _actual_hash(data: bytes) -> str:
    m = _SEAL.search(data)
    return hashlib.sha256(data[: m.start() + 1] if m else data).hexdigest()


def latest_record(root: Path) -> tuple[str, str] | None:
    """(path, hash) of the chain's tip: the newest record no other record names as previous.

    Names sort by start time, but a run retried onto a moved remote is written after a run
    that started later, so the tip is found by the links, not by the names. Only the two
    newest months are read: the tip is always among them.
    """
    base = root / RUNS
    if not base.is_dir():
        return None
    months = sorted((m for y in base.iterdir() if y.is_dir() for m in y.iterdir() if m.is_dir()),
                    key=lambda m: (m.parent.name, m.name), reverse=True)
    recent: dict[str, bytes] = {}
    for month in months:
        for rel in reader.files(root, month.relative_to(root).as_posix()):
            recent[rel] = reader.read_bytes(root, rel)
        if len(recent) and month is not months[0]:
            break
    for rel in sorted(recent):  # a run appends to the chain only after checking its end
        check_record(rel, recent[rel])
    sealed = recent
    if not sealed:
        return None
    referenced = {_claimed_previous(data) for data in sealed.values()}
    tips = [rel for rel in sealed if rel not in referenced] or list(sealed)
    tip = max(tips, key=lambda rel: Path(rel).name)
    return tip, record_hash(sealed[tip]) or ""


@dataclass(frozen=True)
class ChainBreak:
    path: str
    message: str


def verify_chain(root: Path) -> list[ChainBreak]:
    """Check every record's seal, then walk the links back from the tip: each link must name
    an existing record by the hash of its bytes, and every record must be on the walk."""
    breaks: list[ChainBreak] = []
    records = {rel: reader.read_bytes(root, rel) for rel in list_records(root)}
    for rel, data in records.items():
        if not record_is_intact(data):
            breaks.append(ChainBreak(rel, "seal does not match the record's bytes"))
    if not records:
        return breaks
    claimed = {rel: reader.parse_mapping(rel, data).get("previous") or None
               for rel, data in records.items()}
    referenced: dict[str, list[str]] = {}
    for rel, prev in claimed.items():
        if prev:
            referenced.setdefault(str(prev.get("record")), []).append(rel)
    for target, claimants in sorted(referenced.items()):
        if len(claimants) > 1:
            breaks.append(ChainBreak(claimants[-1], f"fork: {', '.join(sorted(claimants))} "
                                                   f"all name {target} as previous"))
    tips = sorted((rel for rel in records if rel not in referenced), key=lambda r: Path(r).name)
    visited: set[str] = set()
    cur: str | None = tips[-1] if tips else None
    while cur is not None and cur not in visited:
        visited.add(cur)
        prev = claimed[cur]
        if prev is None:
            break
        target = str(prev.get("record"))
        if target not in records:
            breaks.append(ChainBreak(cur, f"previous names {target}, which is not in the archive"))
            break
        if prev.get("sha256") != _actual_hash(records[target]):
            breaks.append(ChainBreak(cur, f"previous {target} has sha256 "
                                          f"{_actual_hash(records[target])}, the link says "
                                          f"{prev.get('sha256')}"))
        cur = target
    for rel in records:
        if rel not in visited:
            breaks.append(ChainBreak(rel, "not on the chain that ends at the newest record"))
    return breaks
