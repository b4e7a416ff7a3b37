"""The patrol.estate collection and the estate's ansible.cfg, with the real Ansible tools.

The collection is built with ``ansible-galaxy collection build`` and installed into a temporary
collections path; its inventory plugin must give what the inventory script gives, with estate
text kept as data (never a template).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, copy_estate

BIN = Path(sys.executable).parent


def _ansible(tool: str, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    environ.update(PATH=f"{BIN}:{os.environ['PATH']}", ANSIBLE_LOCAL_TEMP=str(cwd / ".tmp"),
                   ANSIBLE_HOME=str(cwd / ".ansible"), **env)
    return subprocess.run([str(BIN / tool), *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, check=False, timeout=300)


@pytest.fixture(scope="module", params=["built", "from-git"])
def collections(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """patrol.estate installed into a fresh collections path: built from collection/ with
    ``ansible-galaxy collection build``, or installed from the Git repository's subdirectory
    at HEAD, the way the README tells someone who installed Patrol as a tool."""
    work = tmp_path_factory.mktemp("collection")
    if request.param == "built":
        built = _ansible("ansible-galaxy", "collection", "build", str(ROOT / "collection"),
                         "--output-path", str(work), cwd=work)
        assert built.returncode == 0, built.stdout + built.stderr
        (source,) = (str(p) for p in work.glob("patrol-estate-*.tar.gz"))
    else:
        source = f"git+file://{ROOT}#/collection/,HEAD"
    installed = _ansible("ansible-galaxy", "collection", "install", source, "-p",
                         str(work / "collections"), cwd=work)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (work / "collections/ansible_collections/patrol/estate/plugins/inventory/"
            "estate.py").is_file()
    return work / "collections"


def _plain(value: Any) -> Any:
    """Inventory JSON with Ansible's "untrusted" markers taken off, to compare values."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _plugin_source(where: Path, estate: Path) -> Path:
    source = where / "patrol.estate.yml"
    source.write_text(f"plugin: patrol.estate.estate\nestate: {estate}\n")
    return source


def test_the_plugin_gives_what_the_inventory_script_gives(tmp_path: Path,
                                                          collections: Path) -> None:
    estate = copy_estate(tmp_path / "estate")
    source = _plugin_source(tmp_path, estate)
    plugin = _ansible("ansible-inventory", "-i", str(source), "--list", cwd=tmp_path,
                      ANSIBLE_COLLECTIONS_PATH=str(collections))
    assert plugin.returncode == 0, plugin.stderr
    assert "[WARNING]" not in plugin.stderr, plugin.stderr
    script = _ansible("ansible-inventory", "-i", str(estate / "inventory/patrol-inventory"),
                      "--list", cwd=tmp_path, ANSIBLE_INVENTORY_ENABLED="script")
    assert script.returncode == 0, script.stderr
    from_plugin, from_script = json.loads(plugin.stdout), json.loads(script.stdout)
    assert _plain(from_plugin) == _plain(from_script)
    assert len(from_plugin["_meta"]["hostvars"]) == 10


def test_the_plugin_source_at_the_estate_root_finds_the_estate(tmp_path: Path,
                                                               collections: Path) -> None:
    estate = copy_estate(tmp_path / "estate")
    (estate / "patrol.estate.yml").write_text("plugin: patrol.estate.estate\n")
    run = _ansible("ansible-inventory", "-i", "patrol.estate.yml", "--graph", "role_db",
                   cwd=estate, ANSIBLE_COLLECTIONS_PATH=str(collections))
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "db-01" in run.stdout and "web-01" not in run.stdout


def test_the_plugin_keeps_estate_text_as_data(tmp_path: Path, collections: Path) -> None:
    estate = copy_estate(tmp_path / "estate")
    hosts = estate / "inventory/hosts/hz-dc1.yaml"
    hosts.write_text(hosts.read_text().replace(
        "owner: ops-team@example.com", "owner: \"{{ 6 * 7 }}\"", 1))
    source = _plugin_source(tmp_path, estate)
    run = _ansible("ansible", "-i", str(source), "web-01", "-m", "ansible.builtin.debug",
                   "-a", "var=patrol_owner", cwd=tmp_path,
                   ANSIBLE_COLLECTIONS_PATH=str(collections))
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"patrol_owner": "{{ 6 * 7 }}"' in run.stdout


def test_ansible_cfg_makes_the_estate_the_inventory_without_warnings(tmp_path: Path) -> None:
    estate = copy_estate(tmp_path / "estate")
    shutil.copy(ROOT / "ansible.cfg", estate / "ansible.cfg")
    os.chmod(estate, 0o755)  # Ansible ignores an ansible.cfg in a world-writable directory
    for args in (["all", "--list-hosts"], ["-i", "inventory/", "all", "--list-hosts"]):
        run = _ansible("ansible", *args, cwd=estate)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stderr == "", (args, run.stderr)
        assert "hosts (10):" in run.stdout, args
