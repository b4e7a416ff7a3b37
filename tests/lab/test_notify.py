"""Notifications on the lab: sshd stopped on a host until its incident's response clock warns
and then breaches tells the site's resident engineer exactly three times (opened, warned,
breached) through a real SMTP server on loopback; a rerun and a second clone send nothing;
the first delivery, tried while the SMTP server is down, is recorded as failed and the next
run delivers it once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.commands import findings as findings_cmd
from runner.commands import notify as notify_cmd
from runner.incidents import store as incident_store
from runner.incidents.policy import calendars, standings
from runner.inspect import inspect
from runner.notify import outbox
from runner.run import load_valid_estate
from tests.conftest import commit_all, copy_estate, git
from tests.unit.notify.servers import free_port, smtp_server, text_of

pytestmark = pytest.mark.lab
DOWN = "app-01"  # fra-dc2 (24x7, English), criticality high: response 1h, on-site 8h


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    dest = copy_estate(tmp_path / "estate")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # lab load is the
        text = checklist.read_text()  # machine's: lift it (one control, one limit everywhere)
        checklist.write_text(text.replace("      max: 2.0\n", "      max: 1000.0\n"))
    commit_all(dest)
    return dest


def engineers(root: Path, site: str) -> list[str]:
    sites = yaml.safe_load((root / "inventory/sites.yaml").read_text())["sites"]
    return [e["email"] for s in sites if s["id"] == site for e in s["resident_engineers"]]


def test_an_incident_tells_its_resident_engineer_once_per_event(lab, estate, monkeypatch):
    (engineer,) = engineers(estate, "fra-dc2")
    port = free_port()  # the SMTP server is down for the first delivery
    monkeypatch.setenv("PATROL_NOTIFY_SMTP", f"127.0.0.1:{port}")
    runs = yaml.safe_load((estate / "policies/service.yaml").read_text())[
        "unreachable_after_runs"]
    lab.sshd_stop(DOWN)
    try:
        for _ in range(runs):
            inspect(estate, "daily", limit=f"name={DOWN}", connections=lab.ansible_vars())
    finally:
        lab.sshd_start(DOWN)
    (inc,) = incident_store.load(estate).values()
    assert notify_cmd.run(estate) == 1  # the SMTP server is down: recorded, still owed
    failed = [f for _, d in outbox.read(estate) for f in d.get("failed") or []]
    assert [(f["key"], f["to"]) for f in failed] == [
        (f"incident.opened:{inc.id}", f"email:{engineer}")]

    est = load_valid_estate(estate, inc.opened_at.date())
    due = standings(inc, calendars(est), inc.opened_at)["response"].due
    assert due is not None
    with smtp_server(port) as box:
        for minutes in (-1, 1, 2, 3):  # warned, breached, a rerun, and the second clone
            at = due + timedelta(minutes=minutes)
            for var in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):  # the commits keep time
                monkeypatch.setenv(var, at.isoformat())
            if minutes < 3:
                findings_cmd.escalate(estate, None, True, clock=lambda at=at: at)
        clone = estate.parent / "clone"
        git(estate.parent, "clone", "-q", str(estate), str(clone))
        assert notify_cmd.run(clone, clock=lambda: at) == 0
        assert notify_cmd.run(estate, clock=lambda: at) == 0

    assert [tos for tos, _ in box.messages] == [[engineer]] * 3
    subjects = sorted(text_of(m)[0] for _, m in box.messages)
    assert subjects == sorted([f"Incident {inc.id} opened: {DOWN}",
                               f"Incident {inc.id}: the response time runs out soon",
                               f"Incident {inc.id}: the response time is breached"])
    assert archive.verify_chain(estate) == []
