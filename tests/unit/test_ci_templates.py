"""The CI templates users copy must be valid for their CI system and call patrol correctly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHECK = str(Path(sys.executable).parent / "check-jsonschema")


def _valid(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHECK, "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True)


def test_github_workflows_match_the_github_schema():
    files = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert files
    r = _valid("vendor.github-workflows", *files)
    assert r.returncode == 0, r.stdout + r.stderr


def test_gitlab_ci_matches_the_gitlab_schema():
    r = _valid("vendor.gitlab-ci", ROOT / ".gitlab-ci.yml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_cadence_is_scheduled_and_pushed_back():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "inspect.yml").read_text())
    crons = [s["cron"] for s in wf[True]["schedule"]]  # YAML 1.1 reads `on` as True
    script = "\n".join(step.get("run", "") for step in wf["jobs"]["inspect"]["steps"])
    for cron in crons:
        assert cron in script  # each schedule maps to a checklist
    for checklist in ("daily", "weekly", "monthly"):
        assert f"c={checklist} ;;" in script
    assert "patrol inspect" in script and "--push" in script
    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    assert "--push" in "\n".join(gl["inspect"]["script"])
    assert "patrol validate --format github" in gl["validate"]["script"]
