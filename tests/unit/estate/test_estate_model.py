"""The estate in memory: models, durations, plans, secrets, and both read paths agreeing."""

from __future__ import annotations

from datetime import date, time, timedelta
from ipaddress import IPv4Address

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from runner.estate import (
    Criticality,
    Environment,
    UpgradePlan,
    format_duration,
    load_estate,
    load_estate_files,
    parse_duration,
)
from runner.estate.secrets import EnvSecret, Secret, VaultSecret
from runner.estate.yamlsource import careful_load, fast_load, fast_positions, read_document

from .conftest import REPO, position

ESTATE, PROBLEMS = load_estate(REPO, today=date(2026, 11, 25))


def test_sample_estate_has_what_the_contract_needs() -> None:
    assert PROBLEMS == []
    assert sorted(ESTATE.sites) == ["fra-dc2", "fra-plant4", "hz-br3", "hz-dc1"]
    assert ESTATE.sites["hz-dc1"].timezone == "Asia/Shanghai"
    assert list(ESTATE.hosts) == sorted(ESTATE.hosts)
    assert len(ESTATE.hosts) == 10
    assert sorted(ESTATE.models) == ["dl360-g10", "r740xd", "sr630"]
    assert sorted(ESTATE.checklists) == ["daily", "monthly", "weekly"]
    assert list(ESTATE.upgrades) == ["patrol-agent-1.1"]
    assert ESTATE.stock and ESTATE.commitments and ESTATE.parts and ESTATE.depots
    assert len(ESTATE.waivers) == 1


def test_host_fields_have_real_types() -> None:
    host = ESTATE.hosts["db-01"]
    assert host.address == IPv4Address("10.123.0.21")
    assert host.criticality is Criticality.critical
    assert host.environment is Environment.production
    assert host.hardware.purchased.year == 2023
    assert host.software == {"patrol-agent": "1.0.0-1"}


def test_service_policy_durations_are_timedeltas() -> None:
    service = ESTATE.service
    assert service.rectification.critical == timedelta(hours=4)
    assert service.cadence.daily == timedelta(hours=26)
    assert service.escalation.warn_at == 75
    assert service.response_times.critical.on_site == timedelta(hours=4)
    assert service.unreachable_after_runs == 3


def test_checks_carry_their_validated_params() -> None:
    daily = ESTATE.checklists["daily"]
    kinds = [c.kind for c in daily.checks]
    written = yaml.safe_load((REPO / "policies/inspections/daily.yaml").read_text())["checks"]
    assert kinds == [check["kind"] for check in written] and "pending_upgrades" not in kinds
    assert daily.checks[0].parsed_params.max_percent == 85
    weekly = ESTATE.checklists["weekly"]
    backup = next(c for c in weekly.checks if c.kind == "file_freshness")
    assert [h.name for h in ESTATE.checklist_hosts(weekly, backup)] == ["backup-01"]
    assert "certificate_expiry" in [c.kind for c in ESTATE.checklists["monthly"].checks]


def test_every_object_knows_where_it_was_written() -> None:
    text = (REPO / "inventory/hosts/hz-dc1.yaml").read_text()
    where = ESTATE.where(ESTATE.hosts["db-01"])
    assert (where.file, where.line, where.column) == (
        "inventory/hosts/hz-dc1.yaml", *position(text, "name: db-01"))
    check = ESTATE.checklists["daily"].checks[1]
    assert str(ESTATE.where(check)).startswith("policies/inspections/daily.yaml:")


def test_upgrade_plan_window_and_waves() -> None:
    plan = ESTATE.upgrades["patrol-agent-1.1"]
    assert plan.packages == {"patrol-agent": "1.1.0-1"}
    assert plan.window.start == time(22, 0) and plan.window.crosses_midnight
    assert plan.waves == [1, "50%", "rest"]
    assert [h.name for h in ESTATE.select(plan.targets)] == ["app-01", "app-02", "web-01",
                                                            "web-02"]


@pytest.mark.parametrize(("change", "message"), [
    ({"waves": ["rest", 1]}, '"rest" may only be the last wave'),
    ({"waves": [0]}, "a wave needs at least 1 host"),
    ({"halt": {"max_failures": "150%"}}, "is not a failure limit"),
    ({"window": {"start": "25:00", "end": "04:00", "timezone": "site"}}, "not a time of day"),
    ({"window": {"start": "22:00", "end": "04:00", "timezone": "Mars/Olympus"}},
     "unknown time zone"),
])
def test_upgrade_plan_rules(change: dict, message: str) -> None:
    plan = ESTATE.upgrades["patrol-agent-1.1"].model_dump(mode="json")
    plan.update(change)
    with pytest.raises(ValidationError, match=message):
        UpgradePlan.model_validate(plan)


def test_durations_parse_once_and_print_back() -> None:
    assert parse_duration("1d12h") == timedelta(days=1, hours=12)
    assert parse_duration("2w") == timedelta(weeks=2)
    assert format_duration(timedelta(hours=26)) == "1d2h"
    for bad in ("4 hours", "0h", "", "h"):
        with pytest.raises(ValueError, match="duration"):
            parse_duration(bad)


def test_secrets_accept_vault_and_env_only() -> None:
    doc = read_document("x.yaml",
                        b"a: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231\nb: {env: X}\n")
    adapter = TypeAdapter(Secret)
    assert isinstance(adapter.validate_python(doc.value["a"]), VaultSecret)
    assert adapter.validate_python(doc.value["b"]) == EnvSecret(env="X")
    with pytest.raises(ValidationError, match="plain-text secret"):
        adapter.validate_python("hunter2")
    assert "6231" not in repr(adapter.validate_python(doc.value["a"]))


EDGE = """\
a: 1
b: "12"
c: 2023-03-14
d: [x, 'y', 3.5, -0, 1e3, .5]
f: yes
g: true
h: 0640
i: null
j:
k: "no"
l: |
  multi
  line
m: >
  folded
  text
n: "quote \\" and \\\\ back"
o: 'it''s'
p: ünïcödé ✓
q: 12:30
r: {x: y, "22": z}
t: 1.0.0-1
"""


def test_the_core_schemas_other_booleans_and_nulls_are_typed_like_editors_type_them() -> None:
    """Plain True/FALSE/Null/~ are a boolean and null (check-jsonschema reads them so); quoted,
    they are strings. rapidyaml's JSON cannot tell the two apart, so the fast path declines."""
    text = ('a: True\nb: TRUE\nc: False\nd: FALSE\ne: Null\nf: NULL\ng: ~\n'
            'h: "True"\ni: \'~\'\nj: [True, Truth, ~x, ~/.ssh]\n')
    assert fast_load(text.encode()) == (False, None)
    data, _ = careful_load(text)
    assert data == {"a": True, "b": True, "c": False, "d": False, "e": None, "f": None,
                    "g": None, "h": "True", "i": "~", "j": [True, "Truth", "~x", "~/.ssh"]}


def test_fast_and_careful_paths_build_the_same_data() -> None:
    ok, fast = fast_load(EDGE.encode())
    assert ok
    careful, _ = careful_load(EDGE)
    assert fast == careful
    assert careful["h"] == "0640" and careful["c"] == "2023-03-14" and careful["f"] == "yes"
    assert careful["i"] is None and careful["j"] is None and careful["g"] is True
    for path in sorted(p for d in ("inventory", "policies") for p in (REPO / d).rglob("*.yaml")):
        ok, fast = fast_load(path.read_bytes())
        assert ok, path
        assert fast == careful_load(path.read_text())[0], path


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "--- 1\n--- 2\n", "a: 1\na: 2\n", "a:\tb\n",
    "a: +1\n", "a: \"\\u0001\"\n", "a: @x\n", "a: `x\n", "? a\n: b\n", "%YAML 1.2\n---\na: 1\n",
    "a: [1,&x 2]\n",
])
def test_anything_unusual_takes_the_careful_path(text: str) -> None:
    ok, _ = fast_load(text.encode())
    assert not ok


def test_load_estate_files_reads_from_memory() -> None:
    files = {p.relative_to(REPO).as_posix(): p.read_bytes()
             for d in ("inventory", "policies") for p in (REPO / d).rglob("*.yaml")}
    estate, problems = load_estate_files(files, today=date(2026, 11, 25))
    assert estate is not None and problems == []
    files["policies/extra.txt.yaml"] = b"x: 1\n"
    del files["inventory/sites.yaml"]
    estate, problems = load_estate_files(files, today=date(2026, 11, 25))
    assert estate is None
    text = [str(p) for p in problems]
    assert ("inventory/sites.yaml:1:1: error: missing: the estate needs inventory/sites.yaml "
            "(Sites (customer data centres).)") in text
    assert any(t.startswith("policies/extra.txt.yaml:1:1: warning: not an estate file")
               for t in text)


def test_both_position_finders_agree_on_every_sample_file() -> None:
    for path in sorted(p for d in ("inventory", "policies") for p in (REPO / d).rglob("*.yaml")):
        quick = fast_positions(path.read_bytes())
        careful = careful_load(path.read_text())[1]
        assert (quick.values, quick.keys) == (careful.values, careful.keys), path
