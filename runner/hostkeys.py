"""Host keys pinned in Git, turned into what ssh reads: a known-hosts file and an ssh config.

Why an ssh config (``-F``) and not only ``-o UserKnownHostsFile``: ssh hands a ProxyJump hop
only ``-F`` (never the ``-o`` options of the command line), so a jump host's key would
otherwise be checked against ``~/.ssh/known_hosts``, or accepted on first use. The config
says, for every connection of the play and every hop on the way: this known-hosts file only,
``StrictHostKeyChecking yes``, no global file; then the user's own ``~/.ssh/config`` for the
rest (identities, agents), whose settings cannot loosen ours (ssh keeps the first value).

Both files are written once per content (``ssh_files``) under Patrol's cache: a path that
names its content, so ``patrol inventory`` and a run share them and a changed pin gets a new
file. They hold public keys and addresses only. Estate text reaches them only after its
model checked it (an address, a user name, a port, a base64 key), never as an ssh option.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import Exit, PatrolError
from .estate import Estate, Host
from .estate.reach import DIRECT, Hop, Reach

HEADER = "# written by patrol from the host keys pinned in the estate; do not edit\n"


def reach_of(estate: Estate, host: Host) -> Reach:
    """The host's own reach, else its site's, else direct."""
    if host.reach is not None:
        return host.reach
    site = estate.sites.get(host.site)
    return site.reach if site is not None else DIRECT


def known_host(address: str, port: int) -> str:
    """How ssh names a host in known_hosts: ``addr``, or ``[addr]:port`` off port 22."""
    return address if port == 22 else f"[{address}]:{port}"


def hops(estate: Estate) -> list[Hop]:
    """Every jump host and node the estate names (sites and host overrides), once each."""
    seen: dict[tuple[str, int, str], Hop] = {}
    reaches = [s.reach for s in estate.sites.values()]
    reaches += [h.reach for h in estate.hosts.values() if h.reach is not None]
    for reach in reaches:
        for hop in [*(reach.jump or []), *([reach.node] if reach.node else [])]:
            seen.setdefault((hop.address, hop.port, hop.host_key), hop)
    return [seen[k] for k in sorted(seen)]


def known_hosts(estate: Estate) -> str:
    """The known-hosts text of every pinned key: hosts (port from their connection), then
    jump hosts and nodes; sorted, so the same pins give the same bytes."""
    lines = set()
    for host in estate.hosts.values():
        if host.host_key is not None:
            port = host.connection.port if host.connection is not None else 22
            lines.add(f"{known_host(str(host.address), port)} {host.host_key}\n")
    for hop in hops(estate):
        lines.add(f"{known_host(hop.address, hop.port)} {hop.host_key}\n")
    return HEADER + "".join(sorted(lines))


def known_line(host: Host, known_hosts_file: Path | None = None) -> str | None:
    """The known-hosts line of one host: its pinned key, or its line in ``known_hosts_file``
    (the lab's) when one is given; None when neither pins it."""
    port = host.connection.port if host.connection is not None else 22
    name = known_host(str(host.address), port)
    if known_hosts_file is not None:
        for line in known_hosts_file.read_text().splitlines():
            if line.split(" ", 1)[0] == name:
                return line
        return None
    return f"{name} {host.host_key}" if host.host_key is not None else None


def ssh_config(known_hosts_file: Path, identity: str | None = None) -> str:
    """The config every connection and hop of a pinned host reads (see the module doc)."""
    lines = [HEADER, "Host *\n", f'  UserKnownHostsFile "{known_hosts_file}"\n',
             "  GlobalKnownHostsFile /dev/null\n", "  StrictHostKeyChecking yes\n",
             "  UpdateHostKeys no\n", "  ServerAliveInterval 3\n", "  ServerAliveCountMax 2\n"]
    if identity:
        lines += [f'  IdentityFile "{identity}"\n', "  IdentitiesOnly yes\n"]
    lines.append("Include ~/.ssh/config\n")
    return "".join(lines)


def is_pinned(estate: Estate, host: Host) -> bool:
    """Connections to this host go through pinned keys only: it has one, or a jump on the way."""
    return host.host_key is not None or reach_of(estate, host).jump is not None


def common_args(config_file: Path, reach: Reach) -> str:
    """``ansible_ssh_common_args`` of a pinned host: the config, then the jump chain."""
    args = f"-F {config_file}"
    if reach.jump is not None:
        args += " -o ProxyJump=" + ",".join(h.destination() for h in reach.jump)
    return args


def cache_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME") or "/tmp", ".cache")
    return Path(base) / "patrol" / "ssh"


@dataclass(frozen=True)
class SshFiles:
    known_hosts: Path
    config: Path


def _write_once(path: Path, text: str) -> None:
    if path.exists() and path.read_text() == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text)
    tmp.replace(path)


def ssh_files(estate: Estate, identity: str | None = None,
              known_hosts_file: Path | None = None, root: Path | None = None) -> SshFiles:
    """Write (once per content) the estate's known-hosts file and the ssh config that uses it,
    or uses ``known_hosts_file`` instead (the lab's, whose keys are made at `lab up`)."""
    root = cache_dir() if root is None else root
    try:
        if known_hosts_file is None:
            text = known_hosts(estate)
            known_hosts_file = root / f"known_hosts-{_digest(text)}"
            _write_once(known_hosts_file, text)
        config = ssh_config(known_hosts_file, identity)
        config_file = root / f"ssh_config-{_digest(config)}"
        _write_once(config_file, config)
    except OSError as exc:
        raise PatrolError(f"cannot write the pinned host keys' ssh files under {root}: "
                          f"{exc.strerror}; set XDG_CACHE_HOME to a writable directory",
                          exit_code=Exit.ENVIRONMENT) from None
    return SshFiles(known_hosts_file, config_file)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def pins_of(estate: Estate, names: Iterable[str]) -> dict[str, str]:
    """Host name -> its pinned key, for the hosts named that have one."""
    return {n: k for n in names if (h := estate.hosts.get(n)) is not None
            and (k := h.host_key) is not None}


# --- scanning: what hosts offer against what Git pins (`patrol hostkeys scan`) -------------

NEW, SAME, CHANGED, UNREAD = "new", "same", "changed", "unread"


@dataclass(frozen=True)
class Proposal:
    """One host's pinned key against the one it offered, and what a pull request should do."""

    host: str
    status: str  # new (nothing pinned), same, changed, unread (no key could be read)
    pinned: str | None
    offered: str | None
    error: str = ""


def compare(pinned: dict[str, str | None], offered: dict[str, tuple[str | None, str]]
            ) -> list[Proposal]:
    """Host -> pinned key, and host -> (offered key, error): one proposal per host, by name."""
    out = []
    for host in sorted(pinned):
        pin = pinned[host]
        key, error = offered.get(host, (None, "not scanned"))
        if key is None:
            status = UNREAD
        elif pin is None:
            status = NEW
        else:
            status = SAME if key.split()[:2] == pin.split()[:2] else CHANGED
        out.append(Proposal(host, status, pin, key, error))
    return out


def pin_in_text(text: str, line: int, column: int, key: str) -> str | None:
    """Pin ``key`` on the host whose block mapping starts at ``line``:``column`` (its first
    key, as ``- name: web-01``): replace its ``host_key:`` line or add one after the first
    line. None when the host is not written as a block mapping (the caller says so)."""
    lines = text.splitlines(keepends=True)
    indent = " " * (column - 1)
    first = line - 1
    if first >= len(lines) or not lines[first][column - 1:].strip() or \
            lines[first][column - 1:].lstrip().startswith("{"):
        return None
    pinned = f'{indent}host_key: "{key}"\n'
    end = first + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(indent)):
        if lines[end].startswith(indent + "host_key:"):
            lines[end] = pinned
            return "".join(lines)
        end += 1
    lines.insert(first + 1, pinned)
    return "".join(lines)


# --- a refused connection is a finding -----------------------------------------------------

HOST_KEY_CHECK = "host-key"  # the control a refused host key opens a finding for
HOST_KEY_SEVERITY = "critical"


def refused(message: str) -> str | None:
    """Why ssh refused the host (or a jump host on the way), from its message; None when the
    failure was something else. The offered fingerprint is quoted when ssh printed it."""
    if "Host key verification failed" not in message and \
            "REMOTE HOST IDENTIFICATION HAS CHANGED" not in message:
        return None
    offered = ""
    for word in message.replace("\\r\\n", " ").split():
        if word.startswith("SHA256:"):
            offered = word.rstrip(".")
            break
    changed = "REMOTE HOST IDENTIFICATION HAS CHANGED" in message
    what = "the host key changed" if changed else "the host key is not the pinned one"
    return f"{what}: connection refused{f' (offered {offered})' if offered else ''}; " \
           "pin the new key by pull request (patrol hostkeys scan) once it is explained"
