"""Upgrade plans against the lab fleet: real apt upgrades and downgrades from the lab's
offline repository (patrol-agent 1.0.0-1 -> 1.1.0-1), checked with testinfra.

Each test runs in a throwaway clone of the repository (commits never land on the branch) and
puts every host it touched back to patrol-agent 1.0.0-1, the version the inventory declares.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.upgrade.run import Outcome, OutsideWindow, upgrade
from tests.conftest import git

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday, 13:00 in Berlin
OLD, NEW = "1.0.0-1", "1.1.0-1"
WEB_APP = ["app-01", "app-02", "web-01", "web-02"]


def plan_text(*, targets: str = "role=web,app", waves: str = '[1, "50%", rest]',
              window: str = '{start: "00:00", end: "23:59", timezone: UTC}',
              max_failures: str = "0", pre_checks: str = "[]",
              post_version: str = NEW, rollback: str = "true") -> str:
    return f"""\
# yaml-language-server: $schema=../../schemas/upgrade.schema.json
name: lab test plan
targets: {targets}
packages:
  patrol-agent: "{NEW}"
window: {window}
waves: {waves}
halt:
  max_failures: {max_failures}
pre_checks: {pre_checks}
post_checks:
  - id: agent-version
    kind: package_version
    params:
      packages: {{patrol-agent: "{post_version}"}}
  - id: sshd-running
    kind: service_running
    params: {{services: [ssh]}}
rollback: {rollback}
"""


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    return archive.clone(ROOT, tmp_path / "estate")


def add_plan(root: Path, name: str, text: str) -> None:
    (root / "policies" / "upgrades" / f"{name}.yaml").write_text(text)
    git(root, "add", "policies/upgrades")
    git(root, "commit", "-q", "-m", f"Add plan {name}")


def agent_version(lab, host: str) -> str:
    return lab.testinfra(host).package("patrol-agent").version


@pytest.fixture
def restore(lab) -> Iterator[list[str]]:
    """Hosts a test touches; afterwards they are back at the declared version."""
    touched: list[str] = []
    yield touched
    for host in touched:
        res = lab.run(host, "rm -f /etc/patrol-ready; DEBIAN_FRONTEND=noninteractive "
                            f"apt-get install -y -q --allow-downgrades patrol-agent={OLD}",
                      timeout=180)
        assert res.returncode == 0, res.stderr


def test_a_plan_upgrades_every_targeted_host_wave_by_wave(lab, clone, restore) -> None:
    restore.extend(WEB_APP)
    add_plan(clone, "all", plan_text())
    before_head = git(clone, "rev-parse", "HEAD").strip()
    run = upgrade(clone, "all", now=lambda: NOW, interrupt=lambda: False,
                  connections=lab.ansible_vars())
    assert [w.hosts for w in run.waves] == [["app-01"], ["app-02", "web-01"], ["web-02"]]
    assert all(w.started and w.failures == 0 for w in run.waves)
    assert {h: hu.outcome for h, hu in run.hosts.items()} == dict.fromkeys(WEB_APP,
                                                                          Outcome.UPGRADED)
    for host in WEB_APP:
        assert agent_version(lab, host) == NEW
    assert agent_version(lab, "db-01") == OLD  # not targeted
    assert run.exit_code == 0
    record = yaml.safe_load((clone / run.record_path).read_text())
    assert record["kind"] == "upgrade"
    # made from the clean commit, although the run then rewrote the inventory
    assert record["estate"] == {"commit": before_head, "dirty": False}
    assert record["hosts"]["web-02"]["before"] == {"patrol-agent": OLD}
    assert record["hosts"]["web-02"]["after"] == {"patrol-agent": NEW}
    # one commit: the record and the inventory, and in the inventory only version lines
    assert git(clone, "rev-parse", "HEAD~1").strip() == before_head
    diff = git(clone, "diff", "-U0", before_head, "HEAD", "--", "inventory")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert sorted(changed) == sorted([f'-      patrol-agent: "{OLD}"',
                                      f'+      patrol-agent: "{NEW}"'] * 4)
    message = git(clone, "log", "-1", "--format=%B")
    assert message.startswith("upgrade(all): 4/4 hosts upgraded")
    assert f"Patrol-Record: sha256:{run.record_sha256}" in message
    assert archive.verify_chain(clone) == []
    # the estate still validates, and now declares what is installed
    valid = subprocess.run([sys.executable, "-m", "runner.cli", "validate", str(clone)],
                           capture_output=True, text=True, cwd=ROOT)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_a_failing_post_check_on_the_canary_halts_and_rolls_it_back(lab, clone, restore
                                                                    ) -> None:
    restore.extend(WEB_APP)
    add_plan(clone, "bad", plan_text(waves="[1, rest]", post_version="1.2.0-1"))
    run = upgrade(clone, "bad", now=lambda: NOW, interrupt=lambda: False,
                  connections=lab.ansible_vars())
    assert run.result == "halted" and run.halted_after_wave == 1
    canary = run.hosts["app-01"]
    assert canary.after == {"patrol-agent": NEW}  # it was really upgraded...
    assert canary.outcome is Outcome.ROLLED_BACK  # ...and really downgraded again
    assert canary.rollback is not None and canary.rollback.ok
    assert agent_version(lab, "app-01") == OLD
    for host in ("app-02", "web-01", "web-02"):
        assert run.hosts[host].outcome is Outcome.NOT_STARTED
        assert agent_version(lab, host) == OLD
    assert run.exit_code == 1
    record = yaml.safe_load((clone / run.record_path).read_text())
    canary_checks = record["hosts"]["app-01"]["post_checks"]
    assert canary_checks["exceptions"]["agent-version"]["status"] == "fail"
    assert canary_checks["pass"] == ["sshd-running"]
    assert record["hosts"]["app-01"]["rollback"]["after"] == {"patrol-agent": OLD}
    assert record["waves"][1]["started"] is False
    assert run.inventory_files == []  # the inventory already declares what is installed


def test_a_host_failing_a_pre_check_is_skipped(lab, clone, restore) -> None:
    restore.extend(["app-01", "app-02"])
    lab.run("app-01", "touch /etc/patrol-ready")
    pre = "[{id: ready, kind: file_mode, params: {path: /etc/patrol-ready, owner: root}}]"
    add_plan(clone, "pre", plan_text(targets="role=app", waves="[rest]", pre_checks=pre))
    run = upgrade(clone, "pre", now=lambda: NOW, interrupt=lambda: False,
                  connections=lab.ansible_vars())
    assert run.hosts["app-01"].outcome is Outcome.UPGRADED
    assert run.hosts["app-02"].outcome is Outcome.SKIPPED_PRECHECK
    assert "/etc/patrol-ready does not exist" in run.hosts["app-02"].message
    assert agent_version(lab, "app-01") == NEW
    assert agent_version(lab, "app-02") == OLD
    assert run.result == "completed" and run.exit_code == 1
    assert run.inventory_changes == {"app-01": {"patrol-agent": NEW}}


def test_an_unreachable_host_fails_its_wave_which_is_rolled_back(lab, clone, restore) -> None:
    restore.extend(["app-01", "app-02"])
    add_plan(clone, "down", plan_text(targets="role=app", waves="[rest]"))
    lab.link_down("app-02")
    try:
        run = upgrade(clone, "down", now=lambda: NOW, interrupt=lambda: False,
                      connections=lab.ansible_vars(), timeout=3)
    finally:
        lab.link_up("app-02")
    assert run.hosts["app-02"].outcome is Outcome.UNREACHABLE
    assert run.result == "halted" and run.waves[0].failures == 1
    assert run.hosts["app-01"].outcome is Outcome.ROLLED_BACK  # upgraded, then back
    assert run.hosts["app-01"].after == {"patrol-agent": NEW}
    assert agent_version(lab, "app-01") == OLD
    assert agent_version(lab, "app-02") == OLD


def test_outside_the_window_nothing_runs(lab, clone) -> None:
    add_plan(clone, "night", plan_text(
        window='{days: [tue], start: "22:00", end: "04:00", timezone: Europe/Berlin}'))
    head = git(clone, "rev-parse", "HEAD")
    with pytest.raises(OutsideWindow) as caught:
        upgrade(clone, "night", now=lambda: NOW, interrupt=lambda: False,
                connections=lab.ansible_vars())
    assert caught.value.opens == datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    assert "next opens 2026-12-01T21:00Z (Tue 22:00 Europe/Berlin" in str(caught.value)
    # a real upgrade keeps the real clock: --now far from it is refused before anything runs
    cli = subprocess.run([sys.executable, "-m", "runner.cli", "upgrade", "--lab", "night",
                          "--estate", str(clone), "--now", "2026-11-25T12:00:00Z"],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 2
    assert "from this machine's clock" in cli.stderr and "add --check" in cli.stderr
    assert git(clone, "rev-parse", "HEAD") == head
    assert git(clone, "status", "--porcelain") == ""
    for host in WEB_APP:
        assert agent_version(lab, host) == OLD


def test_check_mode_changes_nothing_on_any_host(lab, clone) -> None:
    add_plan(clone, "all", plan_text())
    head = git(clone, "rev-parse", "HEAD")
    cli = subprocess.run([sys.executable, "-m", "runner.cli", "upgrade", "--lab", "all", "--check",
                          "--estate", str(clone), "--now", "2026-11-25T12:00:00Z"],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    for host in WEB_APP:
        assert f"patrol-agent {OLD} -> {NEW}" in next(
            ln for ln in cli.stdout.splitlines() if ln.strip().startswith(host))
        assert agent_version(lab, host) == OLD
    assert git(clone, "rev-parse", "HEAD") == head
    assert git(clone, "status", "--porcelain") == ""


def test_sigint_during_a_wave_stops_cleanly_and_records_it(lab, clone, restore) -> None:
    import signal
    import time

    restore.extend(WEB_APP)
    add_plan(clone, "stop", plan_text(waves="[1, rest]"))
    head = git(clone, "rev-parse", "HEAD").strip()
    proc = subprocess.Popen([sys.executable, "-m", "runner.cli", "upgrade", "--lab", "stop",
                             "--estate", str(clone)],  # the plan's window is always open
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=ROOT)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("wave 1"):
            time.sleep(1.5)  # inside the wave: measuring, or apt already running
            proc.send_signal(signal.SIGINT)
            break
    lines += proc.stdout.readlines()
    assert proc.wait(timeout=300) == 130, "".join(lines)
    # the run is recorded and committed, and the chain still verifies
    assert git(clone, "rev-parse", "HEAD~1").strip() == head
    assert archive.verify_chain(clone) == []
    latest = archive.latest_record(clone)
    assert latest is not None
    rel = latest[0]
    record = yaml.safe_load((clone / rel).read_text())
    assert record["summary"]["result"] == "interrupted"
    assert record["waves"][1]["started"] is False
    # no host is left half-way: each has the version its record says, dpkg is consistent
    for host in WEB_APP:
        entry = record["hosts"][host]
        expected = NEW if entry["outcome"] in ("interrupted", "upgraded") else OLD
        assert agent_version(lab, host) == expected, entry
        assert lab.run(host, "dpkg --audit").stdout.strip() == ""


def test_where_main_is_protected_the_inventory_edit_goes_on_its_own_branch(
        lab, clone, restore, tmp_path) -> None:
    """A remote whose main refuses every push; the real upgrade's record goes to the archive
    branch, its inventory edit to ``patrol/estate/<run>`` for a PR."""
    from tests.unit.archive.conftest import HOOK

    web = ["web-01", "web-02"]
    restore.extend(web)
    add_plan(clone, "web", plan_text(targets="role=web"))
    with (clone / "policies/service.yaml").open("a") as fh:
        fh.write("archive:\n  branch: patrol-archive\n")
    git(clone, "commit", "-q", "-am", "Keep records on patrol-archive")
    main = git(clone, "rev-parse", "HEAD").strip()
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(clone, "push", "-q", str(bare), "HEAD:refs/heads/main")
    (bare / "hooks/pre-receive").write_text(HOOK)
    (bare / "hooks/pre-receive").chmod(0o755)
    git(clone, "remote", "set-url", "origin", str(bare))
    git(clone, "fetch", "-q", "origin")

    run = upgrade(clone, "web", now=lambda: NOW, interrupt=lambda: False, env={},
                  connections=lab.ansible_vars(), push=True)
    assert {h: hu.outcome for h, hu in run.hosts.items()} == dict.fromkeys(web,
                                                                          Outcome.UPGRADED)
    for host in web:
        assert agent_version(lab, host) == NEW
    assert git(bare, "rev-parse", "main").strip() == main  # main never pushed to
    assert git(clone, "status", "--porcelain").strip() == ""
    assert run.estate_edit is not None
    branch = run.estate_edit.branch
    assert git(bare, "rev-parse", f"{branch}~1").strip() == main
    diff = git(bare, "diff", "-U0", main, branch)
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert sorted(changed) == sorted([f'-      patrol-agent: "{OLD}"',
                                      f'+      patrol-agent: "{NEW}"'] * 2)
    files = git(bare, "ls-tree", "-r", "--name-only", "patrol-archive").split()
    assert all(f.startswith("reports/") for f in files) and run.record_path in files
    record = yaml.safe_load(git(bare, "show", f"patrol-archive:{run.record_path}"))
    assert record["estate_edit"]["branch"] == branch
    assert record["estate_edit"]["base"] == main == record["estate"]["commit"]
    verify = subprocess.run([sys.executable, "-m", "runner.cli", "audit", "verify", "--estate",
                             str(clone)], capture_output=True, text=True, cwd=ROOT)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_repeated_signals_during_a_wave_still_record_and_commit_the_upgrade(
        lab, clone, restore) -> None:
    """An impatient operator: SIGINT, SIGINT again, SIGTERM while wave 1 runs. Hosts may have
    been upgraded, so the record is committed all the same, and says what each host has."""
    import signal
    import time

    restore.extend(WEB_APP)
    add_plan(clone, "again", plan_text(waves="[1, rest]"))
    head = git(clone, "rev-parse", "HEAD").strip()
    proc = subprocess.Popen([sys.executable, "-m", "runner.cli", "upgrade", "--lab", "again",
                             "--estate", str(clone)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=ROOT)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("wave 1"):
            time.sleep(1.5)  # inside the wave: measuring, or apt already running
            for sig in (signal.SIGINT, signal.SIGINT, signal.SIGTERM, signal.SIGINT):
                proc.send_signal(sig)  # all while the wave runs: the run is still going
            break
    lines += proc.stdout.readlines()
    assert proc.wait(timeout=300) == 130, "".join(lines)
    assert "Traceback" not in "".join(lines)
    assert git(clone, "rev-parse", "HEAD~1").strip() == head
    assert git(clone, "status", "--porcelain", "--", "reports").strip() == ""
    assert archive.verify_chain(clone) == []
    latest = archive.latest_record(clone)
    assert latest is not None
    record = yaml.safe_load((clone / latest[0]).read_text())
    assert record["summary"]["result"] == "interrupted"
    for host in WEB_APP:  # the record tells the truth about every host
        entry = record["hosts"][host]
        expected = NEW if entry["outcome"] in ("interrupted", "upgraded") else OLD
        assert agent_version(lab, host) == expected, entry
