"""The estate as Ansible dynamic-inventory JSON (the ``--list`` shape).

Groups: ``site_<id>``, ``role_<role>``, ``env_<environment>``, ``tag_<tag>`` (names sanitised to
what Ansible accepts), all children of ``all``. Host vars: ``ansible_host`` (the address),
connection settings when the estate has them, and ``patrol_*`` facts from the estate. Extra host
vars (e.g. the lab's connection settings) are merged over them.

Secrets go only where they are needed: Patrol's own plays never use become, so their
inventories carry no ``ansible_become_password`` (``become=False``). An undecryptable
``!vault`` value or an unset ``{env: VAR}`` then costs nothing, and no play's environment
needs the variable. ``patrol inventory`` (for the user's own plays) keeps them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import hostkeys
from .estate import Estate, Host

_BAD = re.compile(r"[^A-Za-z0-9_]")


def group_name(prefix: str, value: str) -> str:
    """A valid Ansible group name: letters, digits and underscores, not starting with a digit."""
    return f"{prefix}_{_BAD.sub('_', value)}"


def host_vars(estate: Estate, host: Host, become: bool = True) -> dict[str, Any]:
    hw = host.hardware
    site = estate.sites.get(host.site)
    out: dict[str, Any] = {
        "ansible_host": str(host.address),
        "patrol_site": host.site,
        "patrol_site_timezone": site.timezone if site is not None else None,
        "patrol_role": host.role,
        "patrol_environment": host.environment.value,
        "patrol_criticality": host.criticality.value,
        "patrol_owner": host.owner,
        "patrol_hardware": {
            "model": hw.model, "serial": hw.serial, "purchased": hw.purchased.isoformat(),
            "warranty_end": hw.warranty_end.isoformat(), "end_of_life": hw.end_of_life.isoformat(),
        },
        "patrol_os": {"family": host.os.family, "release": host.os.release},
        "patrol_software": dict(host.software),
        "patrol_tags": list(host.tags),
    }
    conn = host.connection
    if conn is not None:
        out["ansible_port"] = conn.port
        if conn.user is not None:
            out["ansible_user"] = conn.user
        if become and conn.become_password is not None:
            out["ansible_become_password"] = conn.become_password.ansible_value()
    return out


def _reached(estate: Estate, host: Host, merged: dict[str, Any],
             files: dict[tuple[Any, Any], Any]) -> dict[str, Any]:
    """Add how the host is reached: a pinned host (its own key, or jump hosts on the way)
    connects through the pinned-keys ssh config (``runner.hostkeys``), jump hosts as
    ProxyJump; a node-reached host names its node. ``patrol_known_hosts`` (the lab's, from
    the connection vars) replaces the estate's pins, ``ansible_ssh_private_key_file`` is
    handed to the hops too."""
    known = merged.pop("patrol_known_hosts", None)
    reach = hostkeys.reach_of(estate, host)
    if reach.node is not None:  # the play runs on the node (runner/execute_node.py)
        identity = merged.get("ansible_ssh_private_key_file")
        key = (identity, known)
        if key not in files:
            files[key] = hostkeys.ssh_files(estate, identity, Path(known) if known else None)
        merged["patrol_reach"] = "node"
        merged["patrol_node"] = reach.node.destination()
        merged["patrol_node_ssh_args"] = f"-F {files[key].config}"
        line = hostkeys.known_line(host, Path(known) if known else None)
        if line is not None:
            merged["patrol_node_known_host"] = line
        return merged
    if reach.jump is not None:
        merged["patrol_reach"] = "jump"
    if not hostkeys.is_pinned(estate, host):
        return merged
    identity = merged.get("ansible_ssh_private_key_file")
    key = (identity, known)
    if key not in files:
        files[key] = hostkeys.ssh_files(estate, identity, Path(known) if known else None)
    args = hostkeys.common_args(files[key].config, reach)
    given = merged.get("ansible_ssh_common_args")
    merged["ansible_ssh_common_args"] = f"{given} {args}" if given else args
    return merged


def build_inventory(estate: Estate, extra_hostvars: dict[str, dict[str, Any]] | None = None,
                    become: bool = True) -> dict[str, Any]:
    """The whole inventory, deterministic (groups and hosts sorted)."""
    extra = extra_hostvars or {}
    groups: dict[str, list[str]] = {}
    hostvars: dict[str, dict[str, Any]] = {}
    files: dict[tuple[Any, Any], Any] = {}
    for host in estate.hosts.values():
        merged = {**host_vars(estate, host, become), **extra.get(host.name, {})}
        merged.pop("patrol_bmc", None)  # the lab's BMC access: the controller's, not Ansible's
        hostvars[host.name] = _reached(estate, host, merged, files)
        names = [group_name("site", host.site), group_name("role", host.role),
                 group_name("env", host.environment.value)]
        names += [group_name("tag", t) for t in host.tags]
        for g in names:
            members = groups.setdefault(g, [])
            if host.name not in members:
                members.append(host.name)
    inventory: dict[str, Any] = {"_meta": {"hostvars": dict(sorted(hostvars.items()))}}
    inventory["all"] = {"children": ["ungrouped", *sorted(groups)]}
    inventory["ungrouped"] = {"hosts": []}
    for g in sorted(groups):
        inventory[g] = {"hosts": sorted(groups[g])}
    return inventory
