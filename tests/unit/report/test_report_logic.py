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
    late = finding("web-01/daily.x", "high", [(at(28, 10), "opened", at(29, 10)),
                                               (at(3), "closed", None)])
    # still open on 30 November, closed only in December
    later = finding("web-02/daily.x", "medium", [(at(10), "opened", at(17)),
                                                  (at(12), "warned", None),
                                                  (at(2, 12), "closed", None)])
    out = fnd.build({f.id: f for f in (late, later)}, NOV)
    assert (out.opened, out.closed, out.still_open, out.warned) == (1, 1, 1, 1)
    assert [c.finding for c in out.late] == ["web-01/daily.x"]
    assert out.late[0].late_by == at(3) - at(29, 10)
    assert out.oldest[0].finding == "web-02/daily.x" and out.oldest[0].state == "warned"
    high = next(r for r in out.rectification if r.severity == "high")
    assert high.closed == 1 and high.median == at(3) - at(28, 10)


def test_a_waiver_moving_the_due_date_is_what_lateness_is_measured_against():
    f = finding("web-01/daily.x", "critical", [(at(1), "opened", at(1, hour=10)),
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
              fnd.Event("a/daily.x", "check", "a", "critical", "penalised", at(3))]
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


def incident(iid: str, opened: datetime, response: tuple, on_site: tuple, severity="high"):
    from types import SimpleNamespace as NS

    def clock(c: tuple) -> NS:
        return NS(met_at=c[0], breached_at=c[1])

    return NS(id=iid, opened_at=opened, severity=severity, site="hz-dc1", owner="ops@x",
              summary="disk <b>full</b>", clocks={"response": clock(response),
                                                  "on_site": clock(on_site)})


def test_incident_clocks_are_met_breached_or_running_and_breaches_cost_points():
    from runner.report import incidents

    incs = [incident("INC-1", at(2), (at(2, hour=7), None), (None, at(3))),
            incident("INC-2", at(20), (None, at(20, hour=9)), (None, None), "critical"),
            incident("INC-0", at(30, 10), (None, at(30, 10, 9)), (None, None))]  # October
    out = incidents.build(incs, NOV)
    assert out.tracked and out.opened == 2
    assert out.by_severity == {"critical": 1, "high": 1, "medium": 0, "low": 0}
    lines = {c.clock: (c.met, c.breached, c.running) for c in out.clocks}
    assert lines == {"response": (1, 1, 0), "on_site": (0, 1, 1)}
    assert [(b.incident, b.clock) for b in out.breaches] == [("INC-1", "on_site"),
                                                             ("INC-2", "response")]
    pen = Penalties({}, 0)
    pen.response_breach, pen.on_site_breach = 3, 5  # type: ignore[attr-defined]
    a = assessment.build([], {}, pen, out.breaches)
    assert a.total == 8 and a.by_owner == [("ops@x", 8)]
    assert incidents.build(None, NOV).tracked is False
