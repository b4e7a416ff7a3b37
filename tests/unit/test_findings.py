"""A finding's whole life, walked by moving the clock: no hosts, no sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from runner.findings import (
    Context,
    Policy,
    State,
    WaiverRule,
    apply_breaches,
    apply_run,
    cadence_breaches,
    due_date,
    escalate,
    refresh_waivers,
    waiver_end,
)
from runner.findings import store as findings_store
from runner.results import HostResult, Result, Status

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(
    deadlines={"critical": timedelta(hours=8), "high": timedelta(days=3),
               "medium": timedelta(days=7), "low": timedelta(days=30)},
    warn_at=0.75, overdue_at=1.0, penalty_grace=timedelta(days=2), unreachable_after_runs=3,
)


def ctx(waivers=()) -> Context:
    return Context(POLICY, list(waivers), {"web-01": "web-01"}, {"web-01": "UTC"})


def result(status: Status, severity: str = "high") -> dict[str, HostResult]:
    return {"web-01": HostResult("web-01", True, {"fs": Result(status, {"/": 91}, "/ 91% used")},
                                 severities={"fs": severity})}


def run(store, n: int, status: Status, at: datetime, c: Context | None = None,
        severity: str = "high"):
    return apply_run(store, run_id=f"run-{n}", checklist="daily", results=result(status, severity),
                     unreachable_runs={}, now=at, ctx=c or ctx())


@pytest.mark.parametrize(("severity", "due"), [
    ("critical", datetime(2026, 11, 2, 17, 0, tzinfo=UTC)),
    ("high", datetime(2026, 11, 5, 9, 0, tzinfo=UTC)),
    ("medium", datetime(2026, 11, 9, 9, 0, tzinfo=UTC)),
    ("low", datetime(2026, 12, 2, 9, 0, tzinfo=UTC)),
])
def test_deadline_depends_on_severity(severity, due):
    store = {}
    run(store, 1, Status.FAIL, T0, severity=severity)
    assert store["web-01/fs"].due == due
    assert store["web-01/fs"].state is State.OPEN


def _opened():
    store = {}
    run(store, 1, Status.FAIL, T0)  # high: 3 days, warned at 54h, overdue at 72h, penalty 120h
    return store


@pytest.mark.parametrize(("offset", "state"), [
    (timedelta(hours=54) - timedelta(seconds=1), State.OPEN),
    (timedelta(hours=54), State.WARNED),
    (timedelta(hours=54, seconds=1), State.WARNED),
    (timedelta(hours=72) - timedelta(seconds=1), State.WARNED),
    (timedelta(hours=72), State.OVERDUE),
    (timedelta(hours=72, seconds=1), State.OVERDUE),
    (timedelta(hours=120) - timedelta(seconds=1), State.OVERDUE),
    (timedelta(hours=120), State.PENALISED),
    (timedelta(hours=121), State.PENALISED),
])
def test_escalation_thresholds(offset, state):
    store = _opened()
    escalate(store, T0 + offset, POLICY)
    assert store["web-01/fs"].state is state


def test_each_transition_is_recorded_with_its_time():
    store = _opened()
    for hours in (60, 80, 130):
        escalate(store, T0 + timedelta(hours=hours), POLICY)
    events = [(h["event"], h["at"]) for h in store["web-01/fs"].history]
    assert events == [("opened", T0), ("warned", T0 + timedelta(hours=60)),
                      ("overdue", T0 + timedelta(hours=80)),
                      ("penalised", T0 + timedelta(hours=130))]


def test_escalation_can_jump_straight_to_penalised():
    store = _opened()
    moves = escalate(store, T0 + timedelta(days=30), POLICY)
    assert [(m.before, m.after) for m in moves] == [("open", "penalised")]


def test_finding_closes_when_check_passes_again_and_reopens_with_history():
    store = _opened()
    run(store, 2, Status.PASS, T0 + timedelta(hours=5))
    f = store["web-01/fs"]
    assert f.state is State.CLOSED and f.closed_run == "run-2"
    run(store, 3, Status.FAIL, T0 + timedelta(days=10))
    assert f.state is State.OPEN and f.occurrences == 2
    assert f.due == T0 + timedelta(days=13)
    assert [h["event"] for h in f.history] == ["opened", "closed", "reopened"]


def test_unreachable_neither_opens_nor_closes_but_repeats_open_their_own():
    store = _opened()
    down = {"web-01": HostResult("web-01", False, {}, "refused")}
    for n in (1, 2):
        apply_run(store, run_id=f"u{n}", checklist="daily", results=down,
                  unreachable_runs={"web-01": n}, now=T0 + timedelta(hours=n), ctx=ctx())
    assert store["web-01/fs"].state is State.OPEN
    assert "web-01/unreachable" not in store
    apply_run(store, run_id="u3", checklist="daily", results=down,
              unreachable_runs={"web-01": 3}, now=T0 + timedelta(hours=3), ctx=ctx())
    assert store["web-01/unreachable"].state is State.OPEN
    run(store, 4, Status.PASS, T0 + timedelta(hours=4))
    assert store["web-01/unreachable"].state is State.CLOSED
    assert store["web-01/fs"].state is State.CLOSED


def _waiver(expires: datetime) -> WaiverRule:
    return WaiverRule({"web-01"}, "daily/fs", "vendor fix pending", "cto@example.com", expires)


@pytest.mark.parametrize(("delta", "waived"), [
    (-timedelta(seconds=1), True),   # just before expiry: holds
    (timedelta(0), False),           # at expiry: lapsed
    (timedelta(seconds=1), False),   # after
])
def test_waiver_before_at_after_expiry(delta, waived):
    expires = T0 + timedelta(days=5)
    store = {}
    results = result(Status.FAIL)
    apply_run(store, run_id="r1", checklist="daily", results=results, unreachable_runs={},
              now=expires + delta, ctx=ctx([_waiver(expires)]))
    assert (store["web-01/fs"].state is State.WAIVED) is waived
    assert (results["web-01"].checks["fs"].status is Status.WAIVED) is waived


def test_waiver_pauses_the_clock_and_expiry_resumes_it():
    expires = T0 + timedelta(days=10)
    store = {}
    c = ctx([_waiver(expires)])
    run(store, 1, Status.FAIL, T0, c)
    escalate(store, T0 + timedelta(days=9), POLICY)
    assert store["web-01/fs"].state is State.WAIVED  # never escalates while waived
    refresh_waivers(store, expires, c)
    f = store["web-01/fs"]
    assert f.state is State.OPEN
    assert f.due == expires + timedelta(days=3)  # the full deadline again, from the lapse


def test_waiver_date_holds_through_that_day_in_site_zone():
    end = waiver_end(date(2027, 3, 31), "Asia/Shanghai")
    assert end == datetime(2027, 3, 31, 16, 0, tzinfo=UTC)


def test_day_deadline_follows_site_wall_clock_across_dst():
    # Europe/Berlin springs forward on 2026-03-29: 3 days is 71 real hours
    opened = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # 10:00 CET
    due = due_date(opened, timedelta(days=3), "Europe/Berlin")
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 CEST
    # autumn: 2026-10-25 falls back, 1 day is 25 real hours
    due = due_date(datetime(2026, 10, 24, 8, 0, tzinfo=UTC), timedelta(days=1), "Europe/Berlin")
    assert due == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    # deadlines that are not whole days are exact durations, whatever the zone
    assert due_date(opened, timedelta(hours=60), "Europe/Berlin") == opened + timedelta(hours=60)
    # a zone without DST
    due = due_date(datetime(2026, 3, 27, 16, 0, tzinfo=UTC), timedelta(days=1), "Asia/Shanghai")
    assert due == datetime(2026, 3, 28, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("cadence", "limit"), [
    ("daily", timedelta(hours=26)), ("weekly", timedelta(days=8)), ("monthly", timedelta(days=32)),
])
def test_cadence_breach_at_the_boundary(cadence, limit):
    last = T0
    expected = {cadence: (cadence, ["web-01", "db-01"])}
    runs = {(cadence, "web-01"): last, (cadence, "db-01"): last + timedelta(hours=1)}
    assert cadence_breaches(expected, runs, last + limit, POLICY) == []
    late = cadence_breaches(expected, runs, last + limit + timedelta(seconds=1), POLICY)
    assert [(b.checklist, list(b.hosts)) for b in late] == [(cadence, ["web-01"])]


def test_cadence_breach_is_one_finding_per_checklist_and_closes_when_back_in_time():
    store = {}
    expected = {"daily": ("daily", ["web-01", "db-01"])}
    now = T0 + timedelta(days=2)
    breaches = cadence_breaches(expected, {}, now, POLICY)
    apply_breaches(store, breaches, ["daily"], now, POLICY)
    f = store["_cadence/daily"]
    assert f.kind == "cadence" and f.value == ["db-01", "web-01"]
    apply_breaches(store, [], ["daily"], now + timedelta(hours=1), POLICY)
    assert f.state is State.CLOSED


def test_findings_round_trip_through_files_byte_for_byte(tmp_path):
    store = _opened()
    escalate(store, T0 + timedelta(hours=60), POLICY)
    assert findings_store.save(tmp_path, store) == ["reports/findings/web-01/fs.yaml"]
    loaded = findings_store.load(tmp_path)
    assert loaded["web-01/fs"].state is State.WARNED
    assert findings_store.save(tmp_path, loaded) == []  # same bytes: nothing changed


def test_a_lapse_noticed_late_resumes_the_clock_at_the_expiry():
    expires = T0 + timedelta(days=10)
    store = {}
    c = ctx([_waiver(expires)])
    run(store, 1, Status.FAIL, T0, c)
    noticed = expires + timedelta(days=20)  # nobody ran anything for three weeks
    refresh_waivers(store, noticed, ctx())  # the waiver was deleted meanwhile
    f = store["web-01/fs"]
    assert f.due == expires + timedelta(days=3)
    assert f.state is State.PENALISED  # 20 days after the resumed clock: long overdue


def test_reopened_finding_takes_the_checks_current_severity():
    store = {}
    run(store, 1, Status.FAIL, T0, severity="low")
    run(store, 2, Status.PASS, T0 + timedelta(hours=1))
    run(store, 3, Status.FAIL, T0 + timedelta(days=2), severity="critical")
    f = store["web-01/fs"]
    assert f.severity == "critical"
    assert f.due == T0 + timedelta(days=2, hours=8)


def test_selector_waiver_never_matches_a_host_gone_from_the_estate():
    class Everything:
        def matches(self, host):
            return host.role == "web"

    w = WaiverRule(Everything(), "daily/fs", "r", "a", T0 + timedelta(days=1))
    assert w.covers("web-09", "daily", "fs") is False


def test_live_view_labels_waived_failures_without_touching_the_results():
    from runner.findings import as_shown

    hr = result(Status.FAIL)["web-01"]
    shown = as_shown(hr, "daily", T0, ctx([_waiver(T0 + timedelta(days=1))]))
    assert shown.checks["fs"].status is Status.WAIVED
    assert shown.checks["fs"].reason == "/ 91% used (waived: vendor fix pending)"
    assert hr.checks["fs"].status is Status.FAIL
    assert as_shown(hr, "daily", T0 + timedelta(days=2),
                    ctx([_waiver(T0 + timedelta(days=1))])).checks["fs"].status is Status.FAIL
