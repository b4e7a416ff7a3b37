"""The CI templates shard a checklist and reach private sites: GitHub's matrix (from the
repository variable PATROL_MATRIX) and GitLab's ``parallel:`` turn into ``--shard I/N`` and
``--site``; each shard has a concurrency group of its own; one job runs the after-steps."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _job() -> dict:  # type: ignore[type-arg]
    wf = yaml.safe_load((ROOT / ".github/workflows/inspect.yml").read_text())
    return wf["jobs"]["inspect"]


def _fake_patrol(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "patrol").write_text('#!/bin/sh\nprintf "%s\\n" "$@" >> "$OUT"\n')
    (bin_dir / "patrol").chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "OUT": str(tmp_path / "argv")}


def _run(script: str, env: dict[str, str], tmp_path: Path) -> list[str]:
    out = tmp_path / "argv"
    out.write_text("")
    subprocess.run(["bash", "-e", "-c", script], env=env, check=True, cwd=tmp_path)
    return out.read_text().splitlines()


def test_github_matrix_entries_become_shard_and_site_arguments(tmp_path: Path) -> None:
    job = _job()
    assert job["strategy"]["matrix"]["include"] == \
        "${{ fromJSON(vars.PATROL_MATRIX || '[{}]') }}"
    assert job["runs-on"] == "${{ matrix.runs-on || 'ubuntu-latest' }}"
    assert "${{ matrix.shard }}" in job["concurrency"]["group"]
    assert "${{ matrix.site }}" in job["concurrency"]["group"]
    step = next(s for s in job["steps"] if s.get("name") == "Inspect")
    env = {**_fake_patrol(tmp_path), "CHECKLIST": "daily"}
    assert _run(step["run"], {**env, "SHARD": "", "SITE": ""}, tmp_path) == [
        "inspect", "daily", "--push", "--junit", "junit.xml"]
    assert _run(step["run"], {**env, "SHARD": "2/3", "SITE": ""}, tmp_path) == [
        "inspect", "daily", "--push", "--shard", "2/3", "--junit", "junit.xml"]
    assert _run(step["run"], {**env, "SHARD": "", "SITE": "hz dc1"}, tmp_path) == [
        "inspect", "daily", "--push", "--site", "hz dc1", "--junit", "junit.xml"]


def test_only_one_matrix_job_runs_the_after_steps(tmp_path: Path) -> None:
    env = _fake_patrol(tmp_path)
    for name in ("Spare parts and lifecycle (daily)",
                 "Monthly report (1st of the month, for the month before)"):
        step = next(s for s in _job()["steps"] if s.get("name") == name)
        assert step["env"]["AFTER"] == "${{ matrix.after }}"
        env["GITHUB_OUTPUT"] = str(tmp_path / "output")
        assert _run(step["run"], {**env, "AFTER": "false", "REPORT_LANG": "en"}, tmp_path) == []
        assert _run(step["run"], {**env, "AFTER": "", "REPORT_LANG": "en"}, tmp_path) != []


def test_gitlab_parallel_jobs_pass_their_shard(tmp_path: Path) -> None:
    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    lines = [ln for ln in gl["inspect"]["script"] if isinstance(ln, str) and "shard" in ln]
    script = "\n".join(lines)
    env = {**_fake_patrol(tmp_path), "PATROL_CHECKLIST": "daily"}
    assert _run(script, env, tmp_path) == [
        "inspect", "daily", "--push", "--junit", "junit.xml"]
    assert _run(script, {**env, "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "1"}, tmp_path) == [
        "inspect", "daily", "--push", "--junit", "junit.xml"]
    assert _run(script, {**env, "CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3",
                         "PATROL_SITE": "fra-dc2"}, tmp_path) == [
        "inspect", "daily", "--push", "--shard", "3/3", "--site", "fra-dc2", "--junit",
        "junit.xml"]
