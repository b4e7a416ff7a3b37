"""``patrol audit verify``: walk the history of ``reports/`` and name every break.

What it proves, commit by commit (first-parent order, oldest first): every commit that touches
``reports/`` is a Patrol commit (``Patrol-Run``/``Patrol-Estate``/``Patrol-Record``) that adds
one or more sealed records, chained onto the record before them, whose hash, run id and estate
commit are the ones its trailers name; no record is ever modified or deleted; the estate commit
exists and is an ancestor; every finding file it changes is named by a record it adds, in the
state that record says, and every incident file by a record naming the incident; and, where
``policies/service.yaml`` as of the parent commit requires signatures, the commit is signed by
a key listed in ``policies/allowed_signers`` as of that parent. What it cannot prove: that the
measured values were true, or that a holder of a listed key did not write a false record.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import history
from .chain import record_hash, record_is_intact
from .files import REPORTS, RUNS, load_yaml

FINDINGS = f"{REPORTS}/findings/"
INCIDENTS = f"{REPORTS}/incidents/"
SERVICE = "policies/service.yaml"
SIGNERS = "policies/allowed_signers"
_HEAD_END = re.compile(rb"^(?:checks|hosts|waves|evidence):", re.M)


@dataclass(frozen=True)
class Break:
    commit: str
    path: str
    message: str

    def text(self) -> str:
        return f"{self.commit[:12]} {self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"commit": self.commit, "path": self.path, "message": self.message}


@dataclass
class Tip:
    """The newest record on the chain: where the next record must link."""

    path: str | None = None
    sha256: str | None = None


@dataclass
class Verified:
    breaks: list[Break] = field(default_factory=list)
    commits: int = 0
    records: int = 0
    signed: int = 0
    head: str | None = None
    tip: Tip = field(default_factory=Tip)

    @property
    def ok(self) -> bool:
        return not self.breaks


def record_head(data: bytes) -> dict[str, Any]:
    """A record's header keys (run, estate, previous, findings), parsed without the per-host
    part: a 1,000-host record parses in microseconds, not tens of milliseconds."""
    body = data
    m = _HEAD_END.search(data)
    if m:
        body = data[: m.start()]
    try:
        doc = load_yaml(body)
    except Exception:
        return {}
    return doc if isinstance(doc, dict) else {}


def _named_findings(head: dict[str, Any]) -> dict[str, str]:
    """finding id -> the state the record leaves it in."""
    out: dict[str, str] = {}
    for item in head.get("findings") or []:
        if isinstance(item, dict) and item.get("finding"):
            out[str(item["finding"])] = str(item.get("to"))
    if isinstance(head.get("finding"), str):  # one finding's own step (an assignment)
        out.setdefault(head["finding"], str(head["to"]) if head.get("to") else UNCHANGED)
    return out


UNCHANGED = "(unchanged)"  # a record that names a finding without moving its state


def _named_incidents(head: dict[str, Any]) -> set[str]:
    """Incidents a record names: an incident step's own, or a list (escalation, inspect)."""
    out = {str(head["incident"])} if head.get("incident") else set()
    for item in head.get("incidents") or []:
        if isinstance(item, dict) and item.get("incident"):
            out.add(str(item["incident"]))
    return out


def _state_of(data: bytes | None) -> str | None:
    if data is None:
        return None
    m = re.search(rb"^state: (\S+)$", data, re.M)
    return m.group(1).decode() if m else None


class _Policy:
    """Signature policy as of a revision: required or not, and who may sign (cached by blob)."""

    def __init__(self, root: Path, prefix: str, tmp: Path) -> None:
        self.root, self.prefix, self.tmp = root, prefix, tmp
        self.blobs = history.Blobs(root)
        self._files: dict[bytes, Path] = {}

    def at(self, revs: list[str]) -> dict[str, tuple[bool, Path | None]]:
        specs = [f"{r}:{self.prefix}{f}" for r in revs for f in (SERVICE, SIGNERS)]
        got = self.blobs.at(specs)
        out: dict[str, tuple[bool, Path | None]] = {}
        for r in revs:
            service = got.get(f"{r}:{self.prefix}{SERVICE}")
            signers = got.get(f"{r}:{self.prefix}{SIGNERS}")
            required = False
            if service is not None:
                try:
                    doc = load_yaml(service) or {}
                    required = bool((doc.get("archive") or {}).get("require_signatures"))
                except Exception:
                    required = False
            path = None
            if signers is not None:
                path = self._files.get(signers)
                if path is None:
                    path = self.tmp / f"allowed_signers.{len(self._files)}"
                    path.write_bytes(signers)
                    self._files[signers] = path
            out[r] = (required, path)
        return out


def start_tip(root: Path, since: str) -> Tip:
    """The chain's tip as of ``since``: the record the last Patrol commit there names."""
    for c in reversed(history.walk(root, since, directory=RUNS)):
        added = [ch for ch in c.changes if ch.status == "A"]
        if not added:
            continue
        data = history.Blobs(root).read(ch.blob for ch in added)
        claimed = c.trailers.get("Patrol-Record", "").removeprefix("sha256:")
        for ch in added:
            if record_hash(data.get(ch.blob, b"")) == claimed:
                return Tip(ch.path, claimed)
        return Tip(added[-1].path, record_hash(data.get(added[-1].blob, b"")))
    return Tip()


def verify(root: Path, *, rev: str = "HEAD", since: str | None = None,
           tip: Tip | None = None, estate_ref: str | None = None) -> Verified:
    """Every break in the history of ``reports/`` from ``since`` (exclusive) to ``rev``.

    ``estate_ref``: on an archive branch the estate lives on another branch; a record's
    estate commit must then be an ancestor of that branch instead of its own commit, nothing
    but ``reports/`` may change on it, and the signature policy is the one of the estate
    commit the parent record names (the branch itself holds no policies).
    """
    out = Verified()
    head = history.resolve(root, rev)
    if head is None:
        out.breaks.append(Break(rev, "-", "no such revision"))
        return out
    out.head = head
    if since is not None:
        base = history.resolve(root, since)
        if base is None or not history.is_ancestor(root, base, head):
            out.breaks.append(Break(head, "-", f"{since} is not an ancestor of {rev}: the "
                                                "history was rewritten since it was verified"))
            return out
        tip = tip or start_tip(root, base)
    out.tip = tip or Tip()
    commits = history.walk(root, head, since)
    out.commits = len(commits)
    blobs = history.Blobs(root)
    wanted = [ch.blob for c in commits for ch in c.changes
              if ch.status != "D" and (ch.path.startswith(RUNS + "/") or
                                       ch.path.startswith(FINDINGS))]
    wanted += [ch.old_blob for c in commits for ch in c.changes  # for steps that keep state
               if ch.old_blob and ch.status != "A" and ch.path.startswith(FINDINGS)]
    data = blobs.read(wanted)
    prefix = history.prefix_of(root)
    with tempfile.TemporaryDirectory(prefix="patrol-verify-") as tmp:
        policy = _Policy(root, prefix, Path(tmp))
        parents = _policy_revs(root, commits, estate_ref)
        policies = policy.at(sorted({p for p in parents if p}))
        to_sign: dict[Path | None, list[tuple[history.Commit, str]]] = {}
        for c, parent in zip(commits, parents, strict=True):
            _check_commit(root, c, data, out, estate_ref)
            required, signers = policies.get(parent, (False, None)) if parent else (False, None)
            if required:
                to_sign.setdefault(signers, []).append((c, parent or ""))
        for signers, items in sorted(to_sign.items(), key=lambda kv: str(kv[0])):
            _check_signatures(root, items, signers, out)
    if estate_ref is not None:
        from .branch import foreign_commits

        span = f"{since}..{head}" if since else head
        for sha, paths in foreign_commits(root, span):
            out.breaks.append(Break(sha, ", ".join(paths[:5]), "changes files outside "
                                    "reports/ on the archive branch: only records land there"))
    order = {c.sha: i for i, c in enumerate(commits)}
    out.breaks.sort(key=lambda b: order.get(b.commit, -1))
    return out


def _policy_revs(root: Path, commits: list[history.Commit], estate_ref: str | None
                 ) -> list[str | None]:
    """Per commit, the revision whose policies/ say whether it must be signed and by whom:
    its parent; on an archive branch, the estate commit its parent's record names."""
    if estate_ref is None:
        return [c.parents[0] if c.parents else None for c in commits]
    out: list[str | None] = []
    current = history.resolve(root, estate_ref)
    for c in commits:
        out.append(current)
        named = c.trailers.get("Patrol-Estate", "none")
        if named != "none" and history.exists(root, named):
            current = named
    return out


def _check_commit(root: Path, c: history.Commit, data: dict[str, bytes], out: Verified,
                  estate_ref: str | None) -> None:
    add = out.breaks.append
    records = [ch for ch in c.changes if ch.path.startswith(RUNS + "/")]
    added = [ch for ch in records if ch.status == "A"]
    for ch in records:
        if ch.status != "A":
            verb = {"M": "modified", "D": "deleted", "T": "changed type"}.get(ch.status, "changed")
            add(Break(c.sha, ch.path, f"record {verb}: records are append-only"))
    if not c.is_patrol:
        missing = [k for k in history.TRAILER_KEYS if k not in c.trailers]
        paths = ", ".join(sorted({ch.path for ch in c.changes})[:5])
        add(Break(c.sha, paths, "changes reports/ but is not a Patrol commit (no "
                                f"{'/'.join(missing)} trailer)"))
    elif not added:
        add(Break(c.sha, "-", "Patrol commit changes reports/ but adds no record"))
    heads: dict[str, dict[str, Any]] = {}
    for ch in added:
        blob = data.get(ch.blob, b"")
        if not record_is_intact(blob):
            add(Break(c.sha, ch.path, "seal does not match the record's bytes"))
        heads[ch.path] = record_head(blob)
    # follow the links from the tip through this commit's records
    remaining = list(added)
    while remaining:
        nxt = [ch for ch in remaining if _links(heads[ch.path], out.tip)]
        if not nxt:
            for ch in remaining:
                prev = heads[ch.path].get("previous") or {}
                add(Break(c.sha, ch.path, f"previous names {prev.get('record')} "
                                          f"({str(prev.get('sha256'))[:12]}), but the chain's "
                                          f"tip is {out.tip.path} ({str(out.tip.sha256)[:12]})"))
                out.tip = Tip(ch.path, record_hash(data.get(ch.blob, b"")))
            break
        ch = nxt[0]
        remaining.remove(ch)
        out.tip = Tip(ch.path, record_hash(data.get(ch.blob, b"")))
        out.records += 1
    if not c.is_patrol or not added:
        return
    tip_head = heads.get(out.tip.path or "", {})
    if c.trailers["Patrol-Record"] != f"sha256:{out.tip.sha256}":
        add(Break(c.sha, out.tip.path or "-", f"Patrol-Record trailer says "
                  f"{c.trailers['Patrol-Record']}, the record it adds is sha256:{out.tip.sha256}"))
    if str(tip_head.get("run")) != c.trailers["Patrol-Run"]:
        add(Break(c.sha, out.tip.path or "-", f"Patrol-Run trailer says "
                  f"{c.trailers['Patrol-Run']}, the record is run {tip_head.get('run')}"))
    estate = (tip_head.get("estate") or {}).get("commit") or "none"
    if c.trailers["Patrol-Estate"] != estate:
        add(Break(c.sha, out.tip.path or "-", f"Patrol-Estate trailer says "
                  f"{c.trailers['Patrol-Estate']}, the record names {estate}"))
    elif estate != "none":
        if not history.exists(root, estate):
            add(Break(c.sha, out.tip.path or "-", f"estate commit {estate} does not exist"))
        elif not (estate in c.parents or history.is_ancestor(root, estate,
                                                               estate_ref or c.sha)):
            add(Break(c.sha, out.tip.path or "-", f"estate commit {estate} is not an ancestor"))
    named: dict[str, str] = {}
    incidents: set[str] = set()
    for h in heads.values():
        named.update(_named_findings(h))
        incidents |= _named_incidents(h)
    for ch in c.changes:
        if ch.path.startswith(INCIDENTS):
            iid = ch.path.rsplit("/", 1)[-1].removesuffix(".yaml")
            if iid not in incidents:
                add(Break(c.sha, ch.path, "incident changed without a record naming it"))
    for ch in c.changes:
        if not ch.path.startswith(FINDINGS):
            continue
        fid = ch.path[len(FINDINGS):].removesuffix(".yaml")
        if fid not in named:
            add(Break(c.sha, ch.path, "finding changed without a record naming it"))
            continue
        state = _state_of(data.get(ch.blob)) if ch.status != "D" else None
        if named[fid] == UNCHANGED:
            was = _state_of(data.get(ch.old_blob)) if ch.old_blob else None
            if state != was:
                add(Break(c.sha, ch.path, f"finding moved from {was} to {state}, the record "
                                          "does not move it"))
            continue
        if state != named[fid]:
            add(Break(c.sha, ch.path, f"finding is {state}, the record moves it to {named[fid]}"))


def _links(head: dict[str, Any], tip: Tip) -> bool:
    prev = head.get("previous")
    if not prev:
        return tip.path is None
    return str(prev.get("record")) == tip.path and str(prev.get("sha256")) == tip.sha256


def _check_signatures(root: Path, items: list[tuple[history.Commit, str]],
                      signers: Path | None, out: Verified) -> None:
    if signers is None:
        for c, parent in items:
            out.breaks.append(Break(c.sha, SIGNERS, f"signatures are required but {SIGNERS} "
                                                    f"does not exist as of {parent[:12]}"))
        return
    status = {sha: (g, who, key) for sha, g, who, key in
              history.signatures(root, [c.sha for c, _ in items], signers)}
    for c, parent in items:
        g, _who, key = status.get(c.sha, ("N", "", ""))
        if g == "G":
            out.signed += 1
            continue
        if g == "N":
            msg = "not signed, and signatures are required"
        else:
            msg = (f"signed by {key or 'an unknown key'}, which is not in {SIGNERS} as of "
                   f"{parent[:12]} (git says {g})")
        out.breaks.append(Break(c.sha, SIGNERS, msg))
