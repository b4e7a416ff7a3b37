"""The monthly report over a synthetic month made by Patrol's own runs (see ``month.py``):
the figures it must show, the same bytes twice, Markdown tables a CommonMark parser reads,
a Chinese render without English labels, and the HTML opened in headless Chromium."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from markdown_it import MarkdownIt

from runner import archive, service_hours
from runner.incidents.policy import calendars
from runner.report import model
from runner.report.period import Month
from runner.report.render import render
from runner.run import load_valid_estate
from tests.conftest import git

from .cdp import Browser
from .month import EVIL, build_month

NOV = Month(2026, 11)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_month(tmp_path_factory.mktemp("month") / "estate")


@pytest.fixture(scope="module")
def report(month: Path) -> model.MonthlyReport:
    return model.build(month, load_valid_estate(month, date(2026, 12, 1)), NOV)


@pytest.fixture(scope="module")
def estate(month: Path):
    return load_valid_estate(month, date(2026, 12, 1))


def test_inspections_count_the_missed_day_and_the_missed_monday(report):
    lines = {c.cadence: (c.due, c.done, c.missed, c.late) for c in report.inspections.cadences}
    assert lines["daily"] == (30, 29, 1, 1)  # no run on the 9th: the 10th's came late
    assert lines["weekly"] == (5, 4, 1, 1)  # Mondays 2, 9, 16, 23, 30; not the 23rd
    assert lines["monthly"] == (1, 1, 0, 0)
    gaps = {(g.host, g.checklist): g.covered for g in report.inspections.gaps}
    assert gaps[("mon-01", "daily")] == 27  # and unreachable on the 27th and 28th
    # only the weekly run: 10 sshd checks, 2 agent checks, and the host-key check of the two
    # hosts whose keys the sample pins (br-01, plant-01)
    ninth = report.inspections.daily[8]
    assert (ninth.passed, ninth.measured) == (13, 14)  # web-02's agent was wrong


def test_findings_closed_late_say_how_late(report, estate):
    late = {c.finding: c.late_by for c in report.findings.late}
    deadline = estate.service.rectification.high  # web-02's agent: opened on the 3rd
    opened, closed = datetime(2026, 11, 3, 6, 15, tzinfo=UTC), datetime(2026, 11, 13, 6, 15,
                                                                          tzinfo=UTC)
    assert late["web-02/agent"] == closed - (opened + deadline)
    # web-01's sshd failed from the 15th; the waiver held it to the end of the 20th
    assert "web-01/ssh" in late
    assert report.findings.still_open == 1  # the cadence breach is never closed
    assert [w.approved_by for w in report.waivers.granted] == ["li.wei@customer.example.com"]
    assert [w.expires for w in report.waivers.lapsed] == [date(2026, 11, 20)]


def test_penalty_points_come_from_the_service_policy(report, estate):
    p = estate.service.penalties
    sev = {str(getattr(k, "value", k)): v for k, v in p.penalised.items()}
    sites_in_breach = len({h.site for h in estate.hosts.values()})  # every host missed the 9th
    # one problem, one finding, one penalty: daily and weekly runs both saw each of these
    assert estate.service.assessment.cadence_charged == "once"  # the sample policy says so
    expected = (sev["high"] + sev["critical"]  # web-02's agent, web-01's sshd
                # the missed 9th: the breach, charged once though its finding was penalised
                + sites_in_breach * p.cadence_breach
                + p.on_site_breach  # the engineer came late to web-02
                # web-01's sshd incident, opened when its waiver lapsed, never answered
                + p.response_breach + p.on_site_breach)
    a = report.assessment
    assert a.total == expected
    assert sum(points for _, points in a.by_site) == expected
    scoring = estate.service.assessment
    assert a.score == max(scoring.full_score - expected, 0)
    band = next(b.grade for b in sorted(scoring.grades, key=lambda b: -b.min)
                if a.score >= b.min)
    assert a.grade == band
    # 年总评: October (two clean daily runs) and November
    assert [(m.month, m.points) for m in report.year.months] == [("2026-10", 0),
                                                                 ("2026-11", expected)]
    assert report.year.points == expected
    md = render(report, "markdown", "en")
    assert f"Score: **{a.score}** / {scoring.full_score}" in md
    assert "is charged once (the breach)" in md


def test_a_cadence_breach_charged_twice_counts_its_penalised_finding(report, estate):
    import dataclasses

    from runner.report import assessment

    p = estate.service.penalties
    twice = estate.service.assessment.model_copy(update={"cadence_charged": "twice"})
    once, both = (assessment.build(report.findings.events, estate.hosts, p,
                                   report.incidents.breaches, policy)
                  for policy in (estate.service.assessment, twice))
    sites_in_breach = len({h.site for h in estate.hosts.values()})
    sev = {str(getattr(k, "value", k)): v for k, v in p.penalised.items()}
    assert both.total - once.total == sites_in_breach * sev["high"]  # the cadence finding
    zh = render(dataclasses.replace(report, assessment=both), "markdown", "zh-CN")
    assert "分别扣分" in zh


def test_the_incident_answered_in_time_but_reached_late(report, estate):
    inc = report.incidents
    # planted: ours on the 5th (high); web-01's sshd (critical) failed from the 15th under a
    # waiver, so it opened no incident until the waiver lapsed: the run of the 21st opened one
    # nobody answered, and no escalation ran after that to notice
    assert inc.tracked and inc.opened == 2
    assert inc.by_severity == {"critical": 1, "high": 1, "medium": 0, "low": 0}
    lines = {c.clock: (c.met, c.breached, c.running) for c in inc.clocks}
    assert lines == {"response": (1, 1, 0), "on_site": (0, 2, 0)}
    opened = datetime(2026, 11, 5, 8, tzinfo=UTC)  # high on hz-dc1: its service hours count
    lapsed = datetime(2026, 11, 21, 6, 15, tzinfo=UTC)  # the run after the waiver's last day
    web01 = estate.hosts["web-01"]
    crit = estate.service.response_times.critical
    cal = calendars(estate)  # each clock counts on its site's service hours

    due = {"response": service_hours.due(cal[web01.site], [(lapsed, None)], crit.response),
           "on_site": service_hours.due(cal[web01.site], [(lapsed, None)], crit.on_site)}
    assert [(b.incident, b.clock, b.breached) for b in inc.breaches] == sorted([
        ("INC-2026-0001", "on_site", service_hours.due(
            cal["hz-dc1"], [(opened, None)], estate.service.response_times.high.on_site)),
        ("INC-2026-0002", "response", due["response"]),
        ("INC-2026-0002", "on_site", due["on_site"])], key=lambda b: (b[2], b[0], b[1]))
    assert any(i.reason == "on_site_breach" for i in report.assessment.items)


def test_the_upgrade_and_the_movement_are_in(report):
    (u,) = report.upgrades.runs
    assert (u.plan, u.hosts, u.upgraded, u.result) == ("agent 1.1 for the databases", 2, 2,
                                                       "completed")
    (m,) = report.spares.movements
    assert (m.part, m.host, m.change) == ("lenovo-psu-750w", "app-01", -1)


def test_the_previous_month_stands_beside_each_figure(report):
    runs = next(f for f in report.glance if f.key == "runs_done")
    assert runs.previous == 2  # two daily runs at the end of October
    assert next(f for f in report.glance if f.key == "pass_rate").previous == 1.0


def test_same_archive_same_bytes(month, report, estate):
    again = model.build(month, estate, NOV)
    for fmt in ("html", "markdown", "json"):
        for lang in ("en", "zh-CN"):
            assert render(report, fmt, lang) == render(again, fmt, lang)


def _tables(md: str) -> dict[str, list[list[str]]]:
    """Each table's rows (header first) under the heading before it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    out: dict[str, list[list[str]]] = {}
    heading, rows, row = "", [], None
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            heading = tokens[i + 1].content
        elif t.type == "table_open":
            rows = []
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content)
        elif t.type == "tr_close":
            rows.append(row)
        elif t.type == "table_close":
            out.setdefault(heading, rows)
    return out


def test_the_markdown_tables_have_the_right_columns(report):
    md = render(report, "markdown", "en")
    tables = _tables(md)
    assert tables["Closed late"][0] == ["Finding", "Severity", "Due", "Closed", "Late by"]
    assert tables["Inspections"][0] == ["Cadence", "Checklists", "Due", "Done", "Missed",
                                        "Late"]
    assert tables["In force"][0] == ["Check", "Hosts", "Reason", "Approved by", "Expires"]
    assert tables["Scheduled inspections"][0] == ["Date", "Weekday", "Checklists", "Hosts",
                                                  "Who"]
    for heading, rows in tables.items():
        assert all(len(r) == len(rows[0]) for r in rows), heading  # no | broke a row
    assert len(tables["Closed late"]) - 1 == len(report.findings.late)


def test_estate_text_stays_text_in_markdown(report):
    tokens = MarkdownIt("commonmark").enable("table").parse(render(report, "markdown", "en"))
    flat = [c for t in tokens for c in (t.children or [t])]
    assert not [t for t in flat if t.type in ("html_inline", "html_block", "link_open")]
    bold = [flat[i + 1].content for i, t in enumerate(flat) if t.type == "strong_open"]
    assert "bold" not in bold  # the waiver's **bold** stayed asterisks
    reason = next(r for r in _tables(render(report, "markdown", "en"))["In force"][1:])[2]
    assert "script" in reason and "evil.example" in reason


def _labels(html: str) -> list[str]:
    """The page's text outside estate data (code, .x), charts and style."""
    doc = lxml.html.fromstring(html.encode())
    for el in doc.xpath("//code | //*[contains(@class, 'x')] | //svg | //style | //title"):
        el.drop_tree()
    return [t.strip() for t in doc.xpath("//body//text()") if t.strip()]


def test_the_chinese_report_has_no_english_label_left(report):
    words = {w for text in _labels(render(report, "html", "zh-CN"))
             for w in re.findall(r"[A-Za-z]{2,}", text)}
    assert words <= {"UTC"}
    english = {w for text in _labels(render(report, "html", "en"))
               for w in re.findall(r"[A-Za-z]{2,}", text)}
    assert {"Findings", "Waivers", "Inspections"} <= english  # the check can fail


def test_the_chinese_markdown_and_work_plan_have_no_english_left(report, month):
    """Every zh-CN output, not only the HTML report: what is left in Latin letters is data —
    the estate's and the archive's own text, and the authors and files of the terms'
    changes as Git names them."""
    from runner.report.render import render_workplan

    data: set[str] = set()
    for p in month.rglob("*.yaml"):
        if ".git" not in p.parts:
            data |= set(re.findall(r"[A-Za-z]{2,}", p.read_text()))
    for c in report.terms.changes:
        data |= set(re.findall(r"[A-Za-z]{2,}", f"{c.author} {c.file}"))
    md = render(report, "markdown", "zh-CN")
    plan_md = render_workplan(report.workplan, "markdown", "zh-CN")
    hex_ids = re.compile(r"\b(?=[0-9a-f]*[0-9])[0-9a-f]{6,40}\b")  # commits, run suffixes
    for text in (md, plan_md):
        assert set(re.findall(r"[A-Za-z]{2,}", hex_ids.sub("", text))) - data == set()
    words = {w for text in _labels(render_workplan(report.workplan, "html", "zh-CN"))
             for w in re.findall(r"[A-Za-z]{2,}", text)}
    assert words <= {"UTC"}
    english = render(report, "markdown", "en")
    assert {"Findings", "Waivers", "Inspections"} <= set(re.findall(r"[A-Za-z]{2,}", english)
                                                          ) - data  # the check can fail


def test_a_row_about_one_site_shows_its_times_in_that_sites_zone(report, estate):
    """The contract's zone heads the report; an incident, a finding closed, a part used are
    each shown on their own site's clock, with the zone's name (CLDR's, in Chinese)."""
    from zoneinfo import ZoneInfo

    (line,) = [x for x in report.incidents.lines if x.incident == "INC-2026-0001"]
    zone = str(estate.sites[line.site].timezone)
    assert zone != report.zone  # planted: the site's zone is not the contract's
    local = line.opened.astimezone(ZoneInfo(zone))
    row = next(r for r in _tables(render(report, "markdown", "en"))["Each incident"][1:]
               if r[0] == "INC-2026-0001")
    assert row[3] == f"{local.day} {local:%b %Y}, {local:%H:%M:%S} {zone}", row
    close = report.findings.closes[0]
    host_zone = str(estate.sites[estate.hosts[close.subject].site].timezone)
    closed = close.closed.astimezone(ZoneInfo(host_zone))
    md = render(report, "markdown", "en")
    assert f"{closed:%H:%M:%S} {host_zone}" in md
    zh_row = next(r for r in _tables(render(report, "markdown", "zh-CN"))["每起事件"][1:]
                  if r[0] == "INC-2026-0001")
    assert zh_row[3].endswith(f"{local:%H:%M:%S} 中国标准时间"), zh_row


def test_the_html_is_one_file_that_asks_for_nothing(report):
    html = render(report, "html", "en")
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the waiver's reason, as text


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


def test_chromium_shows_the_charts_and_figures_and_makes_no_request(report, tmp_path, browser):
    page = tmp_path / "2026-11.html"
    page.write_text(render(report, "html", "en"), encoding="utf-8")
    browser.open(page.as_uri())
    assert browser.requests() == [page.as_uri()]
    assert browser.evaluate("document.scripts.length") == 0
    charts = browser.evaluate(
        "[...document.querySelectorAll('figure.chart svg')].map(s => s.closest('figure').id"
        " + ':' + s.querySelectorAll('rect, polyline').length)")
    assert sorted(c.split(":")[0] for c in charts) == ["chart-pass-rate", "chart-rectification",
                                                       "chart-weekly"]
    assert all(int(c.split(":")[1]) > 0 for c in charts)
    total = browser.evaluate("document.getElementById('penalty-total').textContent")
    assert total == str(report.assessment.total)
    late_rows = browser.evaluate("document.querySelectorAll('table.late tbody tr').length")
    assert late_rows == len(report.findings.late)
    shot = tmp_path / "2026-11.png"
    browser.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    pdf = browser.pdf()  # A4 from @page
    boxes = {tuple(round(float(v)) for v in m.split()) for m in
             re.findall(rb"/MediaBox \[0 0 ([0-9. ]+)\]", pdf)}
    assert pdf.startswith(b"%PDF") and boxes == {(595, 842)}  # every page A4, in points


def test_the_work_plan_lists_next_months_schedule(report):
    plan = report.workplan
    assert plan.month == Month(2026, 12)
    weekly = [s.day.day for s in plan.inspections if "weekly" in s.checklists]
    assert weekly == [7, 14, 21, 28]
    assert [s.day.day for s in plan.inspections if "monthly" in s.checklists] == [1]
    window = next(w for w in plan.windows if w.plan == "patrol-agent-1.1")
    assert {d.strftime("%a") for d in window.dates} == {"Tue", "Wed", "Thu"}
    assert [(r.site, r.part, r.quantity) for r in plan.reorders] == [
        ("hz-dc1", "lenovo-psu-750w", 1)]  # the one used on the 19th was the last


def test_commit_writes_both_files_as_a_sealed_record_on_the_chain(month, tmp_path, capsys):
    from runner.commands import report as report_cmd

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(month), str(clone))
    assert report_cmd.monthly(clone, "2026-11", "html", "zh-CN", None, commit=True) == 0
    html = clone / "reports" / "monthly" / "2026-11.html"
    md = clone / "reports" / "monthly" / "2026-11.md"
    assert html.exists() and md.exists()
    rel, digest = archive.latest_record(clone)
    doc = archive.load_yaml((clone / rel).read_bytes())
    assert doc["kind"] == "monthly-report" and doc["month"] == "2026-11"
    assert doc["files"]["reports/monthly/2026-11.html"] == \
        "sha256:" + hashlib.sha256(html.read_bytes()).hexdigest()
    assert archive.verify_chain(clone) == []
    message = git(clone, "log", "-1", "--format=%B")
    assert f"Patrol-Record: sha256:{digest}" in message
    assert git(clone, "status", "--porcelain") == ""


def test_a_month_without_runs_says_so_rather_than_failing(month, estate):
    empty = model.build(month, estate, Month(2025, 1))
    assert empty.inspections.runs == 0 and empty.findings.opened == 0
    assert "None." in render(empty, "markdown", "en")


__all__ = ["EVIL", "timedelta"]


def test_json_is_the_data_with_its_derived_figures(report):
    import json

    data = json.loads(render(report, "json", "en"))
    assert data["month"] == "2026-11"
    assert data["assessment"]["total"] == report.assessment.total
    assert data["inspections"]["cadences"][0]["missed"] == 1
    assert "charts" not in data  # drawing is the templates' business


def test_the_work_plan_command_prints_that_month_alone(month, tmp_path):
    from runner.commands import report as report_cmd

    out = tmp_path / "plan.md"
    assert report_cmd.workplan(month, "2027-02", "markdown", "zh-CN", out) == 0
    tables = _tables(out.read_text(encoding="utf-8"))
    assert out.read_text(encoding="utf-8").startswith("## 2027年2月工作计划表")
    assert len(tables["计划巡检"]) - 1 == 28  # one row a day; February 2027 has 28


def test_tracked_incidents_render_in_both_languages(report):
    import dataclasses

    from runner.incidents import lifecycle
    from runner.report import incidents

    at = datetime(2026, 11, 5, 8, tzinfo=UTC)
    inc = lifecycle.new("INC-2026-0001", hosts=["web-02"], site="fra-dc2", summary=EVIL,
                        severity="high", level="high", reported_by="noc", via="phone",
                        owner="ops-team@example.com",
                        limits={"response": timedelta(hours=1), "on_site": timedelta(hours=8)},
                        at=at, written=at)
    lifecycle.arrive(inc, "wang.wei", at + timedelta(hours=4), at)  # response late, on site not
    with_incidents = dataclasses.replace(report, incidents=incidents.build([inc], NOV, {}, None))
    html = render(with_incidents, "html", "zh-CN")
    assert "INC-2026-0001" in html and "&lt;script&gt;" in html
    words = {w for text in _labels(html) for w in re.findall(r"[A-Za-z]{2,}", text)}
    assert words <= {"UTC"}
    md = render(with_incidents, "markdown", "en")
    assert _tables(md)["Clocks breached"][1][:2] == ["INC-2026-0001", "remote response"]
    assert _tables(md)["Incidents and support response"][0] == ["Clock", "Met in time", "Breached",
                                                                 "Running", "Paused"]


def test_an_audit_result_renders_its_breaks(report):
    import dataclasses
    from types import SimpleNamespace as NS

    from runner.report import audit

    found = NS(commits=41, records=38, signed=0, breaks=[
        NS(commit="a" * 40, path="reports/runs/2026/11/x.yaml", message="seal <mismatch>")])
    html = render(dataclasses.replace(report, audit=audit.build(found)), "html", "zh-CN")
    assert "已校验：41次提交" in html and "seal &lt;mismatch&gt;" in html
    words = {w for text in _labels(html) for w in re.findall(r"[A-Za-z]{2,}", text)}
    assert words <= {"UTC"}
    clean = audit.build(NS(commits=3, records=3, signed=3, breaks=[]))
    assert clean.intact and not audit.build(None).intact


def test_the_hosts_read_line_by_line_are_the_hosts_the_records_say_were_reached(month):
    from runner.report.sources import split_record

    records = sorted((month / "reports" / "runs").rglob("*.yaml"))
    assert len(records) > 30
    for path in records:
        data = path.read_bytes()
        full = archive.load_yaml(data)
        head, reached = split_record(data)
        hosts = full.get("hosts") or {}
        expected = {h for h, e in hosts.items()
                    if e == "pass" or (isinstance(e, dict) and e.get("reachable") is True)}
        assert reached == expected, path.name
        head.pop("sha256", None)
        keys = list(full)
        before = keys[:keys.index("hosts")] if "hosts" in keys else keys[:-1]  # not the seal
        assert head == {k: full[k] for k in before}
    assert any("mon-01" not in split_record(p.read_bytes())[1] and "daily" in p.name
               for p in records)  # the unreachable days are seen


def test_the_archive_section_is_the_audit_of_the_months_commits(report, month):
    a = report.audit
    assert a.tracked and a.breaks == [] and a.intact
    runs = git(month, "log", "--first-parent", "--format=%(trailers:key=Patrol-Run,valueonly)",
               "--", "reports").split()
    november = [r for r in runs if r.startswith("202611")]
    assert a.commits == len(november) == a.records  # a record in every Patrol commit
    assert len(november) > 34


def test_a_record_rewritten_later_is_a_break_in_that_months_report(month, tmp_path, estate):
    import os

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(month), str(clone))
    rec = sorted((clone / "reports" / "runs" / "2026" / "11").glob("*-daily-*.yaml"))[3]
    rec.write_bytes(rec.read_bytes().replace(b"reachable: true", b"reachable: false", 1))
    env = {"GIT_COMMITTER_DATE": "2026-11-30T12:00:00Z", "GIT_AUTHOR_DATE":
           "2026-11-30T12:00:00Z"}  # a hand commit, dated in the month
    os.environ.update(env)
    try:
        git(clone, "commit", "-q", "-am", "tidy a record")
    finally:
        for k in env:
            del os.environ[k]
    a = model.build(clone, estate, NOV).audit
    assert a.tracked and not a.intact
    assert any(b.path.endswith(rec.name) for b in a.breaks)
    html = render(model.build(clone, estate, NOV), "html", "en")
    assert rec.name in html


def test_with_an_archive_branch_the_report_reads_and_audits_that_branch(tmp_path):
    root = build_month(tmp_path / "estate", archive_branch="patrol-archive")
    assert not (root / "reports").exists()  # the estate's branch holds no records
    estate = load_valid_estate(root, date(2026, 12, 1))
    r = model.build(root, estate, NOV)
    assert [c.done for c in r.inspections.cadences] == [29, 4, 1]
    assert r.audit.tracked and r.audit.intact and r.audit.records > 34
    assert r.incidents.opened >= 1 and r.findings.late
    from runner.archive.branch import reports_root
    from runner.commands import report as report_cmd

    assert report_cmd.monthly(root, "2026-11", "html", "en", None, commit=True) == 0
    records = reports_root(root)
    assert (records / "reports" / "monthly" / "2026-11.html").exists()
    assert not (root / "reports").exists()
    assert "report: monthly 2026-11" in git(root, "log", "-1", "--format=%s", "patrol-archive")
    assert model.build(root, estate, NOV).audit.intact  # and November still verifies


def test_a_month_in_progress_is_reported_to_date(month, estate):
    """On the 7th at 10:00 the days to come are neither due nor missed: planted, a daily run
    every day from the 1st to the 7th, the weekly run on Monday the 2nd (its week still
    running), the monthly run on the 1st."""
    moment = datetime(2026, 11, 7, 10, tzinfo=UTC)
    r = model.build(month, estate, Month(2026, 11), now=moment)
    assert r.to_date and r.moment == moment
    lines = {c.cadence: (c.due, c.done, c.missed) for c in r.inspections.cadences}
    assert lines == {"daily": (7, 7, 0), "weekly": (1, 1, 0), "monthly": (1, 1, 0)}
    assert [d.day.day for d in r.inspections.daily] == list(range(1, 8))
    md = render(r, "markdown", "en")
    assert "A month in progress: figures to date" in md.split("## ")[0]  # under its title
    zh = render(r, "markdown", "zh-CN")
    assert "本月尚未结束" in zh
    # the incident of the 5th: answered; on site due by then? its clock is computed now
    assert {c.clock: c.met + c.breached + c.running + c.paused
            for c in r.incidents.clocks} == {"response": 1, "on_site": 1}
    whole = model.build(month, estate, Month(2026, 11), now=datetime(2027, 1, 1, tzinfo=UTC))
    assert not whole.to_date and whole.moment == Month(2026, 11).end


def test_the_report_states_the_terms_in_force_and_their_change_in_the_month(report, estate):
    from tests.unit.report.month import TERMS_CHANGED

    t = report.terms
    policy = estate.service
    assert dict(t.rectification) == {s: getattr(policy.rectification, s)
                                     for s in ("critical", "high", "medium", "low")}
    assert dict(t.rectification)["low"] == timedelta(days=20)  # as planted on the 16th
    (c,) = t.changes
    assert (c.at, c.file, c.key, c.before, c.after) == (
        TERMS_CHANGED, "policies/service.yaml", "rectification.low", "30d", "20d")
    assert c.author == "Test <test@example.com>"
    md = render(report, "markdown", "en")
    row = next(r for r in _tables(md)["Changes to the terms this month"][1:])
    assert row[4:] == ["rectification.low", "30d", "20d"]
    zh = render(report, "markdown", "zh-CN")
    assert "本月条款变更" in zh and "限时整改期限" in zh


def test_each_close_and_each_incident_is_a_line_a_customer_can_follow(report):
    closes = {c.finding: c for c in report.findings.closes}
    agent = closes["web-02/agent"]  # planted: wrong from the 3rd, right again on the 13th
    assert (agent.opened, agent.closed) == (datetime(2026, 11, 3, 6, 15, tzinfo=UTC),
                                            datetime(2026, 11, 13, 6, 15, tzinfo=UTC))
    assert agent.run.startswith("20261113T061500Z-daily-") and agent.owner
    assert agent.late_by is not None and agent.warned is not None
    (line,) = [x for x in report.incidents.lines if x.incident == "INC-2026-0001"]
    assert (line.opened, line.reported_by, line.via) == (
        datetime(2026, 11, 5, 8, tzinfo=UTC), "noc@customer", "phone")
    assert (line.responded, line.responded_by) == (datetime(2026, 11, 5, 8, 30, tzinfo=UTC),
                                                   "li.na")
    assert (line.on_site, line.on_site_by) == (datetime(2026, 11, 9, 2, tzinfo=UTC), "wang.wei")
    assert (line.resolved, line.resolved_by, line.resolution) == (
        datetime(2026, 11, 9, 3, tzinfo=UTC), "wang.wei", "disk replaced")
    md = render(report, "markdown", "en")
    rows = _tables(md)["Each incident"]
    assert len(rows) - 1 == report.incidents.opened
    assert len(_tables(md)["Findings closed this month"]) - 1 == report.findings.closed


def test_the_archive_section_claims_only_what_was_proven(report, month):
    """The month was committed without a signing key (planted): the report says the chain is
    consistent, not that nothing was rewritten."""
    assert report.audit.intact and report.audit.signed == 0
    md = render(report, "markdown", "en")
    archive_part = md.split("## The archive")[1]
    assert "nothing was rewritten" not in md
    assert "The commits are not signed" in archive_part
    assert "提交未签名" in render(report, "markdown", "zh-CN")
    # since when, and by whom: never required; proven by the runs' own tip check, over the
    # month's commits from its first planted run to its last
    a = report.audit
    assert a.required is None and a.changes == [] and a.proven_by_runs
    stamps = sorted(datetime.strptime(p.name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                    for p in (month / "reports/runs/2026/11").glob("*.yaml"))
    assert (a.first, a.last) == (stamps[0], stamps[-1])
    assert "has never required signatures" in archive_part
    assert "Proven by the runs themselves" in archive_part
    zh = render(report, "markdown", "zh-CN")
    assert "档案策略从未要求签名" in zh and "由巡检运行本身证明" in zh


def test_the_work_plan_is_one_a_purchaser_can_check(month, estate):
    """Planted: the db-agent upgrade completed on the 18th (its targets now declare 1.1), so
    December has no window for it; hz-dc1's calendar has 2027-01-01 as a holiday; every day's
    inspections name the resident engineers of the sites inspected."""
    from runner.findings import store as findings_store
    from runner.report import workplan

    done = workplan.build(estate, Month(2026, 12), findings_store.load(month))
    assert "db-agent" not in [w.plan for w in done.windows]  # done; the others are not
    assert [w.plan for w in done.windows] == sorted(set(estate.upgrades) - {"db-agent"})
    january = workplan.build(estate, Month(2027, 1), {})
    holidays = [(d.day, d.subject) for d in january.due if d.what == "holiday"]
    assert (date(2027, 1, 1), "hz-dc1") in holidays
    engineers = {e.name for s in estate.sites.values() for e in s.resident_engineers}
    assert all(s.who and set(s.who.replace(";", ",").split(", ")) <= engineers
               for s in done.inspections)


def test_the_report_patrol_incidents_and_patrol_findings_agree(report, month, capsys):
    """At the month's end, `patrol incidents --breached` lists exactly the incidents whose
    clocks the report counts breached, and `patrol findings` the findings it counts open."""
    from runner.commands import findings as findings_cmd
    from runner.commands import incidents as incidents_cmd
    from runner.findings import store as findings_store
    from runner.incidents.model import State

    states = [s.value for s in State]
    assert incidents_cmd.listing(month, states, None, None, True, "text",
                                 "2026-12-01T00:00:00Z") == 0
    listed = set(re.findall(r"INC-\d{4}-\d{4}", capsys.readouterr().out))
    assert listed == {b.incident for b in report.incidents.breaches} == {
        "INC-2026-0001", "INC-2026-0002"}  # planted: the late engineer; the unanswered one
    active = findings_cmd.select(findings_store.load(month), None, None, False, None)
    assert len(active) == report.findings.still_open
