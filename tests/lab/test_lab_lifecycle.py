"""A lab comes up, goes down and leaves nothing behind — even after a crash or a failed up.

These tests use their own tiny lab (prefix ``ptest``, 10.124.0.0/24) so they never fight the
session's fleet, which may be up at the same time.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import time
from pathlib import Path

import pytest

from runner.errors import Exit, PatrolError
from runner.lab import fleet, host, network, roster
from runner.lab.config import LabConfig

ROOT = Path(__file__).resolve().parents[2]
CFG = LabConfig(name="ptest", network=ipaddress.IPv4Network("10.124.0.0/24"), routing_table=1239)

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="lab tests need root"),
]


def _procs() -> set[tuple[int, str]]:
    """Live processes in a network namespace other than ours (or running a ptest script)."""
    ours = os.stat("/proc/self/ns/net").st_ino
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if os.stat(f"/proc/{pid}/ns/net").st_ino != ours or str(CFG.state_dir) in cmd:
                found.add((int(pid), cmd))
        except (OSError, IndexError):
            continue
    return found


def _snapshot() -> dict[str, object]:
    def out(*argv: str) -> list[str]:
        return sorted(subprocess.run(argv, capture_output=True, text=True).stdout.splitlines())

    mounts = sorted(" ".join(line.split()[3:5]) for line in
                    Path("/proc/self/mountinfo").read_text().splitlines())
    return {"netns": out("ip", "netns", "list"),
            "links": [line.split()[0] for line in out("ip", "-br", "link")],
            "rules": out("ip", "rule"), "mounts": mounts, "processes": _procs(),
            "state": CFG.state_dir.exists()}


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
    assert set(during["netns"]) - set(clean["netns"])
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
    assert not _ssh_ok("10.124.0.100")
    assert _ssh_ok("10.124.0.101")
    rows = {r["host"]: r for r in fleet.status(CFG)}
    assert rows["lab-01"]["state"] == "killed"
    fleet.down(CFG)
    assert _settle(clean) == clean


def test_address_clash_is_refused(clean):
    subprocess.run(["ip", "link", "add", "ptestclash", "type", "veth", "peer", "name",
                    "ptestclash1"], check=True)
    try:
        subprocess.run(["ip", "addr", "add", "10.124.0.100/32", "dev", "ptestclash"], check=True)
        with pytest.raises(PatrolError, match="address clash") as err:
            fleet.up(ROOT, 1, CFG, echo=lambda _m: None)
        assert err.value.exit_code == Exit.ENVIRONMENT
        assert fleet.leftovers(CFG) == []
    finally:
        subprocess.run(["ip", "link", "delete", "ptestclash"], check=True)
