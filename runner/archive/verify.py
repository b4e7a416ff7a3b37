"""``patrol audit verify``: walk the history of ``reports/`` and name every break.

What it proves, commit by commit (first-parent order, oldest first): every commit that touches
``reports/`` is a Patrol commit (``Patrol-Run``/``Patrol-Estate``/``Patrol-Record``) that adds
one or more sealed records, chained onto the record before them, whose hash, run id and estate
commit are the ones its trailers name; no record is ever modified or deleted; records keep
time order (none finished before its predecessor started, none started or finished after
the commit that adds it); the estate commit exists and is an ancestor; every finding file it
changes is named by a record it adds, in the state that record says, and every incident file
by a record naming the incident; and the signature policy (``signatures``) holds on the whole
first-parent line. Every file is read by the one strict reader (``reader``): a repeated key,
an alias or a tag is a break. A repair record (``repair``) restores ``reports/`` to an earlier
verified commit and acknowledges the breaks it names: those are reported apart
(``acknowledged``), never as intact. What it cannot prove: that the measured values were
true, or that a holder of an allowed key did not write a false record.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import history, reader, signatures
from .chain import record_hash, record_is_intact
from .files import REPORTS, RUNS

FINDINGS = f"{REPORTS}/findings/"
INCIDENTS = f"{REPORTS}/incidents/"
SERVICE = "policies/service.yaml"
SIGNERS = "policies/allowed_signers"
_HEAD_END = re.compile(rb"^(?:checks|hosts|waves|evidence):", re.M)
# an anchor, an alias or a tag starts a node: only a record with one is parsed whole
_SIGIL = re.compile(rb"[&*!]")
_NODE_START = frozenset(b"\n-:?,[{")
REPAIR = "repair"


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
    started: str | None = None  # when the tip's run started: the next must not end before it


@dataclass
class Verified:
    breaks: list[Break] = field(default_factory=list)
    commits: int = 0
    records: int = 0
    signed: int = 0
    head: str | None = None
    tip: Tip = field(default_factory=Tip)
    acknowledged: list[Break] = field(default_factory=list)  # named by a repair record
    events: list[signatures.Event] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def record_head(data: bytes) -> dict[str, Any]:
    """A record's header keys (run, estate, previous, findings), parsed by the strict reader
    without the per-host part: a 1,000-host record parses in microseconds, not tens of
    milliseconds. ``reader.Refused`` when the header holds what Patrol never writes."""
    body = data
    m = _HEAD_END.search(data)
    if m:
        body = data[: m.start()]
    doc = reader.parse(body)
    return doc if isinstance(doc, dict) else {}


def instant(text: Any) -> datetime | None:
    """An ISO time as an aware datetime (naive: UTC), None when it is not one."""
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


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
MERGED = "merged"  # a finding whose file a migration removed, merged into one per problem


def _named_incidents(head: dict[str, Any]) -> set[str]:
    """Incidents a record names: an incident step's own, or a list (escalation, inspect)."""
    out = {str(head["incident"])} if head.get("incident") else set()
    for item in head.get("incidents") or []:
        if isinstance(item, dict) and item.get("incident"):
            out.add(str(item["incident"]))
    return out


def _state_of(data: bytes | None) -> str | None:
    """A finding's state, read by the strict reader (``reader.Refused`` when it cannot)."""
    if data is None:
        return None
    doc = reader.parse(data)
    state = doc.get("state") if isinstance(doc, dict) else None
    return None if state is None else str(state)


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
                return Tip(ch.path, claimed, _started(data.get(ch.blob)))
        last = data.get(added[-1].blob, b"")
        return Tip(added[-1].path, record_hash(last), _started(last))
    return Tip()


def verify(root: Path, *, rev: str = "HEAD", since: str | None = None,
           tip: Tip | None = None, estate_ref: str | None = None,
           all_signed: bool = True, records: str | None = None) -> Verified:
    """Every break in the history of ``reports/`` from ``since`` (exclusive) to ``rev``.

    ``estate_ref``: on an archive branch the estate lives on another branch; a record's
    estate commit must then be an ancestor of that branch instead of its own commit, nothing
    but ``reports/`` may change on it, and the signature policy is the one in force (followed
    along the estate's mainline) at the estate commit the parent record names.
    ``all_signed=False``: the estate's own branch beside an archive branch, where only
    changes to the signature policy must be signed; ``records`` then names the archive
    branch, whose policy records say when a turn-off of signatures counts.
    """
    out = Verified()
    head = history.resolve(root, rev)
    if head is None:
        out.breaks.append(Break(rev, "-", "no such revision"))
        return out
    out.head = head
    base = None
    if since is not None:
        base = history.resolve(root, since)
        if base is None or not history.is_ancestor(root, base, head):
            out.breaks.append(Break(head, "-", f"{since} is not an ancestor of {rev}: the "
                                                "history was rewritten since it was verified"))
            return out
        tip = tip or start_tip(root, base)
    out.tip = tip or Tip()
    prefix = history.prefix_of(root)
    blobs = history.Blobs(root)
    if out.tip.path and out.tip.started is None:  # a cached tip: when its run started
        spec = f"{head}:{prefix}{out.tip.path}"
        out.tip.started = _started(blobs.at([spec]).get(spec))
    commits = history.walk(root, head, base)
    out.commits = len(commits)
    wanted = [ch.blob for c in commits for ch in c.changes
              if ch.status != "D" and (ch.path.startswith(RUNS + "/") or
                                       ch.path.startswith(FINDINGS))]
    wanted += [ch.old_blob for c in commits for ch in c.changes  # for steps that keep state
               if ch.old_blob and ch.status != "A" and ch.path.startswith(FINDINGS)]
    data = blobs.read(wanted)
    mainline = history.git(root, "rev-list", "--first-parent", "--reverse", head
                           ).decode().split()
    known = {sha: i for i, sha in enumerate(mainline)}  # the line's commits, oldest first
    span = mainline[known[base] + 1:] if base in known else (
        history.git(root, "rev-list", "--first-parent", "--reverse", f"{base}..{head}"
                    ).decode().split() if base else mainline)
    order = {sha: i for i, sha in enumerate(span)}
    if base is not None:
        order[base] = -1  # a repair may restore the commit verified before
    tips: list[tuple[int, Tip]] = [(-1, Tip(out.tip.path, out.tip.sha256, out.tip.started))]
    repairs: list[tuple[int, int, set[tuple[str, str]]]] = []
    states: dict[str | None, Any] = {}
    with tempfile.TemporaryDirectory(prefix="patrol-verify-") as tmp:
        checker = signatures.Checker(root, Path(tmp))
        for c in commits:
            repair = _repair_of(c, data)
            if repair is not None:
                got = _check_repair(root, c, repair, data, out, tips, order)
                if got is not None:
                    repairs.append(got)
            else:
                _check_commit(root, c, data, out, estate_ref, known, states)
            tips.append((order.get(c.sha, -1), Tip(out.tip.path, out.tip.sha256,
                                                   out.tip.started)))
        repaired = {span[hi] for _lo, hi, _acks in repairs}
        _check_signatures(root, head, estate_ref, commits, span, checker, out, all_signed,
                          repaired, records)
    if estate_ref is not None:
        from .branch import foreign_commits

        fspan = f"{since}..{head}" if since else head
        for sha, paths in foreign_commits(root, fspan):
            out.breaks.append(Break(sha, ", ".join(paths[:5]), "changes files outside "
                                    "reports/ on the archive branch: only records land there"))
    out.breaks.sort(key=lambda b: order.get(b.commit, -1))
    for lo, hi, acks in repairs:
        keep = []
        for b in out.breaks:
            i = order.get(b.commit, -1)
            if lo < i < hi and (b.commit, b.path) in acks:
                out.acknowledged.append(b)
            else:
                keep.append(b)
        out.breaks = keep
    return out


def _started(data: bytes | None) -> str | None:
    try:
        head = record_head(data or b"")
    except reader.Refused:
        return None
    return str(head["started"]) if head.get("started") else None


def _check_signatures(root: Path, head: str, estate_ref: str | None,
                      commits: list[history.Commit], span: list[str],
                      checker: signatures.Checker, out: Verified, all_signed: bool,
                      repaired: set[str], records: str | None = None) -> None:
    """The signature policy on the first-parent line (``signatures``): policy changes that do
    not count, every commit made while signatures were required, and every repair (a repair
    is signed by an allowed key whether or not signatures are required)."""
    in_span = set(span)
    to_check: dict[bytes | None, list[str]] = {}
    if estate_ref is None:
        line = signatures.mainline(root, head, checker, records=records)
        out.breaks += [Break(*b) for b in line.breaks if b[0] in in_span]
        out.events += [e for e in line.events if e.commit in in_span]
        for sha in span if all_signed else [s for s in span if s in repaired]:
            policy = line.before.get(sha, signatures.Policy())
            if policy.required or sha in repaired:
                to_check.setdefault(policy.signers, []).append(sha)
    else:
        ref = history.resolve(root, estate_ref) or estate_ref
        line = signatures.mainline(root, ref, checker, records=head)
        out.events += [e for e in line.events if e.commit in in_span]
        named = {c.sha: c for c in commits}
        current = ref
        for sha in span:  # each commit: the policy at the estate its parent's record names
            policy = line.at(root, current, ref)
            if policy.required or sha in repaired:
                to_check.setdefault(policy.signers, []).append(sha)
            c = named.get(sha)
            estate = c.trailers.get("Patrol-Estate", "none") if c else "none"
            if estate != "none" and history.exists(root, estate):
                current = estate
    hint = "" if line.pending is None else (
        f" (signatures are still required: the turn-off in {line.pending[:12]} is not "
        "recorded; `patrol audit signatures-off` records it)")
    for signers, shas in sorted(to_check.items(), key=lambda kv: kv[0] or b""):
        for sha, why in checker.check(shas, signers).items():
            if why is None:
                out.signed += 1
            else:
                out.breaks.append(Break(sha, signatures.SIGNERS, why + hint))


def _repair_of(c: history.Commit, data: dict[str, bytes]) -> tuple[Any, dict[str, Any]] | None:
    """(the change, the record's header) when the commit adds a repair record."""
    if not c.is_patrol:
        return None
    for ch in c.changes:
        if ch.status == "A" and ch.path.startswith(RUNS + "/"):
            blob = data.get(ch.blob, b"")
            if b"\nkind: repair\n" in blob:
                try:
                    head = record_head(blob)
                except reader.Refused:
                    return None
                if head.get("kind") == REPAIR:
                    return ch, head
    return None


def _check_repair(root: Path, c: history.Commit, repair: tuple[Any, dict[str, Any]],
                  data: dict[str, bytes], out: Verified, tips: list[tuple[int, Tip]],
                  order: dict[str, int]) -> tuple[int, int, set[tuple[str, str]]] | None:
    """A repair commit: ``reports/`` exactly as at the commit it restores, plus its record,
    chained onto the tip there. Returns (restored, repair, acknowledged) positions."""
    ch, head = repair
    add = out.breaks.append
    blob = data.get(ch.blob, b"")
    restores = str(head.get("restores") or "")
    lo = order.get(restores)
    hi = order.get(c.sha, -1)
    if lo is None or lo >= hi:
        add(Break(c.sha, ch.path, f"repair restores {restores[:12] or 'nothing'}, which is not "
                                  "an earlier commit on this line"))
        return None
    if not record_is_intact(blob):
        add(Break(c.sha, ch.path, "seal does not match the record's bytes"))
    was = next((t for i, t in reversed(tips) if i <= lo), Tip())
    if not _links(head, was):
        add(Break(c.sha, ch.path, f"the repair record does not chain onto {was.path}, the tip "
                                  f"at {restores[:12]}"))
    sha = record_hash(blob)
    if c.trailers["Patrol-Record"] != f"sha256:{sha}" or \
            c.trailers["Patrol-Run"] != str(head.get("run")):
        add(Break(c.sha, ch.path, "trailers do not name the repair record"))
    prefix = history.prefix_of(root)
    diff = history.git(root, "diff", "--name-status", "--no-renames", restores, c.sha, "--",
                       f"{prefix}{REPORTS}").decode().splitlines()
    other = [line.split("\t", 1)[-1][len(prefix):] for line in diff
             if line.split("\t", 1)[-1][len(prefix):] != ch.path]
    if other:
        add(Break(c.sha, ", ".join(other[:5]), f"repair leaves reports/ different from "
                                               f"{restores[:12]}, the commit it restores"))
    out.tip = Tip(ch.path, sha, str(head.get("started")) if head.get("started") else None)
    out.records += 1
    acks = {(str(a.get("commit")), str(a.get("path"))) for a in head.get("acknowledges") or []
            if isinstance(a, dict)}
    return lo, hi, acks


def _check_commit(root: Path, c: history.Commit, data: dict[str, bytes], out: Verified,
                  estate_ref: str | None, known: dict[str, int],
                  states: dict[str | None, Any] | None = None) -> None:
    """``states``: blob id -> the finding's state read from it (or its refusal), shared by
    the commits of one walk: a finding's old blob is the new blob of an earlier commit, so
    each version is read once."""
    states = {} if states is None else states

    def read_state(blob: str | None) -> str | None:
        if blob not in states:
            try:
                states[blob] = _state_of(data.get(blob)) if blob else None
            except reader.Refused as exc:
                states[blob] = exc
        got = states[blob]
        if isinstance(got, reader.Refused):
            raise got
        return got

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
        paths = ", ".join(sorted({ch.path for ch in c.changes})[:5])
        add(Break(c.sha, paths or "-", "Patrol commit changes reports/ but adds no record"))
    heads: dict[str, dict[str, Any]] = {}
    for ch in added:
        blob = data.get(ch.blob, b"")
        if not record_is_intact(blob):
            add(Break(c.sha, ch.path, "seal does not match the record's bytes"))
        heads[ch.path] = _strict_head(c, ch.path, blob, out)
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
                out.tip = Tip(ch.path, record_hash(data.get(ch.blob, b"")),
                              _when(heads[ch.path]))
            break
        ch = nxt[0]
        remaining.remove(ch)
        _check_time(c, ch.path, heads[ch.path], out)
        out.tip = Tip(ch.path, record_hash(data.get(ch.blob, b"")), _when(heads[ch.path]))
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
    elif estate != "none" and not (estate_ref is None and
                                   known.get(estate, len(known)) < known.get(c.sha, -1)):
        # (an estate commit earlier on this first-parent line exists and is an ancestor)
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
        # a finding's file is removed only by the migration that merges it (``to: merged``)
        try:
            state = read_state(ch.blob) if ch.status != "D" else MERGED
            was = read_state(ch.old_blob) if ch.old_blob else None
        except reader.Refused as exc:
            add(Break(c.sha, ch.path, f"line {exc.line}: {exc}"))
            continue
        if named[fid] == UNCHANGED:
            if state != was:
                add(Break(c.sha, ch.path, f"finding moved from {was} to {state}, the record "
                                          "does not move it"))
            continue
        if state != named[fid]:
            add(Break(c.sha, ch.path, f"finding is {state}, the record moves it to {named[fid]}"))


def _strict_head(c: history.Commit, path: str, blob: bytes, out: Verified) -> dict[str, Any]:
    """The record's header by the strict reader; the whole record too when its bytes could
    hold an anchor, an alias or a tag. What the reader refuses is a break at its line."""
    try:
        head = record_head(blob)
        if _risky(blob):
            reader.parse(blob)
        return head
    except reader.Refused as exc:
        out.breaks.append(Break(c.sha, path, f"line {exc.line}: {exc}"))
        return {}


def _risky(blob: bytes) -> bool:
    """Whether YAML could read an anchor, alias or tag in ``blob``: a ``&``, ``*`` or ``!``
    where a node starts (a line's start, after ``-``, ``:``, ``?``, ``,``, ``[`` or ``{`` and
    spaces). ``bytes.find`` (memchr) for the three bytes first: a 1,000-host record has
    none, and a regex scan of its 380 KB would cost 2-3 ms."""
    if b"&" not in blob and b"*" not in blob and b"!" not in blob:
        return False
    for m in _SIGIL.finditer(blob):
        i = m.start() - 1
        while i >= 0 and blob[i] == 0x20:
            i -= 1
        if i < 0 or blob[i] in _NODE_START:
            return True
    return False


def _when(head: dict[str, Any]) -> str | None:
    return str(head["started"]) if head.get("started") else None


def _check_time(c: history.Commit, path: str, head: dict[str, Any], out: Verified) -> None:
    """Time order is part of the chain: a record cannot have finished before the record it
    follows started, and cannot have started or finished after the commit that adds it."""
    started, finished = instant(head.get("started")), instant(head.get("finished"))
    committed = instant(c.committed)
    before = instant(out.tip.started)
    end = finished or started
    if end is not None and before is not None and end < before:
        out.breaks.append(Break(c.sha, path, f"dated {head.get('started')}, before the record "
                                             f"it follows ({out.tip.path}, started "
                                             f"{out.tip.started}): time order is broken"))
    for what, at in (("started", started), ("finished", finished)):
        if at is not None and committed is not None and at > committed:
            out.breaks.append(Break(c.sha, path, f"{what} {head.get(what)}, after the commit "
                                                 f"that adds it ({c.committed})"))
            break


def _links(head: dict[str, Any], tip: Tip) -> bool:
    prev = head.get("previous")
    if not prev:
        return tip.path is None
    return str(prev.get("record")) == tip.path and str(prev.get("sha256")) == tip.sha256
