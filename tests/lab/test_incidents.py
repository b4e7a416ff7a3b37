"""Incidents opened by inspections on the lab: a critical host whose sshd is stopped for the
policy's number of runs gets an incident via monitoring, linked to its finding; the host
answering again closes the finding but not the incident (an engineer resolves it)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.clock import utc_now
from runner.commands import incidents as incident_cmd
from runner.findings import store as findings_store
from runner.incidents import store as incident_store
from runner.inspect import inspect
from tests.conftest import commit_all, copy_estate, git

pytestmark = pytest.mark.lab
DOWN, UP = "db-01", "web-01"  # db-01 is critical in the sample estate


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    dest = copy_estate(tmp_path / "estate")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # lab load is the
        text = checklist.read_text()  # machine's: lift it (one control, one limit everywhere)
        checklist.write_text(text.replace("      max: 2.0\n", "      max: 1000.0\n"))
    commit_all(dest)
    return dest


def test_a_host_down_for_the_policys_runs_opens_one_incident_that_outlives_its_cause(
        lab, estate):
    policy = yaml.safe_load((estate / "policies/service.yaml").read_text())
    runs = policy["unreachable_after_runs"]
    owner = next(h["owner"] for h in yaml.safe_load(
        (estate / "inventory/hosts/hz-dc1.yaml").read_text())["hosts"] if h["name"] == DOWN)
    limit = f"name={DOWN},{UP}"
    lab.sshd_stop(DOWN)
    try:
        for n in range(1, runs + 1):
            run = inspect(estate, "daily", limit=limit, connections=lab.ansible_vars())
            assert run.results[DOWN].reachable is False
            opened = incident_store.load(estate)
            assert len(opened) == (1 if n == runs else 0), f"after run {n}"
    finally:
        lab.sshd_start(DOWN)
    (inc,) = incident_store.load(estate).values()
    assert (inc.hosts, inc.via, inc.finding, inc.level, inc.owner) == (
        [DOWN], "monitoring", f"{DOWN}/unreachable", "critical", owner)
    record = yaml.safe_load((estate / run.record_path).read_bytes())
    assert record["incidents"] == [{"incident": inc.id, "finding": f"{DOWN}/unreachable",
                                    "event": "opened"}]
    assert "1 incident opened" in git(estate, "log", "-1", "--format=%s")
    assert incident_store.path_of(inc.id) in git(estate, "show", "--name-only", "--format=",
                                                 "HEAD").split()

    back = inspect(estate, "daily", limit=limit, connections=lab.ansible_vars())
    assert back.results[DOWN].reachable is True
    assert findings_store.load(estate)[f"{DOWN}/unreachable"].state.value == "closed"
    assert incident_store.load(estate)[inc.id].state.value == "open"  # not closed by itself

    later = utc_now() + timedelta(seconds=1)
    assert incident_cmd.resolve(estate, inc.id, "sshd restarted", "Zhang Min", None,
                                clock=lambda: later) == 0
    assert incident_store.load(estate)[inc.id].state.value == "resolved"
    assert archive.verify_chain(estate) == []
