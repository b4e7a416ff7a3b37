"""The executor: the only module that imports ansible_runner and so the only one touching hosts.

Every run gets a fresh private data dir (an earlier run's env files would otherwise win),
0700 and removed afterwards, even after a crash (``private_dir.py``): raw Ansible events stay
out of the archive. ansible-runner seeds the play's environment with the whole of ours and
writes it to ``artifacts/<ident>/command``; the play gets only what it needs instead
(``play_env``), so a CI token or an ``{env: VAR}`` secret never lands on disk.

Stopping: ansible-runner polls ``cancel`` (a signal arrived, see ``interrupt.py``) and the
play's ``deadline``; either kills the play's process group at once. Hosts that answered
keep their results; the others have none (the caller records them as not measured).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import execute_node
from .ansible_data import as_data, inventory_as_data
from .errors import Exit, PatrolError
from .play_inventory import for_play
from .resources import package_dir

PLAYBOOKS = package_dir("playbooks")  # shipped in the package: an installed Patrol has them


class HostState(StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


ANSIBLE_MISSING = ("running plays needs Ansible, which this install of Patrol lacks: "
                   "pip install 'patrol-gitops[ansible]'")


def require_ansible(find: Callable[[str], object | None] | None = None) -> None:
    """Refuse (exit 3) before the lock, the estate and any host when this install of Patrol
    has no Ansible (the light install, `pip install patrol-gitops`): found, not imported."""
    if find is None:
        from importlib.util import find_spec as find
    if find("ansible") is None or find("ansible_runner") is None:
        raise PatrolError(ANSIBLE_MISSING, exit_code=Exit.ENVIRONMENT)


@dataclass
class HostOutcome:
    """What one host's task returned: Ansible's ``res`` dict plus how it ended."""

    state: HostState
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""


@dataclass
class PlayOutcome:
    hosts: dict[str, HostOutcome]
    status: str  # ansible-runner's: successful / failed / timeout / canceled
    rc: int
    ansible_seconds: float = 0.0
    error: str = ""  # Ansible's own output when no host produced a result
    stopped: str = ""  # "interrupted" (cancel said so) or "deadline"; "" when it ran to the end


def _stdout_tail(r: Any, lines: int = 15) -> str:
    """What ansible-playbook said, for when it never reached a host (bad inventory, syntax)."""
    try:
        text = r.stdout.read()
    except Exception:
        return f"ansible-playbook ended {r.status} (rc {r.rc}) without any host result"
    useful = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("PLAY")]
    return "\n".join(useful[-lines:]) or f"ansible-playbook ended {r.status} (rc {r.rc})"


def ansible_version() -> str:
    """ansible-core's version for records; runs that need no play work without Ansible."""
    try:
        from ansible.release import __version__
    except ImportError:
        return "not installed"
    return str(__version__)


def _path_with_our_tools() -> str:
    """PATH with our interpreter's bin dir first, so an un-activated venv still finds
    ansible-playbook (ansible-runner drops the playbook argument when given ``binary``)."""
    ours = str(Path(sys.executable).parent)
    rest = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != ours]
    return os.pathsep.join([ours, *rest])


SSH_ARGS = ("-o ControlMaster=auto -o ControlPersist=2s -o ServerAliveInterval=3 "
            "-o ServerAliveCountMax=2")


def _envvars(timeout: int, forks: int, control_dir: str, kex: bool = True) -> dict[str, str]:
    """Each run opens its own SSH connections (control sockets live in the run's private
    dir, masters linger 2 s): an inspection must see a host as it is now, not through a
    connection opened before its sshd stopped. ``kex``: the controller's cheap key exchange
    first (``runner.ssh_kex``); off for a node, whose ssh is not ours."""
    from .ssh_kex import ssh_option

    return {
        "ANSIBLE_SSH_CONTROL_PATH_DIR": control_dir,
        "ANSIBLE_SSH_ARGS": " ".join(filter(None, [SSH_ARGS, ssh_option() if kex else ""])),
        "PATH": _path_with_our_tools(),
        "ANSIBLE_LIBRARY": str(PLAYBOOKS / "library"),
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_HOST_KEY_CHECKING": "True",
        "ANSIBLE_TIMEOUT": str(timeout),
        "ANSIBLE_FORKS": str(forks),
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_NOCOLOR": "True",
        "ANSIBLE_DEPRECATION_WARNINGS": "False",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_PYTHON_INTERPRETER": "auto_silent",
        "ANSIBLE_SSH_RETRIES": "0",
        "ANSIBLE_GATHERING": "explicit",
    }


HostCallback = Callable[[str, HostOutcome], None]

# What a play inherits from our environment, by name and nothing else: where home and the SSH
# agent are, the locale, and the Ansible settings that point at the user's own configuration
# and keys (paths and options, never a value that is itself a secret). An ``ANSIBLE_*`` name
# not listed here (``ANSIBLE_BECOME_PASSWORD``, a CI job's ``ANSIBLE_FOO``) stays with us:
# ansible-runner writes the play's environment to ``artifacts/<ident>/command`` on disk.
INHERITED = frozenset({
    "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "SSH_AUTH_SOCK", "PATH",
    "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
    "ANSIBLE_CONFIG", "ANSIBLE_HOME", "ANSIBLE_VAULT_PASSWORD_FILE",
    "ANSIBLE_VAULT_IDENTITY_LIST", "ANSIBLE_PRIVATE_KEY_FILE", "ANSIBLE_REMOTE_USER",
    "ANSIBLE_SSH_COMMON_ARGS", "ANSIBLE_SSH_EXTRA_ARGS", "ANSIBLE_SSH_EXECUTABLE",
    "ANSIBLE_LOCAL_TEMP", "ANSIBLE_REMOTE_TEMP", "ANSIBLE_COLLECTIONS_PATH",
    "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_ROLES_PATH",
})


def play_env(seeded: Mapping[str, str], ours: Mapping[str, str],
             own: Mapping[str, str] | None = None) -> dict[str, str]:
    """ansible-runner's environment for the play (``seeded``: ours plus its own and our
    ``envvars``, ``own``) as an allow-list: what ``own`` sets, what ansible-runner added
    (a name we do not have, or a value that differs from ours), and the ``INHERITED`` names.
    Everything else that came from our environment is dropped, whatever its name or value.
    (No Patrol play reads an ``{env: VAR}`` secret: none uses become.)
    """
    own = own or {}
    out = {}
    for name, value in seeded.items():
        inherited = name in ours and ours[name] == value
        if name in own or not inherited or name in INHERITED:
            out[name] = own.get(name, value)
    return out


def static_inventory(dynamic: dict[str, Any]) -> dict[str, Any]:
    """Dynamic-inventory ``--list`` JSON -> the static YAML shape ansible-runner writes to disk.

    Host vars go on the hosts under ``all``; groups keep their members and vars.
    """
    hostvars = (dynamic.get("_meta") or {}).get("hostvars") or {}
    children: dict[str, Any] = {}
    for name, group in sorted(dynamic.items()):
        if name in ("_meta", "all") or not isinstance(group, dict):
            continue
        entry: dict[str, Any] = {}
        if group.get("hosts"):
            entry["hosts"] = {h: None for h in group["hosts"]}
        if group.get("vars"):
            entry["vars"] = group["vars"]
        if group.get("children"):
            entry["children"] = {c: None for c in group["children"]}
        children[name] = entry
    top: dict[str, Any] = {"hosts": {h: hostvars[h] for h in sorted(hostvars)}}
    all_vars = (dynamic.get("all") or {}).get("vars")
    if all_vars:
        top["vars"] = all_vars
    if children:
        top["children"] = children
    return {"all": top}


def run_play(
    playbook: str,
    inventory: dict[str, Any],
    *,
    limit: list[str] | None = None,
    extravars: dict[str, Any] | None = None,
    check_mode: bool = False,
    forks: int = 20,
    timeout: int = 10,
    on_host: HostCallback | None = None,
    cancel: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> PlayOutcome:
    """Run one playbook from ``playbooks/`` and collect each host's last task result.

    ``on_host`` is called as each host's result arrives (live progress). The last result
    per host wins, so multi-task plays report their final state; a failure or an
    unreachable result is never overwritten by a later ok. ``cancel`` (polled five times a
    second) and ``deadline`` (seconds from the start) stop the play early; see the module
    docstring. Every variable and extravar is handed over as data (``runner.ansible_data``):
    estate text is never an Ansible template.
    """
    try:
        from ansible_runner.interface import init_runner
    except ImportError:
        raise PatrolError(ANSIBLE_MISSING, exit_code=Exit.ENVIRONMENT) from None

    from .private_dir import private_dir

    outcomes: dict[str, HostOutcome] = {}

    def handle(event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        host = data.get("host")
        if not host or not kind.startswith("runner_on_"):
            return False
        if event.get("_if_missing") and host in outcomes:  # a node's verdict on the silent
            return False
        state = {
            "runner_on_ok": HostState.OK,
            "runner_on_failed": HostState.FAILED,
            "runner_on_unreachable": HostState.UNREACHABLE,
        }.get(kind)
        if state is None:
            return False
        if state is HostState.FAILED and data.get("ignore_errors"):
            state = HostState.OK
        res = data.get("res") or {}
        prev = outcomes.get(host)
        if prev is not None and prev.state is not HostState.OK and state is HostState.OK:
            return False
        outcome = HostOutcome(state, res, str(res.get("msg", ""))[:500])
        outcomes[host] = outcome
        if on_host is not None:
            on_host(host, outcome)
        return False  # nothing needs the event on disk afterwards

    started = time.perf_counter()
    stopped = ""

    def stop() -> bool:
        """ansible-runner's cancel callback; passing one also keeps it from installing
        SIGINT/SIGTERM handlers of its own (which it would never restore)."""
        nonlocal stopped
        if not stopped and cancel is not None and cancel():
            stopped = "interrupted"
        elif not stopped and deadline is not None and time.perf_counter() - started > deadline:
            stopped = "deadline"
        return bool(stopped)

    static = static_inventory(inventory) if "_meta" in inventory else inventory
    lock = threading.Lock()

    def handled(event: dict[str, Any]) -> bool:  # node streams arrive on their own threads
        with lock:
            return handle(event)

    direct, nodes = execute_node.split(static["all"].get("hosts") or {},
                                       limit or sorted(static["all"].get("hosts") or {}))
    streams = [threading.Thread(target=_stream_node, daemon=True, args=(
        node, hosts, playbook, static, extravars, check_mode, forks, timeout, handled, stop,
        deadline)) for node, hosts in sorted(nodes.items())]
    for thread in streams:
        thread.start()
    if nodes and not direct:  # every host is behind a node: nothing to run here
        for thread in streams:
            thread.join()
        status = "canceled" if stopped else ("successful" if all(
            o.state is HostState.OK for o in outcomes.values()) else "failed")
        return PlayOutcome(outcomes, status, 0 if status == "successful" else 2,
                           time.perf_counter() - started, stopped=stopped)
    limit = direct if nodes else limit

    with private_dir() as pdd:
        r = init_runner(
            private_data_dir=pdd,
            project_dir=str(PLAYBOOKS),
            playbook=str(PLAYBOOKS / playbook),
            inventory=inventory_as_data(for_play(static, limit)),
            limit=",".join(limit) if limit else None,
            extravars=as_data(extravars or {}),
            envvars=(own := _envvars(timeout, forks, os.path.join(pdd, "cp"))),
            forks=forks,
            cmdline="--check --diff" if check_mode else None,
            quiet=True,
            suppress_env_files=True,
            event_handler=handled,
            cancel_callback=stop,
            omit_event_data=False,
        )
        r.config.env = play_env(r.config.env, os.environ, own)
        r.config.pexpect_timeout = 0.2  # how often ``stop`` is polled
        if stop():  # interrupted before the play began: nothing to start
            return PlayOutcome({}, "canceled", 254, 0.0, stopped=stopped)
        r.run()
        for thread in streams:
            thread.join()
        elapsed = time.perf_counter() - started
        outcome = PlayOutcome(outcomes, str(r.status), int(r.rc or 0), elapsed, stopped=stopped)
        if limit and not outcomes and not stopped:
            outcome.error = _stdout_tail(r)
        return outcome


def _stream_node(node: str, hosts: list[str], playbook: str, static: dict[str, Any],
                 extravars: dict[str, Any] | None, check_mode: bool, forks: int, timeout: int,
                 handle: Callable[[dict[str, Any]], bool], stop: Callable[[], bool],
                 deadline: float | None) -> None:
    """One node's share of the play: ``transmit`` here, ``ssh node ansible-runner worker``,
    ``process`` here (``runner/execute_node.py`` says why and what stays on the node). A host
    the node gave no result for is unreachable, with the node's reason."""
    import shutil
    import subprocess
    import tempfile

    from ansible_runner.interface import init_runner

    from .private_dir import private_dir

    remote = execute_node.remote_dir()
    args = str((static["all"]["hosts"].get(hosts[0]) or {}).get("patrol_node_ssh_args") or "")
    inventory, known = execute_node.node_inventory(static, hosts, remote)
    explained: list[str] = []
    with private_dir() as pdd, tempfile.TemporaryFile(dir=pdd) as payload, \
            tempfile.TemporaryFile(dir=pdd) as errors:
        project = Path(pdd) / "project"
        shutil.copytree(PLAYBOOKS, project, ignore=shutil.ignore_patterns("__pycache__"))
        (Path(pdd) / "known_hosts").write_text(known)
        init_runner(
            private_data_dir=pdd, playbook=str(project / playbook),
            inventory=inventory_as_data(inventory), limit=",".join(hosts),
            extravars=as_data(extravars or {}),
            envvars=execute_node.node_envvars(
                _envvars(timeout, forks, "", kex=False), remote),
            forks=forks, cmdline="--check --diff" if check_mode else None, quiet=True,
            suppress_env_files=True, omit_event_data=False, cancel_callback=stop,
            timeout=int(deadline) if deadline else None,
            streamer="transmit", _output=payload).run()
        payload.seek(0)
        if stop():
            return
        ssh = subprocess.Popen(
            [*execute_node.ssh_argv(node, args, timeout), execute_node.worker_command(remote)],
            stdin=payload, stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
        cut = threading.Event()

        def watch() -> None:  # stop (signal, deadline) ends the stream: ssh goes first
            while ssh.poll() is None:
                if stop():
                    cut.set()
                    ssh.kill()
                    return
                time.sleep(0.2)

        threading.Thread(target=watch, daemon=True).start()

        def status(data: dict[str, Any], **_: Any) -> None:
            if data.get("job_explanation"):
                explained.append(str(data["job_explanation"]))

        init_runner(private_data_dir=pdd, streamer="process", _input=ssh.stdout,
                    event_handler=handle, status_handler=status, cancel_callback=stop,
                    quiet=True).run()
        rc = ssh.wait()
        if cut.is_set():  # the worker may still run: stop it and remove its dir
            subprocess.run([*execute_node.ssh_argv(node, args, timeout),
                            execute_node.cleanup_command(remote)], capture_output=True,
                           timeout=timeout * 3, stdin=subprocess.DEVNULL, check=False)
            return
        errors.seek(0)
        said = [ln for ln in errors.read().decode(errors="replace").splitlines() if ln.strip()]
    reason = (said[-1] if rc == 255 and said else explained[-1] if explained
              else f"the node ended (ssh {rc}) without a result for this host")
    for host in hosts:
        handle({"event": "runner_on_unreachable", "event_data": {
            "host": host, "res": {"unreachable": True, "msg": f"execution node {node}: {reason}"}},
            "_if_missing": True})


def secret_usable(secret: Any, env: Mapping[str, str] | None = None) -> bool:
    """Whether Ansible could read an estate secret now: an ``{env: VAR}`` that is set, or a
    ``!vault`` value the vault password (``ANSIBLE_VAULT_PASSWORD_FILE``) decrypts."""
    env = os.environ if env is None else env
    name = getattr(secret, "env", None)
    if name is not None:
        return bool(env.get(name))
    password_file = env.get("ANSIBLE_VAULT_PASSWORD_FILE")
    if not password_file:
        return False
    from ansible.parsing.vault import VaultLib, VaultSecret

    try:
        password = Path(password_file).expanduser().read_bytes().strip()
        VaultLib([("default", VaultSecret(password))]).decrypt(secret.ciphertext)
    except Exception:  # any failure means Ansible could not read it either
        return False
    return True
