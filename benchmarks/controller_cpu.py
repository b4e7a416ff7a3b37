"""Benchmark: the controller's own CPU per host, `patrol inspect daily` against `ansible all -m
ping` on the same lab hosts, directly and through an execution node; and wall time on 200.

Goal (issue 26): Patrol's controller CPU per host <= 0.7x ping's. Only the controller's
process tree is counted (this process's children and every descendant: Ansible's forks, ssh
clients, the ControlPersist masters that outlive their parent, which this process adopts as a
child subreaper and reaps): lab hosts share this machine's CPUs, customers' hosts do not.
The ping is Ansible's with Patrol's other SSH settings and ssh's own key exchange order (the
issue's baseline, as measured before Patrol chose X25519 first, ``runner/ssh_kex.py``); a
second ping with Patrol's key exchange too shows what that choice alone moves.
Through a node, the node's play is the node's CPU, not ours: what is left here is transmit,
ssh's stream, process, judging, recording and committing.

Run as root: `.venv/bin/python benchmarks/controller_cpu.py [--hosts 20] [--rounds 3]
[--wall-hosts 200]`; `benchmarks/inspect.py --controller` prints the same. Its lab is its own
(``pcpu``, 10.125.250.0/24, the node's site 10.126.250.0/24): the session's fleet is never
touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run as a script, this folder comes first on sys.path, and benchmarks/inspect.py would shadow
# the standard library's `inspect`: put the repository there instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import ctypes
import ipaddress
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Become the subreaper of our descendants: a daemonised ssh master is then our child."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _reap(settle: float = 4.0) -> None:
    """Wait for adopted orphans (ssh masters linger ControlPersist=2s) so their CPU counts."""
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def tree_cpu(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds of the command's whole process tree, its wall seconds)."""
    _reap(0.1)
    before = _children_cpu()
    t = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - t
    _reap()
    return _children_cpu() - before, wall


def estate_copy(dest: Path, hosts: list[tuple[str, str, str]], sites_yaml: str = "") -> Path:
    """The sample estate plus these hosts (name, address, site) and ``sites_yaml``, in a fresh
    Git repository (the sample's own hosts stay: its waivers and plans name them)."""
    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, dest / part)
    lines = ["hosts:"]
    for name, address, site in hosts:
        lines += [f"  - name: {name}", f"    address: {address}", f"    site: {site}",
                  "    role: web", "    environment: production", "    criticality: medium",
                  "    owner: ops-team@example.com", "    hardware:", "      model: dl360-g10",
                  f"      serial: BENCH-{name}", "      purchased: 2024-01-10",
                  "      warranty_end: 2029-01-09", "      end_of_life: 2031-12-31",
                  "    os: {family: debian, release: \"12\"}",
                  "    software: {patrol-agent: \"1.0.0-1\"}"]
    (dest / "inventory/hosts/bench.yaml").write_text("\n".join(lines) + "\n")
    sites = dest / "inventory/sites.yaml"
    sites.write_text(sites.read_text() + sites_yaml)
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # one control, one
        text = checklist.read_text()  # limit everywhere; the machine's load is not under test
        checklist.write_text(text.replace("      max: 2.0\n", "      max: 1000.0\n"))
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "e"]):
        subprocess.run(["git", *cmd], cwd=dest, check=True, capture_output=True)
    return dest


def ping_argv(root: Path, connections: dict[str, dict[str, object]], work: Path,
              limit: str | None = None, kex: bool = False) -> tuple[list[str], dict[str, str]]:
    """`ansible all -m ping` over the inventory Patrol's play gets, with its SSH settings;
    ``kex=False`` (the issue's baseline): ssh's own key exchange order, as Ansible runs it;
    ``kex=True``: Patrol's (``runner/ssh_kex.py``), to show what that choice alone moves."""
    from runner import execute
    from runner.clock import utc_now
    from runner.inspect import build_inventory, load_valid_estate, select

    estate = load_valid_estate(root, utc_now().date())
    sel = select(estate, "daily", limit)
    inv = work / "inventory.json"
    inv.write_text(json.dumps(execute.static_inventory(build_inventory(estate, sel, connections)),
                              default=str))
    env = {**os.environ, **execute._envvars(10, 20, str(work / "cp"), kex=kex)}
    (work / "cp").mkdir(exist_ok=True)
    hosts = ",".join(h.name for h in sel.hosts)
    return [str(BIN / "ansible"), hosts, "-i", str(inv), "-m", "ping", "-f", "20"], env


CFG_NAME, NET, SITE_NET, TABLE = "pcpu", "10.125.250", "10.126.250", 3250
NODE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIHwOdhpHaSJHdqAH/ZeQYWe3B4LUwcG36j3f+DZdzMI"


def _config():  # type: ignore[no-untyped-def]
    from runner.lab.config import LabConfig

    return LabConfig(name=CFG_NAME, network=ipaddress.IPv4Network(f"{NET}.0/24"),
                     routing_table=TABLE)


def _lab(work: Path, direct: int, behind: int) -> Path:
    """A lab of our own (never the session's): ``direct`` hosts, ``behind`` hosts behind an
    execution node at .3; its estate."""
    from runner.lab import fleet

    hosts = [(f"b-{i:03d}", f"{NET}.{10 + i}", "bench") for i in range(1, direct + 1)]
    hosts += [(f"deep-{i:03d}", f"{SITE_NET}.{10 + i}", "deep") for i in range(1, behind + 1)]
    sites = "  - id: bench\n    name: Bench\n    timezone: UTC\n"
    if behind:
        sites += ("  - id: deep\n    name: Deep\n    timezone: UTC\n    reach:\n      node: "
                  f"{{address: {NET}.3, user: root, host_key: \"{NODE_KEY}\"}}\n")
    root = estate_copy(work / "estate", hosts, sites)
    fleet.down(_config())
    fleet.up(root, None, _config(), echo=lambda _m: None)
    return root


def _patrol(root: Path, limit: str) -> tuple[list[str], dict[str, str]]:
    """`patrol inspect daily` as the CLI runs it (record and commit included), on our lab."""
    code = ("import ipaddress, sys; from pathlib import Path; from runner.inspect import "
            "inspect; from runner.lab import ansible_vars; from runner.lab.config import "
            f"LabConfig; c = LabConfig(name={CFG_NAME!r}, network=ipaddress.IPv4Network("
            f"'{NET}.0/24'), routing_table={TABLE}); inspect(Path(sys.argv[1]), 'daily', "
            "limit=sys.argv[2], connections=ansible_vars(c))")
    return [sys.executable, "-c", code, str(root), limit], {**os.environ, "CI": "true",
                                                            "PYTHONPATH": str(ROOT)}


def _medians(runs: list[tuple[float, float]], hosts: int) -> tuple[float, float]:
    return (statistics.median(c for c, _ in runs) / hosts, statistics.median(w for _, w in runs))


def measure(direct: int, behind: int, rounds: int) -> None:
    """Direct hosts: patrol against ping, interleaved; then the hosts behind the node."""
    from runner.lab import ansible_vars, fleet

    work = Path(tempfile.mkdtemp(prefix="patrol-cpu-"))
    try:
        root = _lab(work, direct, behind)
        conn = ansible_vars(_config())
        direct_conn = {n: v for n, v in conn.items() if n.startswith("b-")}
        ping = ping_argv(root, direct_conn, work, "site=bench")
        ping_kex = ping_argv(root, direct_conn, work, "site=bench", kex=True)
        patrol, node = _patrol(root, "site=bench"), _patrol(root, "site=deep")
        tree_cpu(*ping)  # warm-up: page cache, imports
        tree_cpu(*patrol)
        p, a, k, n = [], [], [], []
        for _ in range(rounds):  # interleaved: all see the same noise
            a.append(tree_cpu(*ping))
            p.append(tree_cpu(*patrol))
            k.append(tree_cpu(*ping_kex))
            if behind:
                n.append(tree_cpu(*node))
        (pc, pw), (ac, aw) = _medians(p, direct), _medians(a, direct)
        kc, _ = _medians(k, direct)
        print(f"direct, {direct} lab hosts, {rounds} rounds (medians):")
        print(f"  controller CPU per host: patrol inspect daily {1000 * pc:.0f} ms, "
              f"ansible all -m ping {1000 * ac:.0f} ms: {pc / ac:.2f}x ping (goal <= 0.7x)")
        print(f"  ping given Patrol's key exchange too: {1000 * kc:.0f} ms per host "
              f"(patrol {pc / kc:.2f}x that)")
        print(f"  wall: patrol {pw:.2f} s, ping {aw:.2f} s")
        if behind:
            nc, nw = _medians(n, behind)
            print(f"through an execution node, {behind} hosts: controller CPU per host "
                  f"{1000 * nc:.0f} ms ({nc / ac:.2f}x direct ping; the play's CPU is the "
                  f"node's), wall {nw:.2f} s")
    finally:
        fleet.down(_config())
        _config().lock_file.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def wall(count: int) -> None:
    from runner.lab import ansible_vars, fleet

    work = Path(tempfile.mkdtemp(prefix="patrol-wall-"))
    try:
        root = _lab(work, count, 0)
        ping = ping_argv(root, ansible_vars(_config()), work, "site=bench")
        pc, a = tree_cpu(*ping)
        c, p = tree_cpu(*_patrol(root, "site=bench"))
        print(f"wall on {count} lab hosts: patrol inspect daily {p:.1f} s, ansible -m ping "
              f"{a:.1f} s ({p / a:.2f}x); controller CPU per host: patrol "
              f"{1000 * c / count:.0f} ms, ping {1000 * pc / count:.0f} ms ({c / pc:.2f}x ping; "
              "the fixed cost of a run, Patrol's own start, judging and commit, spread over "
              "more hosts)")
    finally:
        fleet.down(_config())
        _config().lock_file.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--wall-hosts", type=int, default=200)
    args = ap.parse_args(argv)
    adopt_orphans()
    measure(args.hosts, args.hosts, args.rounds)
    if args.wall_hosts:
        wall(args.wall_hosts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
