"""The sample estate's two sites beyond the controller's reach, on the session's lab: hz-br3
behind its jump host, fra-plant4 behind its execution node. Inspected and upgraded with
faults, through the keys the sample pins (not the lab's known_hosts), from a controller with
no route to them.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from runner.findings import store as findings_store
from runner.inspect import inspect
from runner.lab import hostkeys
from runner.results import Status
from tests.conftest import commit_all, copy_estate
from tests.lab.test_reach_lab import PLAN, pins_only

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
FAR = {"br-01": "jump-hz-br3", "plant-01": "node-fra-plant4"}  # host -> its gateway
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
OLD, NEW = "1.0.0-1", "1.1.0-1"


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The sample in a throwaway repository, load limit lifted (the lab shares our CPUs)."""
    dest = copy_estate(tmp_path / "estate")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # one control, one max
        checklist.write_text(checklist.read_text().replace("      max: 2.0\n",
                                                           "      max: 1000.0\n"))
    commit_all(dest)
    return dest


def sample_sites() -> dict[str, dict]:
    text = (ROOT / "inventory/sites.yaml").read_text()
    return {s["id"]: s for s in yaml.safe_load(text)["sites"]}


def test_the_lab_builds_the_samples_sites_beyond_the_controllers_route(lab) -> None:
    assert set(FAR) <= set(lab.hosts) and set(FAR.values()) == set(lab.gateways)
    sites = sample_sites()
    hops = {"jump-hz-br3": sites["hz-br3"]["reach"]["jump"][0],
            "node-fra-plant4": sites["fra-plant4"]["reach"]["node"]}
    for name, hop in hops.items():
        assert lab.gateways[name] == hop["address"]
        # the key the gateway really offers, read by ssh-keyscan, is the one the sample pins
        scan = subprocess.run(["ssh-keyscan", "-T", "5", "-t", "ed25519", hop["address"]],
                              capture_output=True, text=True, check=True)
        offered = scan.stdout.split(maxsplit=1)[1].strip()
        assert offered == hop["host_key"] == hostkeys.public_key(name)
    for name in FAR:
        route = subprocess.run(["ip", "route", "get", lab.hosts[name]], capture_output=True,
                               text=True)
        assert lab.config.bridge not in route.stdout, route.stdout
        direct = subprocess.run(["ssh", *lab.ssh_options(2), f"root@{lab.hosts[name]}", "true"],
                                capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert direct.returncode != 0  # no way in but through its gateway
        assert lab.ssh(name, "hostname").stdout.strip() == name  # which lets us in


def test_the_samples_daily_run_reaches_both_sites_through_their_pins_with_faults(
        lab, estate) -> None:
    run = inspect(estate, "daily", limit="site=hz-br3,fra-plant4", now=lambda: NOW,
                  connections=pins_only(lab.ansible_vars()))
    assert sorted(run.results) == sorted(FAR)
    for name, hr in run.results.items():
        failing = {c: r.reason for c, r in hr.checks.items() if r.status is not Status.PASS}
        assert hr.reachable and failing == {}, (name, hr.message, failing)
        assert hr.checks["host-key"].status is Status.PASS
    assert run.results["plant-01"].checks["hardware"].status is Status.PASS  # via its node
    # faults: a full disk behind the jump host, sshd gone behind the node
    lab.disk_attach("br-01", "/srv/share", "16M")
    lab.sshd_stop("plant-01")
    try:
        lab.run("br-01", "dd if=/dev/zero of=/srv/share/fill bs=1M count=15 2>/dev/null; sync")
        run = inspect(estate, "daily", limit="site=hz-br3,fra-plant4",
                      now=lambda: NOW.replace(hour=13), connections=pins_only(lab.ansible_vars()))
    finally:
        lab.sshd_start("plant-01")
        lab.disk_detach("br-01", "/srv/share")
    disk = run.results["br-01"].checks["disk-space"]
    assert disk.status is Status.FAIL and "/srv/share" in disk.reason
    assert not run.results["plant-01"].reachable
    opened = {(f.subject, f.check) for f in findings_store.load(estate).values()
              if f.state.value == "open"}
    assert ("br-01", "disk-space") in opened


def test_a_key_other_than_the_samples_pin_is_refused_and_opens_a_finding(lab, estate) -> None:
    hosts_file = estate / "inventory/hosts/fra-plant4.yaml"
    pinned = hostkeys.public_key("plant-01")
    assert pinned in hosts_file.read_text()
    hosts_file.write_text(hosts_file.read_text().replace(pinned, hostkeys.public_key("web-01")))
    commit_all(estate, "pin another key for plant-01")
    run = inspect(estate, "daily", limit="site=hz-br3,fra-plant4", now=lambda: NOW,
                  connections=pins_only(lab.ansible_vars()))
    refused = run.results["plant-01"].checks["host-key"]
    assert refused.status is Status.FAIL and "changed" in refused.reason
    assert run.results["br-01"].checks["host-key"].status is Status.PASS
    found = [f.state.value for f in findings_store.load(estate).values()
             if (f.subject, f.check) == ("plant-01", "host-key")]
    assert found == ["open"]


def test_both_sites_are_upgraded_through_their_gateways(lab, estate) -> None:
    from runner.upgrade.run import Outcome, upgrade

    plan = estate / "policies/upgrades/far-sites.yaml"
    plan.write_text(PLAN.format(site="hz-br3,fra-plant4"))  # patrol-agent 1.1.0-1 (NEW)
    commit_all(estate, "far sites plan")
    try:
        run = upgrade(estate, "far-sites", now=lambda: NOW, interrupt=lambda: False,
                      connections=pins_only(lab.ansible_vars()))
        assert {h: hu.outcome for h, hu in run.hosts.items()} == dict.fromkeys(
            FAR, Outcome.UPGRADED)
        for name in FAR:  # read inside the host, not through the path under test
            version = lab.run(name, "dpkg-query -W -f '${Version}' patrol-agent").stdout
            assert version == NEW
        assert run.exit_code == 0
    finally:
        for name in FAR:
            lab.run(name, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
                          f"--allow-downgrades patrol-agent={OLD}", timeout=180)
