"""Read the SSH host key each host offers: the one part of `patrol hostkeys scan` that touches
hosts, so it lives beside the executor.

Why ssh and not ssh-keyscan: a host behind jump hosts is reached the way a play reaches it
(the pinned-keys config, ProxyJump), so the jump hosts' own keys are checked against Git on
the way, and only the last host's key is new. ssh records that key (``accept-new``) in a
throwaway known-hosts file and then fails to log in on purpose: no authentication method is
offered, so nothing runs on the host. Hosts are read in parallel, each with a deadline.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

NO_LOGIN = ("-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no",
            "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no",
            "-o", "GSSAPIAuthentication=no", "-o", "HostbasedAuthentication=no")


@dataclass(frozen=True)
class Offered:
    host: str
    key: str | None  # "type base64", or None when none was read
    error: str = ""


def _argv(target: Mapping[str, object], known: Path, timeout: int) -> list[str]:
    """ssh's argv for one host's inventory vars (address, port, user, common args)."""
    # ssh keeps the first value of an option: ours come before the inventory's, which may pin
    # a known-hosts file of their own (jump hosts keep theirs: a hop reads only the -F config)
    argv = ["ssh", "-T", "-o", f"ConnectTimeout={timeout}",
            "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=accept-new",
            "-o", "HashKnownHosts=no", "-o", "GlobalKnownHostsFile=/dev/null", *NO_LOGIN]
    argv += str(target.get("ansible_ssh_common_args") or "").split()
    if target.get("ansible_port"):
        argv += ["-p", str(target["ansible_port"])]
    user = target.get("ansible_user")
    argv += ["--", f"{user}@{target['ansible_host']}" if user else str(target["ansible_host"]),
             "true"]
    return argv


def _read(name: str, target: Mapping[str, object], timeout: int) -> Offered:
    with tempfile.TemporaryDirectory(prefix="patrol-keyscan-") as tmp:
        known = Path(tmp) / "known_hosts"
        try:
            proc = subprocess.run(_argv(target, known, timeout), capture_output=True, text=True,
                                  timeout=timeout * 3 + 5, stdin=subprocess.DEVNULL,
                                  env={**os.environ, "LC_ALL": "C"})
            err = proc.stderr
        except subprocess.TimeoutExpired:
            return Offered(name, None, f"no answer within {timeout * 3 + 5} s")
        lines = known.read_text().splitlines() if known.exists() else []
        keys = [" ".join(line.split()[1:3]) for line in lines if len(line.split()) >= 3]
        if keys:
            return Offered(name, keys[-1])
        reason = next((ln.strip() for ln in err.splitlines() if ln.strip()
                       and not ln.startswith(("Warning:", "@"))), "no host key was read")
        return Offered(name, None, reason[:300])


def offered_keys(targets: Mapping[str, Mapping[str, object]], timeout: int = 10,
                 parallel: int = 20) -> dict[str, Offered]:
    """Host name -> the key it offers, read over ssh as a play would connect."""
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(targets) or 1))) as pool:
        futures = {n: pool.submit(_read, n, t, timeout) for n, t in sorted(targets.items())}
        return {n: f.result() for n, f in futures.items()}
