"""A committed monthly report owes ``report.ready`` to the people the routes name, once per
month and site, in the commit that holds the report; the next delivery sends it through a
real SMTP server on loopback, each site in its language, and nothing is sent twice: not on a
rerun, not when the month's report is committed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.commands import notify as notify_cmd
from runner.commands import report as report_cmd
from runner.notify import outbox
from tests.conftest import git
from tests.unit.notify.seed import seeded
from tests.unit.notify.servers import smtp_server, text_of

CONTACTS = {"hz-dc1": "li.wei@customer.example.com",  # the sample sites.yaml's contacts
            "hz-br3": "chen.jie@customer.example.com",
            "fra-dc2": "anna.schmidt@customer.example.com",
            "fra-plant4": "paul.fischer@customer.example.com"}


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return seeded(tmp_path / "estate", "  - events: [report.ready]\n    to: [contacts]\n")


def test_a_committed_report_tells_each_sites_contacts_once(estate, monkeypatch):
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        assert report_cmd.monthly(estate, "2026-11", "html", "en", None, commit=True) == 0
        changed = git(estate, "show", "--name-only", "--format=", "HEAD").splitlines()
        owed = [e for _, d in outbox.read(estate) for e in d.get("owed") or []]
        assert sorted((e["event"], e["site"], tuple(e["to"])) for e in owed) == sorted(
            ("report.ready", site, (f"email:{who}",)) for site, who in CONTACTS.items())
        assert any(p.startswith("reports/notifications/") for p in changed)  # with the report
        assert "reports/monthly/2026-11.html" in changed
        assert box.messages == []  # owed, not sent: the next delivery sends it

        assert notify_cmd.run(estate) == 0
        assert notify_cmd.run(estate) == 0  # a rerun sends nothing
        assert report_cmd.monthly(estate, "2026-11", "html", "en", None, commit=True) == 0
        assert notify_cmd.run(estate) == 0  # the month's report again: nothing new owed
        sent = {tos[0]: text_of(m) for tos, m in box.messages}
    assert len(box.messages) == len(CONTACTS) and set(sent) == set(CONTACTS.values())
    subject, body = sent[CONTACTS["fra-dc2"]]
    assert subject == "The monthly report for 2026-11 is ready"
    assert "patrol report monthly 2026-11" in body and "reports/monthly/2026-11.html" in body
    assert sent[CONTACTS["hz-dc1"]][0] == "2026-11 月度报告已生成"  # hz-dc1 speaks zh-CN
