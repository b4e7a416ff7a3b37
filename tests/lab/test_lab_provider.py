"""The lab is a connection provider the user opts into (``--lab``, or ``PATROL_LAB=1`` for the
inventory script), never picked up because a lab happens to be up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_estate

PATROL = str(Path(sys.executable).parent / "patrol")
SCRIPT = str(Path(__file__).resolve().parents[2] / "inventory" / "patrol-inventory")
pytestmark = pytest.mark.lab
LAB_KEYS = ("ansible_ssh_private_key_file", "ansible_ssh_common_args", "ansible_user",
            "ansible_python_interpreter")


def literal(value: object) -> object:
    """Estate text reaches Ansible as ``{"__ansible_unsafe": text}``; the text it carries."""
    if isinstance(value, dict) and set(value) == {"__ansible_unsafe"}:
        return value["__ansible_unsafe"]
    return value


def hostvars(*args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=60,
                       env={**os.environ, **(env or {})})
    assert r.returncode == 0, r.stdout + r.stderr
    return {host: {k: literal(v) for k, v in hv.items()}
            for host, hv in json.loads(r.stdout)["_meta"]["hostvars"].items()}


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An estate with the lab's host names at other addresses (TEST-NET-1, 2 and 3)."""
    root = copy_estate(tmp_path / "estate", ("inventory", "policies"))
    for f in (root / "inventory" / "hosts").glob("*.yaml"):
        f.write_text(f.read_text().replace("10.123.0.", "192.0.2.")
                     .replace("10.123.2.", "198.51.100.").replace("10.123.3.", "203.0.113."))
    return root


def test_an_estate_that_does_not_opt_in_gets_nothing_from_the_lab(lab, elsewhere):
    offered = lab.ansible_vars()
    # the lab is up and has connections to offer: its hosts and its sites' gateways
    assert sorted(offered) == sorted({*lab.names, *lab.gateways})
    plain = hostvars(PATROL, "inventory", "--list", "--estate", str(elsewhere))
    for name in lab.names:
        hv = plain[name]
        assert str(hv["ansible_host"]).startswith(("192.0.2.", "198.51.100.", "203.0.113.")), (
            name, hv)
        # br-01's ssh arguments are its site's jump host, from the estate, not the lab's
        own = {"ansible_ssh_common_args"} if name == "br-01" else set()
        assert not [k for k in LAB_KEYS if k in hv and k not in own], (name, hv)
        assert str(lab.config.client_key) not in json.dumps(hv)
        assert str(lab.config.state_dir) not in json.dumps(hv)
    assert "ProxyJump=root@10.123.0.2:22" in plain["br-01"]["ansible_ssh_common_args"]
    assert hostvars(SCRIPT, "--list", env={"PATROL_ESTATE": str(elsewhere)}) == plain


def test_opting_in_reaches_the_hosts_through_the_lab(lab, elsewhere):
    opted = hostvars(PATROL, "inventory", "--list", "--lab", "--estate", str(elsewhere))
    for name in lab.names:
        assert opted[name]["ansible_host"] == lab.address(name)
        assert opted[name]["ansible_ssh_private_key_file"] == str(lab.config.client_key)
    via_script = hostvars(SCRIPT, "--list",
                          env={"PATROL_ESTATE": str(elsewhere), "PATROL_LAB": "1"})
    assert via_script == opted

