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
    validate = gl["validate"]
    assert "patrol validate --format gitlab > gl-code-quality-report.json || true" in \
        validate["script"]
    assert validate["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert validate["script"][-1] == "patrol validate"  # its exit code is the job's


def test_pull_requests_are_planned_and_the_plan_is_posted():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text())
    assert "pull_request" in wf[True]
    validate = "\n".join(s.get("run", "") for s in wf["jobs"]["validate"]["steps"])
    assert "patrol validate --format github" in validate
    job = wf["jobs"]["plan"]
    assert job["permissions"]["pull-requests"] == "write"
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] >= 2  # HEAD^1, the target branch, must be there
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "patrol plan --base HEAD^1 --head HEAD --format markdown > plan.md" in script
    assert "gh pr comment" in script and "--body-file plan.md" in script
    assert "GITHUB_STEP_SUMMARY" in script

    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    plan = gl["plan"]
    assert plan["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = "\n".join(plan["script"])
    assert ('patrol plan --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --head HEAD '
            "--format markdown > plan.md") in script
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in script
    assert "PRIVATE-TOKEN: $PATROL_NOTES_TOKEN" in script
    assert "plan.md" in plan["artifacts"]["paths"]


def test_the_ci_plan_commands_parse_with_the_real_cli():
    from typer.testing import CliRunner

    from runner.cli import app

    result = CliRunner().invoke(app, ["plan", "--help"])
    assert result.exit_code == 0
    for option in ("--base", "--head", "--format", "--estate"):
        assert option in result.output
