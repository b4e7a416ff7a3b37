"""Plays on an execution node: which hosts go to which node, and how the node is asked.

A site reached through a node runs its play there, over ansible-runner's own streaming
protocol (the one AWX runs over Receptor): ``transmit`` here packs the play, the inventory and
the settings; ``ssh node ansible-runner worker`` unpacks them into a private dir on the node
and runs the play, streaming events back; ``process`` here reads the events as a local run's.
``runner/execute.py`` (the only module importing ansible_runner) drives the three; this
module holds the plain parts: splitting the inventory, the node's own inventory, the remote
command and ssh's argv.

What the node keeps: nothing outside ``/tmp/patrol-run-<token>`` (the worker's private dir,
with Ansible's temp, home and control sockets inside it), which the worker deletes at the
end and the wrapper deletes on any exit; the controller removes it again after an interrupt
(``cleanup_command``). Connections from the node to its site's hosts check only their pinned
keys, shipped in that dir (``known_hosts``); the node authenticates with its own key, never
ours. No secret travels with a play: Patrol's plays use none (``NEEDS_SECRETS``). The site's
BMC reads run on the node too (``execute_redfish_node``): their passwords travel on that ssh's
stdin, live in the reading process's memory only and are never written on the node.
"""

from __future__ import annotations

import secrets
import shlex
from typing import Any

REMOTE_ROOT = "/tmp/patrol-run-"
NODE_ONLY = ("patrol_node", "patrol_node_ssh_args", "patrol_node_known_host", "patrol_reach")
CONTROLLER_ONLY = ("ansible_ssh_private_key_file", "ansible_ssh_common_args")


def split(hostvars: dict[str, dict[str, Any]], limit: list[str]
          ) -> tuple[list[str], dict[str, list[str]]]:
    """Hosts the controller reaches itself, and per node (``user@host:port``) its hosts."""
    direct: list[str] = []
    nodes: dict[str, list[str]] = {}
    for name in limit:
        node = (hostvars.get(name) or {}).get("patrol_node")
        if node:
            nodes.setdefault(str(node), []).append(name)
        else:
            direct.append(name)
    return direct, nodes


def remote_dir() -> str:
    """The run's private dir on the node: unguessable, so no other run or user shares it."""
    return REMOTE_ROOT + secrets.token_hex(8)


def node_inventory(static: dict[str, Any], hosts: list[str], remote: str
                   ) -> tuple[dict[str, Any], str]:
    """The static inventory as the node must see it (its hosts only, pinned through the
    shipped known-hosts file, no controller paths) and that file's text."""
    top = static["all"]
    kept: dict[str, Any] = {}
    lines = []
    for name in hosts:
        hv = {k: v for k, v in (top["hosts"].get(name) or {}).items()
              if k not in NODE_ONLY + CONTROLLER_ONLY}
        hv["ansible_ssh_common_args"] = (
            f"-o UserKnownHostsFile={remote}/known_hosts -o StrictHostKeyChecking=yes "
            "-o GlobalKnownHostsFile=/dev/null")
        line = (top["hosts"].get(name) or {}).get("patrol_node_known_host")
        if line:
            lines.append(f"{line}\n")
        kept[name] = hv
    out: dict[str, Any] = {"all": {**top, "hosts": kept}}
    children = top.get("children") or {}
    if children:
        out["all"]["children"] = {
            g: {**body, "hosts": {h: None for h in (body.get("hosts") or {}) if h in kept}}
            for g, body in children.items()}
    return out, "".join(sorted(set(lines)))


def worker_command(remote: str) -> str:
    """The node's side: a private dir only we can read, the worker, and the dir gone at the
    end whatever happens (the worker's ``--delete`` covers a clean end only)."""
    d = shlex.quote(remote)
    return (f"umask 077; trap 'rm -rf {d}' EXIT HUP INT TERM PIPE; "
            f"ANSIBLE_RUNNER_KEEPALIVE_SECONDS=0 ansible-runner worker --private-data-dir {d} "
            "--delete")


def cleanup_command(remote: str) -> str:
    """After an interrupt: stop what still runs for this run's dir, then remove it."""
    token = shlex.quote(remote[len(REMOTE_ROOT):])
    # the pattern is assembled in the shell, so this command's own line never matches it
    # (the play, its forks and their ssh all name the dir); what ignores TERM gets KILL
    return (f'p=patrol-run; r="/tmp/$p-{token}"; pkill -TERM -f -- "$r"; sleep 1; '
            'pkill -KILL -f -- "$r"; rm -rf "$r"')


def ssh_argv(node: str, args: str, timeout: int) -> list[str]:
    """ssh to ``user@host:port`` with the pinned-keys config, no pty (a binary stream)."""
    user, _, rest = node.rpartition("@")
    host, _, port = rest.rpartition(":")
    destination = f"ssh://{user + '@' if user else ''}{host}:{port}"
    return ["ssh", "-T", *args.split(), "-o", "BatchMode=yes", "-o", f"ConnectTimeout={timeout}",
            "-o", "ServerAliveInterval=3", "-o", "ServerAliveCountMax=2", destination]


def node_envvars(envvars: dict[str, str], remote: str) -> dict[str, str]:
    """Our play settings with every path the node would write to moved into its private dir."""
    out = {k: v for k, v in envvars.items() if k not in ("PATH", "ANSIBLE_LIBRARY")}
    out.update(ANSIBLE_SSH_CONTROL_PATH_DIR=f"{remote}/cp", ANSIBLE_LOCAL_TEMP=f"{remote}/tmp",
               ANSIBLE_HOME=f"{remote}/home", ANSIBLE_LIBRARY=f"{remote}/project/library")
    return out
