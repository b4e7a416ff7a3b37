"""The outbox, kept in the archive: ``reports/notifications/YYYY/<run-id>.yaml``.

A run that owes messages writes one document naming each event once (its key, facts,
language and recipients) beside its record and commits it with the change that caused it. A
delivery writes a document of its own run listing each (key, recipient) it ``delivered`` or
that ``failed`` (with the reason). Documents are never edited after their commit, so clones
merge them without conflict; what is owed is every owed (key, recipient) that no document
says was delivered. Keys are the events' own (``events``): an event already owed anywhere in
the archive is not owed again.

Claims: a delivery that pushes to a shared remote first commits and pushes a document of its
own listing each (key, recipient) it ``claimed``, with the moment the claim lapses, and sends
only once that push landed. Git's push is the compare-and-swap: of two clones claiming at
once, one push is rejected, and that clone re-reads the remote's archive, finds the messages
claimed and sends nothing. A claim holds until an outcome (delivered or failed) recorded after
it, or until it lapses (``LEASE``: a delivery that died between its claim and its outcome);
then the message is owed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .. import archive
from ..clock import iso, parse_iso
from .routes import Owed

DIR = f"{archive.REPORTS}/notifications"
LEASE = timedelta(hours=1)  # a claim without an outcome lapses after this long


def path_of(run_id: str, at: datetime) -> str:
    return f"{DIR}/{at.year:04d}/{archive.safe_file_name(run_id)}.yaml"


def read(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every outbox document, by path (a damaged one is an error naming its file)."""
    return archive.read_documents_by_dir(root, DIR)


def owed_keys(docs: Iterable[tuple[str, dict[str, Any]]]) -> set[str]:
    return {e["key"] for _, d in docs for e in d.get("owed") or []}


def owed_document(run_id: str, owed: list[Owed], known: set[str]) -> dict[str, Any] | None:
    """The run's outbox document: each event not yet owed, with its recipients (None when it
    owes nothing new)."""
    entries: dict[str, dict[str, Any]] = {}
    for o in owed:
        e = o.event
        if e.key in known:
            continue
        entry = entries.setdefault(e.key, {
            "key": e.key, "event": e.event, "at": iso(e.at), "site": e.site,
            "severity": e.severity, "criticality": e.criticality, "owner": e.owner,
            "lang": o.lang, "facts": dict(sorted(e.facts.items())), "to": []})
        entry["to"].append(o.to)
        if o.hold is not None:
            entry.setdefault("hold", {})[o.to] = iso(o.hold)
    if not entries:
        return None
    return {"id": run_id, "owed": [entries[k] for k in sorted(entries)]}


def owed_files(root: Path, run_id: str, at: datetime, owed: list[Owed]) -> dict[str, bytes]:
    """The run's outbox file (path -> bytes), or nothing when it owes nothing new."""
    if not owed:
        return {}
    doc = owed_document(run_id, owed, owed_keys(read(root)))
    return {} if doc is None else {path_of(run_id, at): archive.dump_json_yaml(doc)}


def save(root: Path, files: dict[str, bytes]) -> list[str]:
    """Write outbox files through the archive's atomic write; the paths whose bytes changed."""
    return [rel for rel, data in files.items() if archive.atomic_write(root / rel, data)]


@dataclass(frozen=True)
class Pending:
    """One message still owed: the event's entry, the recipient, when it may go, and the
    failed attempts so far (the last reason)."""

    entry: dict[str, Any]
    to: str
    hold: datetime | None
    attempts: int
    last_reason: str | None
    claimed: str | None = None  # the delivery whose claim holds it (until ``hold``)

    @property
    def key(self) -> str:
        return str(self.entry["key"])


def _claims(docs: list[tuple[str, dict[str, Any]]], now: datetime | None
            ) -> dict[tuple[str, str], tuple[str, datetime]]:
    """(key, recipient) -> (claiming delivery, lapse) for each claim that still holds at
    ``now``: no outcome recorded at or after it, not lapsed."""
    if now is None:
        return {}
    latest: dict[tuple[str, str], tuple[datetime, str, datetime]] = {}
    outcome: dict[tuple[str, str], datetime] = {}
    for _, doc in docs:
        for c in doc.get("claimed") or []:
            pair, at = (c["key"], c["to"]), parse_iso(c["at"])
            if pair not in latest or latest[pair][0] < at:
                latest[pair] = (at, str(doc.get("id")), parse_iso(c["until"]))
        for d in (doc.get("delivered") or []) + (doc.get("failed") or []):
            pair, at = (d["key"], d["to"]), parse_iso(d["at"])
            outcome[pair] = max(at, outcome.get(pair, at))
    return {pair: (who, until) for pair, (at, who, until) in latest.items()
            if until > now and not (pair in outcome and outcome[pair] >= at)}


def pending(docs: list[tuple[str, dict[str, Any]]], now: datetime | None = None
            ) -> list[Pending]:
    """Owed minus delivered, in key then recipient order; with ``now``, a message another
    delivery's claim holds is marked ``claimed`` (held until the claim lapses)."""
    delivered = {(d["key"], d["to"]) for _, doc in docs for d in doc.get("delivered") or []}
    failed: dict[tuple[str, str], list[str]] = {}
    for _, doc in docs:
        for d in doc.get("failed") or []:
            failed.setdefault((d["key"], d["to"]), []).append(str(d.get("reason", "")))
    claims = _claims(docs, now)
    out: dict[tuple[str, str], Pending] = {}
    for _, doc in docs:
        for entry in doc.get("owed") or []:
            for to in entry.get("to") or []:
                pair = (entry["key"], to)
                if pair in delivered or pair in out:
                    continue
                hold = (entry.get("hold") or {}).get(to)
                reasons = failed.get(pair, [])
                claim = claims.get(pair)
                out[pair] = Pending(entry, to, claim[1] if claim else
                                    (parse_iso(hold) if hold else None),
                                    len(reasons), reasons[-1] if reasons else None,
                                    claim[0] if claim else None)
    return [out[p] for p in sorted(out)]


def claim_document(claim_id: str, items: list[Pending], at: datetime) -> dict[str, Any]:
    """A delivery's claim on ``items``: pushed before any of them is sent."""
    until = iso(at + LEASE)
    return {"id": claim_id, "claimed": [{"key": p.key, "to": p.to, "at": iso(at),
                                         "until": until} for p in items]}


def outcome_document(run_id: str, delivered: list[tuple[Pending, datetime]],
                     failed: list[tuple[Pending, datetime, str]]) -> dict[str, Any]:
    """What a delivery did: each message delivered, each failure with its reason."""
    doc: dict[str, Any] = {"id": run_id}
    if delivered:
        doc["delivered"] = [{"key": p.key, "to": p.to, "at": iso(at)} for p, at in delivered]
    if failed:
        doc["failed"] = [{"key": p.key, "to": p.to, "at": iso(at), "reason": why}
                         for p, at, why in failed]
    return doc
