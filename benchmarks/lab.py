"""Benchmark the lab: up and down of 20 hosts (base image cached), and a facts play over them.

Run as root: ``.venv/bin/python benchmarks/lab.py [--hosts 20] [--rounds 3]``.
Uses its own lab (prefix ``pbench``, 10.125.0.0/24) so it never disturbs the default lab.
Baselines from the design notes: ~1 s to bring 20 hosts up, ~1 s down, ~7 s for a facts play.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# run as a script, this folder would come first on sys.path, and its inspect.py would shadow
# the standard library's: put the repository root there instead
sys.path[0] = str(ROOT)

from runner.lab import ansible_vars, fleet, image
from runner.lab.config import LabConfig

CFG = LabConfig(name="pbench", network=ipaddress.IPv4Network("10.125.0.0/24"),
                routing_table=1238)
BASELINE = {"up": 1.0, "down": 1.0, "facts": 7.0}


def _quiet(_msg: str) -> None:
    pass


def time_up_down(hosts: int, rounds: int) -> tuple[list[float], list[float]]:
    ups, downs = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        fleet.up(ROOT, hosts, CFG, echo=_quiet)
        ups.append(time.perf_counter() - t)
        t = time.perf_counter()
        fleet.down(CFG)
        downs.append(time.perf_counter() - t)
    return ups, downs


def time_facts(rounds: int) -> list[float]:
    import ansible_runner

    os.environ["PATH"] = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    play = [{"hosts": "all", "gather_facts": True, "tasks": []}]
    inventory = {"all": {"hosts": ansible_vars(CFG)}}
    times = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:  # fresh private data dir per run
            t = time.perf_counter()
            run = ansible_runner.run(
                private_data_dir=tmp, playbook=play, inventory=inventory, quiet=True,
                envvars={"ANSIBLE_PIPELINING": "True", "ANSIBLE_FORKS": "20",
                         "ANSIBLE_HOST_KEY_CHECKING": "True"})
            times.append(time.perf_counter() - t)
            if run.status != "successful":
                raise SystemExit(f"facts play failed: {run.status}\n{run.stdout.read()}")
            if len(run.stats["ok"]) != len(inventory["all"]["hosts"]):
                raise SystemExit(f"facts play reached only {sorted(run.stats['ok'])}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("the lab benchmark needs root")
    image.ensure_image()  # cached: the benchmark measures up/down, not the image build
    fleet.down(CFG)
    ups, downs = time_up_down(args.hosts, args.rounds)
    try:
        fleet.up(ROOT, args.hosts, CFG, echo=_quiet)
        facts = time_facts(args.rounds)
    finally:
        fleet.down(CFG)
    rows = [("up", ups), ("down", downs), ("facts", facts)]
    print(f"lab benchmark: {args.hosts} hosts, {args.rounds} rounds (median; all runs)")
    for what, runs in rows:
        med = statistics.median(runs)
        print(f"  {what:<6} {med:6.2f} s  vs baseline {BASELINE[what]:.0f} s: "
              f"{med / BASELINE[what]:4.2f}x   [{', '.join(f'{r:.2f}' for r in runs)}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
