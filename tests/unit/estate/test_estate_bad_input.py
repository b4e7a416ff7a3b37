"""One test per class of bad input: exit 1, file:line:column, no traceback, nothing else lost.

Every test also plants a second, unrelated error (a warning threshold over 100% in the service
policy) and checks that it is reported in the same run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import SampleEstate, position

HOSTS = "inventory/hosts/hz-dc1.yaml"
WAIVERS = "policies/waivers.yaml"


SERVICE = "policies/service.yaml"


def plant_other_error(estate: SampleEstate) -> str:
    text = estate.replace(SERVICE, "warn_at: 75", "warn_at: 175")
    line, col = position(text, "175")
    return (f"{SERVICE}:{line}:{col}: error: escalation.warn_at: Input should be less than or "
            "equal to 100")


def assert_reported(estate: SampleEstate, *expected: str) -> str:
    other = plant_other_error(estate)
    run = estate.validate()
    assert run.code == 1, run.text
    assert "Traceback" not in run.text
    for line in (*expected, other):
        assert line in run.out, f"missing {line!r} in:\n{run.out}"
    return run.out


def test_syntax_error_names_its_position(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "owner: ops-team@example.com", "owner: ops-team: example")
    line, col = position(text, "ops-team: example", offset=len("ops-team"))
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: YAML syntax: mapping values are not "
                            "allowed here")


def test_duplicate_key_is_rejected_at_the_second_key(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "    role: web\n", "    role: web\n    role: app\n")
    first = position(text, "role: web")
    line, col = position(text, "role: app")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: duplicate key 'role' (first defined "
                            f"at line {first[0]}, column {first[1]})")


def test_unknown_key_is_named_with_the_keys_expected(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "    role: web\n", "    role: web\n    colour: blue\n")
    line, col = position(text, "colour")
    out = assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[0](web-01).colour: "
                                  "unknown key 'colour'; expected one of: name, address")
    assert "criticality" in out


def test_wrong_type_names_the_value(estate: SampleEstate) -> None:
    rel = "policies/service.yaml"
    text = estate.replace(rel, "unreachable_after_runs: 3", "unreachable_after_runs: three")
    line, col = position(text, "three")
    assert_reported(estate, f"{rel}:{line}:{col}: error: unreachable_after_runs: Input should be "
                            "a valid integer")


def test_a_quoted_number_or_a_boolean_is_no_number(estate: SampleEstate) -> None:
    """Lax coercion would count ``true`` as one spare part; the schema refuses both."""
    stock, daily = "inventory/spares.yaml", "policies/inspections/daily.yaml"
    text = estate.replace(stock, "quantity: 2}", "quantity: true}")
    line, col = position(text, "true}")
    daily_text = estate.replace(daily, "max_percent: 85", 'max_percent: "85"')
    dline, dcol = position(daily_text, '"85"')
    assert_reported(
        estate,
        f"{stock}:{line}:{col}: error: stock[0].quantity: Input should be a valid integer "
        "(got true)",
        f"{daily}:{dline}:{dcol}: error: checklist daily, check disk-space: params.max_percent: "
        "Input should be a valid number (got '85')",
    )


def test_a_boolean_is_true_or_false_only(estate: SampleEstate) -> None:
    rel = "policies/upgrades/patrol-agent-1.1.yaml"
    text = estate.replace(rel, "rollback: true", "rollback: 1")
    line, col = position(text, "rollback: 1", offset=len("rollback: "))
    assert_reported(estate, f"{rel}:{line}:{col}: error: rollback: Input should be a valid "
                            "boolean (got 1)")


def test_an_address_with_a_scope_id_is_refused(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "address: 10.123.0.11", "address: fe80::1%eth0")
    line, col = position(text, "fe80::1%eth0")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[0](web-01).address: "
                            "'fe80::1%eth0' has a scope id ('%eth0')")


def test_missing_field_points_at_the_object_lacking_it(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "    owner: ops-team@example.com\n", "", count=1)
    line, col = position(text, "name: web-01")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[0](web-01): missing required "
                            "key 'owner'")


def test_impossible_date_is_rejected(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "purchased: 2023-03-14", "purchased: 2026-02-30")
    line, col = position(text, "2026-02-30")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[0](web-01).hardware.purchased: "
                            "Input should be a valid date")


def test_bad_ip_address_is_rejected(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "address: 10.123.0.12", "address: 10.123.0.312")
    line, col = position(text, "10.123.0.312")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[1](web-02).address: value is "
                            "not a valid IPv4 or IPv6 address")


def test_dangling_site_and_model_are_reported(estate: SampleEstate) -> None:
    estate.replace(HOSTS, "site: hz-dc1", "site: hz-dc9")
    text = estate.replace(HOSTS, "model: r740xd", "model: r750")
    site = position(text, "hz-dc9")
    model = position(text, "r750")
    assert_reported(
        estate,
        f"{HOSTS}:{site[0]}:{site[1]}: error: host web-01: site 'hz-dc9' is not defined in "
        "inventory/sites.yaml (known: fra-dc2, fra-plant4, hz-br3, hz-dc1)",
        f"{HOSTS}:{model[0]}:{model[1]}: error: host db-01: hardware model 'r750' is not defined",
    )


def test_dangling_check_kind_lists_the_known_kinds(estate: SampleEstate) -> None:
    rel = "policies/inspections/daily.yaml"
    text = estate.replace(rel, "kind: drift", "kind: drfit")
    line, col = position(text, "drfit")
    out = assert_reported(estate, f"{rel}:{line}:{col}: error: checklist daily, check drift: "
                                  "unknown check kind 'drfit'; known kinds: ")
    assert "filesystem_usage" in out


def test_dangling_waiver_host_and_check_are_reported(estate: SampleEstate) -> None:
    estate.replace(WAIVERS, "host: backup-01", "host: backup-99")
    text = estate.replace(WAIVERS, "check: load", "check: lode")
    host = position(text, "backup-99")
    check = position(text, "lode")
    out = assert_reported(
        estate,
        f"{WAIVERS}:{host[0]}:{host[1]}: error: waiver: host 'backup-99' is not in the inventory",
        f"{WAIVERS}:{check[0]}:{check[1]}: error: waiver: no checklist has a check 'lode'",
    )
    assert "load" in out  # the known controls are named


def test_duplicate_host_name_and_address_are_reported(estate: SampleEstate) -> None:
    estate.replace(HOSTS, "name: web-02", "name: web-01")
    text = estate.replace(HOSTS, "address: 10.123.0.21", "address: 10.123.0.11")
    first = position(text, "name: web-01")
    name = position(text, "name: web-01", occurrence=2, offset=len("name: "))
    addr = position(text, "address: 10.123.0.11", occurrence=2, offset=len("address: "))
    assert_reported(
        estate,
        f"{HOSTS}:{name[0]}:{name[1]}: error: duplicate host name 'web-01' (first defined at "
        f"{HOSTS}:{first[0]}:{first[1]})",
        f"{HOSTS}:{addr[0]}:{addr[1]}: error: duplicate host address '10.123.0.11'",
    )


BOMB = """\
hosts:
  a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bomb_fails_fast_at_the_alias_that_crosses_the_bound(
        estate: SampleEstate) -> None:
    rel = estate.write("inventory/hosts/bomb.yaml", BOMB)
    # Expanded nodes so far: 10 aliases of a (11 nodes each), 10 of b (111), 10 of c (1,111),
    # then d's 11,111 each: the 8th *d in line e passes 100,000.
    line, col = position(BOMB, "*d", occurrence=8)
    started = time.monotonic()
    assert_reported(estate, f"{rel}:{line}:{col}: error: alias *d expands the document past "
                            "100000 nodes")
    assert time.monotonic() - started < 10


def test_python_tag_is_rejected(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "owner: ops-team@example.com",
                          'owner: !!python/object/apply:os.system ["touch /tmp/pwned"]')
    line, col = position(text, "!!python")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: tag !!python/object/apply:os.system "
                            "is not allowed; the only tag Patrol reads is !vault")


def test_non_utf8_is_rejected_with_the_byte_position(estate: SampleEstate) -> None:
    text = estate.read(HOSTS).replace("serial: CZJ0421A2", "serial: CZJ0421\udcffA2", 1)
    data = text.encode("utf-8", "surrogateescape")
    estate.write(HOSTS, data)
    line, col = position(text, "\udcff")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: not UTF-8: byte 0xff cannot be "
                            "decoded")


def test_empty_file_is_a_clear_error(estate: SampleEstate) -> None:
    rel = estate.write("inventory/hosts/new-site.yaml", "# nothing here yet\n")
    assert_reported(estate, f"{rel}:1:1: error: file is empty (no YAML document)")


def test_oversize_file_is_refused_unread(estate: SampleEstate) -> None:
    rel = estate.write("inventory/hosts/huge.yaml", "# padding\n" * (600 * 1024))
    assert_reported(estate, f"{rel}:1:1: error: file is larger than the limit of 5242880 bytes")


def test_plain_text_secret_is_rejected(estate: SampleEstate) -> None:
    text = estate.replace(HOSTS, "    tags: [frontend, pci]\n",
                          "    tags: [frontend, pci]\n    connection:\n      user: patrol\n"
                          "      become_password: hunter2\n", count=1)
    line, col = position(text, "hunter2")
    assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[0](web-01).connection."
                            "become_password: plain-text secret")


def test_check_params_error_points_at_the_param(estate: SampleEstate) -> None:
    rel = "policies/inspections/weekly.yaml"
    text = estate.replace(rel, "max_percent: 85", "max_percent: lots")
    line, col = position(text, "lots")
    estate.replace(rel, "minutes: 5", "minutes: 5\n      window: 7")
    unknown = position(estate.read(rel), "window: 7")
    assert_reported(
        estate,
        f"{rel}:{line}:{col}: error: checklist weekly, check disk-space: params.max_percent: "
        "Input should be a valid number",
        f"{rel}:{unknown[0]}:{unknown[1]}: error: checklist weekly, check load: params.window: "
        "unknown param for kind 'load_per_cpu'",
    )


def test_bad_selector_names_the_term(estate: SampleEstate) -> None:
    rel = "policies/upgrades/patrol-agent-1.1.yaml"
    text = estate.replace(rel, "targets: role=web,app", "targets: rack=12")
    line, col = position(text, "rack=12")
    assert_reported(estate, f"{rel}:{line}:{col}: error: targets: unknown selector key 'rack'")


def test_service_hours_end_after_they_start(estate: SampleEstate) -> None:
    text = estate.replace(SERVICE, 'end: "18:00"', 'end: "08:00"')
    line, col = position(text, "days: [mon")
    out = assert_reported(estate, f"{SERVICE}:{line}:{col}: error: service_hours.hz-dc1: "
                                  "service hours end must be after their start on the same day")
    assert "Input should be '24x7'" not in out  # only the form that was meant is blamed


def test_service_hours_name_real_sites(estate: SampleEstate) -> None:
    text = estate.replace(SERVICE, "  fra-dc2: 24x7", "  ams-dc9: 24x7")
    line, col = position(text, "ams-dc9")
    run = estate.validate()
    assert run.code == 1
    assert (f"{SERVICE}:{line}:{col}: error: service_hours: site 'ams-dc9' is not defined "
            "(known: fra-dc2, fra-plant4, hz-br3, hz-dc1)") in run.out


def test_symlink_out_of_the_estate_is_refused_and_its_target_never_quoted(
        estate: SampleEstate, tmp_path) -> None:
    secret = tmp_path / "runner-secret.yaml"
    secret.write_text("hosts: ghp_NOT_FOR_LOGS\n")
    (estate.root / "inventory/hosts/linked.yaml").symlink_to(secret)
    run = estate.validate()
    assert run.code == 1
    assert "ghp_NOT_FOR_LOGS" not in run.out + run.err
    assert ("inventory/hosts/linked.yaml:1:1: error: a symbolic link: estate files must be "
            "regular files in the repository") in run.out + run.err
    assert "Traceback" not in run.out + run.err


@pytest.mark.parametrize("value", ["99999999999w", "3000000d", "5300w"])
def test_a_duration_beyond_a_century_is_refused_at_its_position(estate: SampleEstate,
                                                                 value: str) -> None:
    text = estate.replace(SERVICE, "penalty_grace: 2d", f"penalty_grace: {value}")
    line, col = position(text, value)
    assert_reported(estate, f"{SERVICE}:{line}:{col}: error: escalation.penalty_grace: "
                            f"'{value}' is longer than 100 years")


def test_an_overdue_percentage_beyond_ten_deadlines_is_refused(estate: SampleEstate) -> None:
    big = "99999999999999999999999"
    text = estate.replace(SERVICE, "overdue_at: 100", f"overdue_at: {big}")
    line, col = position(text, big)
    assert_reported(estate, f"{SERVICE}:{line}:{col}: error: escalation.overdue_at: Input should "
                            "be less than or equal to 1000")


def test_a_directory_that_cannot_be_listed_is_a_problem_not_a_gap(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any directory, so the listing error is injected where os.walk reports it."""
    import errno
    import os
    import shutil

    from runner.estate import files
    from tests.conftest import ROOT

    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, tmp_path / part)
    real_walk = os.walk
    hidden = tmp_path / "inventory" / "hosts"

    def walk(top, onerror=None, **kwargs):
        for entry in real_walk(top, onerror=onerror, **kwargs):
            if Path(entry[0]) == hidden:
                onerror(PermissionError(errno.EACCES, "Permission denied", str(hidden)))
                continue
            yield entry

    monkeypatch.setattr(files.os, "walk", walk)
    found, problems = files.scan_tree(tmp_path)
    assert [(p.file, p.message, p.code) for p in problems] == [
        ("inventory/hosts", "cannot read this directory: Permission denied", "unreadable-file")]
    assert found and not any(name.startswith("inventory/hosts/") for name in found)


def test_one_check_id_with_two_meanings_is_refused_at_both_places(estate: SampleEstate) -> None:
    """A check id names one control in every checklist: another kind or other params under
    the same id would merge two problems into one finding."""
    weekly = "policies/inspections/weekly.yaml"
    daily_text = estate.read("policies/inspections/daily.yaml")
    if "max_percent: 85" not in estate.read(weekly):
        pytest.skip("the sample weekly checklist no longer repeats the daily disk check")
    text = estate.replace(weekly, "max_percent: 85", "max_percent: 95")
    line, col = position(text, "max_percent: 95")
    run = estate.validate()
    assert run.code == 1
    first = position(daily_text, "max_percent: 85")
    assert any(ln.startswith(f"{weekly}:{line}:{col}:") and "params differs from check" in ln
               and f"policies/inspections/daily.yaml:{first[0]}:" in ln
               for ln in run.out.splitlines()), run.out


def test_a_waiver_naming_a_checklist_still_applies_with_a_warning(estate: SampleEstate) -> None:
    text = estate.replace(WAIVERS, "check: load", "check: daily/load")
    line, col = position(text, "daily/load")
    run = estate.validate()
    assert run.code == 0, run.text
    assert (f"{WAIVERS}:{line}:{col}: warning: waiver: write 'check: load': a waiver names the "
            "control and covers it in every checklist, not only in 'daily'") in run.out


def test_repeated_tags_are_named_once_each(estate: SampleEstate) -> None:
    """Each tag listed more than once is named once, in order, however long the list."""
    many = ", ".join(f"t{i % 3000}" for i in range(9000))
    text = estate.replace(HOSTS, "    tags: [frontend, pci]\n",
                          f"    tags: [pci, frontend, pci, solo, frontend, pci, {many}]\n",
                          count=1)
    line, col = position(text, "[pci, frontend, pci")
    out = assert_reported(estate, f"{HOSTS}:{line}:{col}: error: hosts[0](web-01).tags: tags "
                                  "listed more than once: frontend, pci, t0, t1, t10, t100,")
    assert "solo" not in out
