"""Estate text reaches Ansible as data: the real Ansible reads every form Patrol hands it
(the inventory script's JSON, the inventory and extravars files ansible-runner writes) and
templates none of it. Controller-side only (``debug`` connects to no host); the lab test
``tests/lab/test_estate_is_data.py`` runs the real inspection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from runner.ansible_data import Template, as_data, inventory_as_data
from runner.estate import load_estate
from runner.execute import static_inventory
from runner.inventory import build_inventory
from tests.estate_injection import Injection, inject_estate

from .conftest import REPO, SampleEstate

BIN = Path(sys.executable).parent


def ansible(tool: str, *args: str, estate: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_LOCAL_TEMP": "/tmp", "ANSIBLE_NOCOLOR": "1",
           "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    if estate is not None:
        env["PATROL_ESTATE"] = str(estate)
    return subprocess.run([str(BIN / tool), *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False, timeout=120)


def strings(value: Any) -> set[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, dict):
        return {s for k, v in value.items() for s in {k} | strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in strings(v)}
    return {value} if isinstance(value, str) else set()


@pytest.fixture
def injected(estate: SampleEstate) -> Injection:
    return inject_estate(estate.root)


def host_texts(inj: Injection) -> set[str]:
    """Injected host fields the inventory carries: all but the BMC's, which only the
    controller's Redfish reads use and Ansible never sees."""
    return {t for n, t in inj.texts.items() if inj.files[n].startswith("inventory/hosts/")
            and "bmc" not in inj.paths[n]}


def test_every_string_is_wrapped_keys_and_templates_are_not() -> None:
    value = {"a": "{{ x }}", "n": 3, "l": ["p", True, None], "m": {"k{{": "v"},
             "t": Template("{{ lookup('env', 'X') }}"), "v": {"__ansible_vault": "$ANSIBLE"}}
    assert as_data(value) == {
        "a": {"__ansible_unsafe": "{{ x }}"}, "n": 3,
        "l": [{"__ansible_unsafe": "p"}, True, None], "m": {"k{{": {"__ansible_unsafe": "v"}},
        "t": "{{ lookup('env', 'X') }}", "v": {"__ansible_vault": "$ANSIBLE"}}
    assert as_data(as_data(value)) == as_data(value)


def test_inventory_vars_are_wrapped_names_are_not() -> None:
    inv = {"_meta": {"hostvars": {"h1": {"x": "1"}}}, "all": {"children": ["g"]},
           "g": {"hosts": ["h1"], "vars": {"y": "2"}}}
    assert inventory_as_data(inv) == {
        "_meta": {"hostvars": {"h1": {"x": {"__ansible_unsafe": "1"}}}},
        "all": {"children": ["g"]},
        "g": {"hosts": ["h1"], "vars": {"y": {"__ansible_unsafe": "2"}}}}
    static = inventory_as_data(static_inventory(inv))
    assert static["all"]["hosts"] == {"h1": {"x": {"__ansible_unsafe": "1"}}}
    assert static["all"]["children"]["g"]["vars"] == {"y": {"__ansible_unsafe": "2"}}


def test_ansible_inventory_lists_injected_text_literally(injected: Injection,
                                                         estate: SampleEstate) -> None:
    proc = ansible("ansible-inventory", "-i", "inventory/patrol-inventory", "--list",
                   estate=estate.root)
    assert proc.returncode == 0, proc.stderr
    assert injected.controller_files() == []
    listed = strings(json.loads(proc.stdout))
    assert host_texts(injected) and host_texts(injected) <= listed


def test_templating_the_script_inventory_renders_nothing(injected: Injection,
                                                        estate: SampleEstate) -> None:
    proc = ansible("ansible", "-i", "inventory/patrol-inventory", "web-01", "-m", "debug",
                   "-a", "msg={{ hostvars[inventory_hostname] | to_json }}", estate=estate.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert injected.controller_files() == []
    shown = proc.stdout.replace('\\"', '"')
    web = {t for n, t in injected.texts.items() if "CZJ0421A1" in t or "web-01" in t}
    assert web and all(t in shown for t in web)


def test_runner_inventory_and_extravars_files_render_nothing(
        injected: Injection, estate: SampleEstate, tmp_path: Path) -> None:
    """The files ansible-runner writes (``json.dumps`` of what execute passes) read by Ansible."""
    loaded, problems = load_estate(estate.root, today=datetime.now(UTC).date())
    assert loaded is not None, problems
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps(inventory_as_data(static_inventory(build_inventory(loaded)))))
    extravars = tmp_path / "extravars"
    texts = sorted(injected.texts.values())
    extravars.write_text(json.dumps(as_data({"patrol_texts": texts})))
    shown = "msg={{ [patrol_texts, hostvars[inventory_hostname]] | to_json }}"
    proc = ansible("ansible", "-i", str(inventory), "web-01", "-e", f"@{extravars}", "-m",
                   "debug", "-a", shown)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert injected.controller_files() == []
    shown = proc.stdout.replace('\\"', '"')
    assert all(t in shown for t in texts)
