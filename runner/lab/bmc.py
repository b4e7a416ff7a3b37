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


EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _certificates(config: LabConfig, addresses: list[str]) -> None:
    """The lab's own CA and one server certificate naming every BMC address."""
    d = directory(config)
    _openssl(["req", "-x509", *EC, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
              "-subj", f"/CN=Patrol lab {config.name} BMC CA",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    (d / "ca.key").chmod(0o600)
    _server_certificate(config, "server", addresses)


def _server_certificate(config: LabConfig, stem: str, addresses: list[str]) -> None:
    """``<stem>.pem`` and ``<stem>.key``: a server certificate of the lab's CA for
    ``addresses``."""
    d = directory(config)
    _openssl(["req", *EC, "-keyout", f"{stem}.key", "-out", f"{stem}.csr",
              "-subj", f"/CN=Patrol lab {config.name} BMC"], d)
    (d / f"{stem}.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={','.join(f'IP:{a}' for a in addresses)}\n")
    _openssl(["x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-out", f"{stem}.pem", "-days", "825",
              "-extfile", f"{stem}.ext"], d)
    (d / f"{stem}.key").chmod(0o600)


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
    _serve(config, netns(config), "server", bmcs)
    _wait_ready(d, d / "server.ready", addresses)


def _serve(config: LabConfig, ns: str, stem: str, bmcs: list[dict[str, Any]]) -> None:
    """Start one server process for ``bmcs`` in namespace ``ns`` (``<stem>.pem`` its cert)."""
    d = directory(config)
    conf = d / f"{stem}.json"
    conf.write_text(json.dumps({"bmcs": bmcs, "cert": str(d / f"{stem}.pem"),
                                "key": str(d / f"{stem}.key"),
                                "credentials": str(d / "credentials.json"),
                                "state_file": str(config.state_file),
                                "ready": str(d / f"{stem}.ready")}, indent=2) + "\n")
    with open(d / f"{stem}.log", "wb") as log:
        subprocess.run(["setsid", "--fork", "nsenter", f"--net=/run/netns/{ns}",
                        sys.executable, "-m", "runner.lab.bmc_server", str(conf)],
                       stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=True,
                       env={**_python_env(), "PATH": os.environ.get("PATH", "/usr/bin:/bin")})


def site_netns(config: LabConfig, index: int) -> str:
    return f"{config.name}-_bmc{index}"


def start_site(config: LabConfig, index: int, node_ns: str,
               bmcs: list[tuple[str, str]]) -> None:
    """BMCs of a site reached through an execution node, on the site's management network:
    a namespace of their own linked to the node's namespace only (the node's ``eth2`` at .1
    of their /24), so the node reaches them and neither the controller (no route, no link on
    its side) nor the site's hosts (the node forwards nothing) do. Same CA, credentials and
    faults as the lab's other BMCs; ``bmcs``: (host, BMC address as the estate declares it)."""
    ns = site_netns(config, index)
    net = ipaddress.IPv4Network(f"{bmcs[0][1]}/24", strict=False)
    gateway = str(net.network_address + 1)
    stem = f"site{index}"
    _server_certificate(config, stem, [a for _, a in bmcs])
    from .network import ip_batch

    ip_batch([f"netns add {ns}",
              f"link add {config.name}m{index} netns {node_ns} type veth peer name eth0 "
              f"netns {ns}"])
    _ip_in(node_ns, [f"link set {config.name}m{index} name eth2",
                     f"addr add {gateway}/24 dev eth2", "link set eth2 up"])
    _ip_in(ns, ["link set lo up", *(f"addr add {a}/24 dev eth0" for _, a in bmcs),
                "link set eth0 up"])
    _serve(config, ns, stem, [{"host": n, "address": a, "port": PORT} for n, a in bmcs])
    _wait_ready_in(config, node_ns, directory(config) / f"{stem}.ready", [a for _, a in bmcs])


PROBE = ("import json,socket,sys\nout={}\nfor a in json.loads(sys.argv[1]):\n"
         "  try:\n    socket.create_connection((a,443),0.3).close(); out[a]=1\n"
         "  except OSError: out[a]=0\nprint(json.dumps(out))")


def _wait_ready_in(config: LabConfig, ns: str, ready: Path, addresses: list[str]) -> None:
    """Wait until every BMC answers TCP from namespace ``ns`` (the node's)."""
    deadline = time.monotonic() + READY_TIMEOUT
    pending = list(addresses)
    while pending:
        if ready.exists():
            proc = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", PROBE,
                                   json.dumps(pending)], capture_output=True, text=True)
            up = json.loads(proc.stdout or "{}")
            pending = [a for a in pending if not up.get(a)]
        if pending and time.monotonic() > deadline:
            log = ready.with_suffix(".log").read_text(errors="replace")[-2000:] \
                if ready.with_suffix(".log").exists() else ""
            raise PatrolError(f"the site's lab BMCs did not start within {READY_TIMEOUT:.0f} "
                              f"s: {', '.join(pending[:3])}\n{log}", exit_code=Exit.ENVIRONMENT)
        if pending:
            time.sleep(0.1)


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
    d = directory(config)  # "ready": a lab brought up before site BMCs had servers of their own
    return (d / "server.ready").exists() or (d / "ready").exists()


def connection_vars(config: LabConfig) -> dict[str, dict[str, Any]]:
    """Host name -> how Patrol reaches its lab BMC (address, port, CA, credentials)."""
    try:
        state = load(config)
        creds = json.loads((directory(config) / "credentials.json").read_text())
    except (OSError, ValueError):
        return {}
    if state is None or not running(config):
        return {}
    return {h.name: {"address": h.bmc_address or address_of(config, h.address), "port": PORT,
                     "username": creds["username"], "password": creds["password"],
                     "cafile": str(ca_file(config))}
            for h in state.hosts}
