"""A finding or incident file damaged by hand or by a merge is one error naming the file and
the line of the key at fault (exit 1), never a KeyError or a host name read as characters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runner import archive
from runner.errors import Exit, PatrolError
from runner.findings import store as findings_store
from runner.incidents import lifecycle
from runner.incidents import store as incidents_store

T0 = datetime(2026, 11, 25, 6, 15, tzinfo=UTC)
INCIDENT = "reports/incidents/2026/INC-2026-0001.yaml"
FINDING = "reports/findings/web-01--disk.yaml"


def write_incident(root: Path, edit) -> None:
    inc = lifecycle.new("INC-2026-0001", hosts=["db-02"], site="fra-dc2", summary="down",
                        severity="high", level="high", reported_by="Anna", via="phone",
                        owner="ops", limits={"response": timedelta(minutes=30),
                                                 "on_site": timedelta(hours=4)},
                        at=T0, written=T0)
    doc = incidents_store.to_doc(inc)
    edit(doc)
    (root / INCIDENT).parent.mkdir(parents=True)
    (root / INCIDENT).write_bytes(archive.dump_yaml(doc))


def line_of(root: Path, rel: str, key: str) -> int:
    lines = (root / rel).read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.startswith(f"{key}:"))


@pytest.mark.parametrize(("edit", "key", "message"), [
    (lambda d: d.pop("clocks"), None, "missing key 'clocks'"),
    (lambda d: d.__setitem__("pauses", [{"end": None}]), "pauses", "pauses: missing key"),
    (lambda d: d.__setitem__("hosts", "web-01"), "hosts", "hosts: expected a list of names"),
    (lambda d: d.__setitem__("opened_at", "yesterday"), "opened_at", "opened_at: time data"),
])
def test_a_damaged_incident_is_one_error_at_its_key(tmp_path: Path, edit, key, message) -> None:
    write_incident(tmp_path, edit)
    for read in (incidents_store.load, lambda r: incidents_store.load_one(r, "INC-2026-0001")):
        with pytest.raises(PatrolError) as caught:
            read(tmp_path)
        err = caught.value
        assert err.file == INCIDENT and err.exit_code == Exit.FAILED
        assert message in str(err), str(err)
        assert err.line == (line_of(tmp_path, INCIDENT, key) if key else 1)


def test_a_bad_finding_field_names_its_own_line(tmp_path: Path) -> None:
    good = {"id": "web-01/disk", "kind": "check", "subject": "web-01", "checklist": "daily",
            "check": "disk", "severity": "high", "state": "open",
            "opened_at": "2026-11-25T06:15:00Z", "opened_run": "r1", "due": "not-a-date"}
    (tmp_path / FINDING).parent.mkdir(parents=True)
    (tmp_path / FINDING).write_bytes(archive.dump_yaml(good))
    with pytest.raises(PatrolError) as caught:
        findings_store.load(tmp_path)
    err = caught.value
    assert err.file == FINDING and err.exit_code == Exit.FAILED
    assert err.line == line_of(tmp_path, FINDING, "due") and err.line > 1
    assert err.column == 1 and "due: " in str(err)
