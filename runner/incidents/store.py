"""Incidents as documents: ``reports/incidents/YYYY/<id>.yaml``, the current state of each,
written as YAML in its JSON form (``archive.dump_json_yaml``: listing 10,000 of them in under a
second needs json's C parser; any YAML reader still reads them).

Ids are ``INC-YYYY-NNNN``, numbered per year of opening in the order they were opened (under
the run lock, so two steps never pick the same number in one checkout).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import archive
from ..clock import iso, parse_iso
from ..errors import PatrolError
from ..estate.duration import format_duration, parse_duration
from .model import Clock, Incident, Pause, State

DIR = f"{archive.REPORTS}/incidents"
FORMAT = "patrol/incident/v1"
_ID = re.compile(r"^INC-(\d{4})-(\d{4,})$")


def path_of(iid: str) -> str:
    m = _ID.match(iid)
    if not m:
        raise PatrolError(f"unknown incident {iid!r}: ids look like INC-2026-0001")
    return f"{DIR}/{m[1]}/{iid}.yaml"


def ids(root: Path, year: int) -> list[str]:
    """The ids of the incidents opened in ``year`` (file names only, nothing parsed)."""
    return sorted(p.stem for p in (root / DIR / f"{year:04d}").glob("INC-*.yaml"))


def next_id(existing: Iterable[str], year: int) -> str:
    numbers = [int(m[2]) for i in existing if (m := _ID.match(i)) and int(m[1]) == year]
    return f"INC-{year:04d}-{max(numbers, default=0) + 1:04d}"


def _ts(value: datetime | None) -> str | None:
    return None if value is None else iso(value)


def _parse(value: Any) -> datetime | None:
    return None if value is None else parse_iso(str(value))


def _clock_doc(c: Clock) -> dict[str, Any]:
    return {"limit": format_duration(c.limit), "met_at": _ts(c.met_at), "met_by": c.met_by,
            "warned_at": _ts(c.warned_at), "breached_at": _ts(c.breached_at)}


def to_doc(inc: Incident, dues: dict[str, datetime | None] | None = None) -> dict[str, Any]:
    """The file's content; ``dues``: each clock's due time as of the write (information for
    readers of the file; listings compute it afresh)."""
    clocks = {}
    for cname, c in inc.clocks.items():
        doc = _clock_doc(c)
        if dues is not None:
            doc = {"limit": doc.pop("limit"), "due": _ts(dues.get(cname)), **doc}
        clocks[cname] = doc
    return {
        "format": FORMAT,
        "id": inc.id,
        "hosts": list(inc.hosts),
        "site": inc.site,
        "summary": inc.summary,
        "severity": inc.severity,
        "level": inc.level,
        "reported_by": inc.reported_by,
        "via": inc.via,
        "owner": inc.owner,
        "finding": inc.finding,
        "state": inc.state.value,
        "resumes_to": inc.resumes_to.value if inc.resumes_to else None,
        "opened_at": _ts(inc.opened_at),
        "clocks": clocks,
        "pauses": [{"start": _ts(p.start), "end": _ts(p.end), "reason": p.reason}
                   for p in inc.pauses],
        "resolved_at": _ts(inc.resolved_at),
        "resolved_by": inc.resolved_by,
        "resolution": inc.resolution,
        "history": [{k: (_ts(v) if isinstance(v, datetime) else v) for k, v in h.items()}
                    for h in inc.history],
    }


@lru_cache(maxsize=256)
def _limit(text: str) -> timedelta:
    return parse_duration(text)  # a handful of distinct limits across thousands of files


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of names")
    return list(value)


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    return value


def _clocks(value: Any) -> dict[str, Clock]:
    return {str(cname): Clock(_limit(_mapping(c)["limit"]), _parse(c.get("met_at")),
                              c.get("met_by"), _parse(c.get("warned_at")),
                              _parse(c.get("breached_at")))
            for cname, c in _mapping(value).items()}


def _pauses(value: Any) -> list[Pause]:
    if not isinstance(value, list):
        raise ValueError("expected a list of pauses")
    return [Pause(parse_iso(_mapping(p)["start"]), _parse(p.get("end")), p.get("reason", ""))
            for p in value]


def from_doc(doc: dict[str, Any]) -> Incident:
    """An incident from its file's content; archive.BadField names the first bad key."""
    f = archive.field
    return Incident(
        id=f(doc, "id"), hosts=f(doc, "hosts", _strings), site=f(doc, "site"),
        summary=f(doc, "summary"), severity=f(doc, "severity"), level=f(doc, "level"),
        reported_by=f(doc, "reported_by"), via=f(doc, "via"), owner=f(doc, "owner"),
        opened_at=f(doc, "opened_at", parse_iso), state=f(doc, "state", State),
        clocks=f(doc, "clocks", _clocks),
        pauses=f(doc, "pauses", lambda v: _pauses(v or []), required=False) or [],
        finding=doc.get("finding"),
        resumes_to=f(doc, "resumes_to", lambda v: State(v) if v else None, required=False),
        resolved_at=f(doc, "resolved_at", _parse, required=False),
        resolved_by=doc.get("resolved_by"), resolution=doc.get("resolution"),
        history=f(doc, "history", lambda v: list(v or []), required=False) or [],
    )


def _read(root: Path, rel: str, doc: dict[str, Any]) -> Incident:
    try:
        return from_doc(doc)
    except (archive.BadField, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise archive.bad_document(root, rel, "incident", exc) from None


def load(root: Path) -> dict[str, Incident]:
    """Every incident, by id; a file that is not a whole incident is one error naming it."""
    out = {}
    for rel, doc in archive.read_documents_by_dir(root, DIR):
        inc = _read(root, rel, doc)
        out[inc.id] = inc
    return out


def load_one(root: Path, iid: str) -> Incident:
    rel = path_of(iid)
    if not (root / rel).is_file():
        raise PatrolError(f"unknown incident {iid!r}: no {rel}")
    return _read(root, rel, archive.read_yaml_file(root, rel))


def documents(incidents: list[Incident], dues: dict[str, dict[str, datetime | None]]
              ) -> dict[str, bytes]:
    """The files of ``incidents`` (YAML in its JSON form: thousands are read per listing):
    root-relative path -> bytes, written by the caller (an inspection writes or spools them
    with the rest of its run)."""
    return {path_of(inc.id): archive.dump_json_yaml(to_doc(inc, dues.get(inc.id)))
            for inc in sorted(incidents, key=lambda i: i.id)}


def save(root: Path, incidents: list[Incident], dues: dict[str, dict[str, datetime | None]]
         ) -> list[str]:
    """Write each incident; returns the root-relative paths whose bytes changed."""
    return [rel for rel, data in documents(incidents, dues).items()
            if archive.atomic_write(root / rel, data)]
