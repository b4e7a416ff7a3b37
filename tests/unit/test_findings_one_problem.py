"""One problem is one finding: a control (host, check id) measured by the daily, weekly and
monthly checklists opens one finding, one deadline and one penalty; a waiver on the control
covers it in every checklist; any checklist's pass closes it; old archives migrate forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runner.findings import Context, Policy, State, WaiverRule, apply_run, escalate
from runner.findings import store as findings_store
from runner.findings.migrate import MERGED, migrate, pending
from runner.findings.model import Finding
from runner.results import HostResult, Result, Status

T0 = datetime(2026, 11, 2, 6, 15, tzinfo=UTC)  # a Monday: daily, weekly and monthly all run
POLICY = Policy(deadlines={"critical": timedelta(hours=4), "high": timedelta(days=1),
                           "medium": timedelta(days=7), "low": timedelta(days=30)},
                penalty_grace=timedelta(days=2))


def ctx(waivers=()) -> Context:
    return Context(POLICY, list(waivers), {"web-01": "web-01"}, {"web-01": "UTC"})


def port(status: Status) -> dict[str, HostResult]:
    value = {"listening": [23]} if status is Status.FAIL else {"listening": []}
    return {"web-01": HostResult("web-01", True,
                                 {"ports": Result(status, value, "port 23 is listening")},
                                 severities={"ports": "high"})}


def run(store, checklist: str, status: Status, at: datetime, c: Context | None = None):
    return apply_run(store, run_id=f"{checklist}-{at:%d%H%M}", checklist=checklist,
                     results=port(status), unreachable_runs={}, now=at, ctx=c or ctx())


def test_three_checklists_seeing_one_port_make_one_finding_and_one_penalty():
    store: dict[str, Finding] = {}
    opened = []
    for i, checklist in enumerate(("daily", "weekly", "monthly")):
        opened += [t for t in run(store, checklist, Status.FAIL, T0 + timedelta(minutes=i))
                   if t.before is None]
    assert list(store) == ["web-01/ports"]
    assert [t.finding for t in opened] == ["web-01/ports"]  # opened once, by the first run
    f = store["web-01/ports"]
    assert f.checklists == ["daily", "monthly", "weekly"]
    assert f.opened_at == T0 and f.due == T0 + timedelta(days=1)
    # past deadline and grace: penalised once, however many checklists keep seeing it
    late = T0 + timedelta(days=3, hours=1)
    moves = escalate(store, late, POLICY) + run(store, "weekly", Status.FAIL, late)
    penalised = [t for t in moves if t.after == "penalised"]
    assert [t.finding for t in penalised] == ["web-01/ports"]


def test_the_daily_runs_fix_closes_what_the_weekly_run_opened():
    store: dict[str, Finding] = {}
    run(store, "weekly", Status.FAIL, T0)
    fixed = T0 + timedelta(hours=20)
    run(store, "daily", Status.PASS, fixed)
    f = store["web-01/ports"]
    assert (f.state, f.closed_at, f.closed_run) == (State.CLOSED, fixed, f"daily-{fixed:%d%H%M}")
    assert f.checklists == ["daily", "weekly"]
    # the weekly run a week later finds it fixed too: nothing moves, nothing is late
    assert run(store, "weekly", Status.PASS, T0 + timedelta(days=7)) == []
    assert store["web-01/ports"].state is State.CLOSED


def test_a_waiver_on_the_control_covers_it_in_every_checklist():
    for named in ("ports", "daily/ports"):  # the older form names the same control
        w = WaiverRule({"web-01"}, named, "telnet kept for the lab console", "cto@example.com",
                       T0 + timedelta(days=30))
        store: dict[str, Finding] = {}
        for checklist in ("monthly", "weekly", "daily"):
            results = port(Status.FAIL)
            apply_run(store, run_id=checklist, checklist=checklist, results=results,
                      unreachable_runs={}, now=T0, ctx=ctx([w]))
            assert results["web-01"].checks["ports"].status is Status.WAIVED, (named, checklist)
        assert store["web-01/ports"].state is State.WAIVED
        assert escalate(store, T0 + timedelta(days=20), POLICY) == []


def _legacy(checklist: str, state: State, opened: datetime, closed: datetime | None = None
            ) -> Finding:
    f = Finding(f"web-01/{checklist}.ports", "check", "web-01", checklist, "ports", "high",
                state, opened, opened + timedelta(days=1), f"{checklist}-run", None,
                "port 23 is listening", closed_at=closed,
                closed_run=f"{checklist}-fix" if closed else None)
    f.log(opened, "opened", f"{checklist}-run", due=f.due)
    if closed:
        f.log(closed, "closed", f"{checklist}-fix")
    return f


def test_migration_merges_per_checklist_findings_and_keeps_their_history():
    daily = _legacy("daily", State.CLOSED, T0, T0 + timedelta(days=2))
    weekly = _legacy("weekly", State.PENALISED, T0 + timedelta(minutes=1))
    monthly = _legacy("monthly", State.OPEN, T0 + timedelta(minutes=2))
    other = _legacy("daily", State.OPEN, T0)
    other.id, other.subject = "web-02/daily.ports", "web-02"
    before = {f.id: f for f in (daily, weekly, monthly, other)}
    assert pending(before) == sorted(before)
    step = migrate(before)
    assert sorted(step.findings) == ["web-01/ports", "web-02/ports"]
    merged = step.findings["web-01/ports"]
    # the problem as it stands: the active finding whose clock started first
    assert (merged.state, merged.opened_at, merged.due) == (
        State.PENALISED, weekly.opened_at, weekly.due)
    assert merged.checklists == ["daily", "monthly", "weekly"]
    assert len(merged.history) == 4  # 3 openings and the daily close, by time
    assert [h["checklist"] for h in merged.history] == ["daily", "weekly", "monthly", "daily"]
    entries = step.entries(before)
    assert {e["finding"]: e["to"] for e in entries} == {
        "web-01/daily.ports": MERGED, "web-01/weekly.ports": MERGED,
        "web-01/monthly.ports": MERGED, "web-02/daily.ports": MERGED,
        "web-01/ports": "penalised", "web-02/ports": "open"}
    assert pending(step.findings) == []
    assert migrate(step.findings).into == {}  # a second migration changes nothing


def test_an_archive_not_yet_migrated_is_refused_with_the_step_that_migrates_it(tmp_path):
    import pytest

    from runner.errors import PatrolError

    findings_store.save(tmp_path, {"web-01/daily.ports": _legacy("daily", State.OPEN, T0)})
    with pytest.raises(PatrolError) as exc:
        findings_store.load(tmp_path)
    assert "patrol findings migrate" in str(exc.value)
    assert list(findings_store.load(tmp_path, legacy=True)) == ["web-01/daily.ports"]
