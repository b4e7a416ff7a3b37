"""JUnit's times come from the measurement: the measuring module times each probe on a
monotonic clock, the judge step carries those times on the in-memory results, and only JUnit
reads them; the record and the status files, which must not jitter, never carry them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from runner.execute import HostOutcome, HostState, PlayOutcome
from runner.inspect import inspect
from runner.junit import junit_xml
from tests.unit.checks.conftest import MODULE_PATH, load_measure_module
from tests.unit.test_inspect_run import WEB, context, make_estate

# planted: seconds each probe "took" per host, and each host's whole module call
PROBE_SECONDS = {"web-01": {"packages": 1.234, "service_status": 0.567},
                 "web-02": {"packages": 0.089, "service_status": 3.21}}
HOST_SECONDS = {"web-01": 1.911, "web-02": 3.402}


def test_the_module_times_each_measurement_on_the_clock_it_is_given(monkeypatch) -> None:
    pm = load_measure_module()
    monkeypatch.setitem(pm.PROBES, "loadavg", lambda: {"load": 1})
    monkeypatch.setitem(pm.PROBES, "meminfo", lambda: {"total_kb": 1})
    ticks = iter([10.0, 10.25, 10.25, 11.75])  # each measurement reads the clock twice
    values, seconds = pm.measure_timed(
        [{"id": "a", "probe": "loadavg", "args": {}}, {"id": "b", "probe": "meminfo", "args": {}}],
        clock=lambda: next(ticks))
    assert values == {"a": {"load": 1}, "b": {"total_kb": 1}}
    assert seconds == {"a": 0.25, "b": 1.5}


def test_a_slow_probe_takes_its_own_time_and_not_the_others(monkeypatch) -> None:
    pm = load_measure_module()
    monkeypatch.setitem(pm.PROBES, "loadavg", lambda: time.sleep(0.3) or {"slept": True})
    _values, seconds = pm.measure_timed([
        {"id": "slow", "probe": "loadavg", "args": {}, "timeout": 5},
        {"id": "quick", "probe": "stat", "args": {"path": "/"}, "timeout": 5},
    ])
    assert seconds["slow"] >= 0.3 > seconds["quick"] >= 0


def test_the_ansible_module_returns_the_times(tmp_path: Path) -> None:
    """Through Ansible itself (a local module run): ``seconds`` keyed like ``values``."""
    args = tmp_path / "args.json"
    args.write_text('{"ANSIBLE_MODULE_ARGS": {"measurements": ['
                    '{"id": "m", "probe": "meminfo"}, {"id": "s", "probe": "stat", '
                    '"args": {"path": "/"}}]}}')
    out = subprocess.run([sys.executable, str(MODULE_PATH), str(args)], capture_output=True,
                         text=True, timeout=60, check=False)
    result = json.loads(out.stdout)
    assert set(result["seconds"]) == set(result["values"]) == {"m", "s"}
    assert all(0 <= s <= result["elapsed"] for s in result["seconds"].values())


class TimedFleet:
    """Answers the measuring module with planted values, probe times and spans."""

    def __call__(self, playbook: str, inventory: dict[str, Any], *, limit: list[str],
                 on_host: Any, **_: Any) -> PlayOutcome:
        hostvars = inventory["_meta"]["hostvars"]
        for host in limit:
            values, seconds = {}, {}
            for m in hostvars[host]["patrol_measurements"]:
                values[m["id"]] = ({"patrol-agent": "1.0.0-1"} if m["probe"] == "packages"
                                   else {"ssh": {"rc": 3, "output": "not running"}})
                seconds[m["id"]] = PROBE_SECONDS[host][m["probe"]]
            on_host(host, HostOutcome(HostState.OK, {"values": values, "seconds": seconds,
                                                     "elapsed": HOST_SECONDS[host]}))
        return PlayOutcome({}, "successful", 0, ansible_seconds=42.0)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return make_estate(tmp_path / "estate")


def test_junit_times_come_from_the_measurement_and_never_reach_the_archive(estate) -> None:
    run = inspect(estate, "fake", ctx=context(estate), play=TimedFleet())
    xml = JUnitXml.fromstring(junit_xml("fake", run.results, run.timings["ansible"]))
    probe_of = {"agent": "packages", "ssh": "service_status"}  # the fake checklist's checks
    suites = {suite.name: suite for suite in xml}
    for host in WEB:
        suite = suites[f"fake.{host}"]
        assert suite.time == pytest.approx(HOST_SECONDS[host])
        assert {case.name: case.time for case in suite} == {
            cid: pytest.approx(PROBE_SECONDS[host][probe]) for cid, probe in probe_of.items()}
    assert xml.time == pytest.approx(42.0)

    written = [estate / run.record_path, *(estate / "reports" / "status").glob("*.yaml")]
    planted = [*HOST_SECONDS.values(), *(s for h in PROBE_SECONDS.values() for s in h.values())]
    for path in written:
        text = path.read_text()
        assert "seconds" not in text and "elapsed" not in text, path
        for value in planted:
            assert str(value) not in text, (path, value)
