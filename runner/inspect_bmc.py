"""The inspection's BMC side: which hosts' BMCs to read, started before the play, and each
reading joined with the spare parts of the host's model for the judge.

Why beside ``inspect.py`` and not in it: the SSH side must not wait for the BMCs, so the reads
start before the play (``start``) and each host's reading is picked up when its play result
arrives (``value``). Only hosts with a check measured by the controller (``hardware_health``)
are read. The lab, when the user opts in, passes each BMC's address, CA and credentials as
``patrol_bmc`` among its connection vars (``runner/inventory.py`` keeps them out of Ansible).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import checks

if TYPE_CHECKING:
    from .estate import Estate
    from .estate.models import Host
    from .execute_redfish import Reads

LAB_KEY = "patrol_bmc"
NO_BMC = ("no bmc: declared for this host; declare its BMC, or narrow the check with "
          "hosts: to the hosts that have one")


def needs_bmc(host: Host, specs: list[Any]) -> bool:
    return bool(checks.controller_ids(specs, host))


def start(root: Path, hosts: list[tuple[Host, list[Any]]],
          connections: Mapping[str, Mapping[str, Any]] | None = None) -> Reads:
    """Start reading the BMC of every host (with its check specs) that needs one."""
    from . import execute_redfish

    targets = []
    for host, specs in hosts:
        if not needs_bmc(host, specs):
            continue
        override = (connections or {}).get(host.name, {}).get(LAB_KEY)
        target = execute_redfish.target_of(host, root, override)
        if target is not None:
            targets.append(target)
    return execute_redfish.start_reads(targets)


def value(reads: Reads, estate: Estate, host: Host) -> dict[str, Any]:
    """The host's reading with the spares of its model, or why there is none."""
    from .spares.hardware import spares_for

    if host.name not in reads:
        return {"error": NO_BMC}
    reading = reads.get(host.name) or {"error": "the BMC was not read"}
    if "error" in reading:
        return reading
    return {**reading, "spares": spares_for(estate, host)}
