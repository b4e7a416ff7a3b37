"""The plan says what a change does to spare-part coverage and lifecycle; a change that makes a
commitment short exits 1."""

from __future__ import annotations

from runner.commands import plan as plan_command
from runner.plan import render

from .conftest import TODAY

HOST = """  - name: web-09
    address: 10.123.0.19
    site: hz-dc1
    role: web
    environment: production
    criticality: high
    owner: ops-team@example.com
    hardware:
      model: dl360-g10
      serial: CZJ0421A9
      purchased: 2025-03-14
      warranty_end: 2030-03-13
      end_of_life: 2033-12-31
    os:
      family: debian
      release: "12"
"""


def test_removing_needed_stock_is_short_and_exits_1(estate_repo):
    estate_repo.replace("inventory/spares.yaml",
                        "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 2}",
                        "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 0}")
    estate_repo.commit()
    plan = estate_repo.plan()
    # the cage serves its own site and, within 2h, the branch behind the jump host
    branch, change = plan.sections["shortfalls"]
    assert (change.key, change.status) == ("hz-dc1: hpe-psu-500w", "short")
    assert change.summary == "2 → 0 reachable within 4h, commitment 2 (min_stock 2): SHORT by 2"
    assert (branch.key, branch.status, branch.summary) == (
        "hz-br3: hpe-psu-500w", "short",
        "2 → 0 reachable within 4h, commitment 2 (min_stock 2): SHORT by 2")
    assert plan_command.run(estate_repo.root, "HEAD~1", "HEAD", "text", today=TODAY) == 1


def test_adding_a_host_names_it_as_the_cause_of_a_new_shortfall(estate_repo):
    estate_repo.replace("inventory/spares.yaml",
                        "{part: hpe-disk-960g-ssd, depot: hz-dc1-cage, quantity: 3}",
                        "{part: hpe-disk-960g-ssd, depot: hz-dc1-cage, quantity: 1}")
    estate_repo.commit("one disk left, still enough for two hosts")
    text = estate_repo.read("inventory/hosts/hz-dc1.yaml")
    estate_repo.write("inventory/hosts/hz-dc1.yaml", text + HOST)
    estate_repo.commit("add web-09")
    [change] = estate_repo.plan().sections["shortfalls"]
    assert change.key == "hz-dc1: hpe-disk-960g-ssd"
    assert change.summary == ("adds host web-09 (dl360-g10): commitment 1 → 2 (per_hosts 2), "
                              "1 reachable within 4h: SHORT by 1")


def test_restoring_stock_is_shown_as_covered_and_exits_0(estate_repo):
    estate_repo.replace("inventory/spares.yaml",
                        "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 2}",
                        "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 0}")
    estate_repo.commit("drop")
    estate_repo.replace("inventory/spares.yaml", "hz-dc1-cage, quantity: 0}",
                        "hz-dc1-cage, quantity: 2}")
    estate_repo.commit("restore")
    changes = estate_repo.plan().sections["shortfalls"]
    assert [(c.key, c.status) for c in changes] == [("hz-br3: hpe-psu-500w", "covered"),
                                                     ("hz-dc1: hpe-psu-500w", "covered")]
    assert plan_command.run(estate_repo.root, "HEAD~1", "HEAD", "text", today=TODAY) == 0


def test_a_weaker_replacement_is_in_the_plan_and_invalid(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "replaces: {host: web-legacy-02, "
                        "model: sr630}", "replaces: {host: db-01}")
    estate_repo.commit()
    plan = estate_repo.plan()
    [change] = plan.sections["lifecycle"]
    assert change.key == "web-02" and change.status == "weaker"
    assert "replaces db-01 (r740xd) by a weaker model dl360-g10" in change.summary
    assert any("weaker than the r740xd" in p.message for p in plan.errors)


def test_markdown_escapes_estate_text_in_spares_sections(estate_repo):
    estate_repo.replace("inventory/spares.yaml",
                        "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 2}",
                        "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 0}")
    estate_repo.commit()
    md = render(estate_repo.plan(), "markdown")
    assert "- short `hz-dc1: hpe-psu-500w`:" in md
    assert "(min\\_stock 2)" in md  # free text escaped by the plan's Markdown helper


def test_a_host_moved_past_its_end_of_life_is_in_the_lifecycle_section(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "end_of_life: 2029-12-31",
                        "end_of_life: 2026-01-31")
    estate_repo.commit()
    plan = estate_repo.plan()
    [change] = plan.sections["lifecycle"]
    assert (change.key, change.status) == ("mon-01", "past end of life")
    assert change.summary == "end of life 2026-01-31 has passed"
    assert not plan.errors  # a warning for validate, not an error
    assert plan_command.run(estate_repo.root, "HEAD~1", "HEAD", "text", today=TODAY) == 0
