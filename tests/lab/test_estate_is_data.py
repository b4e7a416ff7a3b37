"""Estate text is data on the real path: an inspection of an estate whose every string field
carries ``{{ 7*7 }}`` and a ``lookup('pipe', 'touch FILE')`` (tests/estate_injection.py) runs no
command on the controller or any host, and measures and records the literal strings."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from runner.inspect import inspect
from runner.results import Status
from runner.upgrade.run import upgrade
from tests.conftest import commit_all, copy_estate
from tests.estate_injection import Injection, inject_estate

pytestmark = pytest.mark.lab

GHOST = """  - name: ghost-01
    address: 10.123.0.250
    site: hz-dc1
    role: web
    environment: production
    criticality: high
    owner: ops-team@example.com
    hardware:
      model: dl360-g10
      serial: GHOST0001
      purchased: 2023-03-14
      warranty_end: 2028-03-13
      end_of_life: 2030-12-31
    os:
      family: debian
      release: "12"
    connection:
      user: patrol
      port: 22
"""
CHECKS = """  - id: literal-mode
    kind: file_mode
    severity: high
    params:
      path: /tmp/patrol-literal
      mode: "0600"
  - id: literal-fresh
    kind: file_freshness
    severity: high
    params:
      path: /tmp/patrol-fresh
      max_age_hours: 26
"""


PLAN = """name: injected plan
targets: name=web-01
packages:
  patrol-agent: "1.1.0-1"
window: {start: "00:00", end: "23:59", timezone: UTC}
waves: [rest]
halt: {max_failures: 0}
pre_checks:
  - id: literal-mode
    kind: file_mode
    params: {path: /tmp/patrol-plan-literal, mode: "0600"}
post_checks:
  - id: agent-version
    kind: package_version
    params: {packages: {patrol-agent: "1.1.0-1"}}
rollback: true
"""


@pytest.fixture
def injected(tmp_path: Path) -> tuple[Path, Injection]:
    dest = copy_estate(tmp_path / "estate")
    hosts = dest / "inventory/hosts/hz-dc1.yaml"
    hosts.write_text(hosts.read_text().replace(
        "    tags: [frontend, pci]\n", "    tags: [frontend, pci]\n"
        "    connection:\n      user: root\n      port: 22\n", 1) + GHOST)
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # one control, one max
        checklist.write_text(checklist.read_text().replace("max: 2.0", "max: 1000.0"))
    daily = dest / "policies/inspections/daily.yaml"
    daily.write_text(daily.read_text() + CHECKS)
    (dest / "policies/upgrades/injected.yaml").write_text(PLAN)
    inj = inject_estate(dest)
    commit_all(dest)
    return dest, inj


def injected_texts(inj: Injection, original: str, key: str | None = None) -> list[str]:
    """The injected texts of fields that held ``original`` (and sit under ``key``)."""
    return [t for n, t in inj.texts.items() if t.startswith(original + "{{")
            and (key is None or key in inj.paths[n])]


def injected_text(inj: Injection, original: str, key: str | None = None) -> str:
    [text] = injected_texts(inj, original, key)
    return text


def make_file(lab, host: str, path: str, mode: str) -> None:
    q = shlex.quote(path)
    r = lab.run(host, f"mkdir -p \"$(dirname {q})\" && install -m {mode} /dev/null {q}")
    assert r.returncode == 0, r.stderr


def test_injected_estate_runs_nothing_and_records_literal_text(lab, injected):
    root, inj = injected
    literal = injected_text(inj, "/tmp/patrol-literal")
    fresh = injected_text(inj, "/tmp/patrol-fresh")
    user = injected_text(inj, "patrol", "connection")  # not the BMCs' user names
    assert user in (root / "inventory/hosts/hz-dc1.yaml").read_text()  # connection.user
    packages = injected_texts(inj, "patrol-agent")  # software keys
    make_file(lab, "web-01", literal, "0600")
    make_file(lab, "web-01", fresh, "0644")
    try:
        run = inspect(root, "daily", timeout=5, connections=lab.ansible_vars())
    finally:
        top = literal.split("{{")[0]
        lab.run("web-01", f"rm -rf {shlex.quote(top)}*")
    assert inj.controller_files() == []
    for host in lab.names:
        r = lab.run(host, f"ls /tmp | grep -c 'patrol-inj-{inj.token}' || true")
        assert r.stdout.strip() == "0", host
    web = run.results["web-01"].checks
    assert web["literal-mode"].status is Status.PASS, web["literal-mode"].reason
    assert web["literal-mode"].reason.startswith(f"{literal} 0600")
    assert web["literal-fresh"].status is Status.PASS, web["literal-fresh"].reason
    other = run.results["web-02"].checks["literal-mode"]
    assert (other.status, other.reason) == (Status.FAIL, f"{literal} does not exist")
    drift = web["drift"]
    [package] = [p for p in packages if drift.reason.startswith(f"{p} declared ")]
    assert drift.status is Status.FAIL
    assert not run.results["ghost-01"].reachable
    record = yaml.safe_load((root / run.record_path).read_bytes())
    text = yaml.safe_dump(record, width=1 << 16)
    assert literal in text and package in text
    assert "patrol-literal49" not in text and "patrol-agent49" not in text


def test_injected_upgrade_plan_runs_nothing(lab, injected):
    """Package names and versions, pre-check params and every host field of an upgrade plan
    reach the upgrade play (apt, in check mode) and the pre-check play as data."""
    root, inj = injected
    plan = {t for n, t in inj.texts.items() if inj.files[n] == "policies/upgrades/injected.yaml"}
    assert any(t.startswith("patrol-agent{{") for t in plan)  # a package name
    assert any(t.startswith("1.1.0-1{{") for t in plan)  # a version
    literal = [t for t in plan if t.startswith("/tmp/patrol-plan-literal{{")]
    assert literal
    make_file(lab, "web-01", literal[0], "0600")
    try:
        run = upgrade(root, "injected", now=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
                      check=True, commit=False, interrupt=lambda: False, timeout=5,
                      connections=lab.ansible_vars())
    finally:
        lab.run("web-01", f"rm -rf {shlex.quote(literal[0].split('{{')[0])}*")
    assert sorted(run.hosts) == ["web-01"]
    pre = run.hosts["web-01"].pre_checks["literal-mode"]
    assert (pre.status, pre.reason[:len(literal[0])]) == (Status.PASS, literal[0])
    assert inj.controller_files() == []
    r = lab.run("web-01", f"ls /tmp | grep -c 'patrol-inj-{inj.token}' || true")
    assert r.stdout.strip() == "0"
