"""Benchmark: spare-part coverage and equipment lifecycle for the 10,000-host estate, next to
`patrol validate` on the same estate in the same run.

    .venv/bin/python benchmarks/spares.py [--hosts 10000] [--runs 5]

Generates the estate as ``benchmarks/validate.py`` does, times ``patrol validate`` (a
subprocess, cold cache, median of N), then loads the estate once in this process and times
``coverage`` + ``lifecycle`` on it (median of N): the target is the cost on top of loading.
Exits 1 when validate does not exit 0 or the target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# a script's own directory comes first on sys.path, and benchmarks/inspect.py would shadow
# the stdlib's inspect for everything imported after it: drop it
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
# benchmarks/ is not a package (and its inspect.py would shadow the stdlib's on sys.path)
_spec = importlib.util.spec_from_file_location("bench_validate",
                                               Path(__file__).resolve().parent / "validate.py")
assert _spec is not None and _spec.loader is not None
_validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_validate)
generate, time_validate = _validate.generate, _validate.time_validate

TARGET_SECONDS = 0.5
TODAY = date(2026, 12, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=10_000)
    ap.add_argument("--per-file", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from runner.estate import load_estate
    from runner.spares.coverage import coverage
    from runner.spares.lifecycle import lifecycle

    with tempfile.TemporaryDirectory(prefix="patrol-bench-") as tmp:
        root = Path(tmp)
        generate(root, args.hosts, args.per_file)
        print(f"estate: {args.hosts} hosts; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs")
        validate = [time_validate(root, cold=True) for _ in range(args.runs)]
        v_med = statistics.median(w for w, _, _ in validate)
        print(f"patrol validate (cold cache): median {v_med:.2f} s wall  "
              f"(runs: {', '.join(f'{w:.2f}' for w, _, _ in validate)})")
        started = time.perf_counter()
        estate, problems = load_estate(root, today=TODAY)
        loaded = time.perf_counter() - started
        assert estate is not None, problems[:3]
        print(f"load_estate in process: {loaded:.2f} s")
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            cov = coverage(estate)
            life = lifecycle(estate, TODAY, timedelta(days=180))
            runs.append(time.perf_counter() - started)
        med = statistics.median(runs)
        print(f"coverage + lifecycle on top of loading: median {med * 1000:.1f} ms  "
              f"(runs: {', '.join(f'{r * 1000:.1f}' for r in runs)}; {len(cov.lines)} "
              f"commitment lines, {len(life.events)} dates within 180 days)")
        ok = {c for _, _, c in validate} == {0} and med <= TARGET_SECONDS
        print(f"target <= {TARGET_SECONDS:.1f} s on top of loading: {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
