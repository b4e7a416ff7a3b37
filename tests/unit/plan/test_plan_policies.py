"""Checklists, waivers, upgrade plans and spare parts: each change exactly, with its impact."""

from __future__ import annotations

from datetime import date

from runner.plan import render
from runner.plan.model import Detail, FieldChange

DAILY = "policies/inspections/daily.yaml"
WEEKLY = "policies/inspections/weekly.yaml"
WAIVERS = "policies/waivers.yaml"
PLAN = "policies/upgrades/patrol-agent-1.1.yaml"


def _children(change):
    return {c.key: c for c in change.children}


def test_check_threshold_and_severity_changes_name_the_hosts_they_affect(estate_repo):
    estate_repo.replace(DAILY, "max_percent: 85", "max_percent: 80")  # disk-space
    estate_repo.replace(DAILY, "    severity: critical\n    params:\n      services: [ssh]",
                        "    severity: high\n    params:\n      services: [ssh]")
    estate_repo.commit()
    (checklist,) = estate_repo.plan().sections["checklists"]
    assert (checklist.key, checklist.status, checklist.fields) == ("daily", "changed", [])
    checks = _children(checklist)
    assert set(checks) == {"disk-space", "sshd-running"}
    assert checks["disk-space"].fields == [FieldChange("params.max_percent", 85, 80)]
    assert checks["disk-space"].impact == {"hosts": 10}
    assert checks["sshd-running"].fields == [FieldChange("severity", "critical", "high")]


def test_added_and_removed_checks_count_their_hosts(estate_repo):
    estate_repo.replace(DAILY, "checks:\n", "checks:\n  - id: reboot-db\n"
                        "    kind: reboot_required\n    severity: low\n    hosts: role=db\n")
    text = estate_repo.read(DAILY)
    start = text.index("  - id: drift")
    end = text.index("  - id: reboot-required")
    estate_repo.write(DAILY, text[:start] + text[end:])
    estate_repo.commit()
    plan = estate_repo.plan()
    assert not plan.errors, plan.errors
    checks = _children(plan.sections["checklists"][0])
    assert (checks["reboot-db"].status, checks["reboot-db"].impact) == ("added",
                                                                              {"hosts": 2})
    assert (checks["drift"].status, checks["drift"].impact) == ("removed", {"hosts": 10})
    assert "added reboot-db (2 hosts): reboot_required, low" in render(plan, "text")


def test_a_checklist_selector_change_counts_hosts_joining_and_leaving(estate_repo):
    estate_repo.replace(WEEKLY, "hosts: all\n", "hosts: site=hz-dc1\n")
    estate_repo.commit()
    plan = estate_repo.plan()
    (checklist,) = plan.sections["checklists"]
    assert checklist.fields == [FieldChange("hosts", "all", "site=hz-dc1")]
    assert checklist.impact == {"hosts": 4, "hosts_before": 10, "hosts_joining": 0,
                                "hosts_leaving": 6}
    assert "changed weekly (4 hosts; was 10: +0 −6)" in render(plan, "text")


def test_waiver_added_removed_and_extended_with_flags(estate_repo):
    estate_repo.replace(WAIVERS, "expires: 2027-06-30", "expires: 2027-12-31")
    estate_repo.write(WAIVERS, estate_repo.read(WAIVERS) + (
        "  - host: db-01\n    check: daily/memory\n    reason: Cache sizing under review.\n"
        "    approved_by: ' '\n    expires: 2026-12-15\n"))
    estate_repo.commit()
    plan = estate_repo.plan()  # today is 2026-11-25
    assert not plan.errors, plan.errors
    waivers = {c.key: c for c in plan.sections["waivers"]}
    extended = waivers["backup-01-load"]
    assert extended.status == "extended"
    assert extended.fields == [FieldChange("expires", "2027-06-30", "2027-12-31")]
    assert extended.impact == {"hosts": 1, "days": 184}
    assert extended.flags == ["runs 401 days past 2026-11-25 (more than 90)",
                              "extended by 184 days at once (more than 90)"]
    added = waivers["daily/memory on db-01"]
    assert (added.status, added.flags) == ("added", ["no approver"])
    estate_repo.write(WAIVERS, "waivers: []\n")
    estate_repo.commit()
    (removed,) = estate_repo.plan().sections["waivers"][:1]
    assert (removed.key, removed.status) == ("backup-01-load", "removed")


def test_a_short_extension_is_not_flagged(estate_repo):
    estate_repo.replace(WAIVERS, "expires: 2027-06-30", "expires: 2027-07-10")
    estate_repo.commit()
    (waiver,) = estate_repo.plan(today=date(2027, 6, 1)).sections["waivers"]
    assert (waiver.status, waiver.flags) == ("extended", [])


def test_an_upgrade_plan_change_shows_targets_window_and_each_wave(estate_repo):
    estate_repo.replace(PLAN, "targets: role=web,app", "targets: role=web,app,db")
    estate_repo.replace(PLAN, 'start: "22:00"', 'start: "23:00"')
    estate_repo.commit()
    (change,) = estate_repo.plan().sections["upgrades"]
    assert change.fields == [FieldChange("targets", "role=web,app", "role=web,app,db"),
                             FieldChange("window.start", "22:00", "23:00")]
    assert change.impact == {"hosts": 6, "hosts_before": 4, "hosts_joining": 2,
                             "hosts_leaving": 0}
    assert change.details == [Detail("wave 1", ["app-01"]),
                              Detail("wave 2", ["app-02", "db-01", "db-02"]),
                              Detail("wave 3", ["web-01", "web-02"])]
    assert "tue,wed,thu 23:00-04:00 (each site's time zone)" in change.summary


def test_a_new_upgrade_plan_lists_its_waves(estate_repo):
    estate_repo.write("policies/upgrades/db.yaml", estate_repo.read(PLAN)
                      .replace("targets: role=web,app", "targets: role=db")
                      .replace('waves: [1, "50%", rest]', "waves: [1, rest]"))
    estate_repo.commit()
    (change,) = estate_repo.plan().sections["upgrades"]
    assert (change.key, change.status, change.impact) == ("db", "added", {"hosts": 2})
    assert change.details == [Detail("wave 1", ["db-01"]), Detail("wave 2", ["db-02"])]


def test_hosts_changing_role_change_an_unchanged_plans_waves(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "role: monitoring", "role: web")
    estate_repo.commit()
    (change,) = estate_repo.plan().sections["upgrades"]
    assert change.fields == []
    assert change.impact["hosts_joining"] == 1


def test_commitment_and_stock_changes_and_uncovered_models(estate_repo):
    commitments = "policies/spares.yaml"
    estate_repo.replace(commitments, "{part: hpe-psu-500w, min_stock: 2, delivery: 4h",
                        "{part: hpe-psu-500w, min_stock: 3, delivery: 2h")
    estate_repo.replace(commitments, "  - {part: dell-perc-h740p, min_stock: 1, delivery: 2d, "
                        "channel: distributor, lead_time: 1d}\n", "")
    estate_repo.replace("inventory/spares.yaml", "{part: dimm-32g-ddr4, depot: hz-dc1-cage, "
                        "quantity: 4}", "{part: dimm-32g-ddr4, depot: hz-dc1-cage, quantity: 1}")
    estate_repo.commit()
    plan = estate_repo.plan()
    commitments_ = {c.key: c for c in plan.sections["commitments"]}
    assert commitments_["hpe-psu-500w"].fields == [FieldChange("delivery", "4h", "2h"),
                                                   FieldChange("min_stock", 2, 3)]
    assert commitments_["dell-perc-h740p"].status == "removed"
    assert commitments_["dell-perc-h740p"].summary == "min stock 1, delivery 2d, via distributor"
    (stock,) = plan.sections["stock"]
    assert (stock.key, stock.fields) == ("dimm-32g-ddr4 at hz-dc1-cage",
                                         [FieldChange("quantity", 4, 1)])
    (model,) = plan.sections["coverage"]
    assert (model.key, model.impact, model.summary) == ("r740xd", {"hosts": 2},
                                                        "no commitment for dell-perc-h740p")
