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
