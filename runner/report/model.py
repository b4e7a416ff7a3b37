"""The monthly report as plain data: one field per section, built from the archive alone.

``build`` reads the archive once (``sources``), then each section module computes its part;
the previous month's headline figures come from the same functions over the same sources.
Rendering (``render``) turns this into HTML, Markdown or JSON; nothing here formats text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..findings.cadence import expected as expected_checklists
from ..findings.policy import policy_of
from . import assessment, audit, charts, glance, incidents, inspections, spares, upgrades
from . import findings as findings_section
from . import sources as sources_mod
from . import terms as terms_section
from . import waivers as waivers_section
from . import workplan as workplan_section
from .data import plain  # noqa: F401 (the report's data, as callers knew it)
from .period import Month, zone_of


@dataclass
class MonthlyReport:
    month: Month
    contract: str
    sites: list[tuple[str, str]]  # (id, name)
    hosts: int
    glance: list[glance.Figure]
    inspections: inspections.Inspections
    findings: findings_section.Findings
    waivers: waivers_section.Waivers
    assessment: assessment.Assessment
    incidents: incidents.Incidents
    upgrades: upgrades.Upgrades
    spares: spares.Spares
    audit: audit.Audit
    workplan: workplan_section.WorkPlan
    charts: dict[str, charts.Chart]
    terms: terms_section.Terms | None = None  # the contract's terms in force and changes
    year: assessment.Year | None = None  # 年总评: the year's months so far
    moment: datetime | None = None  # the report's moment: the month's end, or now (to date)
    zone: str = "UTC"

    parties: dict[str, str] | None = None  # the service policy's ``parties``: who signs
    # each site's own zone, by site id and by host name: a row about one site (an incident,
    # a finding, a part) shows its times in that site's zone; the rest in the contract's
    places: dict[str, str] | None = None

    @property
    def number(self) -> str:
        """The report's number: one per contract month, the same however often it is made."""
        return f"PATROL-{self.month.year:04d}{self.month.month:02d}"

    @property
    def issued(self) -> date | None:
        """The day it is issued, in the contract's zone: the report's moment's day for a month
        in progress, else the day after the month (when a whole month can first be issued)."""
        if self.moment is None:
            return None
        return self.month.day_of(self.moment) if self.to_date else self.month.next().first

    @property
    def to_date(self) -> bool:
        """A month in progress: its figures run to the report's moment, not its end."""
        return self.moment is not None and self.moment < self.month.end


def _headline(src: sources_mod.Sources, month: Month, estate: Any, limits: dict[str, timedelta],
              expected: dict[str, tuple[str, list[str]]], moment: datetime | None = None
              ) -> tuple[dict[str, Any], tuple[Any, Any, Any, Any, Any]]:
    from ..incidents.policy import calendars

    ins = inspections.build(src, month, expected, limits, moment)
    fnd = findings_section.build(src.findings, month)
    inc = incidents.build(src.incidents, month, calendars(estate), moment)
    ass = assessment.build(fnd.events, estate.hosts, estate.service.penalties, inc.breaches,
                           getattr(estate.service, "assessment", None))
    upg = upgrades.build(src.of("upgrade", month))
    due = sum(c.due for c in ins.cadences)
    values = {
        "runs_done": sum(c.done for c in ins.cadences) if due else None,
        "pass_rate": ins.pass_rate,
        "findings_opened": fnd.opened, "findings_closed": fnd.closed,
        "still_open": fnd.still_open, "late_closes": len(fnd.late),
        "penalty_points": ass.total, "hosts_upgraded": upg.hosts_upgraded,
    }
    return values, (ins, fnd, ass, upg, inc)


def _charts(ins: inspections.Inspections, fnd: findings_section.Findings,
            month: Month) -> dict[str, charts.Chart]:
    rate = charts.pass_rate([(d.day.day, d.rate) for d in ins.daily])
    weeks = []
    for first, last in month.weeks():
        opened = sum(1 for e in fnd.events if e.event in ("opened", "reopened")
                     and first <= month.day_of(e.at) <= last)
        closed = sum(1 for e in fnd.events if e.event == "closed"
                     and first <= month.day_of(e.at) <= last)
        label = str(first.day) if first == last else f"{first.day}–{last.day}"
        weeks.append((label, opened, closed))
    weekly = charts.paired_bars(weeks, ("opened", "closed"))
    hours = [(r.severity, (r.median or timedelta(0)).total_seconds() / 3600,
              (r.p90 or timedelta(0)).total_seconds() / 3600) for r in fnd.rectification]
    rect = charts.paired_bars(hours, ("median", "p90"))
    return {"pass_rate": rate, "weekly": weekly, "rectification": rect}


def build(root: Path, estate: Any, month: Month, records: Path | None = None,
          now: datetime | None = None) -> MonthlyReport:
    """``root``: the estate's checkout; its archive is read from ``records`` (a run passes the
    one it resolved), else where the service policy keeps it (the archive branch's worktree,
    or ``root`` itself). ``now``: the report's moment for a month in progress (default: this
    machine's clock); a month that has ended is reported as at its end, so its report is the
    same whenever it is made."""
    if records is None:
        from ..archive.branch import reports_root

        records = reports_root(root)
    month = month.within(zone_of(estate))
    moment = min(now or datetime.now(UTC), month.end)
    src = sources_mod.load(records, month, waivers_from=root)
    policy = policy_of(estate.service)
    expected = expected_checklists(estate)
    now_figures, (ins, fnd, ass, upg, inc) = _headline(src, month, estate,
                                                       policy.cadence_limits, expected, moment)
    before, _ = _headline(src, month.previous(), estate, policy.cadence_limits, expected)
    return MonthlyReport(
        month=month,
        contract=str(estate.service.contract or ""),
        sites=[(s, str(estate.sites[s].name)) for s in sorted(estate.sites)],
        hosts=len(estate.hosts),
        glance=glance.figures(now_figures, before),
        inspections=ins,
        findings=fnd,
        waivers=waivers_section.build(src.waiver_history, estate.waivers, month),
        assessment=ass,
        incidents=inc,
        upgrades=upg,
        spares=spares.build(estate, src.of("spares-movement"), month, src.findings),
        audit=audit.month_audit(root, month),
        workplan=workplan_section.build(estate, month.next(), src.findings),
        charts=_charts(ins, fnd, month),
        moment=moment,
        zone=month.zone,
        terms=_terms(root, estate, month),
        parties=_parties(estate),
        places=_places(estate),
        year=_year(src, estate, month, moment, ass),
    )


def _year(src: sources_mod.Sources, estate: Any, month: Month, moment: datetime,
          this: assessment.Assessment) -> assessment.Year:
    """年总评: each month of the year up to this one, scored as its own report scores it
    (findings and incident clocks only need the archive's findings and incidents)."""
    from ..incidents.policy import calendars

    cals = calendars(estate)
    scoring = getattr(estate.service, "assessment", None)
    out = assessment.Year(month.year, full_score=this.full_score)
    # from the first month the archive knows anything of: a month before the service began
    # is not a perfect month
    known = [r.finished for r in src.records] + [i.opened_at for i in src.incidents or []]
    known += [f.history[0]["at"] if f.history else f.opened_at for f in src.findings.values()]
    first = month.day_of(min(known)) if known else month.first
    m = Month(month.year, first.month if first.year == month.year else 1, month.zone)
    while m < month:
        fnd = findings_section.build(src.findings, m)
        inc = incidents.build(src.incidents, m, cals, moment)
        a = assessment.build(fnd.events, estate.hosts, estate.service.penalties,
                             inc.breaches, scoring)
        out.months.append(assessment.MonthScore(str(m), a.total, a.score, a.grade))
        m = m.next()
    out.months.append(assessment.MonthScore(str(month), this.total, this.score, this.grade))
    return out


def _places(estate: Any) -> dict[str, str]:
    """Site id and host name -> the site's zone."""
    zones = {sid: str(site.timezone) for sid, site in estate.sites.items()}
    out = {name: zones[h.site] for name, h in estate.hosts.items() if h.site in zones}
    out.update(zones)
    return out


def _parties(estate: Any) -> dict[str, str] | None:
    parties = getattr(estate.service, "parties", None)
    if parties is None:
        return None
    return {k: str(v) for k, v in parties.model_dump().items() if v is not None}


def _terms(root: Path, estate: Any, month: Month) -> terms_section.Terms:
    t = terms_section.in_force(estate.service, sorted(estate.sites), month.zone)
    t.changes = terms_section.changes(root, month)
    return t
