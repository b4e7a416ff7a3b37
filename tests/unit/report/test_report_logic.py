"""The report's pure parts on plain data: months, percentiles, findings replayed from their
history, the assessment's attribution, chart geometry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from runner.errors import PatrolError
from runner.findings.model import Finding, State
from runner.report import assessment, charts
from runner.report import findings as fnd
from runner.report.period import Month

NOV = Month(2026, 11)


def at(day: int, month: int = 11, hour: int = 6) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_a_month_knows_its_neighbours_across_the_year():
    assert Month.parse("2026-12").next() == Month(2027, 1)
    assert Month.parse("2027-01").previous() == Month(2026, 12)
    assert NOV.last == date(2026, 11, 30) and len(NOV.days()) == 30
    assert NOV.mondays() == [date(2026, 11, d) for d in (2, 9, 16, 23, 30)]
    weeks = NOV.weeks()
    assert weeks[0] == (date(2026, 11, 1), date(2026, 11, 1))  # the 1st is a Sunday
    assert weeks[-1] == (date(2026, 11, 30), date(2026, 11, 30))


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "november", "1969-12", "",
                                  "9999-12"])
def test_a_bad_month_is_one_clear_error(text):
    with pytest.raises(PatrolError, match="expected YYYY-MM"):
        Month.parse(text)


def test_percentiles_are_nearest_rank_and_the_median_averages_the_middle_pair():
    hours = [timedelta(hours=h) for h in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert fnd.percentile(hours, 0.9) == timedelta(hours=9)
    assert fnd.median(hours) == timedelta(hours=5, minutes=30)
    assert fnd.median([]) is None and fnd.percentile([], 0.9) is None


def finding(fid: str, severity: str, history: list[tuple[datetime, str, datetime | None]],
            state: State = State.CLOSED) -> Finding:
    f = Finding(fid, "check", fid.split("/")[0], "daily", "x", severity, state, history[0][0],
                history[0][2] or history[0][0], "r1")
    for when, event, due in history:
        f.history.append({"at": when, "event": event, **({"due": due} if due else {})})
    return f


def test_findings_are_counted_as_they_stood_at_the_months_end():
    late = finding("web-01/x", "high", [(at(28, 10), "opened", at(29, 10)),
                                               (at(3), "closed", None)])
    # still open on 30 November, closed only in December
    later = finding("web-02/x", "medium", [(at(10), "opened", at(17)),
                                                  (at(12), "warned", None),
                                                  (at(2, 12), "closed", None)])
    out = fnd.build({f.id: f for f in (late, later)}, NOV)
    assert (out.opened, out.closed, out.still_open, out.warned) == (1, 1, 1, 1)
    assert [c.finding for c in out.late] == ["web-01/x"]
    assert out.late[0].late_by == at(3) - at(29, 10)
    assert out.oldest[0].finding == "web-02/x" and out.oldest[0].state == "warned"
    high = next(r for r in out.rectification if r.severity == "high")
    assert high.closed == 1 and high.median == at(3) - at(28, 10)


def test_a_waiver_moving_the_due_date_is_what_lateness_is_measured_against():
    f = finding("web-01/x", "critical", [(at(1), "opened", at(1, hour=10)),
                                                (at(1, hour=7), "waived", None),
                                                (at(5), "waiver-ended", at(5, hour=9)),
                                                (at(5, hour=8), "closed", None)])
    out = fnd.build({f.id: f}, NOV)
    assert out.late == []  # closed before the moved due date


@dataclass
class Host:
    site: str
    owner: str


@dataclass
class Penalties:
    penalised: dict[str, int]
    cadence_breach: int = 7


def test_points_go_to_each_site_and_owner_of_the_hosts_in_breach():
    hosts = {"a": Host("s1", "o1"), "b": Host("s2", "o1"), "c": Host("s2", "o2")}
    events = [fnd.Event("_cadence/daily", "cadence", "daily", "high", "opened", at(2),
                        ["a", "b", "c"]),
              fnd.Event("a/x", "check", "a", "critical", "penalised", at(3))]
    out = assessment.build(events, hosts, Penalties({"critical": 10, "high": 5}))
    assert sorted((i.site, i.owner, i.points) for i in out.items) == [
        ("s1", "o1", 7), ("s1", "o1", 10), ("s2", "o1", 7), ("s2", "o2", 7)]
    assert out.total == 31
    assert out.by_site == [("s1", 17), ("s2", 14)]
    assert out.by_owner == [("o1", 24), ("o2", 7)]


def test_the_pass_rate_chart_skips_days_without_runs_and_puts_100_percent_on_top():
    c = charts.pass_rate([(1, 1.0), (2, None), (3, 0.5)])
    _left, top, right, bottom = c.plot
    assert len(c.dots) == 2
    assert c.dots[0][1] == top and c.dots[1][1] == (top + bottom) / 2
    assert c.dots[1][0] == right  # the last day is at the right edge


def test_paired_bars_scale_to_the_largest_value():
    c = charts.paired_bars([("w1", 2, 0), ("w2", 1, 3)], ("opened", "closed"))
    tallest = max(c.bars, key=lambda b: b.h)
    assert tallest.value == 3 and tallest.series == "closed"
    assert [b.h for b in c.bars if b.value == 0] == [0]


def test_every_label_in_the_templates_has_a_chinese_translation():
    import re as _re
    from pathlib import Path

    from babel.messages.pofile import read_po

    from runner.report import render
    from runner.report.i18n import LOCALE_DIR

    templates = Path(render.__file__).parent / "templates"
    used = {m for p in templates.glob("*.j2")
            for m in _re.findall(r'_\("((?:[^"\\]|\\.)*)"', p.read_text())}
    used |= set(render.TERMS.values())
    assert len(used) > 100
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "patrol.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    assert sorted(used - set(translated)) == []
    assert all(_re.search(r"[\u4e00-\u9fff]", translated[m]) for m in used)


LIMITS = {"high": {"response": timedelta(hours=1), "on_site": timedelta(hours=8)},
          "critical": {"response": timedelta(minutes=30), "on_site": timedelta(hours=4)}}


def incident(iid: str, opened: datetime, severity: str = "high"):
    from runner.incidents import lifecycle

    return lifecycle.new(iid, hosts=["web-01"], site="hz-dc1", summary="disk <b>full</b>",
                         severity=severity, level=severity, reported_by="noc", via="phone",
                         owner="ops@x", limits=LIMITS[severity], at=opened, written=opened)


def test_incident_clocks_are_facts_at_the_reports_moment_not_what_escalation_noticed():
    from runner.incidents import lifecycle
    from runner.incidents.policy import standings
    from runner.report import incidents

    nine = timedelta(hours=3)  # at() is 06:00
    one = incident("INC-1", at(2) + nine)  # answered in time, never reached on site
    lifecycle.respond(one, "li.na", None, at(2) + nine + timedelta(minutes=30), at(2))
    two = incident("INC-2", at(20) + nine, "critical")  # nobody answered; never escalated
    three = incident("INC-3", datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # due in December
    four = incident("INC-4", at(10) + nine)  # waiting on the customer since 09:10
    lifecycle.wait(four, "customer to ship the disk", at(10) + nine + timedelta(minutes=10),
                   at(10))
    october = incident("INC-0", at(30, 10))
    out = incidents.build([one, two, three, four, october], NOV, {}, None)
    assert out.tracked and out.opened == 4
    assert out.by_severity == {"critical": 1, "high": 3, "medium": 0, "low": 0}
    lines = {c.clock: (c.met, c.breached, c.running, c.paused) for c in out.clocks}
    assert lines == {"response": (1, 1, 1, 1), "on_site": (0, 2, 1, 1)}
    # each breach at its due time: opening + limit (24x7: no calendar for the site)
    assert [(b.incident, b.clock, b.breached) for b in out.breaches] == [
        ("INC-1", "on_site", at(2) + nine + LIMITS["high"]["on_site"]),
        ("INC-2", "response", at(20) + nine + LIMITS["critical"]["response"]),
        ("INC-2", "on_site", at(20) + nine + LIMITS["critical"]["on_site"])]
    # `patrol incidents` at the same moment says the same of every clock
    for inc in (one, two, three, four):
        listed = standings(inc, {}, NOV.end)
        for name in ("response", "on_site"):
            assert listed[name].breached == any(
                (b.incident, b.clock) == (inc.id, name) for b in out.breaches)
    pen = Penalties({}, 0)
    pen.response_breach, pen.on_site_breach = 3, 5  # type: ignore[attr-defined]
    a = assessment.build([], {}, pen, out.breaches)
    assert a.total == 3 + 2 * 5 and a.by_owner == [("ops@x", 13)]
    assert incidents.build(None, NOV).tracked is False


def test_a_past_months_clocks_ignore_steps_taken_after_it():
    from runner.incidents import lifecycle
    from runner.report import incidents

    late = incident("INC-5", at(30, hour=20))  # 20:00 on the 30th: response due at 21:00
    lifecycle.respond(late, "li.na", None, datetime(2026, 12, 1, 8, tzinfo=UTC),
                      datetime(2026, 12, 1, 8, tzinfo=UTC))
    out = incidents.build([late], NOV, {}, None)
    # as November ended the response was overdue and unmet: breached, whatever came after
    assert [(b.incident, b.clock) for b in out.breaches] == [("INC-5", "response")]
    in_progress = incidents.build([late], NOV, {}, at(30, hour=20) + timedelta(minutes=10))
    assert {c.clock: c.running for c in in_progress.clocks} == {"response": 1, "on_site": 1}


def test_a_month_is_the_contract_zones_calendar_month():
    shanghai = NOV.within("Asia/Shanghai")
    assert shanghai.start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert shanghai.end == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert shanghai.contains(datetime(2026, 10, 31, 17, tzinfo=UTC))  # 1 Nov, 01:00 there
    assert not shanghai.contains(datetime(2026, 11, 30, 17, tzinfo=UTC))  # 1 Dec there
    assert shanghai.day_of(datetime(2026, 11, 9, 20, tzinfo=UTC)) == date(2026, 11, 10)
    assert shanghai.next().zone == "Asia/Shanghai" and shanghai == NOV  # the zone is a view
