"""Benchmark the auditor's archive: 30 daily runs of 1,000 hosts x 30 checks, 1 % of results
changing per run, built with the real record writer in a temporary repository.

Measures (medians of several timings): ``audit verify`` of the whole history as a command
(target 0.5 s: the whole mainline's signature policy, time order and the strict reader
included), the tip check a run makes before it appends with nothing new since the last
verified commit (target 20 ms) and in a fresh clone (from the root), ``audit log --host``
(budget 1 s), the same history walk with GitPython's object model (why the archive walks
with the git CLI), and archive growth per daily run packed after ``git gc`` (budget 50 KB),
next to the growth if every measured value were recorded at full precision.

    .venv/bin/python -m benchmarks.audit
"""

from __future__ import annotations

import contextlib
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# run as a script, this folder would come first on sys.path and its inspect.py would shadow
# the standard library's; the repository root takes its place
sys.path[0] = str(Path(__file__).resolve().parents[1])

from runner import archive
from runner.archive import evidence as evidence_mod
from runner.archive.records import run_record
from runner.archive.status import read_status, status_files
from runner.results import HostResult, Result, Status
from runner.run import commit, write_record

HOSTS, CHECKS, RUNS, CHANGING = 1000, 30, 30, 0.01
T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


def fleet(rng: random.Random) -> dict[tuple[str, str], float]:
    """A stable measured value per host and check (percent-like, loads, counts)."""
    return {(f"web-{h:04d}", f"check-{c:02d}"): rng.uniform(5, 80) if c % 3 else
            rng.uniform(0, 4) for h in range(HOSTS) for c in range(CHECKS)}


def build(root: Path, full_precision: bool) -> list[int]:
    """30 daily runs; returns the packed size after the first and the last run."""
    rng = random.Random(12)
    values = fleet(rng)
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    (root / "README").write_text("estate\n")
    git(root, "add", "README")
    git(root, "commit", "-q", "-m", "estate")
    estate = git(root, "rev-parse", "HEAD")
    sizes = []
    for day in range(RUNS):
        for key in rng.sample(sorted(values), int(len(values) * CHANGING)):
            values[key] = values[key] * rng.uniform(0.5, 1.5)  # 1 % of results really change
        results: dict[str, HostResult] = {}
        for h in range(HOSTS):
            name = f"web-{h:04d}"
            checks = {}
            for c in range(CHECKS):
                v = values[(name, f"check-{c:02d}")]
                if full_precision:  # every value as measured: jitters every run
                    v = round(v * rng.uniform(0.97, 1.03), 3)
                checks[f"check-{c:02d}"] = Result(Status.PASS, v, "ok")
            results[name] = HostResult(name, True, checks, "", {})
        started = T0 + timedelta(days=day)
        run_id = f"{started:%Y%m%dT%H%M%SZ}-daily-{day:06x}"
        header = {"checklist": "daily", "cadence": "daily", "limit": None,
                  "started": archive.records.iso(started),
                  "finished": archive.records.iso(started + timedelta(minutes=5)),
                  "estate": {"commit": estate, "dirty": False}}
        body = run_record(run_id=run_id, kind="inspect", header=header, results=results,
                          summary={"hosts": HOSTS}, previous=archive.latest_record(root),
                          extra={"findings": []})
        old = read_status(root, results)
        status = status_files("daily", run_id, results, old)
        rel, digest = write_record(root, run_id, started, body, status)  # as inspect writes
        written = [rel, *status]
        with contextlib.redirect_stderr(io.StringIO()):  # "committed unsigned", 30 times
            commit(root, written, f"inspect(daily): day {day}", run_id, estate=estate,
                   record=(rel, digest))
        if day in (0, RUNS - 1):
            git(root, "gc", "-q")
            pack = dict(line.split(": ") for line in git(root, "count-objects", "-v").splitlines())
            sizes.append(int(pack["size-pack"]) * 1024)
    return sizes


def median_time(fn, n: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def gitpython_walk(root: Path) -> int:
    import git as gp

    repo = gp.Repo(root)
    n = 0
    for c in repo.iter_commits("HEAD", paths="reports", first_parent=True):
        parent = c.parents[0] if c.parents else gp.NULL_TREE
        for d in c.diff(parent, paths="reports", R=True):
            if d.new_file and d.b_path.startswith("reports/runs/"):
                n += len(d.b_blob.data_stream.read())
    return n


def cli_walk(root: Path) -> int:
    from runner.archive import history

    commits = history.walk(root)
    blobs = history.Blobs(root).read(ch.blob for c in commits for ch in c.changes
                                     if ch.status == "A" and ch.path.startswith("reports/runs/"))
    return sum(map(len, blobs.values()))


def main() -> None:
    from runner.archive.timeline import timeline
    from runner.archive.verify import verify

    with tempfile.TemporaryDirectory(prefix="patrol-bench-audit-") as tmp:
        t = time.perf_counter()
        root = Path(tmp) / "bucketed"
        bucketed = build(root, full_precision=False)
        built = time.perf_counter() - t
        result = verify(root)
        assert result.ok and result.records == RUNS, [b.text() for b in result.breaks][:5]
        t_verify = median_time(lambda: verify(root))
        from runner.archive import tip

        cache = Path(tmp) / "bucketed/.git" / tip.CACHE
        cache.unlink(missing_ok=True)

        def fresh() -> None:
            cache.unlink(missing_ok=True)
            assert tip.check(root).ok

        t_tip_fresh = median_time(fresh)
        assert tip.check(root).ok  # remembers the head: the next checks find nothing new
        t_tip = median_time(lambda: tip.check(root), 21)
        t_log = median_time(lambda: timeline(root, hosts={"web-0500"}))
        t_cli = median_time(lambda: cli_walk(root))
        t_gitpython = median_time(lambda: gitpython_walk(root), 3)
        patrol = str(Path(sys.executable).parent / "patrol")
        t_cli_verify = median_time(lambda: subprocess.run(
            [patrol, "audit", "verify", "--estate", str(root)], check=True, capture_output=True))
        t_cli_log = median_time(lambda: subprocess.run(
            [patrol, "audit", "log", "--host", "web-0500", "--estate", str(root)], check=True,
            capture_output=True))
        record_kb = max(p.stat().st_size for p in (root / "reports/runs").rglob("*.yaml")) / 1024
        raw = Path(tmp) / "full"
        saved = evidence_mod.number
        evidence_mod.number = lambda x: repr(x)  # type: ignore[assignment]
        try:
            full = build(raw, full_precision=True)
        finally:
            evidence_mod.number = saved  # type: ignore[assignment]
    per_run = (bucketed[1] - bucketed[0]) / (RUNS - 1)
    per_run_full = (full[1] - full[0]) / (RUNS - 1)
    print(f"archive: {RUNS} daily runs x {HOSTS} hosts x {CHECKS} checks, "
          f"{CHANGING:.0%} changing per run (built in {built:.0f} s)")
    print(f"one record: {record_kb:.0f} KB on disk")
    print(f"audit verify, whole history: median {t_verify:.2f} s in-process, "
          f"{t_cli_verify:.2f} s as a command (target 0.5 s: {t_cli_verify / 0.5:.2f}x)")
    print(f"tip check, nothing new: median {t_tip * 1000:.1f} ms (target 20 ms: "
          f"{t_tip / 0.02:.2f}x); in a fresh clone, from the root: {t_tip_fresh:.2f} s")
    print(f"audit log --host web-0500:   median {t_log:.2f} s in-process, "
          f"{t_cli_log:.2f} s as a command (budget 1 s)")
    print(f"history walk + record blobs: git CLI median {t_cli:.2f} s, "
          f"GitPython median {t_gitpython:.2f} s")
    print(f"growth per daily run, packed after git gc: {per_run / 1024:.1f} KB (budget 50 KB); "
          f"every value at full precision: {per_run_full / 1024:.1f} KB")


if __name__ == "__main__":
    main()
