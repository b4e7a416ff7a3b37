"""Benchmark: `patrol incidents` listing 10,000 incidents with both clocks, target <= 1 s.

    .venv/bin/python benchmarks/incidents.py [--incidents 10000] [--runs 5]

Generates the sample estate plus N incident files in a temporary directory (every state, both
sites, so both a 24x7 and a service-hours calendar; a third of them with a pause, some of them
still paused), then times, median of N runs each:

- the listing in this process (``runner.commands.incidents.listing``: load the estate, read every
  incident file, compute both clocks as of now, filter, render), output discarded;
- the same listing through the CLI (``patrol incidents --state ...``), as a user waits for it;
- the baseline: only reading the same files with plain ``yaml.safe_load`` (PyYAML's pure-Python
  loader), no clocks and no output;
- for the file format's sake: the same documents as block YAML, only parsed, with the C loader.

Prints the medians and the ratio listing / baseline; exits 1 when the in-process listing misses
the target.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not this folder: benchmarks/inspect.py would shadow the stdlib's

from runner.archive import dump_json_yaml, dump_yaml, load_document, load_yaml
from runner.commands.incidents import listing
from runner.incidents import lifecycle, store

TARGET_S = 1.0
HOSTS = [("db-01", "hz-dc1", "critical"), ("web-01", "hz-dc1", "high"),
         ("db-02", "fra-dc2", "critical"), ("app-02", "fra-dc2", "low")]
LIMITS = {"critical": (timedelta(minutes=30), timedelta(hours=4)),
          "high": (timedelta(hours=1), timedelta(hours=8)),
          "low": (timedelta(days=1), timedelta(days=3))}


def generate(dest: Path, count: int, now: datetime) -> None:
    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, dest / part)
    for n in range(count):
        host, site, level = HOSTS[n % len(HOSTS)]
        opened = now - timedelta(minutes=7 * (n % 200) + 1)
        response, on_site = LIMITS[level]
        inc = lifecycle.new(f"INC-2026-{n + 1:05d}", hosts=[host], site=site,
                            summary=f"incident {n}: service degraded", severity=level,
                            level=level, reported_by="bench", via="phone", owner="ops",
                            limits={"response": response, "on_site": on_site},
                            at=opened, written=opened)
        step = opened + timedelta(minutes=1)
        if n % 3 == 0:
            lifecycle.wait(inc, "customer", step, step)
            if n % 2 == 0:
                lifecycle.resume(inc, step + timedelta(minutes=1), step)
        if n % 5 == 1:
            lifecycle.respond(inc, "Jonas", None, step + timedelta(minutes=2), step)
        if n % 7 == 2:
            lifecycle.resolve(inc, "fixed", "Jonas", step + timedelta(minutes=3), step)
        path = dest / store.path_of(inc.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump_json_yaml(store.to_doc(inc)))


def timed(fn, cpu: list[float] | None = None) -> float:
    """Wall seconds of ``fn()``; its CPU seconds go to ``cpu`` (the machine may be shared)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    if cpu is not None:
        cpu.append(time.process_time() - c0)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    import yaml

    with tempfile.TemporaryDirectory(prefix="patrol-bench-incidents-") as tmp:
        root = Path(tmp)
        generate(root, args.incidents, now)
        files = sorted((root / store.DIR).rglob("*.yaml"))
        size = sum(p.stat().st_size for p in files)
        print(f"{len(files)} incident files, {size / 1e6:.1f} MB")
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")

        def in_process() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                listing(root, ["open", "responded", "on-site", "waiting", "resolved"], None,
                        None, False, "text", stamp)

        patrol = str(Path(sys.executable).parent / "patrol")

        def cli() -> None:
            subprocess.run([patrol, "incidents", "--state", "resolved", "--state", "open",
                            "--state", "responded", "--state", "on-site", "--state", "waiting",
                            "--now", stamp,
                            "--estate", str(root)], check=True, stdout=subprocess.DEVNULL)

        def baseline() -> None:
            for p in files:
                yaml.safe_load(p.read_bytes())

        as_block = [dump_yaml(load_document(p.read_bytes())) for p in files]

        def block_c_loader() -> None:  # what block-YAML files would cost, even with libyaml
            for data in as_block:
                load_yaml(data)

        in_process()  # warm the estate cache and the page cache once
        cpu: list[float] = []
        listed = statistics.median(timed(in_process, cpu) for _ in range(args.runs))
        via_cli = statistics.median(timed(cli) for _ in range(args.runs))
        base = statistics.median(timed(baseline) for _ in range(max(1, args.runs // 2)))
        block = statistics.median(timed(block_c_loader) for _ in range(max(1, args.runs // 2)))
    print(f"listing in process (median of {args.runs}): {listed:.3f} s wall, "
          f"{statistics.median(cpu):.3f} s CPU  (target <= {TARGET_S} s)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"patrol incidents, every state, text (median of {args.runs}): {via_cli:.3f} s")
    print(f"baseline, yaml.safe_load of the same files: {base:.3f} s")
    print(f"the same documents as block YAML, parsed only (C loader): {block:.3f} s")
    print(f"ratio listing / baseline: {listed / base:.2f}")
    return 0 if listed <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
