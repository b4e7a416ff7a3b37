"""hardware_health: DMTF's mockup read through the Redfish boundary (a fake session serving it),
then judged; the spare and depot named come from a planted estate."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from runner import checks, execute_redfish
from runner.checks import hardware_health as hh
from runner.lab import bmc_faults, bmc_mockup
from runner.results import Status
from runner.spares.hardware import spares_for

BASE = json.loads(bmc_mockup.RESOURCES_JSON)
READ_AT = "2026-12-07T04:00:00Z"


class FakeSession:
    """The redfish client's surface the boundary uses, serving resources from a dict."""

    def __init__(self, resources: dict[str, Any]) -> None:
        self.resources = resources
        self.paths: list[str] = []

    def get(self, path: str, timeout: float | None = None, max_retry: int | None = None) -> Any:
        self.paths.append(path)
        body = self.resources.get(path.rstrip("/") or "/")
        return SimpleNamespace(status=200 if body is not None else 404, dict=body)


def reading(faults: dict[str, str] | None = None) -> dict[str, Any]:
    """What the boundary reads from a BMC with ``faults`` (fault -> when it began)."""
    from datetime import UTC, datetime

    resources = bmc_faults.apply(BASE, faults or {})
    reader = execute_redfish._Reader(FakeSession(resources), time.monotonic() + 30)
    root = reader.get("/redfish/v1")
    comps: list[dict[str, Any]] = []
    for system in reader.members(root["Systems"]):
        comps += execute_redfish._system(reader, system)
    for chassis in reader.members(root["Chassis"]):
        comps += execute_redfish._chassis(reader, chassis)
    events = [e for m in reader.members(root["Managers"]) for e in execute_redfish._events(
        reader, m)]
    assert datetime.fromisoformat(READ_AT.replace("Z", "+00:00")).tzinfo is UTC
    return {"read_at": READ_AT, "components": comps, "events": events}


def estate(host_site: str = "fra-dc2") -> tuple[Any, Any]:
    """A planted estate: model m1 uses a PSU (pn PSU-1), a disk and a DIMM; the PSU is stocked
    only at another site's depot (far) and a regional depot (near) that reaches in 3h."""
    parts = {
        "psu": SimpleNamespace(id="psu", description="PSU", vendor_part_number="PSU-1",
                               category="power"),
        "disk": SimpleNamespace(id="disk", description="Disk", vendor_part_number=None,
                                category="disk"),
        "dimm": SimpleNamespace(id="dimm", description="DIMM", vendor_part_number=None,
                                category="memory"),
    }
    model = SimpleNamespace(id="m1", parts=[SimpleNamespace(part=p) for p in parts])
    depots = {
        "far": SimpleNamespace(id="far", site="other-dc", reaches={host_site: timedelta(days=2)}),
        "near": SimpleNamespace(id="near", site=None, reaches={host_site: timedelta(hours=3)}),
        "cage": SimpleNamespace(id="cage", site=host_site, reaches={}),
    }
    stock = [SimpleNamespace(part="psu", depot="far", quantity=3),
             SimpleNamespace(part="psu", depot="near", quantity=1),
             SimpleNamespace(part="disk", depot="far", quantity=2),
             SimpleNamespace(part="dimm", depot="cage", quantity=0)]
    commitments = [SimpleNamespace(part="psu", delivery=timedelta(hours=4)),
                   SimpleNamespace(part="disk", delivery=timedelta(hours=4)),
                   SimpleNamespace(part="dimm", delivery=timedelta(days=1))]
    est = SimpleNamespace(models={"m1": model}, parts=parts, depots=depots, stock=stock,
                          commitments=commitments)
    host = SimpleNamespace(name="app-01", site=host_site, software={},
                           hardware=SimpleNamespace(model="m1"))
    return est, host


def judged(faults: dict[str, str] | None = None, **params: Any) -> Any:
    est, host = estate()
    measured = {**reading(faults), "spares": spares_for(est, host)}
    return hh.judge(measured, hh.Params(**params), host)


def test_the_published_mockup_reads_as_a_healthy_server() -> None:
    result = judged()
    assert result.status is Status.PASS, result.reason
    kinds = {c["category"] for c in reading()["components"]}
    assert kinds == {"system", "processor", "memory", "controller", "disk", "volume", "power",
                     "fan", "temperature"}
    assert result.value["failed"] == [] and result.value["components"] == 22


@pytest.mark.parametrize(("fault", "path", "health", "state", "said"), [
    ("psu-failed", "/redfish/v1/Chassis/1U/Power#/PowerSupplies/1", "Critical",
     "UnavailableOffline", "lost its input"),
    ("fan-degraded", "/redfish/v1/Chassis/1U/Thermal#/Fans/0", "Warning", "Enabled",
     "below its lower threshold"),
    ("drive-failing", "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2", "Warning", "Enabled",
     "Predictive failure"),
    ("volume-rebuilding", "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1", "Warning",
     "Enabled", "rebuilding onto a replacement drive"),
    ("dimm-errors", "/redfish/v1/Systems/437XR1138R2/Memory/DIMM1", "Critical", "Enabled",
     "Uncorrectable ECC"),
    ("over-temperature", "/redfish/v1/Chassis/1U/Thermal#/Temperatures/0", "Critical",
     "Enabled", "above its upper critical threshold"),
])
def test_each_fault_fails_the_component_it_planted(fault, path, health, state, said) -> None:
    result = judged({fault: "2020-01-01T00:00:00Z"})  # an old event: only the part is judged
    assert result.status is Status.FAIL
    [failed] = result.value["failed"]
    assert (failed["path"], failed["health"], failed["state"]) == (path, health, state)
    assert said in failed["message"]
    assert path in result.reason and said in result.reason


def test_a_failed_psu_leaving_no_redundancy_is_critical_a_slow_fan_is_not() -> None:
    old = "2020-01-01T00:00:00Z"
    assert judged({"psu-failed": old}).value["critical"] is True
    assert judged({"dimm-errors": old}).value["critical"] is True
    assert judged({"fan-degraded": old}).value["critical"] is False
    assert judged({"drive-failing": old}).value["critical"] is False


def test_the_psu_failure_names_the_depot_that_reaches_the_site_in_time() -> None:
    [failed] = judged({"psu-failed": "2020-01-01T00:00:00Z"}).value["failed"]
    # planted: 3 at "far" (2d, too late), 1 at "near" (3h, within the 4h commitment)
    assert failed["spare"]["part"] == "psu"
    assert failed["spare"]["depot"] == "near" and failed["spare"]["in_time"] is True
    assert "spare psu (PSU-1): 1 at near, reaches fra-dc2 in 3h, within 4h" in \
        failed["spare"]["text"]


def test_a_part_with_no_stock_in_reach_says_so_and_names_the_nearest() -> None:
    [failed] = judged({"drive-failing": "2020-01-01T00:00:00Z"}).value["failed"]
    assert failed["spare"]["in_time"] is False and failed["spare"]["depot"] is None
    assert failed["spare"]["text"] == ("spare disk: no stock reaches fra-dc2 within 4h; "
                                       "nearest far (2) reaches it in 2d")


def test_a_component_the_model_has_no_part_for_says_so() -> None:
    [failed] = judged({"fan-degraded": "2020-01-01T00:00:00Z"}).value["failed"]
    assert failed["spare"]["part"] is None
    assert "no part of the host's model is a fan" in failed["spare"]["text"]


def test_new_event_log_warnings_fail_old_ones_do_not() -> None:
    recent = judged({"fan-degraded": "2026-12-07T03:00:00Z"}, ignore=["*/Fans/*"])
    assert recent.status is Status.FAIL
    assert [e["created"] for e in recent.value["events"]] == ["2026-12-07T03:00:00Z"]
    old = judged({"fan-degraded": "2026-12-05T03:00:00Z"}, ignore=["*/Fans/*"])
    assert old.status is Status.PASS, old.reason  # the mockup's own 2012 entry is old too
    off = judged({"fan-degraded": "2026-12-07T03:00:00Z"}, ignore=["*/Fans/*"], event_hours=0)
    assert off.status is Status.PASS


def test_a_bmc_that_does_not_answer_is_an_error_of_the_check() -> None:
    result = hh.judge({"error": "BMC 10.0.0.1 did not answer within 30 s"}, hh.Params(), None)
    assert (result.status, result.reason) == (Status.ERROR,
                                              "BMC 10.0.0.1 did not answer within 30 s")


def test_the_bmc_probe_is_read_by_the_controller_not_sent_to_the_host() -> None:
    host = SimpleNamespace(name="h", software={})
    specs = [("hw", "hardware_health", {}), ("reboot", "reboot_required", {})]
    planned = checks.plan_measurements(specs, host)
    assert [m["probe"] for m in planned] == ["reboot_required"]
    ids = checks.controller_ids(specs, host)
    assert list(ids.values()) == ["redfish"]
    values = {planned[0]["id"]: {"required": False}, **dict.fromkeys(ids, reading())}
    results = checks.judge_all(specs, host, values)
    assert results["hw"].status is Status.PASS and results["reboot"].status is Status.PASS


def test_reads_run_in_parallel_and_a_hung_bmc_is_an_error_after_the_deadline() -> None:
    release = threading.Event()

    def reader(target: execute_redfish.Target, timeout: float) -> dict[str, Any]:
        if target.host == "hung":
            release.wait(30)
            return {"components": []}
        time.sleep(0.3)
        return {"components": [], "host": target.host}

    targets = [execute_redfish.Target(f"h{i}", f"10.0.0.{i}") for i in range(10)]
    targets.append(execute_redfish.Target("hung", "10.0.0.99"))
    t0 = time.monotonic()
    reads = execute_redfish.start_reads(targets, timeout=1.0, reader=reader, grace=0.5)
    assert time.monotonic() - t0 < 0.2  # starting waits for nothing
    got = {t.host: reads.get(t.host) for t in targets[:10]}
    assert time.monotonic() - t0 < 1.5  # ten 0.3 s reads at once, not one after another
    assert all(v["host"] == h for h, v in got.items())
    assert reads.get("hung") == {"error": "BMC 10.0.0.99 did not answer within 1 s"}
    release.set()
    reads.close()


def test_an_unset_password_variable_is_an_error_before_any_request() -> None:
    bmc = SimpleNamespace(address="10.0.0.5", port=443, username="patrol",
                          password=SimpleNamespace(env="PATROL_TEST_UNSET_BMC"),
                          tls=SimpleNamespace(verify=True, ca=None))
    host = SimpleNamespace(name="h", bmc=bmc)
    target = execute_redfish.target_of(host, ".", env={})
    assert target is not None
    assert execute_redfish.read(target) == {
        "error": "BMC 10.0.0.5: the environment variable PATROL_TEST_UNSET_BMC is not set"}
    assert "secret" not in repr(execute_redfish.Target("h", "a", password="secret"))


def test_failed_parts_of_unresolved_findings_count_as_demand_at_the_hosts_site() -> None:
    from runner.spares.coverage import Line
    from runner.spares.hardware import demand

    def finding(state: str, failed: list[dict[str, Any]]) -> Any:
        return SimpleNamespace(kind="check", state=SimpleNamespace(value=state),
                               subject="app-01", value={"failed": failed})

    findings = {"open": finding("open", [{"spare": {"part": "psu"}}, {"spare": {"part": None}},
                                         {"why": "rebuilding"}]),
                "waived": finding("waived", [{"spare": {"part": "psu"}}]),
                "closed": finding("closed", [{"spare": {"part": "disk"}}])}
    est = SimpleNamespace(hosts={"app-01": SimpleNamespace(site="fra-dc2")})
    assert demand(findings, est) == {("fra-dc2", "psu"): 2}
    line = Line("fra-dc2", "psu", 2, "min_stock 2", 2, timedelta(hours=4), "depot", 2,
                (("cage", 2),), demand=2)
    assert (line.shortfall, line.short) == (2, True)  # covered before the failures, not now


def test_the_months_hardware_failures_say_part_time_to_replace_and_stock_used() -> None:
    from datetime import UTC, datetime

    from runner.report.hardware import failures
    from runner.report.period import Month

    opened, closed = datetime(2026, 11, 3, 8, 0, tzinfo=UTC), datetime(2026, 11, 3, 14, 30,
                                                                      tzinfo=UTC)
    failed = [{"path": "/redfish/v1/Chassis/1U/Power#/PowerSupplies/1", "name": "PSU Bay 2",
               "spare": {"part": "psu", "depot": "near"}}]

    def finding(host: str, at: datetime, until: datetime | None) -> Any:
        return SimpleNamespace(kind="check", subject=host, value={"failed": failed},
                               opened_at=at, closed_at=until)

    findings = {"a": finding("web-01", opened, closed),
                "old": finding("web-02", datetime(2026, 9, 1, tzinfo=UTC),
                               datetime(2026, 9, 2, tzinfo=UTC)),
                "b": finding("web-03", datetime(2026, 11, 29, tzinfo=UTC), None)}
    used = [{"at": datetime(2026, 11, 3, 13, 0, tzinfo=UTC), "host": "web-01", "part": "psu",
             "depot": "near"},
            {"at": datetime(2026, 11, 3, 13, 0, tzinfo=UTC), "host": "web-02", "part": "psu",
             "depot": "far"}]
    rows = failures(findings, used, Month(2026, 11))
    assert [(r.host, r.part, r.depot, r.took, r.used) for r in rows] == [
        ("web-01", "psu", "near", timedelta(hours=6, minutes=30), "psu from near"),
        ("web-03", "psu", "near", None, "")]


def test_a_reading_without_tls_verification_says_so() -> None:
    est, host = estate()
    measured = {**reading(), "spares": spares_for(est, host), "verified": False}
    result = hh.judge(measured, hh.Params(), host)
    assert result.status is Status.PASS
    assert result.reason == "22 components healthy (TLS not verified: tls.verify is false)"


@pytest.mark.parametrize(("bmc", "error"), [
    ({"address": "10.0.1.5", "username": "patrol", "password": "hunter2"}, "plain-text secret"),
    ({"address": "10.0.1.5", "username": "patrol", "password": {"env": "BMC_PW"},
      "tls": {"verify": False, "ca": "inventory/ca.pem"}}, "only used with verify: true"),
    ({"address": "10.0.1.5", "username": "patrol", "password": {"env": "BMC_PW"},
      "tls": {"ca": "../ca.pem"}}, "leaves the estate"),
    ({"address": "bmc.example", "username": "patrol", "password": {"env": "BMC_PW"}},
     "address"),
    ({"address": "10.0.1.5", "port": 0, "username": "patrol", "password": {"env": "BMC_PW"}},
     "port"),
])
def test_a_bmc_refuses_plain_passwords_and_untrustworthy_tls(bmc, error) -> None:
    from pydantic import ValidationError

    from runner.estate.models import Bmc

    with pytest.raises(ValidationError) as info:
        Bmc.model_validate(bmc)
    assert error in str(info.value)
    ok = Bmc.model_validate({"address": "10.0.1.5", "username": "patrol",
                             "password": {"env": "BMC_PW"}, "tls": {"ca": "inventory/ca.pem"}})
    assert (ok.port, ok.tls.verify, ok.tls.ca) == (443, True, "inventory/ca.pem")
