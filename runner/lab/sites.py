"""Sites beyond the controller's reach: a site network the machine has no route to, reached
only through a jump host or an execution node, as the estate's ``reach:`` says.

For every site whose reach is a jump host or a node at an address on the lab network, and
whose hosts sit in a network of their own, the lab builds: one more bridge (``<lab>-sN``) with
no address on the machine's side, so the controller has no route into it; the jump host or
node as a lab host with two interfaces (eth0 on the lab network at the reach's address, eth1
at ``.1`` of the site network); and the site's hosts on that bridge. A policy rule refuses
whatever enters the machine from the site bridge, and forwarding is off on it, so a site host
cannot reach the controller, the lab network or anything outside the machine even if someone
turns forwarding on. A jump host needs nothing but sshd (TCP forwarding); a node runs plays
(``ansible-runner worker``, in the base image).
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from . import host, hostkeys, network
from .config import LabConfig
from .state import HostState

BOOT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Gateway:
    """A jump host or node, and the site network behind it."""

    kind: str  # "jump" or "node"
    name: str  # its lab host name
    address: str  # on the lab network (the estate's reach address)
    network: ipaddress.IPv4Network  # the site's own network
    hosts: tuple[tuple[str, str], ...]  # (name, address) of the site's hosts
    index: int  # N of the bridge <lab>-sN
    # (name, BMC address) of a node's site hosts that declare a BMC: on the site's management
    # network, which only the node reaches (``bmc.start_site``)
    bmcs: tuple[tuple[str, str], ...] = ()

    @property
    def inner(self) -> str:
        return str(self.network.network_address + 1)


def plan(root: Path, config: LabConfig) -> list[Gateway]:
    """The gateways the estate at ``root`` asks for, by site id; [] when it asks for none."""
    try:
        from ..estate import load_estate  # type: ignore[attr-defined]
        from ..estate.reach import kind_of

        estate, _problems = load_estate(root, today=date.today())
    except Exception:  # an estate that does not load has no sites for the lab
        return []
    if estate is None:
        return []
    out: list[Gateway] = []
    for site_id in sorted(estate.sites):
        reach = estate.sites[site_id].reach
        hop = reach.node if reach.node is not None else (reach.jump or [None])[-1]
        hosts = sorted((h.name, str(h.address)) for h in estate.hosts.values()
                       if h.site == site_id and h.reach is None)
        if hop is None or not hosts:
            continue
        try:
            address = ipaddress.IPv4Address(hop.address)
            nets = {ipaddress.IPv4Network(f"{a}/24", strict=False) for _, a in hosts}
        except ValueError:
            continue
        if address not in config.network or len(nets) != 1:
            continue
        (net,) = nets
        if net.overlaps(config.network):
            continue
        bmcs = _site_bmcs(estate, site_id, net, config) if kind_of(reach) == "node" else ()
        out.append(Gateway(kind_of(reach), f"{kind_of(reach)}-{site_id}", str(address), net,
                           tuple(hosts), len(out) + 1, bmcs))
    return out


def _site_bmcs(estate: Any, site_id: str, net: ipaddress.IPv4Network, config: LabConfig
               ) -> tuple[tuple[str, str], ...]:
    """The BMCs a node's site declares, when they share one /24 apart from every lab network."""
    found = sorted((h.name, str(h.bmc.address)) for h in estate.hosts.values()
                   if h.site == site_id and h.reach is None and h.bmc is not None)
    try:
        nets = {ipaddress.IPv4Network(f"{a}/24", strict=False) for _, a in found}
    except ValueError:
        return ()
    if len(nets) != 1:
        return ()
    (mgmt,) = nets
    from .bmc import network as bmc_network

    if any(mgmt.overlaps(n) for n in (net, config.network, bmc_network(config))):
        return ()
    return tuple(found)


def veth(config: LabConfig, gw: Gateway, address: str) -> str:
    """Machine-side veth of a site host: ``<lab>v<site N>x<last octet>`` (unique, ≤ 15)."""
    return f"{config.name}v{gw.index}x{ipaddress.IPv4Address(address).packed[3]}"


def bridge(config: LabConfig, gw: Gateway) -> str:
    return f"{config.name}-s{gw.index}"


def build(config: LabConfig, gateways: list[Gateway], base: Path, repo: Path) -> list[HostState]:
    """Bring up every gateway and its site's hosts; their states, for the lab's state file."""
    if not gateways:
        return []
    keygens = []
    for gw in gateways:
        for name, _ in [(gw.name, gw.address), *gw.hosts]:
            hdir = config.host_dir(name)
            hdir.mkdir(parents=True)
            hostkeys.write(hdir / "ssh_host_ed25519_key", name)
        links = (f"ip addr add {gw.inner}/{gw.network.prefixlen} dev eth1\n"
                 "ip link set eth1 up\n")
        files, keys = "", None
        if gw.kind == "node":  # a node logs in to its site's hosts with a key of its own
            node_key = config.host_dir(gw.name) / "id_ed25519"
            keygens.append(subprocess.Popen(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"root@{gw.name}",
                 "-f", str(node_key)]))
            files = (f'cp {node_key} "$r/root/.ssh/id_ed25519"\n'
                     'chmod 0600 "$r/root/.ssh/id_ed25519"\n')
            keys = config.host_dir(gw.name) / "site_authorized_keys"
        host.write_boot(config, gw.name, gw.address, base, repo, links=links, files=files)
        for name, address in gw.hosts:
            host.write_boot(config, name, address, base, repo, prefixlen=gw.network.prefixlen,
                            authorized_keys=keys)
    _network(config, gateways)
    if any(p.wait() != 0 for p in keygens):
        raise PatrolError("ssh-keygen failed", exit_code=Exit.ENVIRONMENT)
    for gw in gateways:  # a node's site accepts the node's key (and ours, for the tests)
        if gw.kind == "node":
            (config.host_dir(gw.name) / "site_authorized_keys").write_text(
                (config.host_dir(gw.name) / "id_ed25519.pub").read_text()
                + (config.client_key.with_suffix(".pub")).read_text())
    for gw in gateways:
        for name in [gw.name, *(n for n, _ in gw.hosts)]:
            host.start(config, name)
    for gw in gateways:
        _wait_ready(config, gw)
    from . import bmc

    for gw in gateways:  # a node's site keeps its BMCs where only the node reaches them
        if gw.kind == "node" and gw.bmcs and bmc.running(config):
            bmc.start_site(config, gw.index, config.netns(gw.name), list(gw.bmcs))
    states = []
    for gw in gateways:
        states.append(HostState(name=gw.name, address=gw.address, netns=config.netns(gw.name),
                                veth=config.veth(gw.address), mac=host.mac_of(gw.address),
                                gateway=True))
        site_bmcs = dict(gw.bmcs)
        states += [HostState(name=n, address=a, netns=config.netns(n), veth=veth(config, gw, a),
                             mac=host.mac_of(a), behind=gw.name,
                             bmc_address=site_bmcs.get(n, "")) for n, a in gw.hosts]
    with open(config.known_hosts, "a") as known:
        for st in states:
            key = (config.host_dir(st.name) / "ssh_host_ed25519_key.pub").read_text().split()
            known.write(f"{st.address} {key[0]} {key[1]}\n")
    return states


def _network(config: LabConfig, gateways: list[Gateway]) -> None:
    """The site bridges (no address on our side, refused by a rule) and every veth."""
    lines = []
    for gw in gateways:
        lines += [f"link add {bridge(config, gw)} type bridge",
                  f"link set {bridge(config, gw)} addrgenmode none"]
    network.ip_batch(lines)
    lines = []
    for gw in gateways:
        br = bridge(config, gw)
        for knob, value in (("ipv6/conf/{}/disable_ipv6", "1"), ("ipv4/conf/{}/forwarding", "0")):
            Path("/proc/sys/net", knob.format(br)).write_text(value)
        lines += [f"link set {br} up",
                  f"rule add pref {config.routing_table} iif {br} unreachable"]
        ns = config.netns(gw.name)
        lines += [f"netns add {ns}",
                  f"link add {config.veth(gw.address)} type veth peer name eth0 address "
                  f"{host.mac_of(gw.address)} netns {ns}",
                  f"link set {config.veth(gw.address)} addrgenmode none",
                  f"link set {config.veth(gw.address)} master {config.bridge} up",
                  f"link add {veth(config, gw, gw.inner)} type veth peer name eth1 address "
                  f"{host.mac_of(gw.inner)} netns {ns}",
                  f"link set {veth(config, gw, gw.inner)} addrgenmode none",
                  f"link set {veth(config, gw, gw.inner)} master {br} up"]
        for name, address in gw.hosts:
            ns = config.netns(name)
            lines += [f"netns add {ns}",
                      f"link add {veth(config, gw, address)} type veth peer name eth0 address "
                      f"{host.mac_of(address)} netns {ns}",
                      f"link set {veth(config, gw, address)} addrgenmode none",
                      f"link set {veth(config, gw, address)} master {br} up"]
    network.ip_batch(lines)


PROBE = ("import json,socket,sys\nout={}\nfor a in json.loads(sys.argv[1]):\n"
         "  try:\n    socket.create_connection((a,22),0.3).close(); out[a]=1\n"
         "  except OSError: out[a]=0\nprint(json.dumps(out))")


def _wait_ready(config: LabConfig, gw: Gateway) -> None:
    """Wait for sshd on the gateway (from here) and on its site's hosts (from the gateway's
    namespace: the machine has no route to them)."""
    pending = {a: n for n, a in gw.hosts}
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        if pending:
            proc = subprocess.run(["ip", "netns", "exec", config.netns(gw.name), sys.executable,
                                   "-c", PROBE, json.dumps(sorted(pending))],
                                  capture_output=True, text=True)
            up = json.loads(proc.stdout or "{}")
            pending = {a: n for a, n in pending.items() if not up.get(a)}
        if not pending and _port_open(gw.address):
            return
        if time.monotonic() > deadline:
            late = sorted(pending.values()) or [gw.name]
            raise PatrolError(f"site hosts did not start sshd within {BOOT_TIMEOUT:.0f} s: "
                              f"{', '.join(late)}", exit_code=Exit.ENVIRONMENT)
        time.sleep(0.05)


def _port_open(address: str) -> bool:
    import socket

    try:
        with socket.create_connection((address, 22), timeout=0.2):
            return True
    except OSError:
        return False
