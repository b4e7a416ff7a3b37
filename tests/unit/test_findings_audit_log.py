"""`patrol audit log --checklist NAME` still finds a finding's moves now that a finding is one
per problem (``host/check``): the run that moved it names the checklist."""

from __future__ import annotations

from pathlib import Path

from runner.archive.timeline import timeline
from runner.inspect import inspect
from tests.unit.test_inspect_run import T0, FakeFleet, context, make_estate


def test_the_audit_log_filters_finding_moves_by_the_checklist_that_made_them(tmp_path: Path):
    root = make_estate(tmp_path / "estate")
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"  # planted: the fake checklist's agent check fails
    inspect(root, "fake", ctx=context(root, T0), play=fleet)
    moved = [e for e in timeline(root, checklist="fake") if "web-02/agent" in e.text]
    assert moved and "new -> open" in moved[0].text
    assert not [e for e in timeline(root, checklist="daily") if "web-02/agent" in e.text]


def test_the_audit_log_says_who_ran_each_run_and_which_inspection_opened_an_incident(
        tmp_path: Path):
    from tests.conftest import commit_all
    from tests.unit.test_inspect_run import CHECKLIST

    root = make_estate(tmp_path / "estate")
    crit = CHECKLIST.replace("severity: high", "severity: critical").replace(
        "id: agent", "id: agent-pin")
    (root / "policies" / "inspections" / "crit.yaml").write_text(crit)
    commit_all(root)
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    run = inspect(root, "crit", ctx=context(root, T0), play=fleet)  # GITHUB_ACTOR=ci-bot
    events = timeline(root)
    (ran,) = [e for e in events if e.kind == "run" and run.run_id in e.text]
    assert ran.author == "ci-bot"
    (opened,) = [e for e in events if e.kind == "incident"]
    assert opened.subject == run.incidents[0]
    assert f"opened by {run.run_id} for finding web-02/agent-pin" in opened.text
