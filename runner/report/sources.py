"""What the archive holds for a report, read once: the run records of the month and the one
before it, every finding, every incident, and the committed history of the waivers file.
Everything goes through ``runner.archive``; nothing here reaches a host."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import archive
from ..archive import reader
from ..clock import parse_iso
from ..findings import store as findings_store
from ..findings.model import Finding
from .period import Month

WAIVERS_FILE = "policies/waivers.yaml"


@dataclass(frozen=True)
class Record:
    """A run record as the report needs it: its kind, when it finished, the document without
    its ``hosts`` section, and the hosts the run reached (read by ``reached_hosts``)."""

    path: str
    kind: str
    started: datetime
    finished: datetime
    doc: dict[str, Any]
    reached: frozenset[str] = frozenset()


_HOSTS = b"\nhosts:\n"


def reached_hosts(section: bytes) -> frozenset[str]:
    """The hosts a record's ``hosts:`` section says were reached, read line by line instead
    of parsed: that section is most of a 1,000-host record, and the report needs one bit of
    it per host. The record writer (``archive.records.run_record``) writes each host as
    ``  name: pass`` or a mapping whose first key is ``reachable`` (or ``measured: false``)."""
    out = set()
    lines = section.split(b"\n")
    for i, line in enumerate(lines):
        if line and not line.startswith(b" "):
            break  # the next top-level key (evidence, the seal): the hosts are done
        if not line.startswith(b"  ") or line.startswith(b"   "):
            continue
        name, _, rest = line[2:].partition(b":")
        rest = rest.strip()
        ok = rest == b"pass" or (not rest and i + 1 < len(lines)
                                  and lines[i + 1].strip() == b"reachable: true")
        if ok:
            out.add(name.strip().strip(b"'\"").decode())
    return frozenset(out)


def split_record(data: bytes, rel: str = "-") -> tuple[dict[str, Any], frozenset[str]]:
    """(the record up to its ``hosts``, parsed by the archive's strict reader; the hosts it
    reached). What follows the hosts (the evidence lines, the seal) is not read."""
    cut = data.find(_HOSTS)
    if cut < 0:
        return reader.parse_file(rel, data) or {}, frozenset()
    head = reader.parse_file(rel, data[: cut + 1]) or {}
    return head, reached_hosts(data[cut + len(_HOSTS):])


@dataclass
class Sources:
    month: Month
    records: list[Record]  # the month's and the previous month's, by start time
    findings: dict[str, Finding]
    waiver_history: list[tuple[datetime, list[dict[str, Any]]]] = field(default_factory=list)
    incidents: list[Any] | None = None  # None: not tracked (a caller without incidents)

    def of(self, kind: str, month: Month | None = None) -> list[Record]:
        """Records of ``kind`` that finished in ``month`` (default: the report's)."""
        m = month or self.month
        return [r for r in self.records if r.kind == kind and m.contains(r.finished)]


def read_records(root: Path, months: list[Month]) -> list[Record]:
    """Run records filed under the given months, sorted by start time then path."""
    out: list[Record] = []
    for m in months:
        for rel in reader.files(root, f"{archive.RUNS}/{m.year:04d}/{m.month:02d}"):
            doc, reached = split_record(reader.read_bytes(root, rel), rel)
            if not isinstance(doc, dict) or not doc.get("started"):
                continue
            started = parse_iso(str(doc["started"]))
            finished = parse_iso(str(doc.get("finished") or doc["started"]))
            out.append(Record(rel, str(doc.get("kind", "")),
                              started, finished, doc, reached))
    return sorted(out, key=lambda r: (r.started, r.path))


def waiver_history(root: Path) -> list[tuple[datetime, list[dict[str, Any]]]]:
    """Each committed version of the waivers file: (commit time, its waivers)."""
    out = []
    for at, data in archive.file_history(root, WAIVERS_FILE):
        doc = archive.load_yaml(data) if data else None
        out.append((at, list((doc or {}).get("waivers") or [])))
    return out


def incidents(root: Path) -> list[Any]:
    """Every incident in the archive (``reports/incidents/``), by id."""
    from ..incidents import store as incidents_store

    found = incidents_store.load(root)
    return [found[i] for i in sorted(found)]


def load(root: Path, month: Month, waivers_from: Path | None = None) -> Sources:
    """The archive under ``root``; the waivers file's history from the estate at
    ``waivers_from`` (default: ``root``; they differ when records live on an archive branch)."""
    months = [month.previous(), month]
    if month.end > month.next().within("UTC").start:  # a zone west of UTC: its month ends
        months.append(month.next())                    # in the next UTC month's records
    return Sources(month, read_records(root, months),
                   findings_store.load(root), waiver_history(waivers_from or root),
                   incidents(root))
