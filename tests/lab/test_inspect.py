"""Inspections end to end on the lab fleet: real SSH, real Ansible, records committed to Git."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from lxml import etree

from runner import archive
from runner.inspect import inspect
from runner.results import Status
from tests.conftest import commit_all, copy_estate, git

ROOT = Path(__file__).resolve().parents[2]
PATROL = str(Path(sys.executable).parent / "patrol")
pytestmark = pytest.mark.lab


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The working tree's estate in a throwaway repository, so runs never commit onto main."""
    dest = copy_estate(tmp_path / "estate")
    # lab hosts share this machine's load, which a busy test run drives far above a real
    # server's limit; these tests are about the pipeline, so the load limit is lifted
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # one control, one max
        text = checklist.read_text()
        assert "      max: 2.0\n      minutes: 5\n" in text
        checklist.write_text(text.replace("      max: 2.0\n      minutes: 5\n",
                                          "      max: 1000.0\n      minutes: 5\n"))
    commit_all(dest)
    return dest


def record_of(root: Path, run) -> dict:
    return yaml.safe_load((root / run.record_path).read_bytes())


def test_clean_daily_inspection_passes_on_every_host(lab, estate):
    run = inspect(estate, "daily", connections=lab.ansible_vars())
    failing = {n: {c: r.reason for c, r in hr.checks.items() if r.status is not Status.PASS}
               for n, hr in run.results.items() if not hr.passed}
    assert failing == {}
    assert sorted(run.results) == lab.names
    daily = yaml.safe_load((estate / "policies/inspections/daily.yaml").read_text())
    # and a host whose key the estate pins (the sample's br-01, plant-01) a host-key check
    pinned = {h["name"] for f in (estate / "inventory/hosts").glob("*.yaml")
              for h in yaml.safe_load(f.read_text())["hosts"] if "host_key" in h}
    assert pinned == {"br-01", "plant-01"}
    assert {n: len(hr.checks) for n, hr in run.results.items()} == {
        n: len(daily["checks"]) + (n in pinned) for n in lab.names}
    message = git(estate, "log", "-1", "--format=%B")
    assert message.startswith(f"inspect(daily): {len(lab.names)}/{len(lab.names)} hosts pass")
    assert f"Patrol-Run: {run.run_id}" in message
    assert f"Patrol-Record: sha256:{run.record_sha256}" in message
    assert f"Patrol-Estate: {git(estate, 'rev-parse', 'HEAD~1')}" in message
    assert archive.verify_chain(estate) == []


def test_unchanged_fleet_second_commit_touches_only_its_record(lab, estate):
    inspect(estate, "daily", connections=lab.ansible_vars())
    second = inspect(estate, "daily", connections=lab.ansible_vars())
    changed = git(estate, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert changed == [second.record_path]


def test_full_disk_fails_filesystem_check_opens_finding_and_pass_closes_it(lab, estate):
    host = "web-02"
    lab.disk_attach(host, "/srv/data", "16M")
    try:
        lab.run(host, "dd if=/dev/zero of=/srv/data/fill bs=1M count=15 2>/dev/null; sync")
        df = lab.run(host, "df --output=pcent /srv/data | tail -1").stdout.strip().rstrip("%")
        failed = inspect(estate, "daily", limit=host, connections=lab.ansible_vars())
        result = failed.results[host].checks["disk-space"]
        assert result.status is Status.FAIL
        assert "/srv/data" in result.reason
        rec = record_of(estate, failed)
        assert rec["hosts"][host]["exceptions"]["disk-space"]["value"]["/srv/data"] == int(df)
        finding_file = estate / "reports/findings" / host / "disk-space.yaml"
        opened = yaml.safe_load(finding_file.read_text())
        assert opened["state"] == "open"
        assert opened["opened_run"] == failed.run_id
        assert opened["due"] > opened["opened_at"]

        lab.run(host, "rm -f /srv/data/fill; sync")
        passed = inspect(estate, "daily", limit=host, connections=lab.ansible_vars())
        assert passed.results[host].checks["disk-space"].status is Status.PASS
        closed = yaml.safe_load(finding_file.read_text())
        assert closed["state"] == "closed"
        assert closed["closed_run"] == passed.run_id
        shas = git(estate, "log", "-2", "--format=%H").splitlines()
        trailer = "--format=%(trailers:key=Patrol-Run,valueonly,separator=)"
        assert [git(estate, "log", "-1", trailer, sha) for sha in shas] == [
            passed.run_id, failed.run_id]
        assert "1 check failing" in git(estate, "log", "-1", "--format=%s", shas[1])
        touched = git(estate, "show", "--name-only", "--format=", "HEAD")
        assert f"reports/findings/{host}/disk-space.yaml" in touched
    finally:
        lab.disk_detach(host, "/srv/data")


def test_stopped_sshd_is_unreachable_and_others_still_complete(lab, estate, tmp_path):
    down, up = "db-01", "web-01"
    lab.sshd_stop(down)
    try:
        junit = tmp_path / "junit.xml"
        proc = subprocess.run(
            [PATROL, "inspect", "daily", "--lab", "--limit", f"{down},{up}", "--junit",
             str(junit), "--estate", str(estate)],
            capture_output=True, text=True, timeout=180, env={**os.environ, "CI": "true"})
    finally:
        lab.sshd_start(down)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{down}" in proc.stdout and "UNREACHABLE" in proc.stdout
    rec = yaml.safe_load(next((estate / "reports/runs").rglob("*.yaml")).read_bytes())
    assert rec["hosts"][down]["reachable"] is False
    assert rec["hosts"][up] == "pass"
    assert rec["summary"]["hosts_unreachable"] == 1
    status = yaml.safe_load((estate / "reports/status" / f"{down}.yaml").read_text())
    assert status["reachable"] is False and status["unreachable_runs"] == 1
    suites = {s.get("name"): s for s in ET.parse(junit).getroot()}
    assert suites[f"daily.{down}"].get("errors") == "1"
    daily = yaml.safe_load((estate / "policies/inspections/daily.yaml").read_text())
    assert suites[f"daily.{up}"].get("tests") == str(len(daily["checks"]))
    assert suites[f"daily.{up}"].get("failures") == "0"
    schema = etree.XMLSchema(etree.parse(str(ROOT / "tests/schemas/junit.xsd")))
    assert schema.validate(etree.parse(str(junit))), schema.error_log


def test_drift_names_host_package_declared_and_installed(lab, estate):
    host = "app-01"
    install = "apt-get -qq update >/dev/null 2>&1; apt-get -qq install -y --allow-downgrades"
    r = lab.run(host, f"{install} patrol-agent=1.1.0-1 >/dev/null 2>&1; "
                      "dpkg-query -W -f '${Version}' patrol-agent")
    assert r.stdout.strip() == "1.1.0-1"
    try:
        run = inspect(estate, "daily", limit=host, connections=lab.ansible_vars())
    finally:
        lab.run(host, f"{install} patrol-agent=1.0.0-1 >/dev/null 2>&1")
    drift = run.results[host].checks["drift"]
    assert drift.status is Status.FAIL
    assert "patrol-agent" in drift.reason
    assert "1.0.0-1" in drift.reason and "1.1.0-1" in drift.reason
    rec = record_of(estate, run)
    assert rec["hosts"][host]["exceptions"]["drift"]["status"] == "fail"


def test_sigkill_mid_play_leaves_archive_valid_and_next_run_completes(lab, estate):
    # a record to chain onto
    inspect(estate, "daily", limit="web-01", connections=lab.ansible_vars())
    before = sorted(p.name for p in (estate / "reports/runs").rglob("*.yaml"))
    proc = subprocess.Popen([PATROL, "inspect", "daily", "--lab", "--estate", str(estate)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until ansible-playbook is running
        ps = subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "ansible-playbook"],
                            capture_output=True, text=True)
        if ps.stdout.strip():
            break
        time.sleep(0.05)
    else:
        pytest.fail("ansible-playbook never started")
    # kill everything, as a cancelled CI job would (ansible-runner's pty child has its own
    # session, so it is killed by its own group)
    # the plays' groups first: killing patrol closes their pty, and a group that died of
    # that SIGHUP first is no longer there to kill
    for child in [*ps.stdout.split(), str(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(int(child), signal.SIGKILL)
    proc.wait(timeout=10)
    after = sorted(p.name for p in (estate / "reports/runs").rglob("*.yaml"))
    for p in (estate / "reports").rglob("*"):
        assert not p.name.endswith(".tmp"), p
    assert after == before or len(after) == len(before) + 1  # nothing, or one whole record
    assert archive.verify_chain(estate) == []
    # the lock is free and the chain continues
    run = inspect(estate, "daily", connections=lab.ansible_vars())
    assert all(hr.reachable for hr in run.results.values())
    assert archive.verify_chain(estate) == []
