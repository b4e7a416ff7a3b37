"""Where a lab lives: names, network and directories, derived from one small config.

Why a config object and not module constants: the lifecycle test brings up a second, tiny lab
next to the session's fleet, so every name the lab creates (bridge, veths, namespaces, state
dir) must derive from one prefix and can be found again by it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

CACHE_DIR = Path("/var/cache/patrol-lab")  # base image and apt repository, kept across labs
STATE_ROOT = Path("/var/lib/patrol-lab")  # one directory per running lab; removed by down


@dataclass(frozen=True)
class LabConfig:
    """One lab: a name prefix (≤ 9 chars, Linux caps interface names at 15) and its /24."""

    name: str = "patrol"
    network: ipaddress.IPv4Network = field(
        default_factory=lambda: ipaddress.IPv4Network("10.123.0.0/24")
    )
    routing_table: int = 1230  # the table lab traffic is confined to (see network.py)

    @property
    def bridge(self) -> str:
        return f"{self.name}-br0"

    @property
    def gateway(self) -> ipaddress.IPv4Address:
        """The machine's own address on the lab bridge: the first address of the network."""
        return self.network.network_address + 1

    def veth(self, address: str) -> str:
        """Machine-side veth of a host, named by its last octet so it is unique and short."""
        return f"{self.name}v{ipaddress.IPv4Address(address).packed[-1]}"

    def netns(self, host: str) -> str:
        return f"{self.name}-{host}"

    @property
    def netns_prefix(self) -> str:
        return f"{self.name}-"

    @property
    def state_dir(self) -> Path:
        return STATE_ROOT / self.name

    @property
    def lock_file(self) -> Path:
        return STATE_ROOT / f"{self.name}.lock"

    def host_dir(self, host: str) -> Path:
        return self.state_dir / "hosts" / host

    @property
    def client_key(self) -> Path:
        return self.state_dir / "id_ed25519"

    @property
    def control_dir(self) -> Path:
        """ssh ControlPath sockets: gone with the lab, so no master outlives its host."""
        return self.state_dir / "cp"

    @property
    def known_hosts(self) -> Path:
        return self.state_dir / "known_hosts"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"


DEFAULT = LabConfig()
