"""The upgrade orchestration against a simulated fleet: waves, skips, halts, rollback,
interrupts, records and the inventory commit, without hosts (the lab tests do it for real)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner import archive
from runner.execute import HostOutcome, HostState, PlayOutcome
from runner.upgrade.run import Outcome, OutsideWindow, upgrade
from tests.conftest import commit_all, copy_estate, git

REPO = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday

PLAN = """\
name: test plan
targets: role=web,app
packages:
  patrol-agent: "1.1.0-1"
window: {start: "00:00", end: "23:59", timezone: UTC}
waves: [1, "50%", rest]
halt: {max_failures: 0}
pre_checks:
  - id: ready
    kind: file_mode
    params: {path: /etc/patrol-ready, owner: root}
post_checks:
  - id: agent-version
    kind: package_version
    params:
      packages: {patrol-agent: "1.1.0-1"}
rollback: true
"""


@dataclass
class FakeFleet:
    """Hosts as dicts; plays as the executor would run them, calling ``on_host`` per task."""

    installed: dict[str, dict[str, str | None]]
    not_ready: set[str] = field(default_factory=set)
    unreachable: set[str] = field(default_factory=set)
    unreachable_in_upgrade: set[str] = field(default_factory=set)  # lost after its pre-checks
    broken_after_upgrade: set[str] = field(default_factory=set)  # post-check reads wrong
    interrupt_after_apt: bool = False
    interrupt: Any = None
    plays: list[tuple[str, list[str], bool]] = field(default_factory=list)

    def values(self, host: str, measurements: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for m in measurements:
            if m["probe"] == "packages":
                versions = dict(self.installed[host])
                if host in self.broken_after_upgrade and versions.get("patrol-agent") == "1.1.0-1":
                    versions["patrol-agent"] = "1.1.0-1+broken"
                out[m["id"]] = {n: versions.get(n) for n in m["args"]["names"]}
            elif m["probe"] == "service_status":
                out[m["id"]] = {n: {"rc": 0, "output": "running"} for n in m["args"]["names"]}
            elif m["probe"] == "stat":
                out[m["id"]] = ({"exists": False, "now": 0} if host in self.not_ready else
                                {"exists": True, "type": "file", "mode": "0644",
                                 "owner": "root", "group": "root", "mtime": 0, "now": 0})
        return out

    def __call__(self, playbook: str, inventory: dict[str, Any], *, limit: list[str],
                 check_mode: bool = False, on_host: Any = None, cancel: Any = None,
                 **_: Any) -> PlayOutcome:
        self.plays.append((playbook, list(limit), check_mode))
        hostvars = inventory["_meta"]["hostvars"]
        lost = self.unreachable | (self.unreachable_in_upgrade if playbook == "upgrade.yml"
                                   else set())
        down = [h for h in limit if h in lost]
        for h in down:
            on_host(h, HostOutcome(HostState.UNREACHABLE, {}, "ssh: connect timed out"))
        up = [h for h in limit if h not in lost]
        if playbook == "upgrade.yml":
            for h in up:
                pins = hostvars[h]["patrol_apt_packages"]
                changed = False
                for pin in pins:
                    name, version = pin.split("=", 1)
                    old = self.installed[h].get(name)
                    if old and version < old and not hostvars[h]["patrol_allow_downgrade"]:
                        on_host(h, HostOutcome(HostState.FAILED, {}, "downgrade not allowed"))
                        break
                    changed |= old != version
                    if not check_mode:
                        self.installed[h][name] = version
                else:
                    on_host(h, HostOutcome(HostState.OK, {"changed": changed}))
            if self.interrupt_after_apt:
                self.interrupt.requested = True
            if check_mode or (cancel and cancel()):
                return PlayOutcome({}, "canceled" if not check_mode else "successful", 0)
        for h in up:
            values = self.values(h, hostvars[h]["patrol_measurements"])
            on_host(h, HostOutcome(HostState.OK, {"values": values}))
        return PlayOutcome({}, "successful", 0)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    root = copy_estate(tmp_path / "estate")
    (root / "policies" / "upgrades" / "test.yaml").write_text(PLAN)
    commit_all(root)
    return root


def fleet(**kw: Any) -> FakeFleet:
    hosts = ["app-01", "app-02", "web-01", "web-02", "db-01", "db-02", "mon-01", "backup-01"]
    return FakeFleet({h: {"patrol-agent": "1.0.0-1"} for h in hosts}, **kw)


def record_of(root: Path, run: Any) -> dict[str, Any]:
    return yaml.safe_load((root / run.record_path).read_text())


def git_show_names(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "show", "--name-only", "--format=", "HEAD"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(out.split())


def test_a_plan_upgrades_every_targeted_host_wave_by_wave(estate: Path) -> None:
    fake = fleet()
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert [w.hosts for w in run.waves] == [["app-01"], ["app-02", "web-01"], ["web-02"]]
    assert [p[0] for p in fake.plays] == ["inspect.yml", "upgrade.yml"] * 3
    assert {h: hu.outcome for h, hu in run.hosts.items()} == dict.fromkeys(
        ["app-01", "app-02", "web-01", "web-02"], Outcome.UPGRADED)
    assert run.exit_code == 0
    assert fake.installed["db-01"] == {"patrol-agent": "1.0.0-1"}  # not targeted
    rec = record_of(estate, run)
    assert rec["kind"] == "upgrade"
    assert rec["hosts"]["app-01"]["before"] == {"patrol-agent": "1.0.0-1"}
    assert rec["hosts"]["app-01"]["after"] == {"patrol-agent": "1.1.0-1"}
    assert rec["summary"]["result"] == "completed"
    assert git_show_names(estate) == sorted([run.record_path, "inventory/hosts/fra-dc2.yaml",
                                             "inventory/hosts/hz-dc1.yaml"])
    diff = subprocess.run(["git", "-C", str(estate), "diff", "-U0", "HEAD~1", "--",
                           "inventory"], capture_output=True, text=True).stdout
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert sorted(changed) == sorted(['-      patrol-agent: "1.0.0-1"',
                                      '+      patrol-agent: "1.1.0-1"'] * 4)
    message = subprocess.run(["git", "-C", str(estate), "log", "-1", "--format=%B"],
                             capture_output=True, text=True).stdout
    assert message.startswith("upgrade(test): 4/4 hosts upgraded")
    assert f"Patrol-Record: sha256:{run.record_sha256}" in message
    assert archive.verify_chain(estate) == []


def test_a_host_failing_a_pre_check_is_skipped_and_not_a_failure(estate: Path) -> None:
    fake = fleet(not_ready={"app-02"})
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert run.hosts["app-02"].outcome is Outcome.SKIPPED_PRECHECK
    assert "/etc/patrol-ready does not exist" in run.hosts["app-02"].message
    assert fake.installed["app-02"]["patrol-agent"] == "1.0.0-1"
    assert run.result == "completed"
    assert run.hosts["web-01"].outcome is Outcome.UPGRADED
    assert run.exit_code == 1
    assert "app-02" not in run.inventory_changes


def test_a_failing_canary_halts_and_is_rolled_back(estate: Path) -> None:
    fake = fleet(broken_after_upgrade={"app-01"})
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert run.result == "halted" and run.halted_after_wave == 1
    assert run.hosts["app-01"].outcome is Outcome.ROLLED_BACK
    assert fake.installed["app-01"]["patrol-agent"] == "1.0.0-1"
    assert all(run.hosts[h].outcome is Outcome.NOT_STARTED for h in ("app-02", "web-01", "web-02"))
    assert len(fake.plays) == 3  # pre, upgrade, rollback: no second wave
    rollback_call = fake.plays[-1]
    assert rollback_call[:2] == ("upgrade.yml", ["app-01"])
    rec = record_of(estate, run)
    assert rec["hosts"]["app-01"]["rollback"]["ok"] is True
    assert "agent-version" in rec["hosts"]["app-01"]["rollback"]["post_checks"]["pass"]
    assert rec["waves"][0]["rolled_back"] == ["app-01"]
    assert run.inventory_files == []  # back to what the inventory declares
    assert run.exit_code == 1


def test_an_unreachable_host_counts_as_a_failure(estate: Path) -> None:
    fake = fleet(unreachable={"app-01"})
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert run.hosts["app-01"].outcome is Outcome.UNREACHABLE
    assert run.result == "halted" and run.waves[0].failures == 1


def test_a_host_lost_mid_wave_fails_it_and_the_wave_is_rolled_back(estate: Path) -> None:
    fake = fleet(unreachable_in_upgrade={"web-01"})
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert run.hosts["app-01"].outcome is Outcome.UPGRADED
    assert run.hosts["web-01"].outcome is Outcome.UNREACHABLE
    assert run.hosts["web-01"].before == {"patrol-agent": "1.0.0-1"}  # measured before
    assert run.result == "halted" and run.halted_after_wave == 2
    assert run.hosts["app-02"].outcome is Outcome.ROLLED_BACK  # wave 2's upgraded host
    assert fake.installed["app-02"]["patrol-agent"] == "1.0.0-1"
    assert run.hosts["web-02"].outcome is Outcome.NOT_STARTED
    assert run.inventory_changes == {"app-01": {"patrol-agent": "1.1.0-1"}}


def test_outside_the_window_nothing_runs(estate: Path) -> None:
    plan = estate / "policies" / "upgrades" / "test.yaml"
    plan.write_text(PLAN.replace('{start: "00:00", end: "23:59", timezone: UTC}',
                                 '{days: [tue], start: "22:00", end: "04:00", '
                                 'timezone: Europe/Berlin}'))
    fake = fleet()
    with pytest.raises(OutsideWindow) as caught:
        upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert caught.value.opens == datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    assert "2026-12-01T21:00Z (Tue 22:00 Europe/Berlin" in str(caught.value)
    assert fake.plays == []
    assert archive.latest_record(estate) is None


def test_check_mode_changes_nothing_and_writes_no_record(estate: Path) -> None:
    fake = fleet()
    run = upgrade(estate, "test", now=lambda: NOW, check=True, play=fake,
                  interrupt=lambda: False)
    assert {hu.outcome for hu in run.hosts.values()} == {Outcome.WOULD_UPGRADE}
    assert all(v == {"patrol-agent": "1.0.0-1"} for v in fake.installed.values())
    assert [(p, c) for p, _, c in fake.plays] == [("inspect.yml", False), ("upgrade.yml", True)]
    assert run.record_path == "" and archive.latest_record(estate) is None
    assert run.exit_code == 0


def test_an_interrupt_lets_apt_finish_then_stops_and_records(estate: Path) -> None:
    from runner.upgrade.run import Interrupt

    stop = Interrupt()
    fake = fleet(interrupt_after_apt=True, interrupt=stop)
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=stop)
    assert run.result == "interrupted" and run.exit_code == 130
    assert run.hosts["app-01"].outcome is Outcome.INTERRUPTED
    assert run.hosts["app-01"].after == {"patrol-agent": "1.1.0-1"}
    assert run.hosts["app-02"].outcome is Outcome.NOT_STARTED
    assert len(fake.plays) == 2
    assert record_of(estate, run)["summary"]["result"] == "interrupted"
    assert run.inventory_changes == {"app-01": {"patrol-agent": "1.1.0-1"}}
    assert archive.verify_chain(estate) == []


def test_percent_halt_threshold_tolerates_a_share_of_the_wave(estate: Path) -> None:
    plan = estate / "policies" / "upgrades" / "test.yaml"
    plan.write_text(PLAN.replace("waves: [1, \"50%\", rest]", "waves: [rest]")
                    .replace("max_failures: 0", 'max_failures: "25%"')
                    .replace("rollback: true", "rollback: false"))
    fake = fleet(broken_after_upgrade={"web-02"})
    run = upgrade(estate, "test", now=lambda: NOW, play=fake, interrupt=lambda: False)
    assert run.result == "completed"  # 1 of 4 is 25 %, not more
    assert run.hosts["web-02"].outcome is Outcome.FAILED
    assert run.inventory_changes["web-02"] == {"patrol-agent": "1.1.0-1+broken"}


def test_site_windows_upgrade_the_sites_whose_night_it_is(estate: Path) -> None:
    # the sample plan: tue-thu 22:00-04:00 in each site's zone; Wed 23:00 in Hangzhou is
    # 16:00 in Frankfurt, so only hz-dc1's web hosts are upgraded now
    at = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    sample = estate / "policies" / "upgrades" / "patrol-agent-1.1.yaml"
    text = sample.read_text()
    start, end = text.index("pre_checks:"), text.index("post_checks:")
    sample.write_text(text[:start] + text[end:])  # the fake fleet measures packages only
    fake = fleet()
    run = upgrade(estate, "patrol-agent-1.1", now=lambda: at, play=fake,
                  interrupt=lambda: False, commit=False)
    assert [w.hosts for w in run.waves] == [["web-01"], ["web-02"]]
    assert run.hosts["web-01"].outcome is Outcome.UPGRADED
    assert run.hosts["app-01"].outcome is Outcome.OUTSIDE_WINDOW
    assert run.hosts["app-01"].window_opens == datetime(2026, 11, 25, 21, 0, tzinfo=UTC)
    assert run.exit_code == 0
    assert fake.installed["app-01"]["patrol-agent"] == "1.0.0-1"


def test_a_wave_does_not_start_after_the_window_closed(estate: Path) -> None:
    plan = estate / "policies" / "upgrades" / "test.yaml"
    plan.write_text(PLAN.replace('{start: "00:00", end: "23:59", timezone: UTC}',
                                 '{start: "11:00", end: "12:30", timezone: UTC}'))
    times = iter([NOW, NOW, datetime(2026, 11, 25, 12, 31, tzinfo=UTC)])
    last = [NOW]

    def clock() -> datetime:
        last[0] = next(times, last[0])
        return last[0]

    fake = fleet()
    run = upgrade(estate, "test", now=clock, play=fake, interrupt=lambda: False)
    assert run.hosts["app-01"].outcome is Outcome.UPGRADED
    assert {run.hosts[h].outcome for h in ("app-02", "web-01", "web-02")} == {
        Outcome.OUTSIDE_WINDOW}
    assert run.hosts["web-02"].window_opens == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    assert [w.started for w in run.waves] == [True, False, False]
    assert fake.installed["web-01"]["patrol-agent"] == "1.0.0-1"


def test_an_upgrade_of_a_clean_estate_records_the_estate_clean(estate: Path) -> None:
    head = git(estate, "rev-parse", "HEAD")
    run = upgrade(estate, "test", now=lambda: NOW, play=fleet(), interrupt=lambda: False)
    assert run.inventory_files  # the run rewrote the inventory after it began ...
    # ... and still records the estate as it was made from: the clean commit
    assert record_of(estate, run)["estate"] == {"commit": head, "dirty": False}


def test_an_upgrade_of_an_edited_estate_records_it_dirty(estate: Path) -> None:
    hosts = estate / "inventory" / "hosts"
    first = sorted(hosts.glob("*.yaml"))[0]
    first.write_text(first.read_text() + "\n")
    run = upgrade(estate, "test", now=lambda: NOW, play=fleet(), interrupt=lambda: False)
    assert record_of(estate, run)["estate"]["dirty"] is True


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts need root")
def test_an_inventory_that_cannot_follow_still_leaves_the_upgrade_recorded(estate: Path) -> None:
    from tests.unit.test_keeping_results import bind, set_read_only

    said: list[str] = []
    hosts = estate / "inventory" / "hosts"
    with bind(hosts):
        set_read_only(hosts, True)
        run = upgrade(estate, "test", now=lambda: NOW, play=fleet(), interrupt=lambda: False,
                      say=said.append)
    assert any("the inventory could not follow the upgrade" in line for line in said)
    assert record_of(estate, run)["hosts"]["app-01"]["after"] == {"patrol-agent": "1.1.0-1"}
    assert git_show_names(estate) == [run.record_path]
    assert archive.verify_chain(estate) == []
