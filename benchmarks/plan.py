"""Benchmark: `patrol plan` across two revisions of a 10,000-host estate, next to `validate`.

    .venv/bin/python benchmarks/plan.py [--hosts 10000] [--per-file 200] [--changed 0.01]
                                        [--runs 5]

Generates the estate with ``benchmarks/validate.py``'s generator in a temporary Git repository,
commits it, changes the serial number and one software version of 1 % of the hosts (spread
over every hosts file), commits again, then times, alternating in the same run:

- ``patrol plan --base HEAD~1 --head HEAD --format markdown`` (both revisions read from Git);
- ``patrol validate`` on the working tree (one revision), with no validation cache
  (``PATROL_NO_CACHE=1``): the work plan does for its head, as on a fresh CI checkout;
- for information, ``patrol validate`` again with its cache warm (an unchanged estate).

Prints the median of each, their ratio and whether plan stays within ``TARGET_RATIO`` x
validate; exits 1 when a command fails, the plan misses a changed host, or the target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path


def _validate_benchmark() -> types.ModuleType:
    """benchmarks/validate.py, loaded by path: putting benchmarks/ on sys.path would let
    benchmarks/inspect.py shadow the standard library's inspect."""
    spec = importlib.util.spec_from_file_location(
        "patrol_benchmark_validate", Path(__file__).resolve().parent / "validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _validate_benchmark().generate  # the estate generator of the validate benchmark

TARGET_RATIO = 2.0
_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=_ENV)


def change_hosts(root: Path, hosts: int, fraction: float) -> int:
    """Edit every ``1/fraction``-th host: a new serial and a newer node-exporter."""
    step = max(1, round(1 / fraction))
    wanted = set(range(0, hosts, step))
    changed = 0
    for path in sorted((root / "inventory/hosts").glob("*.yaml")):
        out, current = [], -1
        for line in path.read_text().splitlines(keepends=True):
            m = re.match(r"  - name: \w+-(\d+)$", line)
            if m:
                current = int(m[1])
            if current in wanted and line.startswith("      serial: SN"):
                line = line.replace("serial: SN", "serial: SX")
                changed += 1
            if current in wanted and line.startswith("      node-exporter:"):
                line = '      node-exporter: "1.6.0-1"\n'
            out.append(line)
        path.write_text("".join(out))
    return changed


_CPU: dict[str, list[float]] = {}  # CPU seconds per command, to tell contention from work


def timed(cmd: list[str], cwd: Path, *, cache: bool = False,
          ) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PATROL_NO_CACHE": "0" if cache else "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    _CPU.setdefault(cmd[1] + ("-warm" if cache else ""), []).append(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return elapsed, proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=10_000)
    ap.add_argument("--per-file", type=int, default=200)
    ap.add_argument("--changed", type=float, default=0.01, help="Fraction of hosts changed.")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    patrol = str(Path(sys.executable).parent / "patrol")
    with tempfile.TemporaryDirectory(prefix="patrol-bench-plan-") as tmp:
        root = Path(tmp)
        files = generate(root, args.hosts, args.per_file)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "inventory", "policies")
        git(root, "commit", "-q", "-m", "estate")
        changed = change_hosts(root, args.hosts, args.changed)
        git(root, "commit", "-q", "-am", "change hosts")
        print(f"estate: {args.hosts} hosts in {len(files)} files; {changed} hosts changed "
              f"between HEAD~1 and HEAD")
        plan_cmd = [patrol, "plan", "--base", "HEAD~1", "--head", "HEAD", "--format",
                    "markdown"]
        validate_cmd = [patrol, "validate", "."]
        ok = True
        plan_s, validate_s, warm_s = [], [], []
        timed(validate_cmd, root)  # warm the page cache for both
        for _ in range(args.runs):
            seconds, proc = timed(validate_cmd, root)
            validate_s.append(seconds)
            ok &= proc.returncode == 0
            seconds, proc = timed(plan_cmd, root)
            plan_s.append(seconds)
            timed(validate_cmd, root, cache=True)  # fills the cache when there is one
            warm_s.append(timed(validate_cmd, root, cache=True)[0])
            ok &= proc.returncode == 0
            reported = proc.stdout.count("serial: ") + sum(
                int(n.replace(",", "")) for n in re.findall(r"… and ([\d,]+) more hosts\b",
                                                            proc.stdout))
            if f"| Hosts | {changed:,} changed |" not in proc.stdout:
                print(f"plan did not report {changed} changed hosts (saw {reported})",
                      file=sys.stderr)
                ok = False
            if proc.returncode != 0:
                print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        p_med, v_med = statistics.median(plan_s), statistics.median(validate_s)
        print(f"patrol validate (one revision): median {v_med:.2f} s  "
              f"(runs: {', '.join(f'{s:.2f}' for s in validate_s)})")
        print(f"  (validate, warm cache:        median {statistics.median(warm_s):.2f} s)")
        print(f"patrol plan (two revisions):    median {p_med:.2f} s  "
              f"(runs: {', '.join(f'{s:.2f}' for s in plan_s)})")
        cpu_p, cpu_v = statistics.median(_CPU["plan"]), statistics.median(_CPU["validate"])
        print(f"CPU time: plan {cpu_p:.2f} s, validate {cpu_v:.2f} s "
              f"(ratio {cpu_p / cpu_v:.2f}x); load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        ratio = p_med / v_med
        met = ratio <= TARGET_RATIO
        print(f"ratio plan / validate: {ratio:.2f}x; target <= {TARGET_RATIO:.1f}x: "
              f"{'met' if met else 'MISSED'}")
        return 0 if ok and met else 1


if __name__ == "__main__":
    sys.exit(main())
