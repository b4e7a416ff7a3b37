"""A spares check that finds a commitment short owes ``spares.short`` to the routed channel,
committed with its record, and ``patrol notify --pending`` delivers it to a real webhook on
loopback, once; an incident opened by hand owes ``incident.opened`` to the site's engineers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from runner.commands import incidents as incident_cmd
from runner.commands import notify as notify_cmd
from runner.commands import spares as spares_cmd
from runner.estate.loader import load_estate
from runner.notify import outbox
from runner.notify.messages import render
from tests.conftest import commit_all, copy_estate, git
from tests.unit.notify.servers import smtp_server, webhook_server


def estate(tmp_path: Path, routes: str) -> Path:
    root = copy_estate(tmp_path / "estate")
    (root / "policies/notifications.yaml").write_text(
        "email: {server: {env: PATROL_NOTIFY_SMTP}, from: p@example.com, security: none}\n"
        "channels:\n  ops: {url: {env: PATROL_TEST_HOOK}}\n" + routes)
    commit_all(root)
    return root


def test_a_short_commitment_is_delivered_to_its_channel_once(tmp_path, monkeypatch, capsys):
    root = estate(tmp_path, "routes:\n  - {events: [spares.short], channels: [ops]}\n")
    stock = root / "inventory/spares.yaml"
    stock.write_text(re.sub(r"quantity: \d+", "quantity: 0", stock.read_text()))
    commit_all(root, "no stock")
    with webhook_server() as hook:
        monkeypatch.setenv("PATROL_TEST_HOOK", hook.url)
        assert spares_cmd.check(root, None, True) == 1  # short: exit 1, committed
        owed = [e for _, d in outbox.read(root) for e in d.get("owed") or []]
        assert owed and {e["event"] for e in owed} == {"spares.short"}
        assert git(root, "status", "--porcelain", "--", "reports") == ""
        assert notify_cmd.run(root) == 0
        assert notify_cmd.run(root) == 0
        # one channel, one language: the 16 shortages go as few messages, within WeCom's size
        assert 1 < len(hook.bodies) < len(owed)
        assert all(len(b["message"].encode()) <= 4096 for b in hook.bodies)
        carried = [part for b in hook.bodies for part in parts(b)]
        sites = load_estate(root, today=date.today())[0].sites
        expected = [render(e, e["lang"], "markdown", sites)[0] for e in owed]
        assert sorted(carried) == sorted(expected)  # each shortage once, none twice
        assert all("Spare parts short" in t for t in carried)
    assert "0 delivered" in capsys.readouterr().out.splitlines()[-1]


def parts(body: dict[str, str]) -> list[str]:
    """The titles one webhook message carries: its own, or each numbered one of a digest."""
    found = re.findall(r"^\*\*\[\d+/\d+\] (.*)\*\*$", body["message"], re.MULTILINE)
    return found or [body["title"]]


def test_an_incident_opened_by_hand_tells_the_sites_engineers(tmp_path, monkeypatch):
    root = estate(tmp_path, "routes:\n  - {events: [incident.opened], "
                  "to: [resident_engineers]}\n")
    with smtp_server() as box:
        monkeypatch.setenv("PATROL_NOTIFY_SMTP", box.address)
        assert incident_cmd.open_(root, ["app-01"], "disk <b>@all</b> failing", None, "Anna",
                                  "phone", None) == 0
        assert notify_cmd.run(root) == 0
    assert [tos for tos, _ in box.messages] == [["jonas.weber@example.com"]]
