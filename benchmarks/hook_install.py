"""Benchmark: the pre-commit hook's fresh environment, light against the pre-split hook.

    .venv/bin/python benchmarks/hook_install.py [--rounds 3]

An estate repository (the sample estate, committed) uses this repository's `patrol-validate`
hook at HEAD, as an estate repository would, and `pre-commit run --all-files` builds the hook's
environment from nothing (an empty PRE_COMMIT_HOME each round) and runs it. Two configurations,
alternating, in the same run:

- light: the hook as published (`pip install .`: Patrol without Ansible);
- baseline: the same hook with `additional_dependencies:` the exact versions of
  requirements/ansible.txt (the light pins and the [ansible] extra's), which is what the hook
  installed before Ansible became an extra.

Pip's cache is kept warm (one untimed round of each first), so the figures are install time,
not download time. Prints the median wall and CPU time and the environment's size for each, and
their ratios. Exits 1 when a hook run fails or the light environment is not the smaller one.
Measures the committed HEAD: commit before measuring.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def config(rev: str, extra: list[str]) -> str:
    deps = "".join(f"\n          - {req!r}" for req in extra)
    return (f"repos:\n  - repo: {REPO.as_uri()}\n    rev: {rev}\n    hooks:\n"
            f"      - id: patrol-validate\n" + (f"        additional_dependencies:{deps}\n"
                                                 if extra else ""))


def size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def one_round(estate: Path, home: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of a hook run that builds its environment, and the env's bytes."""
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run([str(PRE_COMMIT), "run", "--all-files"], cwd=estate, env=env,
                         capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"hook run failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    envs = [p for p in home.glob("repo*/py_env-*") if p.is_dir()]
    if len(envs) != 1:
        sys.exit(f"expected one hook environment under {home}, found {envs}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, size(envs[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.strip()
    sys.path.insert(0, str(REPO / "scripts"))
    from hook_pins import pins

    extra = pins((REPO / "requirements" / "ansible.txt").read_text())
    with tempfile.TemporaryDirectory(prefix="patrol-hook-bench-") as tmp:
        work = Path(tmp)
        estates = {}
        for name, deps in (("light", []), ("baseline", extra)):
            estate = work / name
            estate.mkdir()
            for part in ("inventory", "policies"):
                shutil.copytree(REPO / part, estate / part)
            (estate / ".pre-commit-config.yaml").write_text(config(rev, deps))
            for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                        ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                         "commit", "-q", "-m", "estate"]):
                subprocess.run(["git", *cmd], cwd=estate, check=True)
            estates[name] = estate
        for name, estate in estates.items():  # warm pip's cache, untimed
            one_round(estate, work / f"home-{name}")
        figures: dict[str, list[tuple[float, float, int]]] = {"light": [], "baseline": []}
        for _ in range(args.rounds):
            for name, estate in estates.items():
                figures[name].append(one_round(estate, work / f"home-{name}"))
    med = {name: tuple(statistics.median(f[i] for f in rows) for i in range(3))
           for name, rows in figures.items()}
    for name, (wall, cpu, nbytes) in med.items():
        print(f"{name:8}  wall {wall:6.2f} s   cpu {cpu:6.2f} s   env {nbytes / 1e6:6.1f} MB"
              f"   (median of {args.rounds})")
    light, base = med["light"], med["baseline"]
    print(f"light / baseline: wall {light[0] / base[0]:.2f}x  cpu {light[1] / base[1]:.2f}x  "
          f"size {light[2] / base[2]:.2f}x")
    return 0 if light[2] < base[2] else 1


if __name__ == "__main__":
    sys.exit(main())
