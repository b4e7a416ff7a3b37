"""The auditor's timeline, from Git alone: runs, finding transitions (with rectification
times), waivers added / renewed / removed (author and the merge that brought them), upgrades
and estate changes to a host. Every event names its commit."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..clock import iso
from ..errors import Exit, PatrolError
from ..escape import markdown, markdown_code
from . import history, reader
from .files import RUNS, load_yaml
from .summaries import record_summary
from .verify import FINDINGS, record_head

WAIVERS = "policies/waivers.yaml"


@dataclass(frozen=True)
class Event:
    at: str
    commit: str
    kind: str  # run | finding | incident | waiver | upgrade | estate
    subject: str
    text: str
    author: str = ""
    merge: str | None = None
    signer: str = ""  # who signed the commit (policy changes: verified against the signers)


def _host_line(data: bytes, host: str) -> str | None:
    """The host's entry in a record, as written (one line per host and checklist)."""
    m = re.search(rb"^  " + re.escape(host.encode()) + rb":(.*(?:\n    .*)*)", data, re.M)
    if not m:
        return None
    return " ".join(line.strip() for line in m.group(1).decode().splitlines()).strip()


def instant(text: Any) -> datetime | None:
    """An ISO time as an aware datetime (naive: UTC; a bare date: its midnight UTC), None if
    it is not one. Git writes the committer's own offset (%aI), records write UTC: they are
    compared as instants, never as strings."""
    try:
        at = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _utc(text: str) -> str:
    """``text`` as a UTC record timestamp, so every event's time reads and sorts alike."""
    at = instant(text)
    return iso(at) if at is not None else text


def _within(at: str, since: str | None, until: str | None) -> bool:
    when, start, end = instant(at), instant(since), instant(until)
    if when is None:
        return not since and not until
    return (start is None or when >= start) and (end is None or when <= end)


def _duration(start: Any, end: Any) -> str | None:
    a, b = instant(start), instant(end)
    if a is None or b is None:
        return None
    hours = (b - a).total_seconds() / 3600
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"


def _strict(sha: str, path: str, data: bytes, parse: Any) -> Any:
    """A file of the archive read by the one strict reader; what it refuses is one error at
    ``file:line`` naming the commit, never a traceback or an exhausted memory."""
    try:
        return parse(data)
    except reader.Refused as exc:
        raise PatrolError(f"{exc} (as committed in {sha[:12]}; `patrol audit verify` names "
                          "it)", exit_code=Exit.FAILED, file=path, line=exc.line,
                          column=exc.column) from None


def timeline(root: Path, *, rev: str | None = "HEAD", since: str | None = None,
             until: str | None = None, hosts: set[str] | None = None, checklist: str | None = None,
             estate_changes: bool = False, policies: str | None = None) -> list[Event]:
    """``policies``: the estate's revision whose changes to the promises (``policy_log``)
    join the timeline; the records' revision is ``rev`` (the archive branch, when one; None:
    no records yet)."""
    events: list[Event] = []
    commits = history.walk(root, rev) if rev and history.resolve(root, rev) else []
    blobs = history.Blobs(root)
    wanted = [ch.blob for c in commits for ch in c.changes if ch.status == "A"
              and ch.path.startswith(RUNS + "/")]
    wanted += [ch.blob for c in commits for ch in c.changes if ch.status != "D"
               and ch.path.startswith(FINDINGS)]
    data = blobs.read(wanted)
    for c in commits:
        for ch in c.changes:
            if ch.status != "A" or not ch.path.startswith(RUNS + "/"):
                continue
            raw = data.get(ch.blob, b"")
            head = _strict(c.sha, ch.path, raw, record_head)
            kind = str(head.get("kind", "?"))
            at = str(head.get("finished") or head.get("started") or c.date)
            name = str(head.get("checklist") or head.get("plan") or kind)
            if checklist and head.get("checklist") not in (None, checklist):
                continue
            edit = head.get("estate_edit")
            if hosts is None:
                text = f"{kind} {head.get('run')}: {record_summary(head)}"
                if isinstance(edit, dict):  # where main is protected: the edit's own branch
                    text += f"; estate edit on branch {edit.get('branch')}"
                events.append(Event(at, c.sha, "run", name, text, _who(head)))
                events += _incident_steps(head, at, c.sha)
            else:
                for h in sorted(hosts):
                    line = _host_line(raw, h)
                    if line is not None:
                        events.append(Event(at, c.sha, "upgrade" if kind == "upgrade" else "run",
                                            h, f"{kind} {name} {head.get('run')}: {line}"))
            files = {p.path[len(FINDINGS):].removesuffix(".yaml"): p for p in c.changes
                     if p.path.startswith(FINDINGS)}
            for item in head.get("findings") or []:
                fid = str(item.get("finding"))
                subject = fid.split("/")[0]
                if hosts is not None and subject not in hosts:
                    continue
                # a finding is one per problem (host/check): the run that moved it names the
                # checklist; an older archive's ids name it themselves (host/checklist.check)
                if checklist and f"/{checklist}." not in fid and head.get("checklist") != checklist:
                    continue
                text = f"{fid}: {item.get('from') or 'new'} -> {item.get('to')}"
                if item.get("from") == "waived" and item.get("to") == "open":
                    text += " (waiver lapsed)"
                doc = files.get(fid)
                if item.get("to") == "closed" and doc is not None:
                    f = _strict(c.sha, doc.path, data.get(doc.blob, b""), reader.parse) or {}
                    took = _duration(f.get("opened_at"), f.get("closed_at"))
                    if took:
                        text += f", rectified in {took}"
                events.append(Event(at, c.sha, "finding", fid, text))
    merges = _Merges(root)
    events += _waivers(root, hosts, checklist, merges)
    if policies is not None and hosts is None and not checklist:
        from . import policy_log

        events += [Event(c.at, c.commit, "policy", c.file, c.text, c.author, c.merge, c.signer)
                   for c in policy_log.changes(root, policies,
                                               records=rev if rev not in (None, policies)
                                               else None)]
    if estate_changes and hosts:
        events += _estate(root, hosts, merges)
    events = [replace(e, at=_utc(e.at)) for e in events]
    events = [e for e in events if _within(e.at, since, until)]
    return sorted(events, key=lambda e: (e.at, e.commit, e.kind, e.subject, e.text))


class _Merges:
    """Which merge commit brought a commit into the current branch (the PR's merge). The
    mainline's merges are listed once per timeline, and each commit is asked about once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._mainline: set[str] | None = None
        self._of: dict[str, str | None] = {}

    def of(self, sha: str) -> str | None:
        if sha not in self._of:
            self._of[sha] = self._find(sha)
        return self._of[sha]

    def _find(self, sha: str) -> str | None:
        after = history.git(self.root, "rev-list", "--ancestry-path", "--merges",
                            f"{sha}..HEAD", check=False).decode().split()
        if not after:
            return None
        if self._mainline is None:
            self._mainline = set(history.git(self.root, "rev-list", "--first-parent",
                                             "--merges", "HEAD", check=False).decode().split())
        for m in reversed([m for m in after if m in self._mainline]):  # oldest first
            if not history.is_ancestor(self.root, sha, f"{m}^1"):  # came in by its PR side
                return m
        return None


def _who(head: dict[str, Any]) -> str:
    """Who ran a run: its trigger's actor (CI) or the local ``user@host``."""
    trigger = head.get("trigger")
    if not isinstance(trigger, dict):
        return ""
    return str(trigger.get("actor") or "")


def _incident_steps(head: dict[str, Any], at: str, sha: str) -> list[Event]:
    """The incidents a run moved: opened by an inspection (for which finding), paused or
    resumed by a waiver, resolved by a replaced part, or a clock an escalation warned or
    breached."""
    out = []
    for item in head.get("incidents") or []:
        if not isinstance(item, dict) or not item.get("incident"):
            continue
        iid = str(item["incident"])
        if item.get("clock"):
            text = (f"{iid} {str(item['clock']).replace('_', '-')} clock {item.get('to')} "
                    f"(due {item.get('due')}) by {head.get('run')}")
        else:
            text = f"{iid} {item.get('event')} by {head.get('run')}" + (
                f" for finding {item['finding']}" if item.get("finding") else "")
        out.append(Event(at, sha, "incident", iid, text, _who(head)))
    return out


def _waivers(root: Path, hosts: set[str] | None, checklist: str | None,
             merges: _Merges) -> list[Event]:
    prefix = history.prefix_of(root)
    raw = history.git(root, "log", "--reverse", "--format=%H%x1f%aI%x1f%an <%ae>",
                      "--", f"{prefix}{WAIVERS}").decode().splitlines()
    versions = [line.split("\x1f") for line in raw]
    texts = history.Blobs(root).at(f"{sha}:{prefix}{WAIVERS}" for sha, _at, _by in versions)
    out: list[Event] = []
    before: dict[str, dict[str, Any]] = {}
    for sha, at, author in versions:
        text = texts.get(f"{sha}:{prefix}{WAIVERS}")
        try:
            doc = load_yaml(text or b"") or {}
        except Exception:
            doc = {}
        items = doc.get("waivers", doc) if isinstance(doc, dict) else doc
        now: dict[str, dict[str, Any]] = {}
        for w in items if isinstance(items, list) else []:
            if isinstance(w, dict):
                key = str(w.get("id") or f"{w.get('host') or w.get('hosts')}:{w.get('check')}")
                now[key] = w
        for key in sorted(set(before) | set(now)):
            old, new = before.get(key), now.get(key)
            w = new or old or {}
            subject = str(w.get("host") or w.get("hosts"))
            if hosts is not None and w.get("host") not in hosts and not w.get("hosts"):
                continue
            if checklist and not str(w.get("check", "")).startswith(f"{checklist}/"):
                continue
            if old is None:
                verb = f"added until {w.get('expires')} by {w.get('approved_by')}"
            elif new is None:
                verb = "removed"
            elif old != new:
                verb = (f"renewed until {new.get('expires')}" if old.get("expires") !=
                        new.get("expires") else "changed")
            else:
                continue
            out.append(Event(at, sha, "waiver", subject, f"waiver {w.get('check')} on "
                             f"{subject}: {verb}", author, merges.of(sha)))
        before = now
    return out


def _find_host(doc: Any, host: str) -> Any:
    if isinstance(doc, dict):
        if doc.get("name") == host:
            return doc
        if host in doc and isinstance(doc[host], dict):
            return doc[host]
        values = list(doc.values())
    elif isinstance(doc, list):
        values = doc
    else:
        return None
    for v in values:
        found = _find_host(v, host)
        if found is not None:
            return found
    return None


def _entry(data: bytes | None, host: str) -> Any:
    try:
        return _find_host(load_yaml(data or b"") or {}, host)
    except Exception:
        return None


def _estate(root: Path, hosts: set[str], merges: _Merges) -> list[Event]:
    commits = history.walk(root, "HEAD", directory="inventory/hosts", first_parent=False)
    blobs = history.Blobs(root)
    out: list[Event] = []
    for c in commits:
        got = blobs.read([b for ch in c.changes for b in (ch.blob, ch.old_blob)])
        for ch in c.changes:
            for host in sorted(hosts):
                old, new = _entry(got.get(ch.old_blob), host), _entry(got.get(ch.blob), host)
                if old == new:
                    continue
                what = "added" if old is None else "removed" if new is None else ", ".join(
                    sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)))
                out.append(Event(c.date, c.sha, "estate", host, f"{ch.path}: {what}",
                                 c.author, merges.of(c.sha)))
    return out


def _clean(text: str) -> str:
    """Estate text reaches a terminal: control and bidi characters are shown, never obeyed."""
    from ..escape import terminal

    return terminal(text)


def render(events: list[Event], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"events": [asdict(e) for e in events]}, indent=2) + "\n"
    if fmt == "markdown":
        lines = ["| when | commit | kind | subject | what | by |", "|---|---|---|---|---|---|"]
        for e in events:
            by = markdown(e.author) + (f" (merge {markdown_code(e.merge[:12])})" if e.merge
                                       else "") + (f"; signed by {markdown(e.signer)}"
                                                   if e.signer else "")
            cells = [markdown(e.at), markdown_code(e.commit[:12]), markdown(e.kind),
                     markdown(e.subject), markdown(e.text), by]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    lines = []
    for e in events:
        signed = f"; signed by {e.signer}" if e.signer else ""
        by = (f"  [{e.author}{', merge ' + e.merge[:12] if e.merge else ''}{signed}]"
              if e.author else "")
        lines.append(_clean(f"{e.at}  {e.commit[:12]}  {e.kind:<8} {e.text}{by}"))
    lines.append(f"{len(events)} event(s)")
    return "\n".join(lines) + "\n"
