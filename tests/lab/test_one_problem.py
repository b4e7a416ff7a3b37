"""One problem is one finding, on the lab fleet: a forbidden port seen by the daily, weekly
and monthly inspections is one finding and one penalty; a waiver on the control covers it in
all three; the daily run that finds it fixed closes it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from runner import archive
from runner.findings import escalate, policy_of
from runner.findings import store as findings_store
from runner.inspect import inspect
from runner.results import Status
from runner.run import load_valid_estate
from tests.conftest import commit_all, copy_estate

pytestmark = pytest.mark.lab
HOST = "app-02"
PORT = 23  # forbidden in every checklist's `ports` check
WAIVER = f"""\
waivers:
  - host: {HOST}
    check: ports
    reason: telnet kept for the serial console until the KVM arrives
    approved_by: li.wei@customer.example.com
    expires: 2099-12-31
"""


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    dest = copy_estate(tmp_path / "estate")
    for name in ("daily", "weekly", "monthly"):  # this machine's load is not under test
        f = dest / "policies" / "inspections" / f"{name}.yaml"
        f.write_text(f.read_text().replace("      max: 2.0\n", "      max: 1000.0\n"))
    (dest / "policies" / "waivers.yaml").write_text("waivers: []\n")
    commit_all(dest)
    return dest


def _listen(lab) -> str:
    code = (f"import socket, time; s = socket.socket(); s.bind(('0.0.0.0', {PORT})); "
            "s.listen(); time.sleep(600)")
    done = lab.run(HOST, f'setsid python3 -c "{code}" >/dev/null 2>&1 & echo $!')
    assert done.returncode == 0, done.stderr
    lab.run(HOST, f"for i in $(seq 50); do ss -ltn | grep -q ':{PORT} ' && break; "
                  "sleep 0.1; done")
    return done.stdout.strip()


def test_one_port_seen_by_three_checklists_is_one_finding_one_penalty(lab, estate):
    pid = _listen(lab)
    try:
        runs = [inspect(estate, name, limit=HOST, connections=lab.ansible_vars())
                for name in ("daily", "weekly", "monthly")]
        for run in runs:
            assert run.results[HOST].checks["ports"].status is Status.FAIL, run.checklist
        store = findings_store.load(estate)
        ports = [f for f in store.values() if f.check == "ports"]
        assert [f.id for f in ports] == [f"{HOST}/ports"]
        (f,) = ports
        assert f.checklists == ["daily", "monthly", "weekly"]
        assert f.opened_run == runs[0].run_id  # the daily run opened it; the others saw it
        assert PORT in f.value
        found = archive.read_tree(estate, "HEAD", ["reports/findings"])
        named = sorted(p for p in found if p.rsplit("/", 1)[-1].endswith("ports.yaml"))
        assert named == [f"reports/findings/{HOST}/ports.yaml"]  # not one per checklist
        # past its deadline and the grace: one finding penalised, so one penalty
        policy = policy_of(load_valid_estate(estate, f.opened_at.date()).service)
        later = f.due + policy.penalty_grace + timedelta(minutes=1)
        moved = [t for t in escalate(store, later, policy) if t.after == "penalised"]
        assert [t.finding for t in moved if "ports" in t.finding] == [f"{HOST}/ports"]

        # a waiver on the control covers it in every checklist
        (estate / "policies" / "waivers.yaml").write_text(WAIVER)
        commit_all(estate)
        for name in ("weekly", "monthly", "daily"):
            run = inspect(estate, name, limit=HOST, connections=lab.ansible_vars())
            assert run.results[HOST].checks["ports"].status is Status.WAIVED, name
        assert findings_store.load(estate)[f"{HOST}/ports"].state.value == "waived"
    finally:
        lab.run(HOST, f"kill {pid}")
    (estate / "policies" / "waivers.yaml").write_text("waivers: []\n")
    commit_all(estate)
    fixed = inspect(estate, "daily", limit=HOST, connections=lab.ansible_vars())
    assert fixed.results[HOST].checks["ports"].status is Status.PASS
    f = findings_store.load(estate)[f"{HOST}/ports"]
    assert (f.state.value, f.closed_run) == ("closed", fixed.run_id)
    assert archive.verify_chain(estate) == []
