"""The CI templates users copy must be valid for their CI system and call patrol correctly."""

from __future__ import annotations

import json
import os
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


def _inspect_workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "inspect.yml").read_text())


def test_every_cadence_is_scheduled_and_pushed_back():
    wf = _inspect_workflow()
    crons = [s["cron"] for s in wf[True]["schedule"]]  # YAML 1.1 reads `on` as True
    table = json.loads(wf["env"]["PATROL_SCHEDULES"])
    escalation = "*/15 * * * *"  # its own job (tested below), not an inspection
    assert sorted(c for c in crons if c != escalation) == sorted(table)  # one table, no other
    assert sorted(table.values()) == sorted(
        p.stem for p in (ROOT / "policies" / "inspections").glob("*.yaml"))
    script = "\n".join(step.get("run", "") for step in wf["jobs"]["inspect"]["steps"])
    assert 'patrol inspect "$CHECKLIST" --push' in script
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
    depth = checkout["with"]["fetch-depth"]
    assert depth == 0 or depth >= 2  # HEAD^1, the target branch, must be there (0: all)
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


def _workflows() -> list[Path]:
    return sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_no_expression_reaches_a_shell_line():
    """Values go to `run:` through `env:`, never as `${{ }}` pasted into the script."""
    for path in _workflows():
        wf = yaml.safe_load(path.read_text())
        for job in wf["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), (path.name, step)
    for name, job in yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text()).items():
        if isinstance(job, dict) and "script" in job:
            assert "$[[" not in "\n".join(job["script"]), name


def _pick(tmp_path: Path, scheduled: str, requested: str) -> tuple[int, str]:
    """Run the workflow's own "Pick the checklist" script as the runner would (bash -e)."""
    step = next(s for s in _inspect_workflow()["jobs"]["inspect"]["steps"]
                if s.get("id") == "pick")
    out = tmp_path / "output"
    out.write_text("")
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, capture_output=True,
                          text=True, env={"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(out),
                                          "SCHEDULED": scheduled, "REQUESTED": requested})
    return proc.returncode, out.read_text()


def test_the_checklist_picked_is_the_schedules_or_a_plain_name(tmp_path: Path):
    assert _pick(tmp_path, "weekly", "") == (0, "checklist=weekly\n")
    assert _pick(tmp_path, "", "monthly") == (0, "checklist=monthly\n")
    assert _pick(tmp_path, "", "") == (0, "checklist=daily\n")
    for hostile in ("daily\nchecklist=x", "$(touch pwned)", "../etc", "a b", "`id`"):
        code, output = _pick(tmp_path, "", hostile)
        assert (code, output) == (2, ""), hostile
    assert not (tmp_path / "pwned").exists()


def test_escalation_runs_every_15_minutes_and_pushes_back():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "inspect.yml").read_text())
    assert "*/15 * * * *" in [s["cron"] for s in wf[True]["schedule"]]
    job = wf["jobs"]["escalate"]
    assert job["if"] == "github.event.schedule == '*/15 * * * *'"
    assert wf["jobs"]["inspect"]["if"] == "github.event.schedule != '*/15 * * * *'"
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "patrol findings escalate --push" in script
    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    assert gl["escalate"]["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "schedule" && $PATROL_ESCALATE'}]
    assert "patrol findings escalate --push" in gl["escalate"]["script"]
    assert "*/15 * * * *" in (ROOT / ".gitlab-ci.yml").read_text()


def test_the_ci_escalate_command_parses_with_the_real_cli():
    from typer.testing import CliRunner

    from runner.cli import findings_app

    result = CliRunner().invoke(findings_app, ["escalate", "--help"])
    assert result.exit_code == 0
    assert "--push" in result.output


def test_spares_and_lifecycle_checks_run_daily_and_push():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "inspect.yml").read_text())
    step = next(s for s in wf["jobs"]["inspect"]["steps"]
                if "patrol spares check" in s.get("run", ""))
    assert step["if"] == "${{ !cancelled() && steps.pick.outputs.checklist == 'daily' }}"
    assert "patrol spares check --push" in step["run"]
    assert "patrol lifecycle check --push" in step["run"]
    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    job = gl["spares-lifecycle"]
    script = "\n".join(job["script"])
    assert "patrol spares check --push" in script and "patrol lifecycle check --push" in script
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && '
                                  '$PATROL_CHECKLIST == "daily"', "when": "always"}]


def test_the_ci_check_commands_parse_with_the_real_cli():
    from typer.testing import CliRunner

    from runner.cli import app, lifecycle_app, spares_app

    if not any(g.typer_instance is spares_app for g in app.registered_groups):
        app.add_typer(spares_app, name="spares")
        app.add_typer(lifecycle_app, name="lifecycle")
    for command in (["spares", "check", "--help"], ["lifecycle", "check", "--help"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        for option in ("--now", "--commit", "--push"):
            assert option in result.output


def test_the_monthly_report_runs_on_the_first_for_the_month_before_and_is_kept():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "inspect.yml").read_text())
    assert "45 6 1 * *" in [s["cron"] for s in wf[True]["schedule"]]  # the 1st: monthly
    steps = wf["jobs"]["inspect"]["steps"]
    step = next(s for s in steps if "patrol report monthly" in s.get("run", ""))
    assert step["if"] == "${{ !cancelled() && steps.pick.outputs.checklist == 'monthly' }}"
    assert '--commit --push' in step["run"]
    month_line = next(line for line in step["run"].splitlines() if line.startswith("month="))
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")
                  and "monthly" in s["with"]["path"])
    assert upload["with"]["path"] == "reports/monthly/${{ steps.report.outputs.month }}.html"
    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    job = gl["monthly-report"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && '
                                  '$PATROL_CHECKLIST == "monthly"', "when": "always"}]
    script = "\n".join(job["script"])
    assert month_line in script and "--commit --push" in script
    assert job["artifacts"]["paths"] == ["monthly-report.html"]
    # the month before, however many days the month had: run the line on a fixed "today"
    for today, before in (("2026-03-01", "2026-02"), ("2027-01-01", "2026-12")):
        line = month_line.replace("$(date -u +%Y-%m-01)", today)
        out = subprocess.run(["bash", "-c", f"{line}; echo $month"], capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == before


def test_the_ci_report_command_parses_with_the_real_cli():
    from typer.testing import CliRunner

    from runner.cli import app, report_app

    if not any(g.typer_instance is report_app for g in app.registered_groups):
        app.add_typer(report_app, name="report")
    result = CliRunner().invoke(app, ["report", "monthly", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--lang", "--commit", "--push", "--format", "--out"):
        assert option in result.output


def test_the_archive_is_verified_on_every_pull_request_and_on_the_schedule():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "audit.yml").read_text())
    on = wf[True]
    assert "pull_request" in on and on["pull_request"] is None  # every PR, no path filter
    assert on["schedule"]
    job = wf["jobs"]["verify"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # verify walks the whole history
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "patrol audit verify\n" in script + "\n"  # its exit code fails the job

    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    audit = gl["audit"]
    sources = " ".join(r["if"] for r in audit["rules"])
    assert "merge_request_event" in sources and '"schedule"' in sources
    assert audit.get("variables", gl["variables"])["GIT_DEPTH"] == "0"  # the whole history
    assert "patrol audit verify" in audit["script"]


def test_scheduled_runs_sign_with_the_key_from_a_secret():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "inspect.yml").read_text())
    for job in wf["jobs"].values():  # every job that commits records signs them
        steps = job["steps"]
        writes = [s for s in steps if "--push" in s.get("run", "")]
        assert writes
        key = next(s for s in steps if s.get("name") == "Signing key")
        assert key["env"]["SIGNING_KEY"] == "${{ secrets.PATROL_SIGNING_KEY }}"
        assert "PATROL_SIGNING_KEY=" in key["run"] and "GITHUB_ENV" in key["run"]
        assert all(steps.index(key) < steps.index(s) for s in writes)
    gl = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    keys = gl[".patrol-snippets"]["keys"]  # File variable or text: tests/unit/test_ci_review.py
    assert 'export PATROL_SIGNING_KEY="$keys/signing"' in keys
    for name, job in gl.items():  # every job that commits records signs them
        if isinstance(job, dict) and "--push" in "\n".join(job.get("script", [])):
            assert job["script"][0] == keys, name


def test_the_ci_audit_command_parses_with_the_real_cli():
    patrol = str(Path(sys.executable).parent / "patrol")
    result = subprocess.run([patrol, "audit", "verify", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--since" in result.stdout and "--format" in result.stdout
