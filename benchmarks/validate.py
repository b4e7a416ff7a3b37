"""Benchmark: `patrol validate` on a generated 10,000-host estate, next to ruamel.yaml alone.

    .venv/bin/python benchmarks/validate.py [--hosts 10000] [--per-file 200] [--runs 3]

Generates the estate in a temporary directory (the sample estate's policies and inventory, plus
generated sites and hosts with ~20 fields each, nested hardware, os and software), then times:

- ``patrol validate`` as a subprocess, median of N runs, with a cold cache (``.git/patrol``
  removed before each run) and a warm one (kept from a previous run); wall and CPU time (CPU
  time shows the cost when other work shares the machine);
- ruamel.yaml's round-trip loader loading the same files in this process (median of N).

Prints both and their ratio; exits 1 when a validate run does not exit 0 or misses the target.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
ROLES = ["web", "app", "db", "cache", "queue", "backup", "monitoring", "batch"]
MODELS = ["dl360-g10", "r740xd", "sr630"]
ENVS = ["production", "production", "production", "staging", "development"]
CRIT = ["critical", "high", "medium", "low"]
TAGS = ["frontend", "pci", "gdpr", "backup", "legacy", "blue", "green", "edge"]
SITES = [("hz-dc1", "Asia/Shanghai"), ("fra-dc2", "Europe/Berlin"), ("ams-dc3", "Europe/Amsterdam"),
         ("sha-dc4", "Asia/Shanghai"), ("muc-dc5", "Europe/Berlin")]


def host_yaml(i: int, rng: random.Random) -> str:
    site = SITES[i % len(SITES)][0]
    role = ROLES[i % len(ROLES)]
    purchased = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 1800))
    tags = sorted(rng.sample(TAGS, 2))
    return f"""  - name: {role}-{i:05d}
    address: 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}
    site: {site}
    role: {role}
    environment: {ENVS[i % len(ENVS)]}
    criticality: {CRIT[i % len(CRIT)]}
    owner: team-{role}@example.com
    hardware:
      model: {MODELS[i % len(MODELS)]}
      serial: SN{i:08d}{rng.randrange(16**4):04X}
      purchased: {purchased}
      warranty_end: {purchased + timedelta(days=5 * 365)}
      end_of_life: {purchased + timedelta(days=8 * 365)}
    os:
      family: debian
      release: "12"
    software:
      patrol-agent: "1.0.0-1"
      openssh-server: "1:9.2p1-2+deb12u3"
      nginx: "1.22.1-9"
      postgresql-15: "15.8-0+deb12u1"
      node-exporter: "1.5.0-1+b6"
    tags: [{", ".join(tags)}]
    connection:
      user: patrol
      port: 22
"""


def generate(root: Path, hosts: int, per_file: int) -> list[Path]:
    shutil.copytree(REPO / "policies", root / "policies")
    shutil.copytree(REPO / "inventory", root / "inventory", ignore=shutil.ignore_patterns("hosts"))
    sites = "sites:\n" + "".join(
        f"  - id: {sid}\n    name: Site {sid}\n    timezone: {tz}\n" for sid, tz in SITES)
    (root / "inventory/sites.yaml").write_text(sites)
    waivers = (REPO / "policies/waivers.yaml").read_text().replace("host: backup-01",
                                                                     "host: backup-00005")
    (root / "policies/waivers.yaml").write_text(waivers)
    (root / "inventory/hosts").mkdir()
    (root / ".git").mkdir()  # the validation cache lives in the estate repository's Git dir
    rng = random.Random(42)
    for start in range(0, hosts, per_file):
        body = "".join(host_yaml(i, rng) for i in range(start, min(start + per_file, hosts)))
        name = f"inventory/hosts/batch-{start // per_file:03d}.yaml"
        (root / name).write_text("# generated for the benchmark\nhosts:\n" + body)
    return sorted(p for p in root.rglob("*.yaml"))


def time_validate(root: Path, *, cold: bool) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one `patrol validate`."""
    if cold:
        shutil.rmtree(root / ".git" / "patrol", ignore_errors=True)
    patrol = Path(sys.executable).parent / "patrol"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([str(patrol), "validate", str(root)], capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
    return elapsed, cpu, proc.returncode


def time_ruamel(files: list[Path]) -> float:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    started = time.perf_counter()
    for path in files:
        with path.open("rb") as fh:
            yaml.load(fh)
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=10_000)
    ap.add_argument("--per-file", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-ruamel", action="store_true", help="Do not time ruamel.yaml.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="patrol-bench-") as tmp:
        root = Path(tmp)
        files = generate(root, args.hosts, args.per_file)
        size = sum(p.stat().st_size for p in files)
        print(f"estate: {args.hosts} hosts in {len(files)} files, {size / 1e6:.1f} MB; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        runs: dict[str, list[tuple[float, float, int]]] = {"cold": [], "warm": []}
        for _ in range(args.runs):
            runs["cold"].append(time_validate(root, cold=True))
        time_validate(root, cold=False)  # make sure the cache is filled
        for _ in range(args.runs):
            runs["warm"].append(time_validate(root, cold=False))
        codes = {code for kind in runs.values() for _, _, code in kind}
        medians = {}
        for kind, results in runs.items():
            medians[kind] = statistics.median(w for w, _, _ in results)
            cpu = statistics.median(c for _, c, _ in results)
            print(f"patrol validate, {kind} cache: median {medians[kind]:.2f} s wall, "
                  f"{cpu:.2f} s CPU  (runs: {', '.join(f'{w:.2f}' for w, _, _ in results)})")
        cold_med, warm_med = medians["cold"], medians["warm"]
        if not args.skip_ruamel:
            ruamel = [time_ruamel(files) for _ in range(args.runs)]
            r_med = statistics.median(ruamel)
            print(f"ruamel.yaml round-trip load alone: median {r_med:.2f} s  "
                  f"(runs: {', '.join(f'{s:.2f}' for s in ruamel)})")
            print(f"ratio ruamel / patrol validate: cold {r_med / cold_med:.1f}x, "
                  f"warm {r_med / warm_med:.1f}x")
        ok = codes == {0} and cold_med <= TARGET_SECONDS
        print(f"target <= {TARGET_SECONDS:.1f} s (cold): {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
