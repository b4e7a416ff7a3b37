"""Routes on plain data, time passed in: which recipients an event owes, filters, the owner's
address, quiet hours from the site's service calendar, and the outbox's arithmetic (owed minus
delivered; a failure stays owed; an event owed once however often it is seen)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from runner.estate import load_estate
from runner.notify import outbox
from runner.notify.events import Event
from runner.notify.routes import hold_until, route
from runner.service_hours import Calendar
from tests.conftest import copy_estate

MON_NOON_SH = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # Monday 12:00 in Asia/Shanghai
MON_NIGHT_SH = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Monday 22:00 in Asia/Shanghai


def estate_with(tmp_path: Path, routes: str) -> object:
    root = copy_estate(tmp_path / "estate")
    (root / "policies/notifications.yaml").write_text(
        "email: {server: {env: S}, from: p@example.com}\n"
        "channels:\n  ops-chat: {url: {env: CHAT}}\n"
        "sites: {hz-dc1: {language: zh-CN}}\n" + routes)
    estate, problems = load_estate(root, today=MON_NOON_SH.date())
    assert estate is not None, [str(p) for p in problems]
    return estate


def event(name: str, site: str = "hz-dc1", severity: str = "high", owner: str | None =
          "ops-team@example.com", at: datetime = MON_NOON_SH, crit: str = "high") -> Event:
    return Event(f"{name}:x:{at.isoformat()}", name, at, site, severity, crit, owner, {})


def test_people_of_the_site_and_named_channels_are_each_owed_once(tmp_path):
    estate = estate_with(tmp_path, "routes:\n"
                         "  - {events: [incident.*], to: [resident_engineers, owner]}\n"
                         "  - {events: [incident.opened], to: [resident_engineers, contacts],"
                         " channels: [ops-chat]}\n")
    owed = route([event("incident.opened")], estate)
    assert [(o.to, o.lang) for o in owed] == [
        ("email:zhang.min@example.com", "zh-CN"), ("email:ops-team@example.com", "zh-CN"),
        ("email:li.wei@customer.example.com", "zh-CN"), ("channel:ops-chat", "zh-CN")]
    assert [o.to for o in route([event("incident.resolved", site="fra-dc2")], estate)] == [
        "email:jonas.weber@example.com", "email:ops-team@example.com"]
    assert route([event("finding.warned")], estate) == []


def test_filters_by_severity_site_owner_and_criticality(tmp_path):
    estate = estate_with(tmp_path, "routes:\n  - {events: [finding.warned], to: [owner], "
                         "severity: [critical], sites: [hz-dc1], criticality: [high]}\n")
    assert len(route([event("finding.warned", severity="critical")], estate)) == 1
    assert route([event("finding.warned", severity="high")], estate) == []
    assert route([event("finding.warned", severity="critical", site="fra-dc2")], estate) == []
    assert route([event("finding.warned", severity="critical", crit="low")], estate) == []


def test_an_owner_named_by_name_is_reached_at_that_persons_address(tmp_path):
    estate = estate_with(tmp_path, "routes:\n  - {events: [finding.*], to: [owner]}\n")
    assert [o.to for o in route([event("finding.opened", owner="Li Wei")], estate)] == [
        "email:li.wei@customer.example.com"]
    assert route([event("finding.opened", owner="Nobody Known")], estate) == []


def test_quiet_hours_hold_a_message_until_the_sites_service_hours_begin(tmp_path):
    estate = estate_with(tmp_path, "routes:\n  - {events: [finding.*], to: [owner], "
                         "quiet_hours: true}\n"
                         "  - {events: [finding.penalised], to: [resident_engineers]}\n")
    (quiet,) = route([event("finding.warned", at=MON_NIGHT_SH)], estate)
    assert quiet.hold == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # Tuesday 09:00 Shanghai
    (now,) = route([event("finding.warned", at=MON_NOON_SH)], estate)
    assert now.hold is None
    loud = route([event("finding.penalised", at=MON_NIGHT_SH)], estate)
    assert {o.to: o.hold for o in loud}["email:zhang.min@example.com"] is None


def test_a_day_round_the_clock_never_holds():
    assert hold_until(Calendar(zone="Europe/Berlin"), MON_NIGHT_SH) is None


def test_the_outbox_owes_until_delivered_and_keeps_failures_owed():
    owed = [SimpleNamespace(event=event("finding.warned"), to=to, lang="en", hold=None)
            for to in ("email:a@example.com", "channel:ops")]
    doc = outbox.owed_document("run-1", owed, set())
    assert doc is not None and [e["to"] for e in doc["owed"]] == [
        ["email:a@example.com", "channel:ops"]]
    assert outbox.owed_document("run-2", owed, outbox.owed_keys([("x", doc)])) is None
    items = outbox.pending([("a", doc)])
    assert [p.to for p in items] == ["channel:ops", "email:a@example.com"]
    at = MON_NOON_SH
    sent = outbox.outcome_document("d-1", [(items[1], at)], [(items[0], at, "timeout")])
    left = outbox.pending([("a", doc), ("b", sent)])
    assert [(p.to, p.attempts, p.last_reason) for p in left] == [("channel:ops", 1, "timeout")]
    done = outbox.outcome_document("d-2", [(left[0], at + timedelta(minutes=15))], [])
    assert outbox.pending([("a", doc), ("b", sent), ("c", done)]) == []


@pytest.mark.parametrize(("text", "where", "says"), [
    ("routes:\n  - events: [finding.nope]\n    to: [owner]\n", "2:14", "unknown event"),
    ("routes:\n  - events: [finding.warned]\n    to: [boss]\n", "3:10", "'owner'"),
    ("routes:\n  - events: [finding.warned]\n", "2:5", "needs recipients"),
    ("channels:\n  chat: {url: https://hooks.example/T0K3N}\n", "2:15", "plain-text secret"),
])
def test_a_bad_policy_is_refused_at_file_line_column(tmp_path, text, where, says):
    root = copy_estate(tmp_path / "estate")
    (root / "policies/notifications.yaml").write_text(text)
    estate, problems = load_estate(root, today=MON_NOON_SH.date())
    mine = [p for p in problems if p.file == "policies/notifications.yaml"]
    assert estate is None and mine, [str(p) for p in problems]
    assert f"{mine[0].line}:{mine[0].column}" == where and says in mine[0].message
    assert "T0K3N" not in str(mine[0])
