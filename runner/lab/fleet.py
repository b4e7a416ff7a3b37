"""Bring a lab up, tear it down, say how it is.

Why `down` finds everything by name and namespace rather than from the state file: after a
crash of `up` (or a lost state dir) the file may be missing or wrong, yet CI must still get a
clean machine. Every process of a lab lives in one of its network namespaces, every mount in a
host's private mount namespace, and every link and namespace carries the lab's name prefix.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from ..errors import Exit, PatrolError
from . import aptrepo, bmc, host, hostkeys, image, network, preflight, roster, sites
from .config import DEFAULT, STATE_ROOT, LabConfig
from .state import HostState, LabState, init_pid, load, netns_inode, save

BOOT_TIMEOUT = 30.0


@contextlib.contextmanager
def locked(config: LabConfig) -> Iterator[None]:
    """One `up`/`down`/fault at a time per lab, across processes."""
    config.lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(config.lock_file, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def leftovers(config: LabConfig) -> list[str]:
    """Names of what a previous lab left on this machine (empty when it is clean)."""
    found = network.lab_netns(config) + network.lab_links(config)
    if config.state_dir.exists():
        found.append(str(config.state_dir))
    return found


def up(root: Path, count: int | None = None, config: LabConfig = DEFAULT,
       echo: Callable[[str], None] = print) -> LabState:
    """Bring up the estate's hosts (plus generated ones up to ``count``); undo on failure."""
    preflight.require_root()
    preflight.require_tools()
    hosts = roster.lab_hosts(root, count, config)
    if not hosts:
        raise PatrolError(f"no hosts to bring up: the estate at {root} declares none in "
                          f"{config.network}", exit_code=Exit.USAGE)
    with locked(config):
        if left := leftovers(config):
            what = "already up" if load(config) else "left over from an earlier run"
            raise PatrolError(f"lab {config.name!r} is {what} ({', '.join(left[:3])}...): "
                              "run `patrol lab down` first", exit_code=Exit.ENVIRONMENT)
        network.check_clashes(config, [a for _, a in hosts])
        network.check_clashes(replace(config, network=bmc.network(config)), [])
        base = image.ensure_image(echo=echo)
        repo = aptrepo.ensure_repo()
        try:
            state = _build(config, hosts, base, repo)
            state.hosts += sites.build(config, sites.plan(root, config), base, repo)
            save(config, state)
            return state
        except BaseException:
            _teardown(config)
            raise


def _build(config: LabConfig, hosts: list[tuple[str, str]], base: Path,
           repo: Path) -> LabState:
    config.state_dir.mkdir(parents=True)
    config.state_dir.chmod(0o700)
    config.control_dir.mkdir()
    config_file(config).write_text(json.dumps(
        {"name": config.name, "network": str(config.network),
         "routing_table": config.routing_table}) + "\n")
    keygens = [subprocess.Popen(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                                 f"patrol-lab-{config.name}", "-f", str(config.client_key)])]
    for name, address in hosts:
        hdir = config.host_dir(name)
        hdir.mkdir(parents=True)
        hostkeys.write(hdir / "ssh_host_ed25519_key", name)
        host.write_boot(config, name, address, base, repo)
    network.create(config, hosts)
    if any(p.wait() != 0 for p in keygens):
        raise PatrolError("ssh-keygen failed", exit_code=Exit.ENVIRONMENT)
    for name, _ in hosts:
        host.start(config, name)
    _wait_ready(config, hosts)
    bmc.start(config, hosts)
    lines = []
    for name, address in hosts:
        key = (config.host_dir(name) / "ssh_host_ed25519_key.pub").read_text().split()
        lines.append(f"{address} {key[0]} {key[1]}\n")
    config.known_hosts.write_text("".join(lines))
    state = LabState(name=config.name, network=str(config.network), image=str(base),
                     repo=str(repo), hosts=[
                         HostState(name=n, address=a, netns=config.netns(n),
                                   veth=config.veth(a), mac=host.mac_of(a))
                         for n, a in hosts])
    save(config, state)
    return state


def _wait_ready(config: LabConfig, hosts: list[tuple[str, str]]) -> None:
    """Wait until every host's sshd accepts TCP connections; fail fast if a boot died."""
    pending = dict(hosts)
    deadline = time.monotonic() + BOOT_TIMEOUT
    while pending:
        for name, address in list(pending.items()):
            if _port_open(address, 22, 0.2):
                del pending[name]
            elif (config.host_dir(name) / "init.pid").exists() and \
                    init_pid(config, name) is None and _boot_exited(config, name):
                log = (config.host_dir(name) / "boot.log").read_text(errors="replace")
                raise PatrolError(f"host {name} failed to boot:\n{log[-2000:]}",
                                  exit_code=Exit.ENVIRONMENT)
        if pending and time.monotonic() > deadline:
            raise PatrolError(f"hosts did not start sshd within {BOOT_TIMEOUT:.0f} s: "
                              f"{', '.join(sorted(pending))}", exit_code=Exit.ENVIRONMENT)
        if pending:
            time.sleep(0.02)


def _boot_exited(config: LabConfig, name: str) -> bool:
    try:
        pid = int((config.host_dir(name) / "init.pid").read_text())
    except ValueError:
        return False
    return not Path(f"/proc/{pid}").exists()


def _port_open(address: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def down(config: LabConfig = DEFAULT) -> list[str]:
    """Remove every trace of the lab; a no-op on a clean machine. Returns what was removed."""
    preflight.require_root()
    with locked(config):
        removed = leftovers(config)
        _teardown(config)
    return removed


def config_file(config: LabConfig) -> Path:
    """Written first by `up`, so `down --all` can find and undo a lab of any name."""
    return config.state_dir / "config.json"


def all_labs() -> list[LabConfig]:
    """The default lab and every other lab whose state dir is on this machine."""
    labs = {DEFAULT.name: DEFAULT}
    for path in STATE_ROOT.glob("*/config.json"):
        try:
            data = json.loads(path.read_text())
            labs[data["name"]] = LabConfig(data["name"], ipaddress.IPv4Network(data["network"]),
                                           int(data["routing_table"]))
        except (OSError, ValueError, KeyError):
            continue
    return list(labs.values())


def lab_processes(config: LabConfig) -> list[int]:
    """Every process in one of this lab's network namespaces, or running one of its scripts."""
    inodes = {i for ns in network.lab_netns(config) if (i := netns_inode(ns)) is not None}
    mark = str(config.state_dir).encode() + b"/"
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry.name}/ns/net").st_ino in inodes or \
                    mark in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _teardown(config: LabConfig) -> None:
    """Kill the lab's processes (a host's mounts die with its last process), then the rest.

    Scans until none is left: a host still booting may spawn its init after a scan.
    """
    deadline = time.monotonic() + 10
    while (pids := [p for p in lab_processes(config) if _alive(p)]) and \
            time.monotonic() < deadline:
        for pid in pids:
            host.kill(pid)
        time.sleep(0.02)
    network.destroy(config)
    if config.state_dir.exists():
        shutil.rmtree(config.state_dir, ignore_errors=True)


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (a zombie holds no namespace)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def status(config: LabConfig = DEFAULT) -> list[dict[str, str]]:
    """One row per host: address, init pid, whether sshd answers, faults applied."""
    preflight.require_root()
    state = load(config)
    if state is None:
        return []
    rows = []
    for h in state.hosts:
        pid = init_pid(config, h.name)
        if pid is None:
            ssh = "-"
        else:
            ssh = "listening" if _port_open(h.address, 22, 0.3) else "not answering"
        rows.append({"host": h.name, "address": h.address,
                     "state": "killed" if h.killed else ("up" if pid else "down"),
                     "pid": str(pid or "-"), "ssh": ssh,
                     "faults": ", ".join(
                         (["link down"] if h.link_down else []) +
                         (["service status hangs"] if h.service_hang else []) +
                         [f"disk {p} ({s})" for p, s in sorted(h.disks.items())] +
                         [f"bmc {f}" for f in sorted(h.bmc_faults)] +
                         ([f"bmc layout {h.bmc_layout}"] if h.bmc_layout != "classic"
                          else [])) or "-"})
    return rows
