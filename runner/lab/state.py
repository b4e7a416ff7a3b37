"""What a running lab remembers: its hosts, their init processes, faults applied.

Why both a state file and discovery by name: the file lets `status`, faults and
``ansible_vars()`` answer fast; `down` never trusts it alone (see fleet.down).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import LabConfig

INIT_MARK = b"patrol-init"  # in the cmdline of every host's PID 1


@dataclass
class HostState:
    name: str
    address: str
    netns: str
    veth: str
    mac: str = ""
    link_down: bool = False
    killed: bool = False
    service_hang: bool = False
    disks: dict[str, str] = field(default_factory=dict)  # path inside the host -> size
    bmc_faults: dict[str, str] = field(default_factory=dict)  # fault -> since (ISO, UTC)
    bmc_layout: str = "classic"  # where its BMC keeps the parts (lab/bmc_layouts.py)
    bmc_address: str = ""  # its BMC's, when not the lab's BMC range (a node's site: bmc.py)
    behind: str = ""  # the jump host or node it is reached through (lab/sites.py); "" direct
    gateway: bool = False  # a site's jump host or node, not one of the estate's hosts


@dataclass
class LabState:
    name: str
    network: str
    image: str
    repo: str
    hosts: list[HostState]

    def host(self, name: str) -> HostState | None:
        return next((h for h in self.hosts if h.name == name), None)


def load(config: LabConfig) -> LabState | None:
    try:
        data = json.loads(config.state_file.read_text())
    except (FileNotFoundError, ValueError):
        return None
    data["hosts"] = [HostState(**h) for h in data["hosts"]]
    return LabState(**data)


def save(config: LabConfig, state: LabState) -> None:
    tmp = config.state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2, sort_keys=True) + "\n")
    tmp.replace(config.state_file)


def init_pid(config: LabConfig, host: str) -> int | None:
    """The machine-side pid of a host's PID 1 if it is alive and really that host's init."""
    try:
        pid = int((config.host_dir(host) / "init.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid if INIT_MARK in cmdline else None


def is_alive(config: LabConfig, host: str) -> bool:
    return init_pid(config, host) is not None


def netns_inode(name: str) -> int | None:
    try:
        return os.stat(f"/run/netns/{name}").st_ino
    except FileNotFoundError:
        return None
