"""What one delivery owes one recipient in one language goes as one message: each item once,
in order, numbered, within the channel's size; its outcome is every item's outcome, and a
failed digest is retried whole by the next delivery, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runner.commands import findings as findings_cmd
from runner.commands import notify as notify_cmd
from runner.estate.loader import load_estate
from runner.findings import Finding, State
from runner.findings import store as findings_store
from runner.notify import outbox
from runner.notify.dispatch import send_items
from runner.notify.messages import BODY_LIMIT, batches, digest
from tests.conftest import commit_all, copy_estate, git, patrol_commit
from tests.unit.notify.servers import free_port, smtp_server, text_of

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
HZ, FRA = "zhang.min@example.com", "jonas.weber@example.com"  # the sample's engineers
# hz-dc1 (zh-CN): web-01, web-02, db-01; fra-dc2 (en): app-01
WARNED = {"web-01": 3, "web-02": 2, "db-01": 1, "app-01": 2}


def test_one_part_is_the_message_itself():
    assert digest([("a title", "a body")], "en", "text") == ("a title", "a body")


@pytest.mark.parametrize(("lang", "more"), [("en", "(and 2 more)"), ("zh-CN", "（另有 2 条）")])
def test_a_digest_names_the_first_and_counts_the_rest(lang, more):
    parts = [("first", "body one"), ("second", "body two"), ("third", "body three")]
    title, body = digest(parts, lang, "text")
    assert title == f"first {more}".replace(" （", "（")
    assert body.split("\n\n") == ["[1/3] first\nbody one", "[2/3] second\nbody two",
                                  "[3/3] third\nbody three"]
    _, md = digest(parts, lang, "markdown")
    assert md.split("\n\n---\n\n") == ["**[1/3] first**\n\nbody one",
                                       "**[2/3] second**\n\nbody two",
                                       "**[3/3] third**\n\nbody three"]


def test_batches_keep_order_and_stay_within_the_limit():
    limit = BODY_LIMIT["markdown"]
    assert batches([1000] * 7, "markdown") == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches([limit + 1, 10, 10, limit - 20], "markdown") == [[0], [1, 2, 3]]
    assert batches([limit, 1], "markdown") == [[0], [1]]
    assert batches([1000] * 7, "text") == [list(range(7))]
    assert batches([], "text") == []


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The sample estate with high findings opened at T0 (due T0+1d) on two sites."""
    root = copy_estate(tmp_path / "estate")
    store = {}
    for host, count in WARNED.items():
        for n in range(count):
            f = Finding(f"{host}/check-{n}", "check", host, "daily", f"check-{n}", "high",
                        State.OPEN, T0, T0 + timedelta(days=1), "run-1", n, f"reason {n}")
            f.log(T0, "opened", "run-1", due=f.due)
            store[f.id] = f
    commit_all(root)
    findings_store.save(root, store)
    patrol_commit(root)
    return root


def escalate(root: Path, at: datetime) -> int:
    return findings_cmd.escalate(root, None, True, clock=lambda: at)


def delivered(root: Path) -> list[tuple[str, str]]:
    return sorted((d["key"], d["to"]) for _, doc in outbox.read(root)
                  for d in doc.get("delivered") or [])


def test_each_engineer_gets_one_email_carrying_each_warning_once(estate, monkeypatch):
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        assert escalate(estate, T0 + timedelta(hours=19)) == 0
        assert sorted(tos[0] for tos, _ in box.messages) == [FRA, HZ]
        for tos, message in box.messages:
            subject, body = text_of(message)
            hosts = [h for h in WARNED if (h == "app-01") == (tos[0] == FRA)]
            count = sum(WARNED[h] for h in hosts)
            numbered = [line for line in body.splitlines() if line.startswith("[")]
            assert [line.split("]")[0] for line in numbered] == [
                f"[{i}/{count}" for i in range(1, count + 1)]
            for host in hosts:  # every warning of the site, once
                for n in range(WARNED[host]):
                    assert sum(f"check-{n}" in line and host in line
                               for line in numbered) == 1
            if tos[0] == HZ:  # the site's language, the digest's count in it
                assert "警告" in subject and f"（另有 {count - 1} 条）" in subject
            else:
                assert subject.startswith("Warning:") and f"(and {count - 1} more)" in subject
    owed = sorted((e["key"], to) for _, doc in outbox.read(estate)
                  for e in doc.get("owed") or [] for to in e["to"])
    assert len(owed) == sum(WARNED.values())
    assert delivered(estate) == owed  # each item recorded delivered, once
    assert git(estate, "log", "-1", "--format=%s") == f"notify: {len(owed)} delivered"


def test_a_failed_digest_fails_each_item_and_is_retried_whole_once(estate, monkeypatch):
    port = free_port()  # nothing listens there yet
    monkeypatch.setenv("PATROL_NOTIFY_SMTP", f"127.0.0.1:{port}")
    at = T0 + timedelta(hours=19)
    assert escalate(estate, at) == 1
    failed = [f for _, doc in outbox.read(estate) for f in doc.get("failed") or []]
    assert len(failed) == sum(WARNED.values())
    assert {f["reason"] for f in failed} == {"the SMTP server refused the connection"}
    with smtp_server(port) as box:
        assert notify_cmd.run(estate, clock=lambda: at + timedelta(minutes=5)) == 0
        assert notify_cmd.run(estate, clock=lambda: at + timedelta(minutes=6)) == 0
        assert sorted(tos[0] for tos, _ in box.messages) == [FRA, HZ]
    assert len(delivered(estate)) == sum(WARNED.values())


def pending(event: str, key: str, lang: str, to: str = "channel:ops") -> outbox.Pending:
    entry = {"key": key, "event": event, "at": "2026-11-20T06:00:00Z", "site": "hz-dc1",
             "lang": lang, "facts": ({"incident": key, "hosts": "web-01"}
                                     if event.startswith("incident.")
                                     else {"host": "web-01", "check": key})}
    return outbox.Pending(entry, to, None, 0, None)


def test_incident_events_go_alone_and_a_message_keeps_to_one_language(tmp_path):
    root = copy_estate(tmp_path / "estate")
    (root / "policies/notifications.yaml").write_text(
        "channels:\n  ops: {url: {env: HOOK}}\nroutes:\n  - {events: [finding.warned], "
        "channels: [ops]}\n")
    estate, problems = load_estate(root, today=T0.date())
    assert estate is not None, problems
    items = [pending("incident.opened", "inc-a", "en"), pending("finding.warned", "f-1", "en"),
             pending("incident.response.warned", "inc-b", "en"),
             pending("finding.warned", "f-2", "zh-CN"), pending("finding.warned", "f-3", "en"),
             pending("finding.warned", "f-4", "en", to="channel:other")]
    sent: list[str] = []

    def send(target, title, body):
        sent.append(title)

    out = send_items(items, estate, lambda: T0, {"HOOK": "json://127.0.0.1:9/hook"}, send)
    assert sorted(sent) == sorted([
        "Incident inc-a opened: web-01",  # each incident event alone, however many are owed
        "Incident inc-b: the response time runs out soon",
        "Warning: f-1 on web-01 / Hangzhou DC1 nears its rectification deadline "
        "(and 1 more)",  # f-1 and f-3: one recipient, one language
        "警告：web-01 / Hangzhou DC1 的 f-2 即将超过整改期限"])  # f-2 alone: zh-CN
    assert sorted(p.key for p, _ in out.delivered) == ["f-1", "f-2", "f-3", "inc-a", "inc-b"]
    # a channel the policy no longer names fails alone, with its reason
    assert [(p.key, why) for p, _, why in out.failed] == [
        ("f-4", "channel 'other' is no longer in policies/notifications.yaml")]
