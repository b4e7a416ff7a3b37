"""The executor: the only module that imports ansible_runner and so the only one touching hosts.

Every run gets a fresh private data dir (an earlier run's env files would otherwise win) and
the dir is removed afterwards: raw Ansible events stay out of the archive.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

PLAYBOOKS = Path(__file__).resolve().parent.parent / "playbooks"


class HostState(StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


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


def ansible_version() -> str:
    from ansible.release import __version__

    return str(__version__)


def _binary(name: str) -> str:
    """Prefer the tool next to our interpreter, so an un-activated venv still works."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def _envvars(timeout: int, forks: int) -> dict[str, str]:
    return {
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
) -> PlayOutcome:
    """Run one playbook from ``playbooks/`` and collect each host's last task result.

    ``on_host`` is called as each host's result arrives (live progress). The last result
    per host wins, so multi-task plays report their final state; a failure or an
    unreachable result is never overwritten by a later ok.
    """
    import time

    import ansible_runner

    outcomes: dict[str, HostOutcome] = {}

    def handle(event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        host = data.get("host")
        if not host or not kind.startswith("runner_on_"):
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

    pdd = tempfile.mkdtemp(prefix="patrol-run-")
    try:
        cmdline = "--check --diff" if check_mode else None
        started = time.perf_counter()
        r = ansible_runner.run(
            private_data_dir=pdd,
            project_dir=str(PLAYBOOKS),
            playbook=str(PLAYBOOKS / playbook),
            inventory=inventory,
            limit=",".join(limit) if limit else None,
            extravars=extravars or {},
            envvars=_envvars(timeout, forks),
            forks=forks,
            cmdline=cmdline,
            binary=_binary("ansible-playbook"),
            quiet=True,
            suppress_env_files=True,
            event_handler=handle,
            cancel_callback=cancel,
            omit_event_data=False,
        )
        elapsed = time.perf_counter() - started
        return PlayOutcome(outcomes, str(r.status), int(r.rc or 0), elapsed)
    finally:
        shutil.rmtree(pdd, ignore_errors=True)
