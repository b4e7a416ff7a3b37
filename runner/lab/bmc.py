"""A BMC per lab host: Redfish over HTTPS on a network only the controller reaches.

Why its own namespace and range: a real BMC sits on a management network the servers
themselves cannot reach. The lab's BMCs live in one network namespace (``NETNS``) whose only
link is a veth to this machine, on the /24 after the lab's (10.123.1.0/24 for 10.123.0.0/24),
each host's BMC at the host's last octet. The namespace has no default route and the lab
hosts have no route to that range (and the lab's policy rule sends whatever enters from the
bridge to a table that knows only the hosts' /24), so only the controller reaches a BMC.

``start`` makes the lab's CA and one server certificate (openssl), random credentials (0600),
the namespace and its link, and the server process (``bmc_server.py``, one process for all
BMCs); ``fleet.down`` removes them with the rest of the lab (the namespace carries the lab's
prefix, the process lives in it). ``vars`` gives Patrol's executor each BMC's address, CA and
credentials when the user opts into the lab (``--lab``), as the lab gives its SSH key.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from .config import LabConfig
from .state import load

PORT = 443
USERNAME = "patrol"
READY_TIMEOUT = 15.0


def network(config: LabConfig) -> ipaddress.IPv4Network:
    """The BMCs' /24: the one after the lab's."""
    return ipaddress.IPv4Network((int(config.network.network_address) + 256, 24))


def address_of(config: LabConfig, host_address: str) -> str:
    return str(network(config).network_address + ipaddress.IPv4Address(host_address).packed[-1])


def netns(config: LabConfig) -> str:
    return f"{config.name}-_bmc"  # '_' is not allowed in host names: no host clashes


def veth(config: LabConfig) -> str:
    return f"{config.name}b0"


def directory(config: LabConfig) -> Path:
    return config.state_dir / "bmc"


def ca_file(config: LabConfig) -> Path:
    return directory(config) / "ca.pem"


def _openssl(args: list[str], cwd: Path) -> None:
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise PatrolError(f"making the lab BMC certificates failed: {proc.stderr.strip()}",
                          exit_code=Exit.ENVIRONMENT)


def _certificates(config: LabConfig, addresses: list[str]) -> None:
    """The lab's own CA and one server certificate naming every BMC address."""
    d = directory(config)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
              "-subj", f"/CN=Patrol lab {config.name} BMC CA",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    _openssl(["req", *ec, "-keyout", "server.key", "-out", "server.csr",
              "-subj", f"/CN=Patrol lab {config.name} BMC"], d)
    (d / "server.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={','.join(f'IP:{a}' for a in addresses)}\n")
    _openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-out", "server.pem", "-days", "825",
              "-extfile", "server.ext"], d)
    for key in ("ca.key", "server.key"):
        (d / key).chmod(0o600)


def _network(config: LabConfig, addresses: list[str]) -> None:
    from .network import _sysctl, ip_batch

    net, ns, link = network(config), netns(config), veth(config)
    gateway = net.network_address + 1
    ip_batch([f"netns add {ns}",
              f"link add {link} type veth peer name eth0 netns {ns}",
              f"link set {link} addrgenmode none"])
    _sysctl(f"net/ipv6/conf/{link}/disable_ipv6", "1")
    _sysctl(f"net/ipv4/conf/{link}/forwarding", "0")
    ip_batch([f"addr add {gateway}/{net.prefixlen} dev {link}", f"link set {link} up"])
    inside = ["link set lo up", *(f"addr add {a}/{net.prefixlen} dev eth0" for a in addresses),
              "link set eth0 up"]
    _ip_in(ns, inside)


def _ip_in(ns: str, lines: list[str]) -> None:
    proc = subprocess.run(["ip", "-n", ns, "-batch", "-"], input="\n".join(lines) + "\n",
                          text=True, capture_output=True)
    if proc.returncode != 0:
        raise PatrolError(f"setting up the lab BMC network failed: {proc.stderr.strip()}",
                          exit_code=Exit.ENVIRONMENT)


def start(config: LabConfig, hosts: list[tuple[str, str]]) -> None:
    """Certificates, credentials, network and the server for ``hosts`` (name, address)."""
    d = directory(config)
    d.mkdir(mode=0o700)
    bmcs = [{"host": n, "address": address_of(config, a), "port": PORT} for n, a in hosts]
    addresses = [b["address"] for b in bmcs]
    _certificates(config, addresses)
    creds = d / "credentials.json"
    creds.touch(mode=0o600)
    creds.write_text(json.dumps({"username": USERNAME,
                                 "password": secrets.token_urlsafe(18)}) + "\n")
    _network(config, addresses)
    ready = d / "ready"
    conf = d / "server.json"
    conf.write_text(json.dumps({"bmcs": bmcs, "cert": str(d / "server.pem"),
                                "key": str(d / "server.key"), "credentials": str(creds),
                                "state_file": str(config.state_file), "ready": str(ready)},
                               indent=2) + "\n")
    with open(d / "server.log", "wb") as log:
        subprocess.run(["setsid", "--fork", "nsenter", f"--net=/run/netns/{netns(config)}",
                        sys.executable, "-m", "runner.lab.bmc_server", str(conf)],
                       stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=True,
                       env={**_python_env(), "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    _wait_ready(d, ready, addresses)


def _python_env() -> dict[str, str]:
    """Our import path, so the server finds this very ``runner`` (a checkout or a wheel)."""
    root = str(Path(__file__).resolve().parents[2])
    return {"PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])]),
            "LANG": "C.UTF-8"}


def _wait_ready(d: Path, ready: Path, addresses: list[str]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = list(addresses)
    while pending:
        if ready.exists():
            pending = [a for a in pending if not _port_open(a)]
        if pending and time.monotonic() > deadline:
            log = (d / "server.log").read_text(errors="replace")[-2000:]
            raise PatrolError(f"the lab BMCs did not start within {READY_TIMEOUT:.0f} s: "
                              f"{', '.join(pending[:3])}\n{log}", exit_code=Exit.ENVIRONMENT)
        if pending:
            time.sleep(0.05)


def _port_open(address: str) -> bool:
    try:
        with socket.create_connection((address, PORT), timeout=0.3):
            return True
    except OSError:
        return False


def running(config: LabConfig) -> bool:
    return (directory(config) / "ready").exists()


def connection_vars(config: LabConfig) -> dict[str, dict[str, Any]]:
    """Host name -> how Patrol reaches its lab BMC (address, port, CA, credentials)."""
    try:
        state = load(config)
        creds = json.loads((directory(config) / "credentials.json").read_text())
    except (OSError, ValueError):
        return {}
    if state is None or not running(config):
        return {}
    return {h.name: {"address": address_of(config, h.address), "port": PORT,
                     "username": creds["username"], "password": creds["password"],
                     "cafile": str(ca_file(config))}
            for h in state.hosts}
