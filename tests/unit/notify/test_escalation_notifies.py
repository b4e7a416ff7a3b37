"""An escalation that warns a finding owes the site's resident engineer one email, commits it
in the outbox, delivers it after the commit through a real SMTP server on loopback, and
records the delivery: a rerun and a second clone send nothing; a failed delivery is recorded
with its reason (no secret in it) and the next run delivers the message once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from runner.archive.verify import verify
from runner.commands import findings as findings_cmd
from runner.commands import notify as notify_cmd
from runner.findings import Finding, State
from runner.findings import store as findings_store
from runner.notify import outbox
from tests.conftest import commit_all, copy_estate, git, patrol_commit
from tests.unit.notify.servers import free_port, smtp_server, text_of

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
ENGINEER = "zhang.min@example.com"  # hz-dc1's resident engineer in the sample sites.yaml


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The sample estate with one high finding on web-01 (hz-dc1) opened at T0, due T0+1d."""
    root = copy_estate(tmp_path / "estate")
    f = Finding("web-01/disk-space", "check", "web-01", "daily", "disk-space", "high",
                State.OPEN, T0, T0 + timedelta(days=1), "run-1", 91,
                "/var 91% used @all <!channel>")
    f.log(T0, "opened", "run-1", due=f.due)
    commit_all(root)
    findings_store.save(root, {f.id: f})
    patrol_commit(root)
    return root


def escalate(root: Path, at: datetime) -> int:
    return findings_cmd.escalate(root, None, True, clock=lambda: at)


def test_a_warning_is_emailed_once_after_the_commit(estate, monkeypatch, capsys):
    warned_at = T0 + timedelta(hours=19)  # past 75 % of the day
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        assert escalate(estate, warned_at) == 0
        assert [tos for tos, _ in box.messages] == [[ENGINEER]]
        subject, body = text_of(box.messages[0][1])
        assert "警告" in subject and "web-01" in subject  # hz-dc1 speaks zh-CN
        assert "2026-11-21 14:00 Asia/Shanghai" in body  # the deadline, T0+1d, in the zone
        assert "patrol findings --host name=web-01" in body
        log = git(estate, "log", "--format=%s", "-3").splitlines()
        assert log[0] == "notify: 1 delivered" and log[1].startswith("findings: 1 escalated")
        owed = [d for _, d in outbox.read(estate) if d.get("owed")]
        assert [e["event"] for d in owed for e in d["owed"]] == ["finding.warned"]
        assert git(estate, "status", "--porcelain", "--", "reports") == ""
        # the delivery names the estate its escalation was made from (the one that routed
        # and rendered the message), and the archive verifies
        heads = {}
        for sha in git(estate, "log", "--format=%H", "-2").splitlines():
            (path,) = git(estate, "show", "--name-only", "--format=", sha, "--",
                          "reports/runs").splitlines()
            heads[yaml.safe_load((estate / path).read_text())["kind"]] = (
                yaml.safe_load((estate / path).read_text())["estate"])
        assert heads["notification"] == heads["escalation"]
        assert heads["escalation"]["commit"] == git(estate, "rev-parse", "HEAD~2")
        assert verify(estate).ok, verify(estate).breaks

        assert escalate(estate, warned_at + timedelta(minutes=1)) == 0  # a rerun
        assert len(box.messages) == 1
        clone = estate.parent / "clone"
        git(estate.parent, "clone", "-q", str(estate), str(clone))
        assert notify_cmd.run(clone, clock=lambda: warned_at) == 0
        assert len(box.messages) == 1
        assert "0 delivered" in capsys.readouterr().out


def test_nothing_is_owed_when_the_smtp_server_is_unset(estate, monkeypatch):
    monkeypatch.delenv("PATROL_NOTIFY_SMTP", raising=False)
    assert escalate(estate, T0 + timedelta(hours=19)) == 0
    assert outbox.read(estate) == []
    assert git(estate, "log", "-1", "--format=%s").startswith("findings: 1 escalated")


def test_a_failed_delivery_is_recorded_and_the_next_run_delivers_it_once(estate, monkeypatch):
    port = free_port()  # nothing listens there yet
    monkeypatch.setenv("PATROL_NOTIFY_SMTP", f"127.0.0.1:{port}")
    at = T0 + timedelta(hours=19)
    assert escalate(estate, at) == 1  # escalated and committed; the delivery failed
    docs = outbox.read(estate)
    failed = [f for _, d in docs for f in d.get("failed") or []]
    assert [(f["key"].split(":")[0], f["to"]) for f in failed] == [
        ("finding.warned", f"email:{ENGINEER}")]
    assert str(port) not in failed[0]["reason"] and "127.0.0.1" not in failed[0]["reason"]
    assert git(estate, "log", "-1", "--format=%s") == "notify: 0 delivered, 1 failed"
    with smtp_server(port) as box:
        assert notify_cmd.run(estate, clock=lambda: at + timedelta(minutes=15)) == 0
        assert notify_cmd.run(estate, clock=lambda: at + timedelta(minutes=30)) == 0
        assert [tos for tos, _ in box.messages] == [[ENGINEER]]


def test_dry_run_lists_what_is_owed_and_sends_nothing(estate, monkeypatch, capsys):
    monkeypatch.setenv("PATROL_NOTIFY_SMTP", f"127.0.0.1:{free_port()}")
    at = T0 + timedelta(hours=19)
    escalate(estate, at)
    capsys.readouterr()
    head = git(estate, "rev-parse", "HEAD")
    assert notify_cmd.run(estate, dry_run=True, clock=lambda: at) == 0
    out = capsys.readouterr().out
    assert f"-> email:{ENGINEER} (failed 1x:" in out and "1 message(s) owed now" in out
    assert git(estate, "rev-parse", "HEAD") == head


def test_nothing_is_sent_when_the_escalations_commit_fails(estate, monkeypatch):
    """Delivery comes after the commit: when the escalation's commit fails (its run goes to
    the spool) nothing is sent, and the next escalation, which commits the spooled run,
    delivers the warning once."""
    from runner.archive import spool
    from runner.errors import Exit, PatrolError

    warned_at = T0 + timedelta(hours=19)
    lock = estate / ".git" / "index.lock"
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        lock.write_text("")  # another git process holds the index: the commit fails
        with pytest.raises(PatrolError) as caught:
            escalate(estate, warned_at)
        assert caught.value.exit_code == Exit.FAILED and "kept in" in str(caught.value)
        assert box.greetings == 0 and box.messages == []  # not even a connection
        assert spool.pending(estate)
        lock.unlink()
        assert escalate(estate, warned_at + timedelta(minutes=1)) == 0
        assert [tos for tos, _ in box.messages] == [[ENGINEER]]
        assert "警告" in text_of(box.messages[0][1])[0]
        assert escalate(estate, warned_at + timedelta(minutes=2)) == 0
        assert len(box.messages) == 1
    assert spool.pending(estate) == []
    assert git(estate, "log", "-1", "--format=%s") == "notify: 1 delivered"
