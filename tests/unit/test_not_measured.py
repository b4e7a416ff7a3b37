"""Hosts a run stopped before they answered: recorded as not measured, never as unreachable."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from runner.archive.records import run_record, status_doc, unreachable_runs
from runner.findings import Context, Policy, apply_run
from runner.inspect import play_deadline
from runner.junit import junit_xml
from runner.results import HostResult, Result, Status, not_measured, summarise

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SEVERITIES = {"disk": "high", "ssh": "critical"}
OLD_STATUS = {"host": "web-01", "reachable": False, "unreachable_since": "run-1",
              "unreachable_runs": 2,
              "checks": {"daily/disk": {"status": "fail", "since": "run-0", "reason": "full"}}}


def results() -> dict[str, HostResult]:
    ok = HostResult("web-02", True, {c: Result(Status.PASS, 1, "ok") for c in SEVERITIES},
                    severities=dict(SEVERITIES))
    return {"web-01": not_measured("web-01", "the run was interrupted (SIGINT) first",
                                   SEVERITIES), "web-02": ok}


def test_a_not_measured_host_is_counted_apart_from_unreachable_ones():
    summary = summarise(results())
    assert summary["hosts_unreachable"] == 0
    assert summary["hosts_not_measured"] == 1
    assert summary["hosts_passing"] == 1
    assert summary["checks"]["not-measured"] == len(SEVERITIES)
    assert summary["checks"]["unreachable"] == 0


def test_a_complete_run_has_no_not_measured_counts():
    summary = summarise({"web-02": results()["web-02"]})
    assert "hosts_not_measured" not in summary
    assert "not-measured" not in summary["checks"]


def test_the_record_says_not_measured_and_why():
    body = run_record(run_id="r", kind="inspect", header={}, results=results(),
                      summary=summarise(results()), previous=None)
    assert body["hosts"]["web-01"] == {"measured": False,
                                       "message": "the run was interrupted (SIGINT) first"}
    assert body["hosts"]["web-02"] == "pass"


def test_status_and_unreachable_counter_stay_as_they_were():
    hr = results()["web-01"]
    assert status_doc(OLD_STATUS, "web-01", "daily", "run-3", hr) == OLD_STATUS
    assert unreachable_runs(OLD_STATUS, hr) == 2
    unreachable = HostResult("web-01", False, {}, "timed out", dict(SEVERITIES))
    assert unreachable_runs(OLD_STATUS, unreachable) == 3


def test_findings_neither_open_close_nor_count_for_a_not_measured_host():
    policy = Policy(deadlines={s: timedelta(days=1) for s in ("critical", "high", "medium",
                                                                 "low")},
                    warn_at=0.75, overdue_at=1.0, penalty_grace=timedelta(days=1),
                    unreachable_after_runs=1)
    ctx = Context(policy, [], {"web-01": "web-01"}, {"web-01": "UTC"})
    store: dict = {}
    moved = apply_run(store, run_id="run-3", checklist="daily",
                      results={"web-01": results()["web-01"]},
                      unreachable_runs={"web-01": 2}, now=T0, ctx=ctx)
    assert moved == [] and store == {}


def test_junit_skips_not_measured_checks_with_the_reason():
    root = ET.fromstring(junit_xml("daily", results()))
    suite = root.find("testsuite[@name='daily.web-01']")
    assert suite is not None and suite.get("skipped") == str(len(SEVERITIES))
    assert suite.get("errors") == "0"
    reasons = {s.get("message") for s in suite.iter("skipped")}
    assert reasons == {"not measured: the run was interrupted (SIGINT) first"}


def test_the_play_deadline_covers_every_probe_timeout_per_batch_of_forks():
    sel = SimpleNamespace(hosts=["a", "b", "c"], measurements={
        "a": [{"timeout": 10}, {"timeout": 300}], "b": [{"timeout": 10}], "c": []})
    one_batch = play_deadline(sel, forks=20, connect_timeout=10)
    assert one_batch >= 10 + 310
    assert play_deadline(sel, forks=2, connect_timeout=10) == 2 * one_batch
