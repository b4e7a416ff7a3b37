"""The whole inspection path without hosts: lock -> select -> execute (a fake fleet that
answers the measuring module) -> judge -> findings -> record -> commit, in a real Git
repository. The lab tests run the same path against real SSH hosts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner import archive
from runner.errors import Exit, PatrolError
from runner.execute import HostOutcome, HostState, PlayOutcome
from runner.findings import store as findings_store
from runner.inspect import inspect
from runner.results import Status
from runner.run import RunContext
from tests.conftest import commit_all, copy_estate, git

T0 = datetime(2026, 11, 25, 6, 15, tzinfo=UTC)
WEB = ["web-01", "web-02"]  # role=web in the sample estate

CHECKLIST = """\
name: Fake fleet check
cadence: daily
hosts: role=web
checks:
  - id: agent
    kind: package_version
    severity: high
    params: {packages: {patrol-agent: "1.0.0-1"}}
  - id: ssh
    kind: service_running
    severity: critical
    params: {services: [ssh]}
"""


@dataclass
class FakeFleet:
    """The executor's signature; answers the one-call module from per-host state."""

    agent: dict[str, str] = field(default_factory=lambda: dict.fromkeys(WEB, "1.0.0-1"))
    down: set[str] = field(default_factory=set)
    plays: list[tuple[str, list[str]]] = field(default_factory=list)
    hostvars: dict[str, Any] = field(default_factory=dict)

    def __call__(self, playbook: str, inventory: dict[str, Any], *, limit: list[str],
                 on_host: Any, **_: Any) -> PlayOutcome:
        self.plays.append((playbook, list(limit)))
        self.hostvars = inventory["_meta"]["hostvars"]
        for host in limit:
            if host in self.down:
                on_host(host, HostOutcome(HostState.UNREACHABLE, {}, "ssh: connect timed out"))
                continue
            values = {}
            for m in self.hostvars[host]["patrol_measurements"]:
                if m["probe"] == "packages":
                    values[m["id"]] = {"patrol-agent": self.agent[host]}
                elif m["probe"] == "service_status":
                    values[m["id"]] = {"ssh": {"rc": 0, "output": "running"}}
            on_host(host, HostOutcome(HostState.OK, {"values": values}))
        return PlayOutcome({}, "successful", 0)


def make_estate(dest: Path) -> Path:
    root = copy_estate(dest)
    (root / "policies" / "inspections" / "fake.yaml").write_text(CHECKLIST)
    commit_all(root)
    return root


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return make_estate(tmp_path / "estate")


def context(root: Path, at: datetime = T0) -> RunContext:
    return RunContext(root, clock=lambda: at, env={"GITHUB_ACTIONS": "true",
                                                   "GITHUB_ACTOR": "ci-bot"},
                      local="tester@box", suffix=lambda: "abc123")


def test_a_clean_fleet_is_recorded_and_committed_with_trailers(estate: Path) -> None:
    head = git(estate, "rev-parse", "HEAD")
    fleet = FakeFleet()
    run = inspect(estate, "fake", ctx=context(estate), play=fleet)
    assert fleet.plays == [("inspect.yml", WEB)]
    assert run.run_id == "20261125T061500Z-fake-abc123"
    assert {n: hr.passed for n, hr in run.results.items()} == dict.fromkeys(WEB, True)
    record = yaml.safe_load((estate / run.record_path).read_bytes())
    assert run.record_path == "reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml"
    assert record["estate"] == {"commit": head, "dirty": False}
    assert record["started"] == record["finished"] == "2026-11-25T06:15:00Z"
    assert record["trigger"] == {"ci": "github", "actor": "ci-bot"}
    assert record["hosts"] == dict.fromkeys(WEB, "pass")
    assert record["previous"] is None
    message = git(estate, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == "inspect(fake): 2/2 hosts pass, 0 checks failing"
    assert f"Patrol-Run: {run.run_id}" in message
    assert f"Patrol-Estate: {head}" in message
    assert f"Patrol-Record: sha256:{run.record_sha256}" in message
    assert sorted(git(estate, "show", "--name-only", "--format=", "HEAD").split()) == [
        run.record_path, "reports/status/web-01.yaml", "reports/status/web-02.yaml"]
    assert archive.verify_chain(estate) == []
    assert git(estate, "status", "--porcelain") == ""


def test_a_failure_opens_a_finding_and_a_later_pass_closes_it(estate: Path) -> None:
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    first = inspect(estate, "fake", ctx=context(estate), play=fleet)
    assert first.results["web-02"].checks["agent"].status is Status.FAIL
    found = findings_store.load(estate)["web-02/agent"]
    assert (found.state.value, found.severity, found.opened_run) == ("open", "high", first.run_id)
    assert found.due == T0 + timedelta(days=1)  # policies/service.yaml: high within 1d
    assert "1 check failing" in git(estate, "log", "-1", "--format=%s")

    fleet.agent["web-02"] = "1.0.0-1"
    later = T0 + timedelta(hours=2)
    second = inspect(estate, "fake", ctx=context(estate, later), play=fleet)
    closed = findings_store.load(estate)["web-02/agent"]
    assert (closed.state.value, closed.closed_run, closed.closed_at) == (
        "closed", second.run_id, later)
    record = yaml.safe_load((estate / second.record_path).read_bytes())
    assert record["previous"] == {"record": first.record_path, "sha256": first.record_sha256}
    assert record["findings"] == [{"finding": "web-02/agent", "from": "open",
                                   "to": "closed"}]
    assert archive.verify_chain(estate) == []


def test_an_unreachable_host_is_recorded_unreachable_never_failed(estate: Path) -> None:
    run = inspect(estate, "fake", ctx=context(estate), play=FakeFleet(down={"web-01"}))
    record = yaml.safe_load((estate / run.record_path).read_bytes())
    assert record["hosts"]["web-01"] == {"reachable": False, "message": "ssh: connect timed out"}
    assert record["hosts"]["web-02"] == "pass"
    assert run.summary["checks"]["fail"] == 0
    assert findings_store.load(estate) == {}  # one unreachable run opens nothing


def test_a_second_run_is_refused_while_the_first_holds_the_lock(estate: Path) -> None:
    fleet = FakeFleet()
    with archive.run_lock(estate), pytest.raises(PatrolError) as err:
        inspect(estate, "fake", ctx=context(estate), play=fleet)
    assert err.value.exit_code == Exit.ENVIRONMENT
    assert fleet.plays == []  # no host was touched


def test_the_same_inputs_give_byte_identical_records(tmp_path: Path) -> None:
    data = []
    for name in ("a", "b"):
        root = make_estate(tmp_path / name)
        run = inspect(root, "fake", ctx=context(root), play=FakeFleet(agent={
            "web-01": "1.0.0-1", "web-02": "0.9.0-1"}))
        record = (root / run.record_path).read_bytes()
        head = git(root, "rev-parse", "HEAD~1")
        data.append(record.replace(head.encode(), b"<estate>").split(b"\nsha256: ")[0])
    assert data[0] == data[1]


def test_without_connection_vars_hosts_keep_the_estates_addresses(estate: Path) -> None:
    fleet = FakeFleet()
    inspect(estate, "fake", ctx=context(estate), play=fleet)
    hostvars = fleet.hostvars["web-01"]
    assert hostvars["ansible_host"] == "10.123.0.11"
    assert not {k for k in hostvars if k.startswith("ansible_ssh")}
    vars_ = {"web-01": {"ansible_host": "192.0.2.9", "ansible_ssh_private_key_file": "/k"}}
    inspect(estate, "fake", ctx=context(estate, T0 + timedelta(hours=1)), play=fleet,
            connections=vars_)
    assert fleet.hostvars["web-01"]["ansible_host"] == "192.0.2.9"
    assert fleet.hostvars["web-01"]["ansible_ssh_private_key_file"] == "/k"


def test_waivers_relabel_a_copy_and_leave_the_results_as_judged():
    """``relabelable``: a push retry starts again from the results as judged, so the copy
    waivers relabel is its own per host (and per ``checks``), sharing only what no one
    changes (the frozen results and their measured values)."""
    from runner.findings.waivers import waived
    from runner.inspect import relabelable
    from runner.results import HostResult, Result

    judged = {"web-01": HostResult("web-01", True, {"agent": Result(Status.FAIL, {"v": 1}, "old"),
                                                    "ssh": Result(Status.PASS, None, "ok")},
                                   severities={"agent": "high"})}
    copy = relabelable(judged)
    waiver = type("W", (), {"reason": "accepted"})()
    copy["web-01"].checks["agent"] = waived(copy["web-01"].checks["agent"], waiver)
    assert judged["web-01"].checks["agent"].status is Status.FAIL
    assert copy["web-01"].checks["agent"].status is Status.WAIVED
    assert copy["web-01"] is not judged["web-01"] and copy["web-01"] == relabelable(copy)["web-01"]
    assert copy["web-01"].checks["ssh"] is judged["web-01"].checks["ssh"]
    assert copy["web-01"].severities == {"agent": "high"}


GIT_FREE_PROBE = """
import sys
from pathlib import Path
from runner.execute import HostOutcome, HostState, PlayOutcome
from runner.inspect import inspect

def play(playbook, inventory, *, limit, on_host, **_):
    for host in limit:
        on_host(host, HostOutcome(HostState.OK, {{"values": {{}}}}))
    return PlayOutcome({{}}, "successful", 0)

run = inspect(Path({root!r}), "fake", play=play)
print(run.commit, "git" in sys.modules)
"""


def test_a_run_locks_reads_head_and_commits_without_gitpython(estate: Path) -> None:
    """Every run's own Git steps (lock, HEAD, the estate's state, the commit) run the git CLI:
    GitPython's import alone cost ~40 ms of the controller's CPU per run (issue 26)."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", GIT_FREE_PROBE.format(root=str(estate))],
                       capture_output=True, text=True, timeout=120,
                       env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"),
                            "CI": "true"})
    assert r.returncode == 0, r.stderr
    sha, imported = r.stdout.split()
    assert imported == "False"
    assert sha == git(estate, "rev-parse", "HEAD").strip()
    assert git(estate, "status", "--porcelain") == ""
