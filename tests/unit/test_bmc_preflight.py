"""A BMC password the run cannot read is one pre-flight message naming the variable and the
hosts, exit 1, before any host or BMC is touched: not an error per host's hardware check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runner import execute_redfish
from runner.errors import Exit, PatrolError
from runner.inspect import inspect
from tests.conftest import commit_all
from tests.unit.test_inspect_run import FakeFleet, context, make_estate

BIN = Path(sys.executable).parent
# the sample estate: every host's BMC password is {env: PATROL_BMC_PASSWORD}
DAILY_WEB = ["web-01", "web-02"]


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return make_estate(tmp_path / "estate")


def test_an_unset_bmc_password_stops_the_run_before_any_host(
        estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATROL_BMC_PASSWORD", raising=False)
    touched: list[str] = []
    monkeypatch.setattr(execute_redfish, "read",
                        lambda target, timeout=30: touched.append(target.host) or {})
    fleet = FakeFleet()
    with pytest.raises(PatrolError) as caught:
        inspect(estate, "daily", limit="role=web", ctx=context(estate), play=fleet)
    err = caught.value
    assert err.exit_code is Exit.FAILED
    assert str(err).startswith("cannot read the BMCs of this run: the environment variable "
                               "PATROL_BMC_PASSWORD is not set (the BMC of web-01, web-02)")
    assert fleet.plays == [] and touched == []  # neither a host nor a BMC was touched
    assert not (estate / "reports" / "runs").exists()  # nothing recorded


def test_the_hosts_named_are_the_run_s_and_a_long_list_is_cut(
        estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from runner import inspect_bmc

    targets = [execute_redfish.Target(f"h{n:02d}", "10.0.0.1", problem="no password")
               for n in range(12)]
    with pytest.raises(PatrolError) as caught:
        inspect_bmc.require(targets)
    assert "no password (the BMC of h00, h01, h02, h03, h04, h05, h06, h07, h08, h09 and 2 " \
           "more)" in str(caught.value)
    inspect_bmc.require([execute_redfish.Target("ok", "10.0.0.1", password="x")])  # no error


def test_the_command_says_it_once_with_exit_1_and_no_traceback(estate: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PATROL_BMC_PASSWORD"}
    proc = subprocess.run([str(BIN / "patrol"), "inspect", "daily", "--limit", "role=web",
                           "--no-commit"], cwd=estate, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "PATROL_BMC_PASSWORD" in line]
    assert len(lines) == 1 and "web-01, web-02" in lines[0], proc.stderr
    assert "hardware" not in proc.stdout  # no per-host hardware verdicts: it never ran


def test_with_the_password_set_the_run_reads_the_bmcs(
        estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATROL_BMC_PASSWORD", "planted")
    seen: list[tuple[str, str | None]] = []

    def planted(target: execute_redfish.Target, timeout: float = 30) -> dict:
        seen.append((target.host, target.password))
        return {"error": "planted: not answering"}

    monkeypatch.setattr(execute_redfish, "read", planted)
    (estate / "policies/inspections/hw.yaml").write_text(
        "name: Hardware\ncadence: daily\nhosts: role=web\nchecks:\n  - id: hardware\n"
        "    kind: hardware_health\n    severity: high\n"
        "    params: {ignore: [], event_hours: 24}\n")
    commit_all(estate)
    run = inspect(estate, "hw", ctx=context(estate), play=FakeFleet())
    assert sorted(seen) == [(h, "planted") for h in DAILY_WEB]
    assert run.results["web-01"].checks["hardware"].reason == "planted: not answering"
