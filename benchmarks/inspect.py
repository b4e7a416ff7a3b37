"""Benchmark: `patrol inspect daily` on 20 lab hosts vs one-task-per-check ansible-playbook.

Targets (issue 4): Patrol >= 3x faster than the same checks written one task per check, and
Patrol's own overhead (everything outside ansible-runner's run) <= 5 % of its wall time.
Issue 24: with the new check kinds in, the daily checklist here also carries the weekly and
monthly round-2 checks (``ROUND_TWO``), and the baseline play one task for each.

Run as root: `.venv/bin/python benchmarks/inspect.py [--hosts 20] [--rounds 5]`. Brings up a
20-host lab unless one that size is already up (and then leaves it as it was).
"""

from __future__ import annotations

import sys
from pathlib import Path

# run as a script, this folder comes first on sys.path and this very file would shadow the
# standard library's `inspect` for everything imported below: put the repository there instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent

from runner import execute
from runner.clock import utc_now
from runner.inspect import build_inventory, inspect, load_valid_estate, select
from runner.lab import DEFAULT, ansible_vars, fleet, roster, state
from runner.lab import bmc as lab_bmc

# The weekly and monthly checks of the round-2 kinds (issue 24), measured daily here too, so
# the figure says what a run with every new kind in costs.
ROUND_TWO = ("restart-needed", "sshd-options", "network-hardening", "kernel-hardening",
             "password-policy")


def round_two_checks(estate: Path) -> list[str]:
    """Those checks' entries, as the weekly and monthly checklists write them."""
    import yaml

    found: dict[str, str] = {}
    for name in ("weekly", "monthly"):
        checks = yaml.safe_load((estate / f"policies/inspections/{name}.yaml").read_text())
        for check in checks["checks"]:
            if check["id"] in ROUND_TWO:
                found.setdefault(check["id"], yaml.safe_dump([check], sort_keys=False))
    return ["".join(f"  {line}\n" for line in found[c].splitlines()) for c in ROUND_TWO]


def estate_with(hosts: list[tuple[str, str]], dest: Path, bmc: bool = True) -> Path:
    """The sample estate plus a host file for the lab's generated hosts, in a fresh repo;
    every host has its lab BMC, and ``bmc=False`` takes the BMC check (hardware) out."""
    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, dest / part)
    for site in ("hz-br3", "fra-plant4"):  # behind a jump host and a node: not the 20 measured
        (dest / f"inventory/hosts/{site}.yaml").unlink()
    declared = {n for n, _ in roster.estate_hosts(ROOT)}
    extra = [(n, a) for n, a in hosts if n not in declared]
    lines = ["hosts:"]
    for name, address in extra:
        lines += [
            f"  - name: {name}", f"    address: {address}", "    site: hz-dc1", "    role: web",
            "    environment: production", "    criticality: medium",
            "    owner: ops-team@example.com", "    hardware:", "      model: dl360-g10",
            f"      serial: BENCH-{name}", "      purchased: 2024-01-10",
            "      warranty_end: 2029-01-09", "      end_of_life: 2031-12-31",
            "    os:", "      family: debian", '      release: "12"',
            "    software:", '      patrol-agent: "1.0.0-1"', "    tags: []",
            "    bmc:", f"      address: {lab_bmc.address_of(DEFAULT, address)}",
            "      username: patrol", "      password: {env: PATROL_BMC_PASSWORD}",
        ]
    if extra:
        (dest / "inventory/hosts/bench.yaml").write_text("\n".join(lines) + "\n")
    daily = dest / "policies/inspections/daily.yaml"  # the machine's load is not under test
    text = daily.read_text().replace("      max: 2.0\n", "      max: 1000.0\n")
    if not bmc:
        start = text.index("  - id: hardware\n")
        end = text.find("\n  - id:", start + 1)
        text = text[:start] + (text[end + 1:] if end != -1 else "")
    daily.write_text(text + "".join(round_two_checks(dest)))
    for other in ("weekly", "monthly"):  # one control, one set of params in every checklist
        path = dest / f"policies/inspections/{other}.yaml"
        path.write_text(path.read_text().replace("      max: 2.0\n", "      max: 1000.0\n"))
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "e"]):
        subprocess.run(["git", *cmd], cwd=dest, check=True, capture_output=True)
    return dest


def baseline_seconds(estate_root: Path) -> float:
    """ansible-playbook on the one-task-per-check play, same inventory, forks and SSH setup."""
    estate = load_valid_estate(estate_root, utc_now().date())
    sel = select(estate, "daily", None)
    inventory = execute.static_inventory(build_inventory(estate, sel, ansible_vars()))
    work = Path(tempfile.mkdtemp(prefix="patrol-bench-"))
    try:
        import json

        inv = work / "inventory.json"
        inv.write_text(json.dumps(inventory, default=str))
        env = {**os.environ, **execute._envvars(10, 20, str(work / "cp"))}
        t = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inv),
                        str(ROOT / "benchmarks/inspect_baseline.yml")],
                       env=env, capture_output=True, check=False)
        return time.perf_counter() - t
    finally:
        shutil.rmtree(work, ignore_errors=True)


def patrol_cli_seconds(estate_root: Path) -> float:
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "patrol"), "inspect", "daily",
                    "--lab", "--estate", str(estate_root)], capture_output=True, check=False,
                   env={**os.environ, "CI": "true"})
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--controller", action="store_true",
                    help="only the controller's CPU per host vs ansible -m ping, directly and "
                    "through an execution node, and wall time on 200 (controller_cpu.py)")
    args = ap.parse_args()
    if args.controller:
        from benchmarks import controller_cpu

        return controller_cpu.main(["--hosts", str(args.hosts), "--rounds", str(args.rounds)])
    wanted = roster.lab_hosts(ROOT, args.hosts, DEFAULT)
    current = state.load(DEFAULT)
    owned = current is None or sorted(h.name for h in current.hosts) != sorted(
        n for n, _ in wanted)
    if owned:
        fleet.down(DEFAULT)
        fleet.up(ROOT, args.hosts, DEFAULT, echo=lambda _m: None)
    work = Path(tempfile.mkdtemp(prefix="patrol-bench-estate-"))
    try:
        root = estate_with(wanted, work / "estate")
        no_bmc = estate_with(wanted, work / "estate-no-bmc", bmc=False)
        # warm-up: imports, page cache, first record
        inspect(root, "daily", connections=ansible_vars())
        baseline_seconds(root)
        inspect(no_bmc, "daily", connections=ansible_vars())
        patrol, baseline, overhead, in_process, preflight = [], [], [], [], []
        without_bmc: list[float] = []
        for _ in range(args.rounds):  # interleaved, so both see the same noise
            baseline.append(baseline_seconds(root))
            patrol.append(patrol_cli_seconds(root))
            run = inspect(root, "daily", connections=ansible_vars())
            in_process.append(run.timings["total"])
            preflight.append(run.timings["preflight"] / run.timings["total"])
            overhead.append((run.timings["total"] - run.timings["ansible"]) / run.timings["total"])
            without_bmc.append(inspect(no_bmc, "daily", connections=ansible_vars())
                               .timings["total"])
        hosts = len(run.results)
        failing = sum(1 for hr in run.results.values() if not hr.passed)
        b, p = statistics.median(baseline), statistics.median(patrol)
        print(f"hosts: {hosts} (failing: {failing}), checks per host: "
              f"{len(next(iter(run.results.values())).checks)}, rounds: {args.rounds}")
        print(f"one-task-per-check ansible-playbook: median {b:.2f} s  {sorted(baseline)}")
        print(f"patrol inspect daily (CLI, incl. commit): median {p:.2f} s  {sorted(patrol)}")
        print(f"speed-up vs baseline: {b / p:.2f}x (target >= 3x)")
        print(f"patrol overhead outside ansible-runner: median "
              f"{100 * statistics.median(overhead):.1f} % of "
              f"{statistics.median(in_process):.2f} s (target <= 5 %)")
        w, m = statistics.median(without_bmc), statistics.median(in_process)
        hw = sum(1 for hr in run.results.values()
                 if hr.checks.get("hardware") and hr.checks["hardware"].status.value == "pass")
        print(f"daily with BMCs (issue 25, {hw}/{hosts} read healthy): median {m:.2f} s, "
              f"without: median {w:.2f} s  {sorted(without_bmc)}; ratio {m / w:.2f}x "
              "(target <= 1.2x)")
        print(f"archive pre-flight (issue 11): median {100 * statistics.median(preflight):.2f} % "
              "of the run (target <= 2 %)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if owned:
            fleet.down(DEFAULT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
