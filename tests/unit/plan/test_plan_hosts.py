"""Hosts added, removed and changed between two commits, old → new, grouped by site."""

from __future__ import annotations

from runner.plan import render
from runner.plan.model import FieldChange

NEW_HOST = """  - name: web-03
    address: 10.123.0.13
    site: hz-dc1
    role: web
    environment: staging
    criticality: low
    owner: ops-team@example.com
    hardware:
      model: sr630
      serial: NEW0001
      purchased: 2024-01-10
      warranty_end: 2029-01-09
      end_of_life: 2031-12-31
    os:
      family: debian
      release: "12"
"""


def _by_key(plan, section="hosts"):
    return {c.key: c for c in plan.sections[section]}


def test_unchanged_estate_reports_no_changes(estate_repo):
    estate_repo.commit("nothing")
    plan = estate_repo.plan()
    assert plan.empty and not plan.problems
    for fmt in ("text", "markdown"):
        assert "no changes" in render(plan, fmt).lower()
    assert '"changes": false' in render(plan, "json")


def test_a_changed_host_lists_each_field_old_to_new(estate_repo):
    hosts = "inventory/hosts/hz-dc1.yaml"
    estate_repo.replace(hosts, "serial: CZJ0421A1", "serial: CZJ0421A9")
    estate_repo.replace(hosts, "    criticality: high\n", "    criticality: critical\n")
    estate_repo.replace(hosts, "tags: [frontend, pci]", "tags: [frontend, pci, gdpr]")
    estate_repo.commit()
    (change,) = estate_repo.plan().sections["hosts"]
    assert (change.key, change.status, change.group) == ("web-01", "changed", "hz-dc1")
    assert change.fields == [
        FieldChange("criticality", "high", "critical"),
        FieldChange("hardware.serial", "CZJ0421A1", "CZJ0421A9"),
        FieldChange("tags", ["frontend", "pci"], ["frontend", "pci", "gdpr"]),
    ]


def test_added_and_removed_hosts_are_grouped_by_site(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "hosts:\n", "hosts:\n" + NEW_HOST)
    text = estate_repo.read("inventory/hosts/fra-dc2.yaml")
    start = text.index("  - name: backup-01")
    estate_repo.write("inventory/hosts/fra-dc2.yaml", text[:start])
    estate_repo.replace("policies/waivers.yaml", "host: backup-01", "host: db-02")
    estate_repo.commit()
    plan = estate_repo.plan()
    assert not plan.errors, plan.errors
    hosts = _by_key(plan)
    assert (hosts["web-03"].status, hosts["web-03"].group) == ("added", "hz-dc1")
    assert hosts["web-03"].summary == "web, staging, low, sr630, 10.123.0.13"
    assert (hosts["backup-01"].status, hosts["backup-01"].group) == ("removed", "fra-dc2")
    out = render(plan, "text")
    assert "Hosts: 1 added, 1 removed" in out
    assert out.index("site fra-dc2 (1 host)") < out.index("removed backup-01")
    assert out.index("site hz-dc1 (1 host)") < out.index("added web-03")


def test_a_host_moved_to_another_site_is_grouped_under_its_new_site(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "name: mon-01\n    address: 10.123.0.51\n"
                        "    site: hz-dc1", "name: mon-01\n    address: 10.123.0.51\n"
                        "    site: fra-dc2")
    estate_repo.commit()
    (change,) = estate_repo.plan().sections["hosts"]
    assert change.group == "fra-dc2"
    assert change.fields == [FieldChange("site", "hz-dc1", "fra-dc2")]


def test_a_host_moved_between_files_unchanged_is_no_change(estate_repo):
    hz = estate_repo.read("inventory/hosts/hz-dc1.yaml")
    start = hz.index("  - name: mon-01")
    block = hz[start:]
    estate_repo.write("inventory/hosts/hz-dc1.yaml", hz[:start])
    estate_repo.write("inventory/hosts/extra.yaml", "hosts:\n" + block)
    estate_repo.commit()
    plan = estate_repo.plan()
    assert plan.empty, plan.sections


def test_a_changed_vault_secret_is_reported_without_its_value(estate_repo):
    secret = ("    connection:\n      become_password: !vault |\n"
              "        $ANSIBLE_VAULT;1.1;AES256\n        {}\n")
    hosts = "inventory/hosts/hz-dc1.yaml"
    estate_repo.replace(hosts, "    tags: [pci]\n", "    tags: [pci]\n" + secret.format("6161"))
    estate_repo.commit()
    estate_repo.replace(hosts, "6161", "6262")
    estate_repo.commit()
    plan = estate_repo.plan()
    assert not plan.errors, plan.errors
    (change,) = plan.sections["hosts"]
    assert change.fields == [FieldChange("connection.become_password", "(secret changed)",
                                         "(secret changed)")]
    assert "6262" not in render(plan, "json")


def test_a_host_changing_role_says_which_policies_it_joins_and_leaves(estate_repo):
    original = estate_repo.read("inventory/hosts/fra-dc2.yaml")
    estate_repo.replace("inventory/hosts/fra-dc2.yaml", "role: backup", "role: db")
    estate_repo.replace("policies/waivers.yaml", "host: backup-01", "hosts: role=backup")
    estate_repo.commit("a waiver by role")
    estate_repo.write("inventory/hosts/fra-dc2.yaml", original)
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "role: monitoring", "role: web")
    estate_repo.commit()
    plan = estate_repo.plan()
    hosts = _by_key(plan)
    backup = hosts["backup-01"]
    assert backup.fields == [FieldChange("role", "db", "backup")]
    assert [(d.label, d.items) for d in backup.details] == [
        ("joins", ["check monthly/backup-fresh", "check weekly/backup-fresh",
                   "waiver backup-01-load"])]
    mon = hosts["mon-01"]
    assert [(d.label, d.items) for d in mon.details] == [("joins",
                                                         ["upgrade plan patrol-agent-1.1"])]
    assert "joins (1 policy): upgrade plan patrol-agent-1.1" in render(plan, "text")
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "serial: CZJ0421A1", "serial: X")
    estate_repo.commit()
    (serial_only,) = estate_repo.plan().sections["hosts"]
    assert serial_only.details == []
