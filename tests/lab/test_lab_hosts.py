"""Lab hosts are real servers: sshd running, packages at their versions, isolated from each
other and from everything outside the lab network, reachable by Ansible through ansible-runner.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.lab


def test_every_estate_host_answers_over_pinned_ssh(lab):
    for name in lab.names:
        result = lab.ssh(name, "hostname")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == name


def test_sshd_runs_the_debian_way(lab):
    host = lab.testinfra("web-01")
    assert host.service("ssh").is_running
    assert host.run("service ssh status").rc == 0
    assert host.file("/run/sshd.pid").exists
    config = host.run("sshd -T").stdout
    assert "permitrootlogin without-password" in config
    assert "passwordauthentication no" in config


def test_host_looks_like_a_debian_server(lab):
    host = lab.testinfra("db-01")
    assert host.system_info.distribution == "debian"
    assert host.file("/usr/bin/python3").exists
    shadow = host.file("/etc/shadow")
    assert (shadow.mode, shadow.user, shadow.group) == (0o640, "root", "shadow")
    assert host.file("/var/backups/patrol-last-backup").exists
    assert not host.file("/var/run/reboot-required").exists
    assert host.run("openssl x509 -checkend %s -noout -in /etc/ssl/patrol/lab.pem",
                    str(365 * 86400)).rc == 0
    assert not host.socket("tcp://0.0.0.0:23").is_listening
    assert not host.socket("tcp://0.0.0.0:3306").is_listening
    assert host.mount_point("/").device == "/dev/patrol-root"


def test_base_packages_are_at_the_declared_versions(lab):
    host = lab.testinfra("app-01")
    assert host.package("patrol-agent").version == "1.0.0-1"
    assert host.package("openssh-server").is_installed
    assert not host.package("patrol-motd").is_installed


def test_apt_sees_the_security_update_and_upgrades_and_rolls_back_offline(lab):
    name = "app-02"
    # from the image's state, whatever an earlier test did to this host
    lab.ssh(name, "apt-get install -y -q --allow-downgrades patrol-agent=1.0.0-1")
    probe = ("python3 -c 'import apt, json; p = apt.Cache()[\"patrol-agent\"]; "
             "print(json.dumps([p.installed.version, p.candidate.version, "
             "[o.archive for o in p.candidate.origins]]))'")
    result = lab.ssh(name, probe)
    assert json.loads(result.stdout) == ["1.0.0-1", "1.1.0-1", ["bookworm-security"]]
    try:
        assert lab.ssh(name, "apt-get update -q").returncode == 0
        up = lab.ssh(name, "apt-get install -y -q patrol-agent=1.1.0-1")
        assert up.returncode == 0, up.stderr
        assert lab.testinfra(name).package("patrol-agent").version == "1.1.0-1"
    finally:
        back = lab.ssh(name, "apt-get install -y -q --allow-downgrades patrol-agent=1.0.0-1")
    assert back.returncode == 0, back.stderr
    assert lab.testinfra(name).package("patrol-agent").version == "1.0.0-1"


def test_package_states_of_two_hosts_are_independent(lab):
    try:
        result = lab.ssh("web-01", "apt-get install -y -q patrol-motd")
        assert result.returncode == 0, result.stderr
        assert lab.testinfra("web-01").package("patrol-motd").is_installed
        assert not lab.testinfra("web-02").package("patrol-motd").is_installed
    finally:
        lab.ssh("web-01", "apt-get purge -y -q patrol-motd")
    assert not lab.testinfra("web-01").package("patrol-motd").is_installed


def _machine_addresses() -> list[str]:
    """This machine's own IPv4 addresses outside the lab: targets that never leave it."""
    out = subprocess.run(["ip", "-j", "-4", "addr"], capture_output=True, text=True).stdout
    return [a["local"] for link in json.loads(out) for a in link["addr_info"]
            if ipaddress.IPv4Address(a["local"]) not in ipaddress.IPv4Network("10.123.0.0/24")
            and not ipaddress.IPv4Address(a["local"]).is_loopback]


def test_host_cannot_reach_outside_the_lab_network(lab):
    route = lab.run("mon-01", "ip route get 8.8.8.8")
    assert route.returncode != 0 and "Network is unreachable" in route.stderr
    assert lab.run("mon-01", "ip -4 route").stdout.split()[0] == "10.123.0.0/24"
    assert "default" not in lab.run("mon-01", "ip route show table all").stdout
    targets = _machine_addresses()
    assert targets, "the machine has no address outside the lab to try"
    for address in targets:
        probe = lab.run("mon-01", f"python3 -c 'import socket; "
                        f"socket.create_connection((\"{address}\", 22), timeout=2)'")
        assert probe.returncode != 0 and "Network is unreachable" in probe.stderr, address
    # a lab host sees its own loopback, not the machine's
    assert "10.123.0.51" in lab.run("mon-01", "ip -4 -o addr").stdout


def test_machine_refuses_to_forward_lab_traffic(lab):
    # a route lookup only (no packet is sent): traffic entering from the lab bridge
    # towards anything outside the lab is unreachable, whatever the machine's forwarding
    result = subprocess.run(["ip", "route", "get", "8.8.8.8", "from", lab.address("web-01"),
                             "iif", "patrol-br0"], capture_output=True, text=True)
    assert result.returncode != 0 or "unreachable" in result.stdout


def test_ansible_reaches_every_lab_host_through_ansible_runner(lab, monkeypatch):
    import ansible_runner

    # ansible-runner looks the `ansible` command up on PATH: use this venv's
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")

    # every host the machine routes to: the estate's own, less those behind a gateway (Patrol
    # reaches them through it, tests/lab/test_sample_sites.py), and the gateways
    routed = sorted({*lab.names, *lab.gateways} - set(lab.behind))
    hostvars = {n: v for n, v in lab.ansible_vars().items() if n in routed}
    assert sorted(hostvars) == routed and len(routed) == 10
    inventory = {"all": {"hosts": hostvars}}
    with tempfile.TemporaryDirectory() as tmp:
        run = ansible_runner.run(
            private_data_dir=tmp, inventory=inventory, host_pattern="all", module="ping",
            quiet=True, envvars={"ANSIBLE_PIPELINING": "True", "ANSIBLE_FORKS": "20"})
        assert run.status == "successful", run.stdout.read()
        assert sorted(run.stats["ok"]) == routed
