"""Which hosts the lab brings up: the estate's hosts (names and addresses), then extras.

Why one function: the estate loader is the source of truth; until it can load this estate,
the host files are read directly. Only this module knows about that fallback.
"""

from __future__ import annotations

import ipaddress
from datetime import date
from pathlib import Path

import yaml

from ..errors import Exit, PatrolError
from .config import LabConfig

FIRST_EXTRA = 100  # generated hosts lab-NN start at .100 of the lab network


def estate_hosts(root: Path) -> list[tuple[str, str]]:
    """(name, address) of every host the estate at ``root`` declares, sorted by name."""
    try:
        from ..estate import load_estate  # type: ignore[attr-defined]

        estate, _problems = load_estate(root, today=date.today())  # only its hosts matter
        hosts = [(name, str(host.address)) for name, host in estate.hosts.items()]
        if hosts:
            return sorted(hosts)
    except Exception:  # the loader is not there yet, or this estate does not load
        pass
    hosts = []
    for path in sorted((root / "inventory" / "hosts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        hosts += [(str(h["name"]), str(h["address"])) for h in data.get("hosts") or []]
    return sorted(hosts)


def lab_hosts(root: Path, count: int | None, config: LabConfig) -> list[tuple[str, str]]:
    """The estate's hosts inside the lab network, then generated ``lab-NN`` hosts up to count."""
    declared = estate_hosts(root)
    hosts = [(n, a) for n, a in declared if ipaddress.IPv4Address(a) in config.network]
    if count is None:
        return hosts
    if count < 0:
        raise PatrolError("--hosts must be at least 0", exit_code=Exit.USAGE)
    hosts = hosts[:count]
    used = {a for _, a in declared} | {str(config.gateway)}
    names = {n for n, _ in hosts}
    octet, index = FIRST_EXTRA, 1
    while len(hosts) < count:
        if octet > 254:
            raise PatrolError(f"no room for {count} hosts in {config.network}",
                              exit_code=Exit.USAGE)
        address = str(config.network.network_address + octet)
        name = f"lab-{index:02d}"
        if address not in used and name not in names:
            hosts.append((name, address))
        octet += 1
        index += 1
    return hosts
