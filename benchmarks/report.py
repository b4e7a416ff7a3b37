"""Benchmark: `patrol report monthly` over a month of 30 daily runs of 1,000 hosts x 30 checks,
next to `patrol findings` over the same archive in the same run.

    .venv/bin/python benchmarks/report.py [--hosts 1000] [--checks 30] [--runs 5]

Generates the estate as ``benchmarks/validate.py`` does (committed in a fresh Git repository),
then writes 30 daily run records for November 2026 with the real record writer
(``runner.archive.records.run_record`` sealed by ``runner.run.write_record``), moves the
findings with the real lifecycle (``runner.findings.apply_run``) and commits each day with
``runner.run.commit`` (so the report's audit of the month walks 30 real commits): each day
about 2 % of the hosts fail a check, and a host's failures pass again a few days later.
As each run's pre-flight does, the tip check proves the archive before the first day, and each
day's commit extends that proof (``runner.archive.tip``), so the report counts the month from
the proof, as it does on a real archive (``--no-proof``: it walks the month itself). Then it
times, as subprocesses (median of N, the commands interleaved round by round so they share the
machine's load alike): ``patrol report monthly 2026-11 --format html`` (and markdown),
``patrol report workplan 2026-12`` and ``patrol findings``, the baseline each is compared
with (a ratio of wall times, and of the children's CPU times, which a busy machine inflates
less). Targets: the report <= 1.5 s, its HTML <= 2 MB, the work plan <= 0.5 s. Exits 1 when
one is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_validate", HERE / "validate.py")
assert _spec is not None and _spec.loader is not None
_validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_validate)

TARGET_SECONDS = 1.5
TARGET_PLAN_SECONDS = 0.5
TARGET_BYTES = 2 * 1024 * 1024
PATROL = str(Path(sys.executable).parent / "patrol")
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def write_month(root: Path, n_checks: int, prove: bool = True) -> int:
    """30 daily records and the findings they move; returns the records' total bytes."""
    from runner import archive
    from runner.archive import tip
    from runner.archive.records import run_record
    from runner.findings import apply_run, context_of
    from runner.findings import store as findings_store
    from runner.results import HostResult, Result, Status, summarise
    from runner.run import commit, load_valid_estate, write_record

    estate = load_valid_estate(root, date(2026, 11, 1))
    estate_sha = archive.resolve_head(root)
    if prove:
        tip.check(root)  # as each run's pre-flight does: the proof each commit then extends
    ctx = context_of(estate)
    hosts = sorted(estate.hosts)
    checks = [f"check-{i:02d}" for i in range(n_checks)]
    severities = dict.fromkeys(checks, "medium")
    rng = random.Random(7)
    store: dict = {}
    failing: dict[str, tuple[str, int]] = {}  # host -> (check, day it passes again)
    previous = None
    size = 0
    for day in range(1, 31):
        at = datetime(2026, 11, day, 6, 15, tzinfo=UTC)
        for host in rng.sample(hosts, len(hosts) // 50):
            failing.setdefault(host, (rng.choice(checks), day + rng.randrange(1, 9)))
        results = {}
        touched = set()
        for host in hosts:
            verdicts = {c: Result(Status.PASS, None, "ok") for c in checks}
            bad = failing.get(host)
            if bad and bad[1] > day:
                verdicts[bad[0]] = Result(Status.FAIL, 93.5, f"{bad[0]} 93.5 over the limit")
                touched.add(host)
            elif bad:
                del failing[host]
                touched.add(host)
            results[host] = HostResult(host, True, verdicts, "", severities)
        run_id = f"{at:%Y%m%dT%H%M%SZ}-daily-b{day:05d}"
        moves = apply_run(store, run_id=run_id, checklist="daily",
                          results={h: results[h] for h in touched}, unreachable_runs={},
                          now=at, ctx=ctx)
        header = {"checklist": "daily", "cadence": "daily", "limit": None,
                  "started": f"{at:%Y-%m-%dT%H:%M:%SZ}",
                  "finished": f"{at + timedelta(minutes=4):%Y-%m-%dT%H:%M:%SZ}",
                  "estate": {"commit": estate_sha, "dirty": False},
                  "trigger": {"kind": "schedule", "by": "bench"}, "tools": {"patrol": "bench"}}
        body = run_record(run_id=run_id, kind="inspect", header=header, results=results,
                          summary=summarise(results), previous=previous,
                          extra={"findings": [{"finding": t.finding, "from": t.before,
                                               "to": t.after} for t in moves]})
        docs = findings_store.documents(store, {t.finding for t in moves})
        rel, digest = write_record(root, run_id, at, body, docs)
        commit(root, [rel, *docs], f"inspect(daily): day {day}", run_id, estate=estate_sha,
               record=(rel, digest))
        previous = (rel, digest)
        size += (root / rel).stat().st_size
    return size


def timed_once(argv: list[str], root: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run of one patrol command."""
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run([PATROL, *argv, "--estate", str(root)], capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    cpu = (after.children_user - before.children_user) + (after.children_system -
                                                          before.children_system)
    return wall, cpu


def rounds(commands: dict[str, list[str]], root: Path, runs: int
           ) -> dict[str, tuple[list[float], list[float]]]:
    """Each command ``runs`` times, interleaved (one of each per round), so the baseline and
    the measured commands share the machine's load alike: (walls, CPU times) per command."""
    out: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu = timed_once(argv, root)
            out[name][0].append(wall)
            out[name][1].append(cpu)
    return out


def _line(name: str, walls: list[float], cpus: list[float]) -> str:
    return (f"{name}: median {statistics.median(walls):.2f} s wall, "
            f"{statistics.median(cpus):.2f} s CPU (runs: {', '.join(f'{t:.2f}' for t in walls)})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--checks", type=int, default=30)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-proof", action="store_true",
                    help="no tip-check proof: the report verifies the month's commits itself")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="patrol-bench-report-") as tmp:
        root = Path(tmp)
        _validate.generate(root, args.hosts, 200)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env=GIT_ENV)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=GIT_ENV)
        subprocess.run(["git", "commit", "-q", "-m", "estate"], cwd=root, check=True,
                       env=GIT_ENV)
        t0 = time.perf_counter()
        size = write_month(root, args.checks, prove=not args.no_proof)
        findings = len(list((root / "reports" / "findings").rglob("*.yaml")))
        print(f"archive: {args.hosts} hosts x {args.checks} checks, 30 daily records "
              f"({size / 1024:.0f} KB), {findings} findings, written in "
              f"{time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs")
        out = root.parent / f"{root.name}.html"
        got = rounds({
            "report": ["report", "monthly", "2026-11", "--format", "html", "--out", str(out)],
            "markdown": ["report", "monthly", "2026-11", "--format", "markdown", "--out",
                         str(out) + ".md"],
            "plan": ["report", "workplan", "2026-12", "--format", "html", "--out",
                     str(out) + ".plan.html"],
            "findings": ["findings", "--state", "open", "--state", "closed"],
        }, root, args.runs)
        html_bytes = out.stat().st_size
        Path(str(out) + ".plan.html").unlink()
        out.unlink()
        Path(str(out) + ".md").unlink()
        rep, plan, fnd = (got[k][0] for k in ("report", "plan", "findings"))
        med = statistics.median(rep)
        print(_line("patrol report monthly --format html", *got["report"])
              + f"; HTML {html_bytes / 1024:.0f} KB")
        print(_line("patrol report monthly --format markdown", *got["markdown"]))
        print(_line("patrol report workplan --format html", *got["plan"]))
        print(_line("patrol findings (open and closed), the baseline", *got["findings"]))
        base = statistics.median(fnd)
        plan_med = statistics.median(plan)
        cpu = {k: statistics.median(v[1]) for k, v in got.items()}
        print(f"ratio to patrol findings (wall): report {med / base:.2f}x, work plan "
              f"{plan_med / base:.2f}x; (CPU): report {cpu['report'] / cpu['findings']:.2f}x, "
              f"work plan {cpu['plan'] / cpu['findings']:.2f}x; load average "
              f"{os.getloadavg()[0]:.1f}")
        ok = (med <= TARGET_SECONDS and html_bytes <= TARGET_BYTES
              and plan_med <= TARGET_PLAN_SECONDS)
        print(f"target: report <= {TARGET_SECONDS} s, HTML <= 2 MB, work plan <= "
              f"{TARGET_PLAN_SECONDS} s: {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
