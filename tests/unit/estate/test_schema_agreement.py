"""The JSON Schemas are as strict as `patrol validate`, except for what JSON Schema cannot say.

Each case changes one estate file of the sample estate; check-jsonschema judges that file
against its schema in ``schemas/``, and the validator judges the whole estate. They must agree,
except on the differences the README lists: references between files (a host's site, a
waiver's host) that one file's schema cannot see, and the rules JSON Schema cannot say
(``VALIDATE_ONLY``).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from runner.estate import classify
from runner.estate.files import read_tree
from runner.estate.loader import load_estate_files

from .conftest import REPO, SampleEstate

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
TODAY = date(2026, 12, 1)  # before every sample waiver expires
HOSTS, SITES = "inventory/hosts/hz-dc1.yaml", "inventory/sites.yaml"
SERVICE, DAILY = "policies/service.yaml", "policies/inspections/daily.yaml"
WEEKLY = "policies/inspections/weekly.yaml"
CHECKLISTS = {DAILY, WEEKLY, "policies/inspections/monthly.yaml"}
UPGRADE, WAIVERS = "policies/upgrades/patrol-agent-1.1.yaml", "policies/waivers.yaml"
MODELS, STOCK = "inventory/models.yaml", "inventory/spares.yaml"
COMMITMENTS = "policies/spares.yaml"
ACCEPT, REJECT = True, False

# (case, file, old text, new text, verdict): both must give this verdict.
SAME_VERDICT = [
    ("ipv6 address", HOSTS, "address: 10.123.0.11", "address: fd00:123::11", ACCEPT),
    ("bad ipv4 address", HOSTS, "address: 10.123.0.11", "address: 10.123.0.999", REJECT),
    ("address that is no address", HOSTS, "address: 10.123.0.11", "address: web-01.local",
     REJECT),
    ("ipv4 with a leading zero", HOSTS, "address: 10.123.0.11", "address: 10.123.0.011",
     REJECT),
    ("ipv6 with a scope id", HOSTS, "address: 10.123.0.11", "address: fe80::1%eth0", REJECT),
    ("sshd connection from a scope id", DAILY, 'password_authentication: "no"\n',
     'password_authentication: "no"\n      connections: [{addr: "fe80::1%eth0"}]\n', REJECT),
    ("sshd connection", DAILY, 'password_authentication: "no"\n',
     'password_authentication: "no"\n      connections: [{addr: "fe80::1", lport: 22}]\n',
     ACCEPT),
    ("sshd port as a string", DAILY, 'password_authentication: "no"\n',
     'password_authentication: "no"\n      connections: [{addr: 10.0.0.1, lport: "22"}]\n',
     REJECT),
    ("sshd setting given a number", DAILY, 'password_authentication: "no"\n',
     'password_authentication: "no"\n      settings: {maxauthtries: 3}\n', ACCEPT),
    ("sshd setting that is no keyword", DAILY, 'password_authentication: "no"\n',
     'password_authentication: "no"\n      settings: {max-auth: "3"}\n', REJECT),
    ("relative path", DAILY, "path: /etc/shadow", "path: etc/shadow", REJECT),
    ("mode above 7777", DAILY, 'mode: "0640"', 'mode: "10000"', REJECT),
    ("mode with five digits", DAILY, 'mode: "0640"', 'mode: "00640"', ACCEPT),
    ("mount glob that is no path", DAILY, 'include: ["*"]', 'include: ["var"]', REJECT),
    ("package that is no name", DAILY, "{openssh-server: null}", "{OpenSSH: null}", REJECT),
    ("service that is no name", DAILY, "services: [ssh]", 'services: ["ssh; reboot"]', REJECT),
    ("misspelled time zone", SITES, "timezone: Asia/Shanghai", "timezone: Asia/Shangai", REJECT),
    ("time zone abbreviation", SITES, "timezone: Asia/Shanghai", "timezone: CEST", REJECT),
    ("other real time zone", SITES, "timezone: Asia/Shanghai", "timezone: America/Sao_Paulo",
     ACCEPT),
    ("upgrade window in a real zone", UPGRADE, "timezone: site", "timezone: Europe/Berlin",
     ACCEPT),
    ("upgrade window in no zone", UPGRADE, "timezone: site", "timezone: Mars/Olympus", REJECT),
    ("zero duration", SERVICE, "critical: 4h", "critical: 0m", REJECT),
    ("zero duration in parts", SERVICE, "critical: 4h", "critical: 0h00m", REJECT),
    ("compound duration", SERVICE, "critical: 4h", "critical: 0d4h", ACCEPT),
    ("duration without unit", SERVICE, "critical: 4h", "critical: 4", REJECT),
    ("selector with an unknown key", DAILY, "hosts: all", "hosts: colour=red", REJECT),
    ("selector with an empty value", DAILY, "hosts: all", "hosts: role=", REJECT),
    ("selector with a lone bang", DAILY, "hosts: all", "hosts: role=web !", REJECT),
    ("selector with globs and negation", DAILY, "hosts: all", "hosts: web-0[12] !tag=gpu",
     ACCEPT),
    ("unknown key", HOSTS, "    role: web\n", "    role: web\n    colour: red\n", REJECT),
    ("wrong type", DAILY, "max_percent: 85", "max_percent: lots", REJECT),
    ("repeated tag", HOSTS, "tags: [frontend, pci]", "tags: [pci, pci]", REJECT),
    ("repeated service", DAILY, "services: [ssh]", "services: [ssh, ssh]", REJECT),
    # numbers are numbers and booleans booleans: never a string, and no bool for a number
    ("stock quantity", STOCK, "quantity: 2}", "quantity: 5}", ACCEPT),
    ("stock quantity as a string", STOCK, "quantity: 2}", 'quantity: "2"}', REJECT),
    ("stock quantity as a boolean", STOCK, "quantity: 2}", "quantity: true}", REJECT),
    ("part quantity as a string", MODELS, "quantity: 2}", 'quantity: "2"}', REJECT),
    ("cores as a string", MODELS, "cores: 40", 'cores: "40"', REJECT),
    ("commitment as a boolean", COMMITMENTS, "min_stock: 2", "min_stock: true", REJECT),
    ("runs as a string", SERVICE, "unreachable_after_runs: 3", 'unreachable_after_runs: "3"',
     REJECT),
    ("runs as a boolean", SERVICE, "unreachable_after_runs: 3", "unreachable_after_runs: true",
     REJECT),
    ("percent as a string", SERVICE, "warn_at: 75", 'warn_at: "75"', REJECT),
    ("penalty points as a boolean", SERVICE, "cadence_breach: 5", "cadence_breach: true",
     REJECT),
    ("penalty per severity as a string", SERVICE, "{critical: 10,", '{critical: "10",', REJECT),
    ("check timeout", DAILY, "    severity: high\n", "    severity: high\n    timeout: 30\n",
     ACCEPT),
    ("check timeout as a string", DAILY, "    severity: high\n",
     '    severity: high\n    timeout: "30"\n', REJECT),
    ("float param given an int", DAILY, "max: 2.0", "max: 3", ACCEPT),
    ("float param given a float", DAILY, "max_percent: 85", "max_percent: 85.5", ACCEPT),
    ("float param as a string", DAILY, "max_percent: 85", 'max_percent: "85"', REJECT),
    ("float param as a boolean", DAILY, "max: 2.0", "max: true", REJECT),
    ("int param as a boolean", WEEKLY, "security_max: 0", "security_max: false", REJECT),
    ("enum of numbers given a boolean", DAILY, "minutes: 5", "minutes: true", REJECT),
    ("ports as strings", DAILY, "expected: [22]", 'expected: ["22"]', REJECT),
    ("bool param", WEEKLY, "security_max: 0\n", "security_max: 0\n      refresh: true\n",
     ACCEPT),
    ("bool param as a number", WEEKLY, "security_max: 0\n",
     "security_max: 0\n      refresh: 1\n", REJECT),
    ("bool as a number", UPGRADE, "rollback: true", "rollback: 0", REJECT),
    ("bool as a word", UPGRADE, "rollback: true", "rollback: yes", REJECT),
    ("bool as a string", UPGRADE, "rollback: true", 'rollback: "true"', REJECT),
    # the core schema's other spellings of booleans and null, as editors read them
    ("bool spelled True", UPGRADE, "rollback: true", "rollback: True", ACCEPT),
    ("bool spelled FALSE", UPGRADE, "rollback: true", "rollback: FALSE", ACCEPT),
    ("bool spelled True, quoted", UPGRADE, "rollback: true", 'rollback: "True"', REJECT),
    ("string field given True", HOSTS, "role: web", "role: True", REJECT),
    ("null spelled ~", DAILY, "{openssh-server: null}", "{openssh-server: ~}", ACCEPT),
    ("null spelled NULL", DAILY, "{openssh-server: null}", "{openssh-server: NULL}", ACCEPT),
    ("null spelled ~ for a bool", WEEKLY, "security_max: 0\n",
     "security_max: 0\n      refresh: ~\n", REJECT),
    ("wave as a boolean", UPGRADE, "waves: [1,", "waves: [true,", REJECT),
]

# (case, file, old, new): valid for the file's schema, invalid for the estate as a whole
# (a reference to another file, or to another list of the same file).
REFERENCES_ONLY = [
    ("host at an undefined site", HOSTS, "site: hz-dc1", "site: nowhere"),
    ("waiver for an unknown host", WAIVERS, "host: backup-01", "host: nobody-01"),
    ("checklist selecting no host", DAILY, "hosts: all", "hosts: role=mainframe"),
    ("stock at a depot the file does not define", STOCK, "depot: hz-dc1-cage",
     "depot: nowhere-cage"),
]

# (case, file, old, new): valid for the file's schema, invalid for validate, in that one file:
# the rules JSON Schema cannot say (each is listed in the README).
VALIDATE_ONLY = [
    # uniqueness of one key among list items (uniqueItems compares whole items)
    ("host name twice in a file", HOSTS, "name: web-02", "name: web-01"),
    ("host address twice in a file", HOSTS, "address: 10.123.0.12", "address: 10.123.0.11"),
    ("check id twice in a checklist", DAILY, "id: inodes", "id: disk-space"),
    ("part twice in a model", MODELS, "{part: hpe-disk-960g-ssd, quantity: 4}",
     "{part: hpe-psu-500w, quantity: 4}"),
    # comparisons between two fields
    ("warranty end before purchase", HOSTS, "warranty_end: 2028-03-13",
     "warranty_end: 2022-03-13"),
    ("service hours ending before they start", SERVICE, 'end: "18:00"', 'end: "08:00"'),
    ("overdue before warned", SERVICE, "overdue_at: 100", "overdue_at: 50"),
    ("rest before the last wave", UPGRADE, 'waves: [1, "50%", rest]', 'waves: [1, rest, "50%"]'),
    ("port both expected and forbidden", DAILY, "forbidden: [23, 3306]", "forbidden: [22, 23]"),
    # exactly one of two optional keys
    ("commitment with both minimums", COMMITMENTS, "{part: hpe-psu-500w, min_stock: 2,",
     "{part: hpe-psu-500w, min_stock: 2, per_hosts: 2,"),
    ("waiver with host and hosts", WAIVERS, "    host: backup-01\n",
     "    host: backup-01\n    hosts: role=backup\n"),
    # today's date, arithmetic and YAML beyond JSON
    ("expired waiver", WAIVERS, "expires: 2027-06-30", "expires: 2026-11-30"),
    ("duration over 100 years", SERVICE, "low: 30d", "low: 36501d"),
    ("integer written as a float", STOCK, "quantity: 2}", "quantity: 2.0}"),
    ("merge key", SERVICE,
     "  critical: {response: 30m, on_site: 4h}\n  high: {response: 1h, on_site: 8h}\n",
     "  critical: &fast {response: 30m, on_site: 4h}\n  high:\n    <<: *fast\n"),
]


def _schema_accepts(root: Path, rel: str) -> bool:
    kind = classify(rel)
    assert kind is not None
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile",
                           str(REPO / "schemas" / kind.schema_file), str(root / rel)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1: invalid, not a crash
    return proc.returncode == 0


def _validate_accepts(root: Path) -> bool:
    _, problems = load_estate_files(read_tree(root), today=TODAY)
    return not any(p.severity == "error" for p in problems)


@pytest.mark.parametrize(("case", "rel", "old", "new", "verdict"), SAME_VERDICT,
                         ids=[c[0] for c in SAME_VERDICT])
def test_schema_and_validate_agree(tmp_path: Path, case: str, rel: str, old: str, new: str,
                                   verdict: bool) -> None:
    estate = SampleEstate(tmp_path / "estate")
    estate.replace(rel, old, new)
    # a check id is one control in every checklist: the same edit goes wherever it is
    for other in CHECKLISTS - {rel} if rel in CHECKLISTS else ():
        if old in estate.read(other):
            estate.replace(other, old, new)
    assert _schema_accepts(estate.root, rel) is verdict, case
    assert _validate_accepts(estate.root) is verdict, case


@pytest.mark.parametrize(("case", "rel", "old", "new"), REFERENCES_ONLY,
                         ids=[c[0] for c in REFERENCES_ONLY])
def test_only_references_between_files_escape_the_schema(tmp_path: Path, case: str, rel: str,
                                                         old: str, new: str) -> None:
    estate = SampleEstate(tmp_path / "estate")
    estate.replace(rel, old, new)
    assert _schema_accepts(estate.root, rel), case
    assert not _validate_accepts(estate.root), case


@pytest.mark.parametrize(("case", "rel", "old", "new"), VALIDATE_ONLY,
                         ids=[c[0] for c in VALIDATE_ONLY])
def test_rules_json_schema_cannot_say_are_validate_only(tmp_path: Path, case: str, rel: str,
                                                        old: str, new: str) -> None:
    estate = SampleEstate(tmp_path / "estate")
    estate.replace(rel, old, new)
    assert _schema_accepts(estate.root, rel), case
    assert not _validate_accepts(estate.root), case


def test_the_sample_estate_passes_both(tmp_path: Path) -> None:
    estate = SampleEstate(tmp_path / "estate")
    assert _validate_accepts(estate.root)
    for rel in (HOSTS, SITES, SERVICE, DAILY, UPGRADE, WAIVERS):
        assert _schema_accepts(estate.root, rel), rel


def test_a_vault_secret_is_valid_but_check_jsonschema_cannot_read_its_tag(tmp_path: Path) -> None:
    """check-jsonschema has no way to accept a custom tag (editors do: README, customTags)."""
    estate = SampleEstate(tmp_path / "estate")
    estate.replace(HOSTS, "    role: web\n", "    role: web\n    connection:\n"
                   "      become_password: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n"
                   "        62313365396662343061393464336163383764373764613633653634306231\n")
    assert _validate_accepts(estate.root)
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile",
                           str(REPO / "schemas/hosts.schema.json"), str(estate.root / HOSTS)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "!vault" in proc.stdout + proc.stderr
