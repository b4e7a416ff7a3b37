"""Sites beyond the controller's reach, on a lab of their own: a site network this machine has
no route to, reached only through a jump host, inspected and upgraded from the controller; a
pinned key that differs from what a host offers is refused and opens a finding.

The lab is named after this process (prefix ``pr<pid>``, network 10.125.N.0/24, the site
10.126.N.0/24) so it never fights the session's fleet; the estate is a copy of the sample
with its hosts moved into that network and one more site, ``far``, behind ``jump-far``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import shlex
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runner.findings import store as findings_store
from runner.lab import ansible_vars, fleet, sites
from runner.lab.config import LabConfig
from tests.conftest import commit_all, copy_estate
from tests.unit.test_reach import KEY_A

_N = os.getpid() % 250
CFG = LabConfig(name=f"pr{os.getpid() % 10000}",
                network=ipaddress.IPv4Network(f"10.125.{_N}.0/24"), routing_table=3000 + _N)
JUMP = f"10.125.{_N}.2"
FAR = {"far-01": f"10.126.{_N}.11", "far-02": f"10.126.{_N}.12"}
NODE = f"10.125.{_N}.3"
DEEP = {"deep-01": f"10.127.{_N}.11", "deep-02": f"10.127.{_N}.12"}
# the deep site's BMCs: its management network, which only its execution node reaches
DEEP_BMC = {"deep-01": f"10.128.{_N}.11", "deep-02": f"10.128.{_N}.12"}
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

pytestmark = [pytest.mark.lab,
              pytest.mark.skipif(os.geteuid() != 0, reason="lab tests need root")]

CHECKLIST = """\
name: Far site check
cadence: daily
hosts: site=far
checks:
  - id: agent
    kind: package_version
    severity: high
    params: {packages: {patrol-agent: "1.0.0-1"}}
  - id: ssh
    kind: service_running
    severity: critical
    params: {services: [ssh]}
  - id: var-space
    kind: filesystem_usage
    severity: high
    params: {max_percent: 85, include: ["/var/spool/*"]}
"""


HARDWARE = """\
name: Deep site hardware
cadence: daily
hosts: site=deep
checks:
  - id: hardware
    kind: hardware_health
    severity: high
    params: {ignore: [], event_hours: 24}
"""


PLAN = """\
name: {site} agent
targets: site={site}
packages: {{patrol-agent: "1.1.0-1"}}
window: {{start: "00:00", end: "23:59", timezone: UTC}}
waves: [1, rest]
halt: {{max_failures: 0}}
post_checks:
  - id: agent-version
    kind: package_version
    params: {{packages: {{patrol-agent: "1.1.0-1"}}}}
rollback: true
"""


def pins_only(connections: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """The lab's addresses and login key, but no known-hosts of its own: only the estate's
    pins decide which host keys are accepted."""
    return {name: {k: v for k, v in conn.items()
                   if k not in ("patrol_known_hosts", "ansible_ssh_common_args")}
            for name, conn in connections.items()}


def _host(name: str, address: str, site: str = "far") -> str:
    bmc = (f"    bmc: {{address: {DEEP_BMC[name]}, username: patrol,"
           " password: {env: PATROL_BMC_PASSWORD}}\n") if name in DEEP_BMC else ""
    return f"""\
  - name: {name}
    address: {address}
    site: {site}
    role: app
    environment: production
    criticality: medium
    owner: ops-team@example.com
    hardware: {{model: dl360-g10, serial: S-{name}, purchased: 2023-03-14,
               warranty_end: 2028-03-13, end_of_life: 2030-12-31}}
    os: {{family: debian, release: "12"}}
    software: {{patrol-agent: "1.0.0-1"}}
""" + bmc


def make_estate(root: Path, jump_key: str = KEY_A) -> Path:
    copy_estate(root, ("inventory", "policies"))
    for path in (root / "inventory/hosts").glob("*.yaml"):
        path.write_text(path.read_text().replace("10.123.0.", f"10.125.{_N}."))
    sites_file = root / "inventory/sites.yaml"
    sites_file.write_text(sites_file.read_text() + f"""\
  - id: far
    name: Far site, no route from the controller
    timezone: UTC
    reach:
      jump:
        - {{address: {JUMP}, user: root, host_key: "{jump_key}"}}
  - id: deep
    name: Deep site, reached through its execution node
    timezone: UTC
    reach:
      node: {{address: {NODE}, user: root, host_key: "{KEY_A}"}}
""")
    (root / "inventory/hosts/far.yaml").write_text(
        "hosts:\n" + "".join(_host(n, a) for n, a in FAR.items()))
    (root / "inventory/hosts/deep.yaml").write_text(
        "hosts:\n" + "".join(_host(n, a, "deep") for n, a in DEEP.items()))
    (root / "policies/inspections/far.yaml").write_text(CHECKLIST)
    (root / "policies/inspections/deep.yaml").write_text(
        CHECKLIST.replace("site=far", "site=deep").replace("Far site", "Deep site"))
    (root / "policies/inspections/deep-hw.yaml").write_text(HARDWARE)
    commit_all(root)
    return root


@pytest.fixture(scope="module")
def far_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = make_estate(tmp_path_factory.mktemp("far") / "estate")
    fleet.down(CFG)
    try:
        fleet.up(root, None, CFG, echo=lambda _m: None)
        yield root
    finally:
        fleet.down(CFG)
        CFG.lock_file.unlink(missing_ok=True)  # one per test run would pile up


def test_the_lab_builds_a_site_the_controller_cannot_route_to(far_lab: Path) -> None:
    node, gw = sites.plan(far_lab, CFG)  # by site id: deep, far
    assert (node.kind, node.name, node.address) == ("node", "node-deep", NODE)
    assert (gw.kind, gw.name, gw.address) == ("jump", "jump-far", JUMP)
    route = subprocess.run(["ip", "route", "get", FAR["far-01"]], capture_output=True, text=True)
    assert CFG.bridge not in route.stdout and sites.bridge(CFG, gw) not in route.stdout
    direct = subprocess.run(["ssh", "-o", "ConnectTimeout=2", "-o", "BatchMode=yes",
                             f"root@{FAR['far-01']}", "true"], capture_output=True, text=True)
    assert direct.returncode != 0
    # and from inside the site, nothing but the site: not the controller, not the lab network
    from runner.lab import host, state

    pid = state.init_pid(CFG, "far-01")
    assert pid
    targets = (str(CFG.gateway), f"10.125.{_N}.11", "1.1.1.1")
    probe = (f"import socket\nfor a in {targets!r}:\n try:\n  "
             "socket.create_connection((a, 22), 1).close(); print(a)\n except OSError: pass")
    out = host.run_in(pid, ["python3", "-c", probe])
    assert out.stdout.strip() == "", out


def _inspect(root: Path, connections: dict, at: datetime = NOW,  # type: ignore[no-untyped-def]
             checklist: str = "far", **kw):
    from runner.inspect import inspect
    from runner.run import RunContext

    ctx = RunContext(root, clock=lambda: at, env={}, local="tester@box",
                     suffix=lambda: at.strftime("%H%M%S"))
    return inspect(root, checklist, ctx=ctx, connections=connections, **kw)


def test_hosts_behind_a_jump_host_are_inspected_with_faults(far_lab: Path) -> None:
    conn = ansible_vars(CFG)
    run = _inspect(far_lab, conn)
    assert sorted(run.results) == sorted(FAR)
    for name in FAR:
        hr = run.results[name]
        assert hr.reachable, hr.message
        assert (hr.checks["agent"].status.value, hr.checks["ssh"].status.value) == (
            "pass", "pass"), hr.checks
        assert hr.checks["var-space"].status.value != "fail"  # no such disk yet
        assert hr.checks["host-key"].status.value == "pass"  # the jump is pinned (the lab's)
    # faults behind the jump host: a full disk fails, a dead link is unreachable
    from runner.lab import faults as fleet_disk

    fleet_disk.disk_attach("far-01", "/var/spool/far", "1M", CFG)
    fleet_disk.link_down("far-02", CFG)
    try:
        from runner.lab import host, state

        host.run_in(state.init_pid(CFG, "far-01") or 0,
                    ["sh", "-c", "dd if=/dev/zero of=/var/spool/far/fill bs=64k count=100"])
        run = _inspect(far_lab, conn, NOW.replace(hour=13))
        assert run.results["far-01"].checks["var-space"].status.value == "fail"
        assert not run.results["far-02"].reachable
    finally:
        fleet_disk.link_up("far-02", CFG)
        fleet_disk.disk_detach("far-01", "/var/spool/far", CFG)


def test_hosts_behind_a_jump_host_are_upgraded(far_lab: Path) -> None:
    from runner.upgrade.run import Outcome, upgrade

    (far_lab / "policies/upgrades/far.yaml").write_text(PLAN.format(site="far"))
    commit_all(far_lab, "far upgrade plan")
    run = upgrade(far_lab, "far", now=lambda: NOW.replace(hour=14), interrupt=lambda: False,
                  connections=ansible_vars(CFG))
    assert {h: hu.outcome for h, hu in run.hosts.items()} == dict.fromkeys(FAR, Outcome.UPGRADED)
    assert run.exit_code == 0


def test_a_key_other_than_the_pinned_one_is_refused_and_opens_a_finding(far_lab: Path,
                                                                       tmp_path: Path) -> None:
    """The estate's own pins, not the lab's known_hosts: the jump host pinned right (its real
    key, as `patrol hostkeys scan` proposes it), far-01 pinned to a key it does not have."""
    from runner.commands import hostkeys as scan_cmd

    lines: list[str] = []
    conn = ansible_vars(CFG)
    code = scan_cmd.run(far_lab, limit="site=far", connections=conn, echo=lines.append)
    assert code == 0, lines
    assert [ln.split()[:2] for ln in lines] == [["new", "far-01"], ["new", "far-02"]]
    jump_key = " ".join((CFG.host_dir("jump-far") / "ssh_host_ed25519_key.pub")
                        .read_text().split()[:2])
    sites_file = far_lab / "inventory/sites.yaml"
    sites_file.write_text(sites_file.read_text().replace(KEY_A, jump_key))
    scan_cmd.run(far_lab, limit="site=far", connections=conn, write=True, echo=lines.append)
    hosts_file = far_lab / "inventory/hosts/far.yaml"
    real = hosts_file.read_text()
    far01_key = " ".join((CFG.host_dir("far-01") / "ssh_host_ed25519_key.pub")
                         .read_text().split()[:2])
    assert f'host_key: "{far01_key}"' in real
    hosts_file.write_text(real.replace(far01_key, KEY_A))  # far-01 now offers another key
    commit_all(far_lab, "pin the far site's keys")
    run = _inspect(far_lab, pins_only(ansible_vars(CFG)), NOW.replace(hour=15))
    refused = run.results["far-01"].checks["host-key"]
    assert refused.status.value == "fail" and "changed" in refused.reason
    assert run.results["far-02"].checks["host-key"].status.value == "pass"
    assert run.results["far-02"].checks["agent"].status.value in ("pass", "fail")
    found = [f for f in findings_store.load(far_lab).values()
             if f.subject == "far-01" and f.check == "host-key"]
    assert [f.state.value for f in found] == ["open"]


def _on_node(command: str) -> str:
    from runner.lab import host, state

    return host.run_in(state.init_pid(CFG, "node-deep") or 0, ["sh", "-c", command]).stdout


def test_hosts_behind_an_execution_node_are_inspected_with_faults(far_lab: Path) -> None:
    conn = ansible_vars(CFG)
    run = _inspect(far_lab, conn, NOW.replace(hour=16), "deep")
    for name in DEEP:
        hr = run.results[name]
        assert hr.reachable, hr.message
        assert (hr.checks["agent"].status.value, hr.checks["ssh"].status.value) == (
            "pass", "pass"), hr.checks
    assert _on_node("ls -d /tmp/patrol-run-* 2>/dev/null; ls -A /root/.ansible 2>/dev/null") == ""

    from runner.lab import faults

    faults.disk_attach("deep-01", "/var/spool/deep", "1M", CFG)
    faults.link_down("deep-02", CFG)
    try:
        from runner.lab import host, state

        host.run_in(state.init_pid(CFG, "deep-01") or 0,
                    ["sh", "-c", "dd if=/dev/zero of=/var/spool/deep/fill bs=64k count=100"])
        run = _inspect(far_lab, conn, NOW.replace(hour=17), "deep")
        assert run.results["deep-01"].checks["var-space"].status.value == "fail"
        assert not run.results["deep-02"].reachable
    finally:
        faults.link_up("deep-02", CFG)
        faults.disk_detach("deep-01", "/var/spool/deep", CFG)


def test_an_unreachable_node_leaves_its_sites_hosts_unreachable_with_the_reason(
        far_lab: Path) -> None:
    from runner.lab import faults

    faults.sshd_stop("node-deep", CFG)
    try:
        run = _inspect(far_lab, ansible_vars(CFG), NOW.replace(hour=18), "deep")
    finally:
        faults.sshd_start("node-deep", CFG)
    for name in DEEP:
        hr = run.results[name]
        assert not hr.reachable and hr.measured
        assert "execution node root@" in hr.message and "refused" in hr.message, hr.message


def test_an_interrupted_node_run_keeps_nothing_on_the_node(far_lab: Path) -> None:
    from runner.lab import faults

    faults.service_hang("deep-01", CFG)  # its ssh check never answers: the play stays running
    asked = time.monotonic()
    try:
        run = _inspect(far_lab, ansible_vars(CFG), NOW.replace(hour=19), "deep",
                       interrupt=_Stop(after=6.0))
    finally:
        faults.service_unhang("deep-01", CFG)
    assert time.monotonic() - asked < 40
    assert run.ended == "interrupted"
    assert not run.results["deep-01"].measured
    time.sleep(1)
    assert _on_node("ls -d /tmp/patrol-run-* 2>/dev/null; pgrep -f ansible-playboo[k]") == ""


class _Stop:
    """An interrupt that fires ``after`` seconds (the run's cancel, as SIGINT would)."""

    signal = "SIGINT"

    def __init__(self, after: float) -> None:
        self.at = time.monotonic() + after

    def __call__(self) -> bool:
        return time.monotonic() > self.at

    def shielded(self):  # type: ignore[no-untyped-def]
        import contextlib

        return contextlib.nullcontext()


def test_hosts_behind_an_execution_node_are_upgraded(far_lab: Path) -> None:
    from runner.upgrade.run import Outcome, upgrade

    (far_lab / "policies/upgrades/deep.yaml").write_text(PLAN.format(site="deep"))
    commit_all(far_lab, "deep upgrade plan")
    run = upgrade(far_lab, "deep", now=lambda: NOW.replace(hour=20), interrupt=lambda: False,
                  connections=ansible_vars(CFG))
    assert {h: hu.outcome for h, hu in run.hosts.items()} == dict.fromkeys(DEEP,
                                                                          Outcome.UPGRADED)


def test_bmcs_behind_an_execution_node_are_read_by_the_node_not_the_controller(
        far_lab: Path) -> None:
    """The deep site's BMCs sit on its management network: the controller has no route to
    them, its hosts none either; its node reads them and returns the readings."""
    from runner.lab import faults, state
    from runner.lab import host as lab_host

    conn = ansible_vars(CFG)
    v = conn["deep-01"]["patrol_bmc"]
    assert v["address"] == DEEP_BMC["deep-01"]
    direct = subprocess.run(["curl", "-sS", "-m", "3", "--cacert", str(v["cafile"]),
                             f"https://{v['address']}/redfish/v1"], capture_output=True,
                            text=True)
    assert direct.returncode != 0, "the controller reached a BMC behind the node"
    from runner.lab import bmc as lab_bmc

    route = subprocess.run(["ip", "route", "get", str(v["address"])], capture_output=True,
                           text=True).stdout
    assert CFG.bridge not in route and lab_bmc.veth(CFG) not in route, route  # no way in
    probe = (f"import socket; socket.create_connection(('{v['address']}', 443), 3).close(); "
             "print('ok')")
    assert _on_node(f'python3 -c "{probe}"').strip() == "ok"
    from_host = lab_host.run_in(state.init_pid(CFG, "deep-02") or 0, ["python3", "-c", probe])
    assert from_host.returncode != 0, "a site host reached a BMC"

    run = _inspect(far_lab, conn, NOW.replace(hour=21), "deep-hw")
    for name in DEEP:
        result = run.results[name].checks["hardware"]
        assert result.status.value == "pass", result.reason
        assert result.value["components"] > 10
    faults.bmc_fault("deep-01", "psu-failed", CFG)
    try:
        run = _inspect(far_lab, conn, NOW.replace(hour=22), "deep-hw")
        failed = run.results["deep-01"].checks["hardware"]
        assert failed.status.value == "fail", failed.reason
        [psu] = failed.value["failed"]
        path = "/redfish/v1/Chassis/1U/Power#/PowerSupplies/1"
        # what the node itself reads from that BMC with the standard library, Basic auth
        pem = Path(str(v["cafile"])).read_text()
        auth = base64.b64encode(f"{v['username']}:{v['password']}".encode()).decode()
        script = ("import json,ssl,urllib.request as u\n"
                  f"c=ssl.create_default_context(cadata={pem!r})\n"
                  f"r=u.Request('https://{v['address']}/redfish/v1/Chassis/1U/Power',"
                  f" headers={{'Authorization': 'Basic {auth}'}})\n"
                  "print(json.dumps(json.load(u.urlopen(r, context=c))['PowerSupplies'][1]"
                  "['Status']))\n")
        said = _on_node(f"python3 -c {shlex.quote(script)}")
        seen = json.loads(said)
        assert (psu["path"], psu["health"], psu["state"], psu["critical"]) == (
            path, seen["Health"], seen["State"], True)
        assert run.results["deep-02"].checks["hardware"].status.value == "pass"
    finally:
        faults.bmc_fault("deep-01", "clear", CFG)
    assert _on_node("ls -A /tmp | grep -i patrol; ls -A /root/.ansible 2>/dev/null") == ""
