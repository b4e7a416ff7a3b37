"""The estate as Ansible dynamic inventory, checked by the real ansible-inventory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from runner.estate import load_estate
from runner.inventory import build_inventory, group_name

from .conftest import REPO, SampleEstate, patrol

ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"
VAULT = """!vault |
          $ANSIBLE_VAULT;1.1;AES256
          62313365396662343061393464336163383764373764613633653634306231386433626436623361
          6134333665353966363534333632666535333761666131620a663537646436643839616531643561
"""


def ansible_inventory(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
           "ANSIBLE_INVENTORY_ENABLED": "script", "ANSIBLE_LOCAL_TEMP": "/tmp",
           "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run([str(ANSIBLE_INVENTORY), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False, timeout=120)


def plain(doc: str) -> dict[str, Any]:
    """JSON with Ansible's never-templated strings (``{"__ansible_unsafe": s}``) read as ``s``."""
    def hook(obj: dict[str, Any]) -> Any:
        return obj["__ansible_unsafe"] if set(obj) == {"__ansible_unsafe"} else obj

    return json.loads(doc, object_hook=hook)


def test_ansible_inventory_accepts_the_script_unchanged() -> None:
    proc = ansible_inventory("-i", "inventory/patrol-inventory", "--list")
    assert proc.returncode == 0, proc.stderr
    inv = plain(proc.stdout)
    hostvars = inv["_meta"]["hostvars"]
    assert sorted(hostvars) == ["app-01", "app-02", "backup-01", "br-01", "db-01", "db-02",
                                "mon-01", "plant-01", "web-01", "web-02"]
    assert hostvars["web-01"]["ansible_host"] == "10.123.0.11"
    assert hostvars["web-01"]["patrol_site_timezone"] == "Asia/Shanghai"
    assert sorted(inv["site_hz_dc1"]["hosts"]) == ["db-01", "mon-01", "web-01", "web-02"]
    assert sorted(inv["role_web"]["hosts"]) == ["web-01", "web-02"]
    assert inv["env_staging"]["hosts"] == ["app-02"]
    assert sorted(inv["tag_pci"]["hosts"]) == ["db-01", "web-01", "web-02"]
    assert "site_fra_dc2" in inv["all"]["children"]


def test_ansible_inventory_shows_one_host() -> None:
    proc = ansible_inventory("-i", "inventory/patrol-inventory", "--host", "db-02")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["patrol_criticality"] == "critical"


def test_secrets_reach_ansible_as_vault_or_env_lookup(estate: SampleEstate) -> None:
    hosts = "inventory/hosts/hz-dc1.yaml"
    estate.replace(hosts, "    tags: [frontend, pci]\n",
                   "    tags: [frontend, pci]\n    connection:\n      user: patrol\n"
                   "      port: 2222\n"
                   f"      become_password: {VAULT}", count=1)
    estate.replace(hosts, "    tags: [pci]\n",
                   "    tags: [pci]\n    connection:\n"
                   "      become_password: {env: PATROL_DB_BECOME}\n")
    loaded, problems = load_estate(estate.root, today=date(2026, 11, 25))
    assert loaded is not None, problems
    inv = build_inventory(loaded)
    web = inv["_meta"]["hostvars"]["web-01"]
    assert web["ansible_user"] == "patrol" and web["ansible_port"] == 2222
    assert web["ansible_become_password"]["__ansible_vault"].startswith("$ANSIBLE_VAULT;1.1")
    db = inv["_meta"]["hostvars"]["db-01"]
    assert db["ansible_become_password"] == "{{ lookup('env', 'PATROL_DB_BECOME') }}"
    plays = build_inventory(loaded, become=False)["_meta"]["hostvars"]  # Patrol's own plays
    assert "ansible_become_password" not in plays["web-01"]
    assert "ansible_become_password" not in plays["db-01"]
    assert plays["web-01"]["ansible_user"] == "patrol"
    env = {**os.environ, "PATROL_ESTATE": str(estate.root)}
    proc = subprocess.run([str(ANSIBLE_INVENTORY), "-i", str(REPO / "inventory/patrol-inventory"),
                           "--list"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)["_meta"]["hostvars"]["web-01"]["ansible_become_password"]
    assert "__ansible_vault" in listed


def test_extra_hostvars_override_the_estate() -> None:
    estate, _ = load_estate(REPO, today=date(2026, 11, 25))
    inv = build_inventory(estate, {"web-01": {"ansible_host": "127.0.0.1", "ansible_port": 2201}})
    web = inv["_meta"]["hostvars"]["web-01"]
    assert (web["ansible_host"], web["ansible_port"]) == ("127.0.0.1", 2201)
    assert web["patrol_role"] == "web"


def test_group_names_are_valid_for_ansible() -> None:
    assert group_name("tag", "gdpr-eu.west") == "tag_gdpr_eu_west"
    assert group_name("site", "9dc") == "site_9dc"


def test_inventory_needs_list_or_host() -> None:
    run = patrol("inventory", "--estate", str(REPO))
    assert run.code == 2
    assert "--list or --host" in run.err


def test_inventory_of_an_invalid_estate_fails_cleanly(estate: SampleEstate) -> None:
    estate.replace("inventory/hosts/hz-dc1.yaml", "site: hz-dc1", "site: nowhere")
    run = patrol("inventory", "--list", "--estate", str(estate.root))
    assert run.code == 1
    assert "site 'nowhere' is not defined" in run.err
    assert "Traceback" not in run.text
