"""The JSON Schemas are as strict as `patrol validate`, except for what JSON Schema cannot say.

Each case changes one estate file of the sample estate; check-jsonschema judges that file
against its schema in ``schemas/``, and the validator judges the whole estate. They must agree,
except on the documented difference: references between files (a host's site, a waiver's host)
that one file's schema cannot see.
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
UPGRADE, WAIVERS = "policies/upgrades/patrol-agent-1.1.yaml", "policies/waivers.yaml"

# (case, file, old text, new text): both must accept, or both reject.
SAME_VERDICT = [
    ("ipv6 address", HOSTS, "address: 10.123.0.11", "address: fd00:123::11"),
    ("bad ipv4 address", HOSTS, "address: 10.123.0.11", "address: 10.123.0.999"),
    ("address that is no address", HOSTS, "address: 10.123.0.11", "address: web-01.local"),
    ("ipv4 with a leading zero", HOSTS, "address: 10.123.0.11", "address: 10.123.0.011"),
    ("misspelled time zone", SITES, "timezone: Asia/Shanghai", "timezone: Asia/Shangai"),
    ("time zone abbreviation", SITES, "timezone: Asia/Shanghai", "timezone: CEST"),
    ("other real time zone", SITES, "timezone: Asia/Shanghai", "timezone: America/Sao_Paulo"),
    ("upgrade window in a real zone", UPGRADE, "timezone: site", "timezone: Europe/Berlin"),
    ("upgrade window in no zone", UPGRADE, "timezone: site", "timezone: Mars/Olympus"),
    ("zero duration", SERVICE, "critical: 4h", "critical: 0m"),
    ("zero duration in parts", SERVICE, "critical: 4h", "critical: 0h00m"),
    ("compound duration", SERVICE, "critical: 4h", "critical: 0d4h"),
    ("duration without unit", SERVICE, "critical: 4h", "critical: 4"),
    ("selector with an unknown key", DAILY, "hosts: all", "hosts: colour=red"),
    ("selector with an empty value", DAILY, "hosts: all", "hosts: role="),
    ("selector with a lone bang", DAILY, "hosts: all", "hosts: role=web !"),
    ("selector with globs and negation", DAILY, "hosts: all", "hosts: web-0[12] !tag=gpu"),
    ("unknown key", HOSTS, "    role: web\n", "    role: web\n    colour: red\n"),
    ("wrong type", DAILY, "max_percent: 85", "max_percent: lots"),
]

# (case, file, old, new): valid for the file's schema, invalid for the estate as a whole.
REFERENCES_ONLY = [
    ("host at an undefined site", HOSTS, "site: hz-dc1", "site: nowhere"),
    ("waiver for an unknown host", WAIVERS, "host: backup-01", "host: nobody-01"),
    ("checklist selecting no host", DAILY, "hosts: all", "hosts: role=mainframe"),
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


@pytest.mark.parametrize(("case", "rel", "old", "new"), SAME_VERDICT,
                         ids=[c[0] for c in SAME_VERDICT])
def test_schema_and_validate_agree(tmp_path: Path, case: str, rel: str, old: str,
                                   new: str) -> None:
    estate = SampleEstate(tmp_path / "estate")
    estate.replace(rel, old, new)
    assert _schema_accepts(estate.root, rel) == _validate_accepts(estate.root), case


@pytest.mark.parametrize(("case", "rel", "old", "new"), REFERENCES_ONLY,
                         ids=[c[0] for c in REFERENCES_ONLY])
def test_only_references_between_files_escape_the_schema(tmp_path: Path, case: str, rel: str,
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
