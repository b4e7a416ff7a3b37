"""A hardware finding that becomes critical after it opened opens its on-site incident on the
run that reads it critical: one power supply of three fails (a warning, redundancy kept), then
a second (no redundancy left). Planted BMC readings, judged by ``hardware_health``, applied by
the findings lifecycle and the incident logic, with the time passed in; then the same through
the whole inspection path with a fake fleet and planted BMC answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner import execute_redfish
from runner.checks import hardware_health as hh
from runner.estate import load_estate
from runner.findings import State, apply_run, context_of
from runner.findings import store as findings_store
from runner.incidents import auto
from runner.incidents import store as incident_store
from runner.incidents.model import State as IncidentState
from runner.inspect import inspect
from runner.results import HostResult
from tests.conftest import commit_all
from tests.unit.test_inspect_run import FakeFleet, context, make_estate

T0 = datetime(2026, 11, 25, 6, 15, tzinfo=UTC)
HOST = "web-01"  # hz-dc1, criticality high, a dl360-g10


def psus(failed: int) -> dict[str, Any]:
    """A BMC reading of three power supplies, the first ``failed`` of them failed."""
    comps = []
    for bay in range(3):
        health = "Critical" if bay < failed else "OK"
        comps.append({"path": f"/redfish/v1/Chassis/1U/Power#/PowerSupplies/{bay}",
                      "category": "power", "name": f"Power Supply Bay {bay + 1}",
                      "health": health, "state": "Enabled" if health == "OK" else
                      "UnavailableOffline", "message": "lost its input" if bay < failed else "",
                      "part_number": None, "failure_predicted": False, "operation": None,
                      "reading": None, "thresholds": {}})
    return {"read_at": "2026-11-25T06:15:00Z", "components": comps, "events": []}


def judged(failed: int) -> dict[str, HostResult]:
    result = hh.judge(psus(failed), hh.Params(event_hours=0))
    return {HOST: HostResult(HOST, True, {"hardware": result}, severities={"hardware": "high"})}


def test_a_finding_that_turns_critical_while_open_opens_one_incident(tmp_path: Path) -> None:
    root = make_estate(tmp_path / "estate")
    estate, problems = load_estate(root, today=T0.date())
    assert not [p for p in problems if p.severity == "error"]
    ctx = context_of(estate)
    findings: dict[str, Any] = {}
    incidents: dict[str, Any] = {}

    def run(n: int, failed: int) -> list[Any]:
        at = T0 + timedelta(hours=n)
        results = judged(failed)
        moves = apply_run(findings, run_id=f"run-{n}", checklist="daily", results=results,
                          unreachable_runs={}, now=at, ctx=ctx)
        return [*auto.from_findings(incidents, findings, moves, estate, f"run-{n}", at),
                *auto.from_worsened(incidents, findings, results, estate, f"run-{n}", at)]

    assert run(0, failed=1) == []  # one of three: a finding, redundancy kept, no incident
    f = findings[f"{HOST}/hardware"]
    assert (f.state.value, f.value["critical"]) == ("open", False)
    assert run(1, failed=1) == []

    [inc] = run(2, failed=2)  # the second fails: one supply left, the finding turns critical
    assert (inc.finding, inc.hosts, inc.opened_at, inc.via) == (
        f"{HOST}/hardware", [HOST], T0 + timedelta(hours=2), "monitoring")
    assert inc.reported_by == "patrol inspect run-2"
    assert "Power Supply Bay 2" in inc.summary
    assert f.value["critical"] is True and "Bay 2" in f.reason
    assert f.opened_at == T0  # the finding and its deadline stay those of its opening
    assert [h["event"] for h in f.history] == ["opened", "worsened"]
    assert f.history[-1]["at"] == T0 + timedelta(hours=2)

    assert run(3, failed=2) == []  # still critical: the same incident, no second one
    inc.resolved_at = T0 + timedelta(hours=4)  # an engineer resolved it; still critical
    inc.state = IncidentState.RESOLVED
    assert run(5, failed=2) == []  # not news: the finding already holds a critical reading


def test_a_waived_finding_that_turns_critical_opens_no_incident(tmp_path: Path) -> None:
    root = make_estate(tmp_path / "estate")
    estate, problems = load_estate(root, today=T0.date())
    assert not [p for p in problems if p.severity == "error"]
    findings: dict[str, Any] = {}
    incidents: dict[str, Any] = {}
    apply_run(findings, run_id="run-0", checklist="daily", results=judged(1),
              unreachable_runs={}, now=T0, ctx=context_of(estate))
    findings[f"{HOST}/hardware"].state = State.WAIVED
    assert auto.from_worsened(incidents, findings, judged(2), estate, "run-1",
                              T0 + timedelta(hours=1)) == []
    assert incidents == {}


HARDWARE_CHECKLIST = """\
name: Hardware
cadence: daily
hosts: name=web-01
checks:
  - id: hardware
    kind: hardware_health
    severity: high
    params: {ignore: [], event_hours: 24}
"""


@pytest.fixture
def hw_estate(tmp_path: Path) -> Path:
    root = make_estate(tmp_path / "estate")
    (root / "policies" / "inspections" / "hw.yaml").write_text(HARDWARE_CHECKLIST)
    commit_all(root)
    return root


def test_an_inspection_that_reads_the_second_psu_failed_opens_the_incident(
        hw_estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failed = {"n": 1}
    monkeypatch.setenv("PATROL_BMC_PASSWORD", "planted")
    # the BMC's answer is planted at the Redfish boundary: one reading per run
    monkeypatch.setattr(execute_redfish, "read", lambda target, timeout=30: psus(failed["n"]))
    fleet = FakeFleet()
    inspect(hw_estate, "hw", ctx=context(hw_estate, T0), play=fleet)
    assert incident_store.load(hw_estate) == {}
    failed["n"] = 2
    run = inspect(hw_estate, "hw", ctx=context(hw_estate, T0 + timedelta(hours=1)), play=fleet)
    [inc] = incident_store.load(hw_estate).values()
    assert run.incidents == [inc.id]
    assert (inc.finding, inc.opened_at) == (f"{HOST}/hardware", T0 + timedelta(hours=1))
    record = yaml.safe_load((hw_estate / run.record_path).read_bytes())
    assert record["incidents"] == [{"incident": inc.id, "finding": f"{HOST}/hardware",
                                    "event": "opened"}]
    f = findings_store.load(hw_estate)[f"{HOST}/hardware"]
    assert f.value["critical"] is True and f.history[-1]["event"] == "worsened"
