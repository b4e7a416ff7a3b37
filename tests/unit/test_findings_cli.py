"""`patrol findings`, `findings escalate` and `compliance` on a sample estate with crafted files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.findings import Finding, State
from runner.findings import store as findings_store
from tests.conftest import commit_all, copy_estate, git, patrol_commit

ROOT = Path(__file__).resolve().parents[2]
PATROL = str(Path(sys.executable).parent / "patrol")
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def patrol(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                          timeout=60)


def finding(host: str, check: str, severity: str, state: State, hours: int) -> Finding:
    f = Finding(f"{host}/{check}", "check", host, "daily", check, severity, state, T0,
                T0 + timedelta(hours=hours), "run-1", 91, f"{check} failing")
    f.log(T0, "opened", "run-1", due=f.due)
    return f


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    root = copy_estate(tmp_path / "estate")
    store = {f.id: f for f in [
        finding("web-01", "disk-space", "high", State.OPEN, 24),
        finding("db-01", "sshd-config", "critical", State.OVERDUE, 4),
        finding("app-02", "drift", "medium", State.CLOSED, 168),
    ]}
    commit_all(root)
    findings_store.save(root, store)
    patrol_commit(root)
    return root


def test_lists_active_findings_with_totals(estate):
    r = patrol(estate, "findings", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [f["id"] for f in doc["findings"]] == ["db-01/sshd-config",
                                                  "web-01/disk-space"]
    assert doc["totals"]["by_state"]["open"] == 1
    assert doc["totals"]["by_state"]["overdue"] == 1
    assert doc["totals"]["by_severity"] == {"critical": 1, "high": 1, "medium": 0, "low": 0}


def test_filters_by_state_host_selector_and_overdue(estate):
    closed = json.loads(patrol(estate, "findings", "--state", "closed", "-f", "json").stdout)
    assert [f["id"] for f in closed["findings"]] == ["app-02/drift"]
    web = json.loads(patrol(estate, "findings", "--host", "role=web", "-f", "json").stdout)
    assert [f["id"] for f in web["findings"]] == ["web-01/disk-space"]
    late = json.loads(patrol(estate, "findings", "--overdue", "-f", "json").stdout)
    assert [f["id"] for f in late["findings"]] == ["db-01/sshd-config"]


def test_markdown_escapes_table_cells(estate):
    store = findings_store.load(estate)
    piped = store["web-01/disk-space"]
    piped.reason = "/srv|x 91% used | limit 85%"
    findings_store.save(estate, store)
    md = patrol(estate, "findings", "--format", "markdown").stdout
    assert md.startswith("| finding | state | severity | due | reason |")
    row = next(line for line in md.splitlines() if "`web-01/disk-space`" in line)
    assert row.endswith(r"| /srv\|x 91% used \| limit 85% |")
    assert len(row.replace(r"\|", "").split("|")) == 7  # six unescaped pipes, five cells


def test_bad_state_and_selector_are_usage_errors(estate):
    for args in (["findings", "--state", "late"], ["findings", "--host", "role="]):
        r = patrol(estate, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.startswith("patrol: ")


def test_escalate_moves_findings_and_commits_at_the_real_time(estate):
    before = datetime.now(UTC).replace(microsecond=0)
    r = patrol(estate, "findings", "escalate")
    assert r.returncode == 0, r.stderr
    assert "web-01/disk-space: open -> penalised" in r.stdout
    f = findings_store.load(estate)["web-01/disk-space"]
    assert f.state is State.PENALISED
    assert f.history[-1]["event"] == "penalised"
    assert before <= f.history[-1]["at"] <= datetime.now(UTC)  # the machine's clock
    assert "db-01/sshd-config: overdue -> penalised" in r.stdout
    assert git(estate, "log", "-1", "--format=%s") == "findings: 2 escalated"
    again = patrol(estate, "findings", "escalate")
    assert "0 transition(s)" in again.stdout
    assert git(estate, "log", "-1", "--format=%s") == "findings: 2 escalated"


def test_escalate_with_a_moved_clock_is_a_preview_that_writes_nothing(estate):
    head = git(estate, "rev-parse", "HEAD")
    refused = patrol(estate, "findings", "escalate", "--now", "2026-11-23T06:00:00Z")
    assert refused.returncode == 2 and "add --no-commit" in refused.stderr
    preview = patrol(estate, "findings", "escalate", "--now", "2026-11-23T06:00:00Z",
                     "--no-commit")
    assert preview.returncode == 0, preview.stderr
    assert "web-01/disk-space: open -> penalised" in preview.stdout
    assert findings_store.load(estate)["web-01/disk-space"].state is State.OPEN
    assert git(estate, "rev-parse", "HEAD") == head
    assert git(estate, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_empty_now_is_a_usage_error(estate):
    for args in (["findings", "escalate", "--now", ""], ["compliance", "--now", " "]):
        r = patrol(estate, *args)
        assert r.returncode == 2 and "--now ''" in r.stderr, (args, r.stderr)


def test_bad_now_is_a_usage_error(estate):
    r = patrol(estate, "findings", "escalate", "--now", "yesterday")
    assert r.returncode == 2 and "expected an ISO time" in r.stderr


def _record(root: Path, checklist: str, finished: datetime, hosts: dict[str, object]) -> None:
    run_id = f"{finished:%Y%m%dT%H%M%SZ}-{checklist}-abcdef"
    body = {"format": "patrol/run-record/v1", "kind": "inspect", "run": run_id,
            "checklist": checklist, "finished": finished.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "previous": None, "hosts": hosts}
    prev = archive.latest_record(root)  # chained, as a --no-commit run leaves it
    body["previous"] = {"record": prev[0], "sha256": prev[1]} if prev else None
    data, _ = archive.seal(archive.dump_yaml(body))
    rel = archive.record_path(run_id, finished.year, finished.month)
    archive.write_or_spool(root, {rel: data}, run_id)  # spooled, as a --no-commit run leaves it


def test_compliance_reports_each_late_checklist_once(estate):
    names = sorted(h["name"] for f in (estate / "inventory/hosts").glob("*.yaml")
                   for h in yaml.safe_load(f.read_text())["hosts"])
    assert len(names) == 10 and "db-02" in names
    now = datetime.now(UTC).replace(microsecond=0)
    _record(estate, "daily", now - timedelta(hours=20), dict.fromkeys(names, "pass"))
    _record(estate, "weekly", now - timedelta(days=6),
            {**dict.fromkeys(names, "pass"), "db-02": {"reachable": False, "message": "x"}})
    _record(estate, "monthly", now - timedelta(days=20), dict.fromkeys(names, "pass"))
    r = patrol(estate, "compliance")  # commits the chained records with its own
    # weekly: db-02 was unreachable, so its last completed weekly run is missing
    assert r.returncode == 1, r.stdout + r.stderr
    assert "BREACH weekly" in r.stdout and "db-02 never" in r.stdout
    assert "BREACH daily" not in r.stdout and "BREACH monthly" not in r.stdout
    cadence = findings_store.load(estate)["_cadence/weekly"]
    assert cadence.kind == "cadence" and cadence.value == ["db-02"]
    assert git(estate, "log", "-1", "--format=%s") == "compliance: 1 checklist(s) in breach"
    head = git(estate, "rev-parse", "HEAD")
    later = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    preview = patrol(estate, "compliance", "--now", later, "--no-commit")
    assert "BREACH daily" in preview.stdout  # 68 h since the last daily run
    assert "_cadence/daily" not in findings_store.load(estate)  # a preview writes nothing
    assert git(estate, "rev-parse", "HEAD") == head
    assert git(estate, "status", "--porcelain", "--untracked-files=all") == ""
