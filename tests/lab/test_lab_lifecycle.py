"""A lab comes up, goes down and leaves nothing behind — even after a crash or a failed up.

These tests use their own tiny lab, named after this process (prefix ``pt<pid>``, network
10.124.N.0/24), so they never fight the session's fleet or another test run on this machine,
and they look only at what such a lab could leave: its namespaces, links, rule, mounts, and
any process in a namespace nobody can name any more.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import time
from pathlib import Path

import pytest

from runner.errors import Exit, PatrolError
from runner.lab import bmc, fleet, host, network, roster
from runner.lab.config import LabConfig

ROOT = Path(__file__).resolve().parents[2]
_N = os.getpid() % 250
CFG = LabConfig(name=f"pt{os.getpid() % 100000}",
                network=ipaddress.IPv4Network(f"10.124.{_N}.0/24"), routing_table=2000 + _N)
HOST1, HOST2 = (str(CFG.network.network_address + i) for i in (100, 101))

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="lab tests need root"),
]


def _procs() -> set[tuple[int, str]]:
    """Live processes of our lab, or in a network namespace that no longer has a name."""
    ours = os.stat("/proc/self/ns/net").st_ino
    named = {os.stat(p).st_ino for p in Path("/run/netns").glob("*")} \
        if Path("/run/netns").is_dir() else set()
    mine = {os.stat(p).st_ino for p in Path("/run/netns").glob(f"{CFG.netns_prefix}*")}
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            net = os.stat(f"/proc/{pid}/ns/net").st_ino
            if net in mine or (net != ours and net not in named) or \
                    str(CFG.state_dir) + "/" in cmd:
                found.add((int(pid), cmd))
        except (OSError, IndexError):
            continue
    return found


def _snapshot() -> dict[str, object]:
    def out(*argv: str) -> list[str]:
        return sorted(subprocess.run(argv, capture_output=True, text=True).stdout.splitlines())

    mounts = sorted(line for line in Path("/proc/self/mountinfo").read_text().splitlines()
                    if CFG.netns_prefix in line or str(CFG.state_dir) in line)
    links = [line.split()[0].split("@")[0] for line in out("ip", "-br", "link")]
    return {"netns": [n for n in out("ip", "netns", "list") if n.startswith(CFG.netns_prefix)],
            "links": [n for n in links if n.startswith(CFG.name)],
            "rules": [r for r in out("ip", "rule") if r.startswith(f"{CFG.routing_table}:")],
            "mounts": mounts, "processes": _procs(), "state": CFG.state_dir.exists()}


def _ssh_ok(address: str) -> bool:
    opts = ["-i", str(CFG.client_key), "-o", f"UserKnownHostsFile={CFG.known_hosts}",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3"]
    return subprocess.run(["ssh", *opts, f"root@{address}", "true"], capture_output=True,
                          timeout=30).returncode == 0


def _settle(before: dict[str, object]) -> dict[str, object]:
    """Processes vanish asynchronously after SIGKILL; give them a moment."""
    for _ in range(50):
        after = _snapshot()
        if after == before:
            break
        time.sleep(0.1)
    return after


@pytest.fixture(scope="module", autouse=True)
def _forget_lock_file():
    """The per-process lab's lock file would otherwise pile up, one per test run."""
    yield
    CFG.lock_file.unlink(missing_ok=True)


@pytest.fixture
def clean():
    fleet.down(CFG)
    before = _snapshot()
    yield before
    fleet.down(CFG)


def test_up_then_down_leaves_nothing_behind(clean):
    state = fleet.up(ROOT, 2, CFG, echo=lambda _m: None)
    assert [h.name for h in state.hosts] == ["lab-01", "lab-02"]
    assert all(_ssh_ok(h.address) for h in state.hosts)
    during = _snapshot()
    # a namespace per host and one for the hosts' BMCs; the bridge, a veth per host, the BMCs'
    names = sorted(line.split()[0] for line in during["netns"])  # "NAME (id: N)"
    assert names == sorted([*(CFG.netns(h.name) for h in state.hosts), bmc.netns(CFG)])
    assert len(during["links"]) == 4 and bmc.veth(CFG) in during["links"] and during["rules"]
    assert during["processes"] and during["mounts"]
    assert fleet.down(CFG)
    assert _settle(clean) == clean
    assert fleet.down(CFG) == []  # down again: a no-op


def test_down_cleans_up_after_a_crashed_up(clean):
    # what a `patrol lab up` killed halfway leaves: namespaces, links, running hosts, no state
    hosts = roster.lab_hosts(ROOT, 2, CFG)
    from runner.lab import aptrepo, image

    CFG.state_dir.mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(CFG.client_key)],
                   check=True)
    for name, address in hosts:
        CFG.host_dir(name).mkdir(parents=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(CFG.host_dir(name) / "ssh_host_ed25519_key")], check=True)
        host.write_boot(CFG, name, address, image.ensure_image(), aptrepo.ensure_repo())
    network.create(CFG, hosts)
    for name, _ in hosts:
        host.start(CFG, name)
    time.sleep(0.5)
    assert fleet.lab_processes(CFG)
    with pytest.raises(PatrolError) as err:
        fleet.up(ROOT, 2, CFG, echo=lambda _m: None)
    assert err.value.exit_code == Exit.ENVIRONMENT
    fleet.down(CFG)
    assert _settle(clean) == clean


def test_failed_up_undoes_itself(clean, monkeypatch):
    calls = []

    def boom(config, name):
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("simulated failure while starting the second host")
        return real_start(config, name)

    real_start = host.start
    monkeypatch.setattr(host, "start", boom)
    with pytest.raises(RuntimeError):
        fleet.up(ROOT, 2, CFG, echo=lambda _m: None)
    assert _settle(clean) == clean


def test_killed_host_is_unreachable_and_down_still_cleans(clean):
    from runner.lab import faults

    fleet.up(ROOT, 2, CFG, echo=lambda _m: None)
    faults.kill("lab-01", CFG)
    assert not _ssh_ok(HOST1)
    assert _ssh_ok(HOST2)
    rows = {r["host"]: r for r in fleet.status(CFG)}
    assert rows["lab-01"]["state"] == "killed"
    fleet.down(CFG)
    assert _settle(clean) == clean


def test_address_clash_is_refused(clean):
    clash = f"{CFG.name}c"
    subprocess.run(["ip", "link", "add", clash, "type", "veth", "peer", "name",
                    clash + "p"], check=True)
    try:
        subprocess.run(["ip", "addr", "add", f"{HOST1}/32", "dev", clash], check=True)
        with pytest.raises(PatrolError, match="address clash") as err:
            fleet.up(ROOT, 1, CFG, echo=lambda _m: None)
        assert err.value.exit_code == Exit.ENVIRONMENT
        assert fleet.leftovers(CFG) == []
    finally:
        subprocess.run(["ip", "link", "delete", clash], check=True)
