"""The estate the notification tests start from: the sample estate with one high finding on
web-01 (hz-dc1, whose resident engineer is zhang.min@example.com) opened at ``T0`` and due a
day later, committed the way Patrol commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.findings import Finding, State
from runner.findings import store as findings_store
from tests.conftest import commit_all, copy_estate, patrol_commit

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def seeded(root: Path, route: str | None = None) -> Path:
    """That estate at ``root``; ``route`` (YAML lines) is appended to its notification
    routes."""
    copy_estate(root)
    if route is not None:
        policy = root / "policies/notifications.yaml"
        policy.write_text(policy.read_text() + route)
    f = Finding("web-01/disk-space", "check", "web-01", "daily", "disk-space", "high",
                State.OPEN, T0, T0 + timedelta(days=1), "run-1", 91, "/var 91% used")
    f.log(T0, "opened", "run-1", due=f.due)
    commit_all(root)
    findings_store.save(root, {f.id: f})
    patrol_commit(root)
    return root
