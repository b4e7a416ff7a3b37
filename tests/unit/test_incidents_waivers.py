"""Waivers and incidents agree: a waived finding opens no incident and runs no clock; an
incident whose finding is then waived pauses with the waiver as its reason, and resumes when
the waiver ends. Pure functions on plain data first, then through the inspection path with a
fake fleet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from runner.findings import Transition
from runner.findings.model import Finding, State
from runner.incidents import auto, lifecycle
from runner.incidents.clocks import standing
from runner.incidents.model import State as IncidentState
from runner.service_hours import Calendar
from tests.unit.test_incidents_auto import estate  # noqa: F401 - the fixture: crit.yaml

T0 = datetime(2026, 11, 2, 6, 15, tzinfo=UTC)


HOST = SimpleNamespace(name="web-01", site="fra-dc2", owner="ops@x", criticality="high")
LIMITS = SimpleNamespace(response=timedelta(minutes=30), on_site=timedelta(hours=4))
Estate = SimpleNamespace(hosts={"web-01": HOST}, service=SimpleNamespace(
    response_times=SimpleNamespace(critical=LIMITS)))


def critical(state: State, waiver: str | None = None) -> Finding:
    return Finding("web-01/ports", "check", "web-01", "daily", "ports", "critical", state, T0,
                   T0 + timedelta(hours=4), "run-1", None, "port 23 is listening",
                   waiver=waiver)


def test_a_finding_waived_as_it_opens_opens_no_incident():
    f = critical(State.WAIVED, "telnet kept for the console")
    moves = [Transition(f.id, None, "open", T0), Transition(f.id, "open", "waived", T0)]
    incidents: dict = {}
    assert auto.from_findings(incidents, {f.id: f}, moves, Estate, "run-1", T0) == []
    assert incidents == {}


def test_a_waiver_ending_opens_the_incident_the_finding_was_excused_from():
    f = critical(State.OPEN)
    lapse = T0 + timedelta(days=3)
    (inc,) = auto.from_findings({}, {f.id: f}, [Transition(f.id, "waived", "open", lapse)],
                                Estate, "run-9", lapse)
    assert (inc.finding, inc.opened_at) == (f.id, lapse)


def test_an_incident_pauses_while_its_finding_is_waived_and_resumes_after():
    f = critical(State.OPEN)
    (inc,) = auto.from_findings({}, {f.id: f}, [Transition(f.id, None, "open", T0)], Estate,
                                "run-1", T0)
    waived_at, ended = T0 + timedelta(minutes=10), T0 + timedelta(days=2)
    f.state, f.waiver = State.WAIVED, "telnet kept for the console"
    steps = auto.follow_waivers({inc.id: inc}, {f.id: f},
                                [Transition(f.id, "open", "waived", waived_at)], waived_at)
    assert steps == [(inc, "paused")] and inc.state is IncidentState.WAITING
    assert inc.pauses[-1].reason == "waiver: telnet kept for the console"
    # paused with 20 of its 30 minutes left: a day later the response clock has not run out
    cal = Calendar()
    assert not standing(inc, "response", cal, waived_at + timedelta(days=1)).breached
    f.state = State.OPEN
    steps = auto.follow_waivers({inc.id: inc}, {f.id: f},
                                [Transition(f.id, "waived", "open", ended)], ended)
    assert steps == [(inc, "resumed")] and inc.state is IncidentState.OPEN
    s = standing(inc, "response", cal, ended)
    assert s.due == ended + timedelta(minutes=20)  # the 20 minutes left when it paused


def test_a_pause_for_the_customer_is_not_ended_by_a_waiver_lapsing():
    f = critical(State.OPEN)
    (inc,) = auto.from_findings({}, {f.id: f}, [Transition(f.id, None, "open", T0)], Estate,
                                "run-1", T0)
    lifecycle.wait(inc, "customer to approve the change", T0 + timedelta(minutes=5), T0)
    later = T0 + timedelta(hours=1)
    assert auto.follow_waivers({inc.id: inc}, {f.id: f},
                               [Transition(f.id, "waived", "open", later)], later) == []
    assert inc.state is IncidentState.WAITING


WAIVER = """\
waivers:
  - host: web-02
    check: agent-pin
    reason: vendor pins 0.9 until the next release
    approved_by: li.wei@customer.example.com
    expires: 2027-06-30
"""


def test_a_waived_critical_finding_opens_no_incident_in_an_inspection(estate: Path):  # noqa: F811
    from runner.incidents import store
    from runner.inspect import inspect
    from tests.conftest import commit_all
    from tests.unit.test_inspect_run import T0 as RUN0
    from tests.unit.test_inspect_run import FakeFleet, context

    (estate / "policies/waivers.yaml").write_text(WAIVER)
    commit_all(estate)
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    inspect(estate, "crit", ctx=context(estate, RUN0), play=fleet)
    assert store.load(estate) == {}
