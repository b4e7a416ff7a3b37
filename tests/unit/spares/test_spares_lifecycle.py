"""Lifecycle rules on plain data: dates past and within the horizon, the retire-before order,
replacements compared (runner/spares/lifecycle.py), and the findings they open and close."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace as NS

from runner.findings.policy import Policy
from runner.spares.findings import apply_lifecycle, apply_shortfalls
from runner.spares.lifecycle import compare, lifecycle

from .conftest import commitment, depot, estate, host, model, stock

TODAY = date(2026, 12, 1)
DAY = timedelta(days=1)
POLICY = Policy(deadlines={"critical": 4 * timedelta(hours=1), "high": DAY, "medium": 7 * DAY,
                           "low": 30 * DAY})
EQUIPMENT = NS(shortfall=NS(severity="high", deadline=2 * DAY),
               end_of_life=NS(severity="medium", deadline=None),
               warranty=NS(severity="low", deadline=None))


def cap(cores=None, memory_gb=None, disk_gb=None):
    return NS(cores=cores, memory_gb=memory_gb, disk_gb=disk_gb, power_w=None)


def _estate(*hosts):
    return estate(list(hosts), [model("m", "psu")], [], [], [])


def test_the_end_date_itself_is_not_past_the_day_after_is():
    e = _estate(host("a", "s", "m", end_of_life=TODAY), host("b", "s", "m",
                                                             end_of_life=TODAY - DAY))
    life = lifecycle(e, TODAY, 180 * DAY)
    assert [(ev.host, ev.past) for ev in life.events if ev.what == "end_of_life"] == [
        ("b", True), ("a", False)]


def test_horizon_is_inclusive_and_later_dates_are_left_out():
    e = _estate(host("in", "s", "m", warranty_end=TODAY + 180 * DAY),
                host("out", "s", "m", warranty_end=TODAY + 181 * DAY))
    assert [ev.host for ev in lifecycle(e, TODAY, 180 * DAY).events] == ["in"]


def test_retire_before_orders_by_date_then_criticality_then_name():
    eol = TODAY + 10 * DAY
    e = _estate(host("z-low", "s", "m", criticality="low", end_of_life=eol),
                host("b-crit", "s", "m", criticality="critical", end_of_life=eol),
                host("a-high", "s", "m", criticality="high", end_of_life=eol),
                host("early", "s", "m", criticality="low", end_of_life=TODAY - DAY),
                host("later", "s", "m", end_of_life=TODAY + 400 * DAY),
                host("new", "s", "m", replaces=NS(host="early", model=None)))
    life = lifecycle(e, TODAY, 180 * DAY)
    assert [r.host for r in life.retire] == ["early", "b-crit", "a-high", "z-low"]
    assert life.retire[0].past and life.retire[0].replaced_by == ("new",)


def test_weaker_means_less_of_a_capacity_both_models_declare():
    old = NS(capacity=cap(cores=48, memory_gb=384, disk_gb=1000))
    assert compare(old, NS(capacity=cap(cores=40, memory_gb=512))) == (
        (("cores", 48, 40),), True)
    assert compare(old, NS(capacity=cap(cores=48, memory_gb=384, disk_gb=1000))) == ((), True)
    assert compare(old, NS(capacity=None)) == ((), False)
    assert compare(NS(capacity=cap(cores=8)), NS(capacity=cap(memory_gb=8))) == ((), False)


def test_past_dates_open_findings_and_a_moved_date_closes_them():
    now = datetime(2026, 12, 1, 6, tzinfo=UTC)
    store: dict = {}
    e = _estate(host("a", "s", "m", warranty_end=TODAY - DAY, end_of_life=TODAY - DAY))
    moves = apply_lifecycle(store, lifecycle(e, TODAY, timedelta(0)), run="r1", now=now,
                            policy=POLICY, equipment=EQUIPMENT, host_tz={"a": "UTC"})
    assert sorted((m.finding, m.after) for m in moves) == [
        ("a/lifecycle.end_of_life", "open"), ("a/lifecycle.warranty", "open")]
    assert store["a/lifecycle.end_of_life"].due == now + 7 * DAY  # medium's deadline
    assert store["a/lifecycle.warranty"].severity == "low"
    e2 = _estate(host("a", "s", "m", warranty_end=TODAY - DAY, end_of_life=TODAY + DAY))
    moves = apply_lifecycle(store, lifecycle(e2, TODAY, timedelta(0)), run="r2", now=now,
                            policy=POLICY, equipment=EQUIPMENT, host_tz={})
    assert [(m.finding, m.after) for m in moves] == [("a/lifecycle.end_of_life", "closed")]


def test_a_shortfall_opens_a_finding_with_its_own_deadline_and_closes_when_covered():
    from runner.spares.coverage import coverage

    now = datetime(2026, 12, 1, 6, tzinfo=UTC)
    store: dict = {}
    short = estate([host("a", "s1", "m")], [model("m", "psu")], [commitment("psu", min_stock=2)],
                   [depot("d", "s1")], [stock("psu", "d", 1)])
    moves = apply_shortfalls(store, coverage(short), run="r1", now=now, policy=POLICY,
                             equipment=EQUIPMENT, site_tz={"s1": "UTC"})
    assert [(m.finding, m.after) for m in moves] == [("_spares/s1.psu", "open")]
    f = store["_spares/s1.psu"]
    assert (f.severity, f.due, f.value["shortfall"]) == ("high", now + 2 * DAY, 1)
    covered = estate([host("a", "s1", "m")], [model("m", "psu")],
                     [commitment("psu", min_stock=2)], [depot("d", "s1")], [stock("psu", "d", 2)])
    moves = apply_shortfalls(store, coverage(covered), run="r2", now=now + DAY, policy=POLICY,
                             equipment=EQUIPMENT, site_tz={})
    assert [(m.finding, m.after) for m in moves] == [("_spares/s1.psu", "closed")]
