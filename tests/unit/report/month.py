"""A synthetic month for the report's tests, made by Patrol's own run code (inspect, upgrade,
compliance, spares use) against a fake fleet in a real Git repository — so every record,
finding and commit is what the real writers produce.

November 2026 (and two daily runs at the end of October, for the previous-month column):

- daily runs every day at 06:15Z except the 9th (missed; the run of the 10th is late), weekly
  runs on the Mondays except the 23rd, the monthly run on the 1st;
- web-02's agent is wrong from the 3rd to the 12th (high: due in 1 day, penalised 2 days
  after) and right again on the 13th: closed late;
- web-01's sshd check fails from the 15th to the 24th; a waiver (committed on the 14th,
  expiring on the 20th) holds it until the end of the 20th, then the clock runs again: closed
  late on the 25th; its reason carries HTML, Markdown and a mention, which must stay inert;
- mon-01 unreachable on the 27th and 28th (too few runs for a finding);
- `patrol compliance` on the 10th at 05:00Z finds the daily checklist in breach;
- an upgrade of db-01 and db-02 on the 18th; a spare part used on the 19th;
- an incident on web-02 on the 5th: answered within its hour, but the engineer arrived only
  on the 9th, after escalation found the on-site clock breached on the 7th;
- the low-severity rectification deadline shortened from 30 to 20 days on the 16th (a
  commit to policies/service.yaml by "Test").
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from runner.execute import HostOutcome, HostState, PlayOutcome
from runner.run import RunContext
from tests.conftest import _GIT_ENV, copy_estate, git

CHECK = """\
name: {name} check
cadence: {cadence}
hosts: all
checks:
  - id: agent
    kind: package_version
    severity: high
    hosts: role=web
    params: {{packages: {{patrol-agent: "1.0.0-1"}}}}
  - id: ssh
    kind: service_running
    severity: critical
    params: {{services: [ssh]}}
"""

PLAN = """\
name: agent 1.1 for the databases
targets: role=db
packages:
  patrol-agent: "1.1.0-1"
window: {start: "00:00", end: "23:59", timezone: UTC}
waves: [1, rest]
halt: {max_failures: 0}
post_checks:
  - id: agent-version
    kind: package_version
    params:
      packages: {patrol-agent: "1.1.0-1"}
rollback: true
"""

EVIL = "<script>alert(1)</script> **bold** | [link](http://evil.example) @ops-team"
WAIVER = f"""\
  - id: web-01-ssh
    host: web-01
    check: daily/ssh
    reason: "{EVIL}"
    approved_by: li.wei@customer.example.com
    expires: 2026-11-20
"""
INCIDENT = "INC-2026-0001"
TERMS_CHANGED = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)
HOSTS = ["app-01", "app-02", "backup-01", "db-01", "db-02", "mon-01", "web-01", "web-02"]


@dataclass
class Fleet:
    """The executor's signature, answering from per-host state the test changes day by day."""

    agent: dict[str, str] = field(default_factory=lambda: dict.fromkeys(HOSTS, "1.0.0-1"))
    sshd_down: set[str] = field(default_factory=set)
    unreachable: set[str] = field(default_factory=set)

    def __call__(self, playbook: str, inventory: dict[str, Any], *, limit: list[str],
                 on_host: Any = None, check_mode: bool = False, **_: Any) -> PlayOutcome:
        hostvars = inventory["_meta"]["hostvars"]
        for h in limit:
            if h in self.unreachable:
                on_host(h, HostOutcome(HostState.UNREACHABLE, {}, "ssh: connect timed out"))
                continue
            if playbook == "upgrade.yml":
                for pin in hostvars[h]["patrol_apt_packages"]:
                    name, version = pin.split("=", 1)
                    if name == "patrol-agent":
                        self.agent[h] = version
                on_host(h, HostOutcome(HostState.OK, {"changed": True}))  # then post-checks
            values: dict[str, Any] = {}
            for m in hostvars[h]["patrol_measurements"]:
                if m["probe"] == "packages":
                    values[m["id"]] = {"patrol-agent": self.agent[h]}
                elif m["probe"] == "service_status":
                    state = ({"rc": 3, "output": "sshd is not running"} if h in self.sshd_down
                             else {"rc": 0, "output": "running"})
                    values[m["id"]] = {n: state for n in m["args"]["names"]}
            on_host(h, HostOutcome(HostState.OK, {"values": values}))
        return PlayOutcome({}, "successful", 0)


def _date_commits(at: datetime) -> None:
    """Patrol's commits of a step carry the step's time: the archive dates estate versions
    (a waiver granted) by the mainline commit that brought them, and mainline dates never go
    back, so every commit of the month must be dated in it."""
    os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = at.isoformat()


def _ctx(root: Path, at: datetime, n: int) -> RunContext:
    _date_commits(at)
    return RunContext(root, clock=lambda: at, env={"GITHUB_ACTIONS": "true",
                                                   "GITHUB_ACTOR": "ci-bot"},
                      local="tester@box", suffix=lambda: f"{n:06x}")


def _commit_at(root: Path, message: str, at: datetime) -> None:
    env = {**os.environ, **_GIT_ENV, "GIT_AUTHOR_DATE": at.isoformat(),
           "GIT_COMMITTER_DATE": at.isoformat()}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)


def compliance_at(root: Path, at: datetime) -> None:
    """What `patrol compliance` does, at a past moment (the command keeps the real clock when
    it commits): cadence breaches -> findings -> a sealed record, committed."""
    from runner.archive import Intent
    from runner.findings import store as findings_store
    from runner.findings.cadence import apply_breaches, cadence_breaches, expected, last_runs
    from runner.findings.policy import policy_of
    from runner.run import lock_and_load, record_findings

    ctx = _ctx(root, at, 0xC0)
    with lock_and_load(ctx, Intent(), reaches_hosts=False) as opened:
        records = opened.reports_root(ctx)
        policy = policy_of(opened.estate.service)
        wanted = expected(opened.estate)
        breaches = cadence_breaches(
            wanted, last_runs(records, at, max(policy.cadence_limits.values())), at, policy)
        store = findings_store.load(records)
        moves = apply_breaches(store, breaches, sorted(wanted), at, policy)
        record_findings(ctx, opened, "compliance", store, moves,
                        f"compliance: {len(breaches)} checklist(s) in breach")


def escalate_incidents_at(root: Path, at: datetime) -> None:
    """What `patrol findings escalate` does to incident clocks, at a past moment."""
    from runner.archive import Intent
    from runner.incidents import escalation
    from runner.incidents import store as incident_store
    from runner.incidents.policy import calendars, dues
    from runner.run import lock_and_load, record_change

    ctx = _ctx(root, at, 0xE5)
    with lock_and_load(ctx, Intent(), reaches_hosts=False) as opened:
        records = opened.reports_root(ctx)
        incidents = incident_store.load(records)
        cals = calendars(opened.estate)
        alarms = escalation.escalate(incidents, cals, at,
                                     opened.estate.service.escalation.warn_at / 100)
        touched = [incidents[i] for i in sorted({a.incident for a in alarms})]
        changed = incident_store.save(records, touched,
                                      {i.id: dues(i, cals, at) for i in touched})
        record_change(ctx, opened, "escalate", "escalate",
                      {"incidents": [{"incident": a.incident, "clock": a.clock, "to": a.level}
                                     for a in alarms]},
                      changed, f"escalate: {len(alarms)} incident clock(s)")


def build_month(dest: Path, archive_branch: str | None = None) -> Path:
    from runner.commands import incidents
    from runner.inspect import inspect
    from runner.spares.runs import move_stock
    from runner.upgrade.run import upgrade

    root = copy_estate(dest)
    for cadence in ("daily", "weekly", "monthly"):
        (root / "policies" / "inspections" / f"{cadence}.yaml").write_text(
            CHECK.format(name=cadence.title(), cadence=cadence))
    (root / "policies" / "upgrades" / "db-agent.yaml").write_text(PLAN)
    (root / "policies" / "waivers.yaml").write_text("waivers: []\n")
    service = root / "policies" / "service.yaml"  # the month's days are UTC days here
    service.write_text(service.read_text().replace("timezone: Asia/Shanghai", "timezone: UTC"))
    if archive_branch:  # records on a records-only branch, the estate's branch untouched
        with (root / "policies" / "service.yaml").open("a") as fh:
            fh.write(f"archive: {{branch: {archive_branch}}}\n")
    git(root, "init", "-q", "-b", "main")
    _commit_at(root, "The estate under contract", datetime(2026, 10, 1, tzinfo=UTC))
    os.environ.setdefault("GIT_AUTHOR_NAME", "Test")  # patrol's own commits need an identity
    fleet = Fleet()
    n = 0

    def run(checklist: str, day: date) -> None:
        nonlocal n
        n += 1
        at = datetime(day.year, day.month, day.day, 6, 15, tzinfo=UTC)
        inspect(root, checklist, ctx=_ctx(root, at, n), play=fleet)

    for day in (date(2026, 10, 30), date(2026, 10, 31)):
        run("daily", day)
    for d in range(1, 31):
        day = date(2026, 11, d)
        fleet.agent["web-02"] = "0.9.0-1" if 3 <= d <= 12 else "1.0.0-1"
        fleet.sshd_down = {"web-01"} if 15 <= d <= 24 else set()
        fleet.unreachable = {"mon-01"} if d in (27, 28) else set()
        if d == 10:
            compliance_at(root, datetime(2026, 11, 10, 5, 0, tzinfo=UTC))
        if d == 14:
            (root / "policies" / "waivers.yaml").write_text("waivers:\n" + WAIVER)
            _commit_at(root, "Waive web-01's sshd check until the 20th",
                       datetime(2026, 11, 14, 9, 0, tzinfo=UTC))
        if d == 16:  # the contract's terms change mid-month (no low finding is affected)
            service = root / "policies" / "service.yaml"
            service.write_text(service.read_text().replace("  low: 30d\n", "  low: 20d\n", 1))
            _commit_at(root, "Shorten the low-severity rectification deadline to 20 days",
                       TERMS_CHANGED)
        if d == 7:  # before the day's runs: records keep time order
            escalate_incidents_at(root, datetime(2026, 11, 7, 6, tzinfo=UTC))
        if d == 9:
            _date_commits(datetime(2026, 11, 9, 2, tzinfo=UTC))
            incidents.arrive(root, INCIDENT, "wang.wei", None,
                             clock=lambda: datetime(2026, 11, 9, 2, tzinfo=UTC))
            _date_commits(datetime(2026, 11, 9, 3, tzinfo=UTC))
            incidents.resolve(root, INCIDENT, "disk replaced", "wang.wei", None,
                              clock=lambda: datetime(2026, 11, 9, 3, tzinfo=UTC))
        if d != 9:
            run("daily", day)
        if day.weekday() == 0 and d != 23:
            run("weekly", day)
        if d == 1:
            run("monthly", day)
        if d == 5:  # web-02's disk: answered in time, the engineer came too late
            _date_commits(datetime(2026, 11, 5, 8, tzinfo=UTC))
            incidents.open_(root, ["web-02"], f"disk errors {EVIL}", "high", "noc@customer",
                            "phone", None, clock=lambda: datetime(2026, 11, 5, 8, tzinfo=UTC))
            _date_commits(datetime(2026, 11, 5, 8, 30, tzinfo=UTC))
            incidents.respond(root, INCIDENT, "li.na", None, None,
                              clock=lambda: datetime(2026, 11, 5, 8, 30, tzinfo=UTC))
        if d == 18 and not archive_branch:  # both edit the estate: PRs, with an archive branch
            n += 1
            at = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
            upgrade(root, "db-agent", ctx=_ctx(root, at, n), play=fleet,
                    interrupt=lambda: False)
        if d == 19 and not archive_branch:
            n += 1
            at = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
            move_stock(_ctx(root, at, n), "use", "lenovo-psu-750w", "hz-dc1-cage", quantity=1,
                       reason="PSU 2 failed on app-01 <b>RMA 4711</b>", host="app-01",
                       commit=True)
    os.environ.pop("GIT_AUTHOR_DATE", None)
    os.environ.pop("GIT_COMMITTER_DATE", None)
    return root


__all__ = ["EVIL", "HOSTS", "TERMS_CHANGED", "build_month", "timedelta"]
