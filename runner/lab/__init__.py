"""The lab: a real fleet of SSH hosts on this machine, built from Linux namespaces.

Modules: ``config`` (names and paths), ``image`` (base image), ``aptrepo`` (offline apt
repository), ``network`` (bridge, veths, fence), ``host`` (one host's boot), ``fleet``
(up/down/status), ``faults``, ``state``, ``roster`` (which hosts), ``preflight``.
This module is the small surface the rest of Patrol uses.
"""

from __future__ import annotations

from . import bmc
from .config import DEFAULT, LabConfig
from .state import init_pid, load


def ssh_common_args(config: LabConfig = DEFAULT) -> str:
    """ssh options that pin the lab's known_hosts and notice a dead peer within seconds.

    No connection sharing here: Patrol's executor gives every run its own short-lived
    master connections, so a master opened before a link went down (or to a host of an
    earlier lab at the same address) is never reused, and nothing hangs on a dead TCP
    connection waiting for the kernel to give up.
    """
    return (f"-o UserKnownHostsFile={config.known_hosts} -o StrictHostKeyChecking=yes "
            "-o IdentitiesOnly=yes -o ServerAliveInterval=3 -o ServerAliveCountMax=2")


def ansible_vars(config: LabConfig = DEFAULT) -> dict[str, dict[str, object]]:
    """Host name -> Ansible connection vars for lab hosts that are up; {} when no lab is up."""
    try:
        state = load(config)
    except PermissionError:  # not root: the lab (root-only state) cannot be up for us
        return {}
    if state is None:
        return {}
    config.control_dir.mkdir(exist_ok=True)  # a lab brought up by an older patrol lacks it
    bmcs = bmc.connection_vars(config)
    return {
        h.name: {
            "ansible_host": h.address,
            "ansible_user": "root",
            "ansible_ssh_private_key_file": str(config.client_key),
            "ansible_ssh_common_args": ssh_common_args(config),
            "ansible_python_interpreter": "/usr/bin/python3",
            # the lab's host keys are made at `lab up`: jump hops check them, not the estate's
            "patrol_known_hosts": str(config.known_hosts),
            # the host's lab BMC (address, CA, credentials): read by the controller only
            **({"patrol_bmc": bmcs[h.name]} if h.name in bmcs else {}),
        }
        for h in state.hosts
        if not h.killed and init_pid(config, h.name) is not None
    }


__all__ = ["DEFAULT", "LabConfig", "ansible_vars", "ssh_common_args"]
