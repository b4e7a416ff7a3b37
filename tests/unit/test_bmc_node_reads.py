"""What an execution node runs to read its site's BMCs (``execute_redfish_node``, stdlib only)
reads a BMC exactly as the controller does (the same client, in the controller's process):
both against the lab's BMC server on loopback (HTTPS, sessions, faults), the node's job run
as the node runs it (``python3 -c BOOT`` with the job on stdin), no ssh."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner import execute_redfish as er
from runner import execute_redfish_node as node

WHEN = "2026-12-07T03:00:00Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bmc(tmp_path: Path) -> Iterator[dict]:
    """One lab BMC on 127.0.0.1 (its own CA), its faults and layout in a planted state file."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem", "-out",
                    "ca.pem", "-days", "2", "-subj", "/CN=loopback BMC", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-addext",
                    "basicConstraints=critical,CA:TRUE"], cwd=tmp_path, check=True,
                   capture_output=True)
    (tmp_path / "creds.json").write_text(json.dumps({"username": "u", "password": "pw"}))
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"hosts": [{"name": "h1", "bmc_faults": {}}]}))
    port = _free_port()
    (tmp_path / "conf.json").write_text(json.dumps({
        "bmcs": [{"host": "h1", "address": "127.0.0.1", "port": port}],
        "cert": str(tmp_path / "ca.pem"), "key": str(tmp_path / "key.pem"),
        "credentials": str(tmp_path / "creds.json"), "state_file": str(state),
        "ready": str(tmp_path / "ready")}))
    proc = subprocess.Popen([sys.executable, "-m", "runner.lab.bmc_server",
                             str(tmp_path / "conf.json")])
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield {"port": port, "ca": str(tmp_path / "ca.pem"), "state": state}
    finally:
        proc.kill()
        proc.wait()


def _set(state: Path, faults: dict[str, str], layout: str = "classic") -> None:
    state.write_text(json.dumps({"hosts": [{"name": "h1", "bmc_faults": faults,
                                            "bmc_layout": layout}]}))
    time.sleep(0.01)  # a new mtime: the server re-reads


def _on_node(targets: list[er.Target], timeout: float = 10) -> dict:
    proc = subprocess.run(["python3", "-c", node.BOOT], input=er.node_job(targets, timeout),
                          capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def _target(bmc: dict, password: str = "pw", **kw) -> er.Target:
    return er.Target("h1", "127.0.0.1", bmc["port"], "u", password, cafile=bmc["ca"], **kw)


@pytest.mark.parametrize(("faults", "layout", "declared"), [
    ({}, "classic", ()),
    ({"psu-failed": WHEN, "drive-failing": WHEN, "dimm-errors": WHEN}, "classic", ()),
    ({"psu-failed": WHEN, "dimm-errors": WHEN}, "subsystems",
     (("drives", "Chassis/Drives"), ("memory", "Chassis/Memory"))),
], ids=["healthy", "faulted", "newer-layout"])
def test_the_node_reads_a_bmc_as_the_controller_does(bmc, faults, layout, declared) -> None:
    _set(bmc["state"], faults, layout)
    target = _target(bmc, layout=declared, model="m1")
    here = er.read(target, 10)
    there = _on_node([target])["h1"]
    assert "error" not in here and "error" not in there, (here, there)
    assert there["components"] == here["components"]
    assert there["events"] == here["events"]
    assert len(here["components"]) > 10


def test_the_node_says_why_a_bmc_cannot_be_read(bmc) -> None:
    wrong = _on_node([_target(bmc, password="nope")])["h1"]
    assert wrong == {"error": "BMC 127.0.0.1: the BMC refused the credentials (HTTP 401)"}
    untrusted = _on_node([er.Target("h1", "127.0.0.1", bmc["port"], "u", "pw")])["h1"]
    assert "TLS certificate is not trusted" in untrusted["error"]
    _set(bmc["state"], {"down": WHEN})
    down = _on_node([_target(bmc)])["h1"]
    assert down == {"error": "BMC 127.0.0.1: it closed the connection without answering"}
    _set(bmc["state"], {"slow": WHEN})
    slow = _on_node([_target(bmc)], timeout=1)["h1"]
    assert slow == {"error": "BMC 127.0.0.1 did not answer within 1 s"}


def test_the_controller_says_why_a_bmc_cannot_be_read_as_the_node_does(bmc) -> None:
    wrong = er.read(_target(bmc, password="nope"))
    assert wrong == {"error": "BMC 127.0.0.1: the BMC refused the credentials (HTTP 401)"}
    untrusted = er.read(er.Target("h1", "127.0.0.1", bmc["port"], "u", "pw"))  # certifi's CAs
    assert "TLS certificate is not trusted" in untrusted["error"]
    _set(bmc["state"], {"down": WHEN})
    assert er.read(_target(bmc)) == {
        "error": "BMC 127.0.0.1: it closed the connection without answering"}
    _set(bmc["state"], {"slow": WHEN})
    assert er.read(_target(bmc), 1) == {"error": "BMC 127.0.0.1 did not answer within 1 s"}


def test_passwords_travel_on_stdin_never_in_the_command(bmc) -> None:
    job = er.node_job([_target(bmc, password="s3cret-on-stdin")], 10)
    assert b"s3cret-on-stdin" in job
    argv = er.node_argv("root@10.0.0.3:22", "-F /dev/null")
    assert argv[0] == "ssh" and argv[-1].startswith("python3 -c ")
    assert not any("s3cret" in a or "127.0.0.1" in a for a in argv)
    assert "open(" not in node.BOOT  # nothing written on the node


def test_a_node_that_answers_nothing_is_an_error_of_each_of_its_hosts_checks() -> None:
    targets = [er.Target(f"h{n}", f"10.0.0.{n}", password="x") for n in (1, 2)]
    # a node nobody answers on: ssh to a closed port on loopback, refused at once
    got = er.read_via_node(f"root@127.0.0.1:{_free_port()}", "-o StrictHostKeyChecking=no",
                           targets, timeout=5)
    assert set(got) == {"h1", "h2"}
    for n in (1, 2):
        err = got[f"h{n}"]["error"]
        assert err.startswith(f"BMC 10.0.0.{n} (read by execution node root@127.0.0.1:")
        assert "refused" in err, err


def test_a_proxy_in_the_environment_never_sees_a_bmc_read(bmc, monkeypatch) -> None:
    """A BMC is read directly: a proxy the environment names (a CI runner's HTTPS_PROXY) would
    be handed the BMC's credentials; the controller's client ignores it, as the node's does."""
    seen: list[bytes] = []
    with socket.socket() as proxy:
        proxy.bind(("127.0.0.1", 0))
        proxy.listen(8)
        proxy.settimeout(0.2)
        url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        _set(bmc["state"], {})
        here = er.read(_target(bmc), 5)
        try:
            conn, _ = proxy.accept()
            with conn:
                conn.settimeout(0.5)
                seen.append(conn.recv(4096))
        except TimeoutError:
            pass
    assert seen == []  # nothing connected to the proxy
    assert "error" not in here, here
    assert len(here["components"]) > 10


@pytest.mark.parametrize(("faults", "layout", "declared"), [
    ({}, "classic", ()),
    ({"psu-failed": WHEN, "fan-degraded": WHEN, "drive-failing": WHEN, "dimm-errors": WHEN,
      "volume-rebuilding": WHEN, "over-temperature": WHEN}, "classic", ()),
    ({"psu-failed": WHEN, "dimm-errors": WHEN}, "subsystems",
     (("drives", "Chassis/Drives"), ("memory", "Chassis/Memory"))),
], ids=["healthy", "faulted", "newer-layout"])
def test_the_stdlib_client_reads_what_dmtfs_reference_client_reads(bmc, faults, layout,
                                                                   declared) -> None:
    """The same walk over DMTF's own client (the standards body's, a dev dependency here):
    the hand-written HTTPS session must not change a single component or event."""
    import time as clock

    import redfish

    _set(bmc["state"], faults, layout)
    ours = er.read(_target(bmc, layout=declared, model="m1"), 10)
    client = redfish.redfish_client(base_url=f"https://127.0.0.1:{bmc['port']}",
                                    username="u", password="pw", cafile=bmc["ca"],
                                    check_connectivity=False, timeout=10, max_retry=1)
    client.login(auth="session")
    try:
        theirs = er.read_resources(er._Reader(client, clock.monotonic() + 10), dict(declared))
    finally:
        client.logout()
    assert "error" not in ours, ours
    assert ours["components"] == theirs["components"]
    assert ours["events"] == theirs["events"]
    assert ours.get("missing") == theirs.get("missing")
    failing = [c for c in ours["components"] if c.get("health") not in (None, "OK")]
    assert bool(failing) == bool(faults), failing  # the planted faults are what differs
