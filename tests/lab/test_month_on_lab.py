"""A month in progress built on a lab of its own (real SSH, real faults), then reported to date:
the report, `patrol incidents --breached` and `patrol findings` agree on every count, and each
figure is asserted from the events planted here, not from the report's own output.

The current month (this machine's clock), with runs planted at 06:15Z on its first days by the
run context's clock (``month.py``'s helpers); the report's moment is the 7th at 12:00Z:

- the daily run on the 1st to the 5th and the 7th (none on the 6th), the monthly run on the 1st;
- app-02 listens on port 23 all along: its critical ``telnet`` check really fails, covered by a
  waiver committed on the 1st at 05:00 -> one finding, waived, no incident;
- app-01 listens on port 3306 all along: its high ``ports`` check fails -> a finding left open
  (escalated by the runs, penalised past its deadline and grace);
- db-02's sshd is stopped for the runs of the 2nd to the 4th: the third run opens its
  ``unreachable`` finding and an incident (via monitoring) that nobody answers and no
  escalation ever looks at; both its clocks breached by the moment; sshd is back for the 5th;
- the low-severity rectification deadline shortened from 30 to 20 days on the 3rd at 10:00.

The lab is named after this process (``mo<pid>``, network 10.129.N.0/24, N even so its BMCs'
/24 after it is free too), so it never fights the session's fleet or another lab test.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from runner.lab import ansible_vars, fleet, host, state
from runner.lab import faults as lab_faults
from runner.lab.config import LabConfig
from tests.conftest import copy_estate, git
from tests.unit.report.month import _commit_at, _ctx

_N = (os.getpid() % 120) * 2
CFG = LabConfig(name=f"mo{os.getpid() % 10000}",
                network=ipaddress.IPv4Network(f"10.129.{_N}.0/24"), routing_table=4000 + _N)

pytestmark = [pytest.mark.lab,
              pytest.mark.skipif(os.geteuid() != 0, reason="lab tests need root")]

HOSTS = ("app-01", "app-02", "db-02")  # fra-dc2: service hours 24x7
WAIVED, OPEN, DOWN = "app-02", "app-01", "db-02"  # db-02 is critical in the sample estate
CHECK = """\
name: {name} check
cadence: {cadence}
hosts: all
checks:
  - id: ssh
    kind: service_running
    severity: critical
    params: {{services: [ssh]}}
  - id: telnet
    kind: listening_ports
    severity: critical
    params: {{forbidden: [23]}}
  - id: ports
    kind: listening_ports
    severity: high
    params: {{expected: [22], forbidden: [3306]}}
"""
APPROVER = "li.wei@customer.example.com"
WAIVER = f"""\
waivers:
  - id: {WAIVED}-telnet
    host: {WAIVED}
    check: telnet
    reason: telnet kept for the serial console until the KVM arrives
    approved_by: {APPROVER}
    expires: 2099-12-31
"""

_today = datetime.now(UTC)
MONTH = (_today.year, _today.month)  # the month in progress: this machine's


def at(day: int, hour: int = 6, minute: int = 15) -> datetime:
    return datetime(*MONTH, day, hour, minute, tzinfo=UTC)


MOMENT = at(7, 12, 0)
TERMS_CHANGED = at(3, 10, 0)
DAILY_DAYS = (1, 2, 3, 4, 5, 7)  # none on the 6th
DOWN_DAYS = (2, 3, 4)


def make_estate(root: Path) -> Path:
    """The sample estate trimmed to three fra-dc2 hosts moved into this lab's network, with
    small checklists of real checks (no BMC, no load: this machine's load is not under test)."""
    copy_estate(root)
    hosts_file = root / "inventory/hosts/fra-dc2.yaml"
    for other in (root / "inventory/hosts").glob("*.yaml"):  # the other sites' hosts
        if other != hosts_file:
            other.unlink()
    doc = yaml.safe_load(hosts_file.read_text())
    doc["hosts"] = [h for h in doc["hosts"] if h["name"] in HOSTS]
    for h in doc["hosts"]:
        h["address"] = h["address"].replace("10.123.0.", f"10.129.{_N}.")
        if h.get("bmc"):
            h["bmc"]["address"] = h["bmc"]["address"].replace("10.123.1.", f"10.129.{_N + 1}.")
    hosts_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    for path in (root / "policies/inspections").glob("*.yaml"):
        path.unlink()
    for cadence in ("daily", "monthly"):
        (root / "policies/inspections" / f"{cadence}.yaml").write_text(
            CHECK.format(name=cadence.title(), cadence=cadence))
    for path in (root / "policies/upgrades").glob("*.yaml"):
        path.unlink()
    (root / "policies/waivers.yaml").write_text("waivers: []\n")
    service = root / "policies/service.yaml"  # the month's days are UTC days here
    service.write_text(service.read_text().replace("timezone: Asia/Shanghai", "timezone: UTC"))
    git(root, "init", "-q", "-b", "main")
    _commit_at(root, "The estate under contract", at(1, 0, 0) - timedelta(days=1))
    return root


def _listen(name: str, port: int) -> None:
    """A real listener on a lab host, left running until the lab goes down."""
    pid = state.init_pid(CFG, name)
    assert pid, f"lab host {name} is not running"
    code = (f"import socket, time; s = socket.socket(); s.bind(('0.0.0.0', {port})); "
            "s.listen(); time.sleep(3600)")
    done = host.run_in(pid, ["sh", "-c", f'setsid python3 -c "{code}" >/dev/null 2>&1 &'])
    assert done.returncode == 0, done.stderr
    host.run_in(pid, ["sh", "-c", f"for i in $(seq 50); do ss -ltn | grep -q ':{port} ' "
                                  "&& break; sleep 0.1; done"])


@dataclass
class Month:
    root: Path
    runs: list  # every InspectRun, in order


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Month]:
    from runner.inspect import inspect

    root = make_estate(tmp_path_factory.mktemp("month") / "estate")
    fleet.down(CFG)
    saved = {k: os.environ.get(k) for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_DATE",
                                            "GIT_COMMITTER_DATE")}
    os.environ.setdefault("GIT_AUTHOR_NAME", "Test")  # patrol's own commits need an identity
    try:
        fleet.up(root, None, CFG, echo=lambda _m: None)
        _listen(WAIVED, 23)
        _listen(OPEN, 3306)
        conn = ansible_vars(CFG)
        runs = []
        n = 0

        def run(checklist: str, day: int) -> None:
            nonlocal n
            n += 1
            runs.append(inspect(root, checklist, ctx=_ctx(root, at(day), n),
                                connections=conn))

        (root / "policies/waivers.yaml").write_text(WAIVER)
        _commit_at(root, f"Waive {WAIVED}'s telnet listener", at(1, 5, 0))
        for day in range(1, 8):
            if day == DOWN_DAYS[0]:
                lab_faults.sshd_stop(DOWN, CFG)
            if day == DOWN_DAYS[-1] + 1:
                lab_faults.sshd_start(DOWN, CFG)
            if day == TERMS_CHANGED.day:
                service = root / "policies/service.yaml"
                service.write_text(service.read_text().replace("  low: 30d\n", "  low: 20d\n",
                                                               1))
                _commit_at(root, "Shorten the low-severity rectification deadline to 20 days",
                           TERMS_CHANGED)
            if day == 1:
                run("monthly", day)
            if day in DAILY_DAYS:
                run("daily", day)
        yield Month(root, runs)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        fleet.down(CFG)
        CFG.lock_file.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def estate(month: Month):
    from runner.run import load_valid_estate

    return load_valid_estate(month.root, MOMENT.date())


@pytest.fixture(scope="module")
def report(month: Month, estate):
    from runner.report import model
    from runner.report.period import Month as Period

    return model.build(month.root, estate, Period(*MONTH), now=MOMENT)


def test_the_planted_faults_are_what_the_real_hosts_showed(month: Month) -> None:
    """The lab, not a fake: each run saw the listeners and the stopped sshd."""
    for run in month.runs:
        day = run.results[OPEN]  # a run's start time is its planted one
        assert day.reachable, day.message
        assert day.checks["ports"].status.value == "fail", day.checks["ports"]
        assert run.results[WAIVED].checks["telnet"].status.value == "waived"
    daily = [r for r in month.runs if r.checklist == "daily"]
    assert [not r.results[DOWN].reachable for r in daily] == [
        d in DOWN_DAYS for d in DAILY_DAYS]


def test_a_month_in_progress_counts_only_the_days_to_date(report) -> None:
    assert report.to_date and report.moment == MOMENT
    lines = {c.cadence: (c.due, c.done, c.missed) for c in report.inspections.cadences}
    assert lines == {"daily": (MOMENT.day, len(DAILY_DAYS), MOMENT.day - len(DAILY_DAYS)),
                     "monthly": (1, 1, 0)}
    assert [d.day.day for d in report.inspections.daily] == list(range(1, MOMENT.day + 1))
    assert report.inspections.runs == len(DAILY_DAYS) + 1


def test_the_findings_are_the_planted_ones(report, estate) -> None:
    f = report.findings
    # opened: the waived telnet, the open ports, db-02 unreachable; closed: db-02 answering
    assert (f.opened, f.closed, f.waived, f.still_open) == (3, 1, 1, 2)
    assert f.open_by_severity == {"critical": 1, "high": 1, "medium": 0, "low": 0}
    assert sorted(o.finding for o in f.oldest) == [f"{OPEN}/ports", f"{WAIVED}/telnet"]
    states = {o.finding: o.state for o in f.oldest}
    assert states[f"{WAIVED}/telnet"] == "waived"
    # app-01's ports: high, due a day after the 1st's run; overdue 2 days later is penalised,
    # and the runs after that (the 4th, 5th, 7th) escalate it there
    assert estate.service.rectification.high == timedelta(days=1)
    assert estate.service.escalation.penalty_grace == timedelta(days=2)
    assert states[f"{OPEN}/ports"] == "penalised" and f.penalised == 1
    (close,) = f.closes
    assert (close.finding, close.opened, close.closed) == (
        f"{DOWN}/unreachable", at(DOWN_DAYS[-1]), at(DOWN_DAYS[-1] + 1))
    assert [w.approved_by for w in report.waivers.granted] == [APPROVER]


def test_the_unanswered_incident_is_breached_and_was_never_escalated(month, report,
                                                                     estate) -> None:
    from runner.incidents import store as incident_store

    inc = report.incidents
    assert inc.tracked and inc.opened == 1  # the waived critical check opened none
    lines = {c.clock: (c.met, c.breached, c.running) for c in inc.clocks}
    assert lines == {"response": (0, 1, 0), "on_site": (0, 1, 0)}
    opened = at(DOWN_DAYS[-1])  # the third run it did not answer
    crit = estate.service.response_times.critical  # db-02 is critical; fra-dc2 is 24x7
    assert [(b.clock, b.opened, b.breached) for b in inc.breaches] == [
        ("response", opened, opened + crit.response),
        ("on_site", opened, opened + crit.on_site)]
    (stored,) = incident_store.load(month.root).values()
    assert (stored.hosts, stored.via, stored.finding, stored.level) == (
        [DOWN], "monitoring", f"{DOWN}/unreachable", "critical")
    assert stored.state.value == "open"
    assert all(c.met_at is None and c.warned_at is None and c.breached_at is None
               for c in stored.clocks.values())  # no escalation ever noticed it


def test_the_terms_change_is_listed(report, estate) -> None:
    (c,) = report.terms.changes
    assert (c.at, c.file, c.key, c.before, c.after) == (
        TERMS_CHANGED, "policies/service.yaml", "rectification.low", "30d", "20d")
    assert dict(report.terms.rectification)["low"] == timedelta(days=20)
    assert estate.service.rectification.low == timedelta(days=20)


def test_the_report_patrol_incidents_and_patrol_findings_agree(month, report, capsys) -> None:
    from runner.commands import findings as findings_cmd
    from runner.commands import incidents as incidents_cmd
    from runner.findings import store as findings_store
    from runner.incidents.model import State

    states = [s.value for s in State]
    assert incidents_cmd.listing(month.root, states, None, None, True, "text",
                                 MOMENT.strftime("%Y-%m-%dT%H:%M:%SZ")) == 0
    listed = set(re.findall(r"INC-\d{4}-\d{4}", capsys.readouterr().out))
    assert listed == {b.incident for b in report.incidents.breaches}
    assert len(listed) == 1  # planted: db-02's, unanswered
    active = findings_cmd.select(findings_store.load(month.root), None, None, False, None)
    assert len(active) == report.findings.still_open == 2
    assert sorted(a.id for a in active) == sorted(o.finding for o in report.findings.oldest)
    waived = findings_cmd.select(findings_store.load(month.root), ["waived"], None, False, None)
    assert [w.id for w in waived] == [f"{WAIVED}/telnet"]
