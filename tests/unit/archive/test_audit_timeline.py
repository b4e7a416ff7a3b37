"""The auditor's timeline: events ordered and filtered as instants whatever offset Git wrote,
and every kind of record summarised in one line from its own header."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.archive.summaries import record_summary
from runner.archive.timeline import timeline
from tests.conftest import commit_all, copy_estate

WAIVERS = "policies/waivers.yaml"


def commit_at(root: Path, monkeypatch: pytest.MonkeyPatch, when: str, old: str = "",
              new: str = "") -> None:
    if old:
        path = root / WAIVERS
        path.write_text(path.read_text().replace(old, new))
    monkeypatch.setenv("GIT_AUTHOR_DATE", when)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)
    commit_all(root)


@pytest.fixture
def renewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_estate(tmp_path / "estate")
    commit_at(root, monkeypatch, "2026-12-01T10:00:00Z")
    commit_at(root, monkeypatch, "2026-12-01T16:00:00Z", "2027-06-30", "2027-07-31")
    # committed later, but earlier as an instant: 15:00 UTC
    commit_at(root, monkeypatch, "2026-12-01T20:00:00+05:00", "2027-07-31", "2027-08-31")
    return root


def waiver_events(root: Path, **window: str) -> list[tuple[str, str]]:
    return [(e.at, e.text.rsplit(": ", 1)[1]) for e in timeline(root, **window)
            if e.kind == "waiver"]


def test_events_sort_as_instants_in_utc_whatever_offset_git_wrote(renewed: Path) -> None:
    assert waiver_events(renewed) == [
        ("2026-12-01T10:00:00Z", "added until 2027-06-30 by anna.schmidt@customer.example.com"),
        ("2026-12-01T15:00:00Z", "renewed until 2027-08-31"),
        ("2026-12-01T16:00:00Z", "renewed until 2027-07-31"),
    ]


def test_since_and_until_compare_instants_not_strings(renewed: Path) -> None:
    assert [t for _, t in waiver_events(renewed, since="2026-12-01T15:30:00Z")] == [
        "renewed until 2027-07-31"]
    assert [t for _, t in waiver_events(renewed, until="2026-12-01T15:30:00+00:00")] == [
        "added until 2027-06-30 by anna.schmidt@customer.example.com",
        "renewed until 2027-08-31"]
    assert [t for _, t in waiver_events(renewed, since="2026-12-01T19:30:00+05:00",
                                        until="2026-12-01T20:30:00+05:00")] == [
        "renewed until 2027-08-31"]


@pytest.mark.parametrize(("head", "expected"), [
    ({"kind": "spares-movement", "movement": {
        "action": "use", "part": "psu-750", "depot": "cage-1", "host": "web-01",
        "quantity": {"before": 2, "after": 1}, "reason": "PSU died"}},
     "use psu-750 at cage-1 for web-01: stock 2 -> 1 (PSU died)"),
    ({"kind": "spares-movement", "movement": {
        "action": "receive", "part": "fan", "depot": "cage-2", "host": None,
        "quantity": {"before": 0, "after": 4}, "reason": ""}},
     "receive fan at cage-2: stock 0 -> 4"),
    ({"kind": "incident", "incident": "INC-2026-0007", "state": "responded",
      "step": {"event": "responded", "by": "bob"}},
     "INC-2026-0007: responded by bob, now responded"),
    ({"kind": "assignment", "finding": "web-01/ssh", "owner": "zhang",
      "previous_owner": "ops", "by": "anna"},
     "web-01/ssh: owner ops -> zhang by anna"),
    ({"kind": "escalation", "findings": [{"finding": "a"}, {"finding": "b"}],
      "incidents": [{"incident": "INC-2026-0001"}]},
     "2 finding(s) moved, 1 incident clock alarm(s)"),
    ({"kind": "spares-check", "summary": {"commitments": 18, "short": 1,
                                          "sites_short": ["hz-dc1"]}, "findings": []},
     "18 commitment(s), 1 short (hz-dc1); 0 finding(s) moved"),
    ({"kind": "lifecycle-check", "summary": {"past_end_of_life": 2, "out_of_warranty": 3},
      "findings": [{"finding": "x"}]},
     "2 past end of life, 3 out of warranty; 1 finding(s) moved"),
    ({"kind": "monthly-report", "month": "2026-11", "lang": "de",
      "files": {"reports/monthly/2026-11.md": "sha256:1", "reports/monthly/2026-11.html": "x"}},
     "monthly report 2026-11 (de): reports/monthly/2026-11.html, reports/monthly/2026-11.md"),
    ({"kind": "inspect", "summary": {"hosts": 3, "fail": 1}}, '{"fail": 1, "hosts": 3}'),
    ({"kind": "cadence-breach", "findings": [{"finding": "x"}]}, "1 finding(s) moved"),
    ({"kind": "incident", "step": "not a mapping"}, "(no summary)"),
])
def test_every_record_kind_has_a_one_line_summary(head, expected) -> None:
    assert record_summary(head) == expected
