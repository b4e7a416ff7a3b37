"""A broken archive tells the people the routes name once: the first run whose tip check
finds the break (or ``patrol audit verify``) owes, claims and sends ``archive.broken`` through
a real SMTP server on loopback, recorded on the notices ref beside the archive (nothing is
appended to the broken archive); the same break found again, in this clone or another, sends
nothing; a new break tells again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner.archive import notices
from runner.commands import audit as audit_cmd
from runner.commands import findings as findings_cmd
from runner.errors import PatrolError
from tests.conftest import git, remote_and_clones
from tests.unit.notify.seed import T0, seeded
from tests.unit.notify.servers import smtp_server, text_of

# the sample's sites and their resident engineers (one each, each a different person)
SITES = yaml.safe_load((Path(__file__).resolve().parents[3] / "inventory/sites.yaml")
                       .read_text())["sites"]
ENGINEERS = {e["email"] for site in SITES for e in site["resident_engineers"]}
PER_BREAK = len(SITES)  # one message per site's engineer


@pytest.fixture
def clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    seed = seeded(tmp_path / "seed",
                  "  - events: [archive.broken]\n    to: [resident_engineers]\n")
    return remote_and_clones(seed, tmp_path)


def tamper(clone: Path, findings: int) -> None:
    """Edit the committed seed record's summary by hand and push it: a break on the
    remote."""
    (record,) = (clone / "reports/runs").rglob("*.yaml")
    text = record.read_text()
    record.write_text(text.replace("  findings: ", f"  findings: {findings}  # was ", 1))
    git(clone, "commit", "-qam", f"say {findings} findings")
    git(clone, "push", "-q")


def test_a_break_is_told_once_across_clones_and_never_appended(clones, monkeypatch, capsys):
    bare, a, b = clones
    tamper(a, 0)
    git(b, "pull", "-q", "--ff-only")
    broken_tip = git(bare, "rev-parse", "main")
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        with pytest.raises(PatrolError, match="edited after it was written"):  # refused
            findings_cmd.escalate(a, None, True, clock=lambda: T0 + timedelta(days=2))
        assert {tos[0] for tos, _ in box.messages} == ENGINEERS
        assert len(ENGINEERS) == PER_BREAK == 4 and len(box.messages) == PER_BREAK
        subjects = {text_of(m)[0] for _, m in box.messages}
        assert subjects == {"The archive does not verify", "档案管理：档案校验失败"}
        assert all("patrol audit verify" in text_of(m)[1] for _, m in box.messages)

        assert audit_cmd.verify(b, None, "text") == 1  # another clone, the same break
        assert audit_cmd.verify(a, None, "json") == 1
        with pytest.raises(PatrolError, match="edited after it was written"):
            findings_cmd.escalate(b, None, True, clock=lambda: T0 + timedelta(days=2))
        assert len(box.messages) == PER_BREAK

        tamper(b, 2)  # a new break tells again
        assert audit_cmd.verify(b, None, "text") == 1
        assert len(box.messages) == 2 * PER_BREAK
    assert git(a, "rev-parse", "main") == broken_tip  # nothing appended to the archive
    assert capsys.readouterr().err.count(f"archive.broken: {PER_BREAK} delivered") == 2
    owed = [e for _, d in notices.read(b) for e in d.get("owed") or []]
    assert sorted(e["event"] for e in owed) == ["archive.broken"] * 2 * PER_BREAK
    assert git(bare, "rev-parse", notices.REF) == notices.tip(b)


def test_nobody_is_told_without_a_route(clones, monkeypatch):
    _bare, a, _b = clones
    policy = a / "policies/notifications.yaml"
    policy.write_text(policy.read_text().replace("archive.broken", "report.ready"))
    git(a, "commit", "-qam", "no route for a broken archive")
    tamper(a, 0)
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        assert audit_cmd.verify(a, None, "text") == 1
        assert box.messages == []
    assert notices.tip(a) is None
