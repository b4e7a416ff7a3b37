"""The machine side of the lab network: one bridge, one veth per host, and the fence around it.

Why a routing table of its own: each host has no default route, so it cannot even try to leave
10.123.0.0/24. As a second wall that holds even if someone turns on the machine's forwarding,
every packet entering from the bridge is routed by a policy rule through a table that knows
only the lab network and otherwise says "unreachable" — no nftables or iptables needed.
IPv6 is off on the bridge and its ports, so there is no link-local way around the fence.
"""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
from pathlib import Path

from ..errors import Exit, PatrolError
from .config import LabConfig
from .host import mac_of

NETNS_DIR = Path("/run/netns")


def ip_batch(lines: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run many ``ip`` commands in one process: one fork instead of one per host and step.

    With ``check=False`` (teardown) ``-force`` carries on past commands that fail.
    """
    argv = ["ip", "-batch", "-"] if check else ["ip", "-force", "-batch", "-"]
    proc = subprocess.run(argv, input="\n".join(lines) + "\n", text=True, capture_output=True)
    if check and proc.returncode != 0:
        raise PatrolError(f"setting up the lab network failed: {proc.stderr.strip()}",
                          exit_code=Exit.ENVIRONMENT)
    return proc


def _sysctl(path: str, value: str) -> None:
    Path("/proc/sys", path).write_text(value)


def check_clashes(config: LabConfig, addresses: list[str]) -> None:
    """Refuse when the lab's addresses or network already belong to a machine interface."""
    out = subprocess.run(["ip", "-j", "addr", "show"], capture_output=True, text=True,
                         check=True).stdout
    wanted = {ipaddress.IPv4Address(a) for a in addresses} | {config.gateway}
    for link in json.loads(out or "[]"):
        for info in link.get("addr_info", []):
            if info.get("family") != "inet":
                continue
            iface = ipaddress.IPv4Interface(f"{info['local']}/{info['prefixlen']}")
            if iface.ip in wanted or iface.network.overlaps(config.network):
                raise PatrolError(
                    f"address clash: {iface} on interface {link['ifname']} overlaps the lab "
                    f"network {config.network}; remove it or run `patrol lab down` if it is "
                    "a lab left behind", exit_code=Exit.ENVIRONMENT)


def create(config: LabConfig, hosts: list[tuple[str, str]]) -> None:
    """Bridge, fence, and for every host a namespace with a veth whose inner end is eth0."""
    br, table, net = config.bridge, config.routing_table, config.network
    # a fixed MAC: by default a bridge takes its lowest port's, which changes when a host is
    # killed, and every other host's ARP entry for the gateway would go stale
    lines = [f"link add {br} address {mac_of(str(config.gateway))} type bridge",
             f"link set {br} addrgenmode none"]
    ip_batch(lines)
    _sysctl(f"net/ipv6/conf/{br}/disable_ipv6", "1")
    _sysctl(f"net/ipv4/conf/{br}/rp_filter", "1")
    _sysctl(f"net/ipv4/conf/{br}/forwarding", "0")
    lines = [f"addr add {config.gateway}/{net.prefixlen} dev {br}", f"link set {br} up",
             f"route add {net} dev {br} table {table}",
             f"route add unreachable default table {table}",
             f"rule add pref {table} iif {br} lookup {table}"]
    for name, address in hosts:
        ns, veth = config.netns(name), config.veth(address)
        lines += [f"netns add {ns}",
                  f"link add {veth} type veth peer name eth0 address {mac_of(address)} "
                  f"netns {ns}",
                  f"link set {veth} addrgenmode none",
                  f"link set {veth} master {br} up"]
    ip_batch(lines)


def lab_netns(config: LabConfig) -> list[str]:
    """Every namespace of this lab, by name prefix: found even when the state file is lost."""
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(config.netns_prefix))


def lab_links(config: LabConfig) -> list[str]:
    """Machine-side veths and the bridge of this lab, by name prefix."""
    out = subprocess.run(["ip", "-j", "link", "show"], capture_output=True, text=True,
                         check=True).stdout
    names = [link["ifname"] for link in json.loads(out or "[]")]
    ours = re.compile(rf"{re.escape(config.name)}(v\d+|v\d+x\d+|-s\d+)")  # sites.py's too
    return [n for n in names if n == config.bridge or ours.fullmatch(n)]


def destroy(config: LabConfig) -> None:
    """Remove namespaces, links, the rule and the table; every step tolerates absence."""
    table = config.routing_table
    lines = [f"netns delete {ns}" for ns in lab_netns(config)]
    lines += [f"link delete {name}" for name in lab_links(config) if name != config.bridge]
    if config.bridge in lab_links(config):
        lines.append(f"link delete {config.bridge}")
    lines.append(f"route flush table {table}")
    out = subprocess.run(["ip", "rule", "show", "pref", str(table)], capture_output=True,
                         text=True).stdout
    lines += [f"rule delete pref {table}"] * len(out.splitlines())
    ip_batch(lines, check=False)
