"""Real faults on lab hosts, each undone by its pair.

- ``sshd_stop``/``sshd_start``: `service ssh stop/start` inside the host -> ssh is refused.
- ``link_down``/``link_up``: the host's bridge port goes down and its neighbour entry is pinned,
  so packets vanish and ssh *times out* (rather than failing fast with "no route to host").
- ``disk_attach``/``disk_detach``: a size-limited filesystem mounted at a path inside the host
  (tmpfs named ``/dev/patrol-disk-...``), which fills up with "No space left on device".
- ``service_hang``/``service_unhang``: `service NAME status` never returns (a stuck init
  script, the kind a hung NFS mount or a wedged daemon gives): a ``service`` earlier on the
  PATH than Debian's sleeps on ``status`` and passes everything else on.
- ``kill``: SIGKILL the host's init (the whole PID namespace dies) and drop its namespace.
- ``bmc_fault``: the host's BMC reports a failed part, or does not answer (``bmc_faults.py``);
  ``clear`` undoes them all.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

from ..errors import Exit, PatrolError
from . import bmc, bmc_faults, preflight
from . import host as hostmod
from .config import DEFAULT, LabConfig
from .fleet import locked
from .state import HostState, LabState, init_pid, load, save


def _host(config: LabConfig, name: str, alive: bool = True) -> tuple[LabState, HostState, int]:
    preflight.require_root()
    state = load(config)
    if state is None:
        raise PatrolError("no lab is up: run `patrol lab up`", exit_code=Exit.ENVIRONMENT)
    h = state.host(name)
    if h is None:
        known = ", ".join(x.name for x in state.hosts)
        raise PatrolError(f"unknown lab host {name!r} (lab hosts: {known})", exit_code=Exit.USAGE)
    pid = init_pid(config, name)
    if alive and pid is None:
        raise PatrolError(f"lab host {name} is not running", exit_code=Exit.ENVIRONMENT)
    return state, h, pid or 0


def _run(pid: int, argv: list[str], what: str) -> None:
    proc = hostmod.run_in(pid, argv)
    if proc.returncode != 0:
        raise PatrolError(f"{what} failed: {(proc.stderr or proc.stdout).strip()}",
                          exit_code=Exit.FAILED)


def sshd_stop(name: str, config: LabConfig = DEFAULT) -> None:
    _, _, pid = _host(config, name)
    _run(pid, ["service", "ssh", "stop"], f"stopping sshd on {name}")


def sshd_start(name: str, config: LabConfig = DEFAULT) -> None:
    """Start sshd and return once it listens: ``service`` returns when the daemon has forked,
    before its socket is open, and a login at once would be refused."""
    _, _, pid = _host(config, name)
    _run(pid, ["service", "ssh", "start"], f"starting sshd on {name}")
    _run(pid, ["sh", "-c", "for i in $(seq 100); do ss -ltn | grep -q ':22 ' && exit 0; "
                           "sleep 0.1; done; echo 'not listening on port 22 after 10 s'; exit 1"],
         f"starting sshd on {name}")


def link_down(name: str, config: LabConfig = DEFAULT) -> None:
    with locked(config):
        state, h, _ = _host(config, name)
        subprocess.run(["ip", "link", "set", h.veth, "down"], check=True)
        if h.mac:
            subprocess.run(["ip", "neigh", "replace", h.address, "lladdr", h.mac, "dev",
                            config.bridge, "nud", "permanent"], check=True)
        h.link_down = True
        save(config, state)


def link_up(name: str, config: LabConfig = DEFAULT) -> None:
    with locked(config):
        state, h, _ = _host(config, name)
        subprocess.run(["ip", "neigh", "del", h.address, "dev", config.bridge],
                       capture_output=True)
        subprocess.run(["ip", "link", "set", h.veth, "up"], check=True)
        h.link_down = False
        save(config, state)


def _disk_source(path: str) -> str:
    return "/dev/patrol-disk" + (re.sub(r"[^A-Za-z0-9]+", "-", path).rstrip("-") or "-root")


def disk_attach(name: str, path: str, size: str = "16M", config: LabConfig = DEFAULT) -> None:
    if not path.startswith("/") or path == "/":
        raise PatrolError(f"disk path must be absolute and not /: {path!r}", exit_code=Exit.USAGE)
    if not re.fullmatch(r"\d+[KMG]?", size):
        raise PatrolError(f"bad disk size {size!r} (e.g. 16M)", exit_code=Exit.USAGE)
    with locked(config):
        state, h, pid = _host(config, name)
        if path in h.disks:
            raise PatrolError(f"{name} already has a disk at {path}", exit_code=Exit.USAGE)
        _run(pid, ["sh", "-c", 'mkdir -p "$1" && mount -t tmpfs -o "size=$2,mode=0755" "$3" "$1"',
                   "sh", path, size, _disk_source(path)], f"attaching a disk to {name}")
        h.disks[path] = size
        save(config, state)


def disk_detach(name: str, path: str, config: LabConfig = DEFAULT) -> None:
    with locked(config):
        state, h, pid = _host(config, name)
        if path not in h.disks:
            raise PatrolError(f"{name} has no lab disk at {path}", exit_code=Exit.USAGE)
        _run(pid, ["umount", path], f"detaching the disk at {path} from {name}")
        del h.disks[path]
        save(config, state)


HANG_PATH = "/usr/local/sbin/service"
HANG_SCRIPT = """#!/bin/sh
# patrol lab service-hang: `service NAME status` hangs like a stuck init script
if [ "$2" = status ]; then exec sleep 86400; fi
exec /usr/sbin/service "$@"
"""


def service_hang(name: str, config: LabConfig = DEFAULT) -> None:
    with locked(config):
        state, h, pid = _host(config, name)
        _run(pid, ["sh", "-c", 'printf %s "$1" > "$2" && chmod 0755 "$2"', "sh", HANG_SCRIPT,
                   HANG_PATH], f"making service status hang on {name}")
        h.service_hang = True
        save(config, state)


def service_unhang(name: str, config: LabConfig = DEFAULT) -> None:
    with locked(config):
        state, h, pid = _host(config, name)
        _run(pid, ["sh", "-c", 'rm -f "$1"; pkill -f "^sleep 86400$" || true', "sh",
                   HANG_PATH], f"undoing service-hang on {name}")
        h.service_hang = False
        save(config, state)


def kill(name: str, config: LabConfig = DEFAULT) -> None:
    with locked(config):
        state, h, pid = _host(config, name, alive=False)
        if pid:
            hostmod.kill(pid)
        subprocess.run(["ip", "netns", "delete", h.netns], capture_output=True)
        h.killed = True
        save(config, state)


def _bmc_host(config: LabConfig, name: str) -> tuple[LabState, HostState]:
    """The lab's state and host ``name``, whose BMC is up; under the caller's lock."""
    state, h, _ = _host(config, name, alive=False)
    if not bmc.running(config):
        raise PatrolError("this lab has no BMCs (brought up by an older patrol): run "
                          "`patrol lab down` and `patrol lab up`", exit_code=Exit.ENVIRONMENT)
    return state, h


def bmc_fault(name: str, fault: str, config: LabConfig = DEFAULT,
              now: datetime | None = None) -> dict[str, str]:
    """Apply ``fault`` to host ``name``'s BMC (``clear``: undo them all); returns its faults."""
    if fault != "clear" and fault not in bmc_faults.FAULTS:
        raise PatrolError(f"unknown BMC fault {fault!r}; expected one of "
                          f"{', '.join((*bmc_faults.FAULTS, 'clear'))}", exit_code=Exit.USAGE)
    preflight.require_root()
    with locked(config):
        state, h = _bmc_host(config, name)
        when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fault == "clear":
            h.bmc_faults = {}
        else:
            h.bmc_faults = {**h.bmc_faults, fault: h.bmc_faults.get(fault, when)}
        save(config, state)
        return dict(h.bmc_faults)


def bmc_layout(name: str, layout: str, config: LabConfig = DEFAULT) -> str:
    """Serve host ``name``'s BMC in another vendor's ``layout`` (``bmc_layouts.LAYOUTS``):
    its faults stay, only where its parts live changes."""
    from . import bmc_layouts

    if layout not in bmc_layouts.LAYOUTS:
        raise PatrolError(f"unknown BMC layout {layout!r}; expected one of "
                          f"{', '.join(bmc_layouts.LAYOUTS)}", exit_code=Exit.USAGE)
    preflight.require_root()
    with locked(config):
        state, h = _bmc_host(config, name)
        h.bmc_layout = layout
        save(config, state)
        return layout
