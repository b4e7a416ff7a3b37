"""Inspections open incidents by themselves (via monitoring), through the whole inspection path
with a fake fleet: after the policy's number of unreachable runs, or for a critical finding;
never twice for one finding, and never closed by the cause going away."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.findings import store as findings_store
from runner.incidents import store
from runner.inspect import inspect
from tests.conftest import commit_all
from tests.unit.test_inspect_run import CHECKLIST, T0, FakeFleet, context, make_estate


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    root = make_estate(tmp_path / "estate")
    # its own control (a check id names one control everywhere): the agent pin, critical here
    critical = CHECKLIST.replace("severity: high", "severity: critical").replace(
        "id: agent", "id: agent-pin")
    (root / "policies" / "inspections" / "crit.yaml").write_text(critical)
    commit_all(root)
    return root


def test_a_host_unreachable_for_the_policys_runs_opens_one_incident(estate: Path):
    runs = yaml.safe_load((estate / "policies/service.yaml").read_text())["unreachable_after_runs"]
    fleet = FakeFleet(down={"web-01"})
    for n in range(runs - 1):
        inspect(estate, "fake", ctx=context(estate, T0 + timedelta(hours=n)), play=fleet)
        assert store.load(estate) == {}
    at = T0 + timedelta(hours=runs - 1)
    run = inspect(estate, "fake", ctx=context(estate, at), play=fleet)
    (inc,) = store.load(estate).values()
    assert (inc.id, inc.hosts, inc.via, inc.finding, inc.opened_at, inc.state.value) == (
        "INC-2026-0001", ["web-01"], "monitoring", "web-01/unreachable", at, "open")
    assert inc.reported_by == f"patrol inspect {run.run_id}"
    assert run.incidents == [inc.id]
    assert store.path_of(inc.id) in archive.read_tree(estate, "HEAD", ["reports/incidents"])

    inspect(estate, "fake", ctx=context(estate, at + timedelta(hours=1)), play=fleet)
    assert list(store.load(estate)) == [inc.id]  # still down: no second incident

    fleet.down.clear()
    inspect(estate, "fake", ctx=context(estate, at + timedelta(hours=2)), play=fleet)
    assert findings_store.load(estate)["web-01/unreachable"].state.value == "closed"
    assert store.load(estate)[inc.id].state.value == "open"  # an engineer resolves it


def test_a_critical_finding_opens_an_incident_a_high_one_does_not(estate: Path):
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    inspect(estate, "fake", ctx=context(estate), play=fleet)  # agent: high
    assert store.load(estate) == {}
    run = inspect(estate, "crit", ctx=context(estate, T0 + timedelta(minutes=5)), play=fleet)
    (inc,) = store.load(estate).values()
    # web-02 is of high criticality; the finding's severity critical raises the clocks' level
    assert (inc.finding, inc.severity, inc.level, inc.owner) == (
        "web-02/agent-pin", "critical", "critical", "ops-team@example.com")
    record = yaml.safe_load((estate / run.record_path).read_bytes())
    assert record["incidents"] == [{"incident": inc.id, "finding": "web-02/agent-pin",
                                    "event": "opened"}]
    assert archive.verify_chain(estate) == []
