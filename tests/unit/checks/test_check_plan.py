"""plan_measurements and judge_all: checklist -> module arguments -> results, per host."""

from __future__ import annotations

from dataclasses import dataclass, field

from runner.checks import get, judge_all, measurement_id, plan_measurements
from runner.checks.base import Measurement
from runner.results import Status


@dataclass
class StubHost:
    name: str = "app-01"
    software: dict[str, str] = field(default_factory=dict)


HOST = StubHost(software={"patrol-agent": "1.0.0-1"})

CHECKS = [
    ("disk", "filesystem_usage", {"max_percent": 85}),
    ("inodes", "inode_usage", {"max_percent": 90}),
    ("shadow", "file_mode", {"path": "/etc/shadow", "mode": "0640"}),
    ("backup", "file_freshness", {"path": "/var/backups/patrol-last-backup"}),
    ("agent", "drift", {}),
    ("agent-pinned", "package_version", {"packages": {"patrol-agent": "1.0.0-1"}}),
    ("mem", "memory_available", {}),
]


def test_identical_probes_are_measured_once():
    planned = plan_measurements(CHECKS, HOST)
    probes = [m["probe"] for m in planned]
    # disk+inodes share one statvfs pass; drift and package_version ask for the same names
    assert probes == ["filesystems", "stat", "stat", "packages", "meminfo"]
    assert len({m["id"] for m in planned}) == len(planned)


def test_plan_is_plain_module_arguments():
    planned = plan_measurements(CHECKS, HOST)
    shadow = next(m for m in planned if m["args"] == {"path": "/etc/shadow"})
    assert set(shadow) == {"id", "probe", "args", "timeout"}
    assert shadow["id"].startswith("stat-")


def test_each_probe_gets_its_kinds_timeout_unless_the_check_sets_one():
    from runner.checks.base import DEFAULT_TIMEOUT

    plain = plan_measurements([("up", "pending_upgrades", {}), *CHECKS], HOST)
    by_probe = {m["probe"]: m["timeout"] for m in plain}
    assert by_probe["meminfo"] == DEFAULT_TIMEOUT
    assert by_probe["apt_upgrades"] > DEFAULT_TIMEOUT  # apt's cache is slow to load
    own = plan_measurements(CHECKS, HOST, {"mem": 3, "shadow": None})
    assert {m["probe"]: m["timeout"] for m in own}["meminfo"] == 3


def test_checks_sharing_a_probe_share_the_longest_timeout():
    shared = [("disk", "filesystem_usage", {}), ("inodes", "inode_usage", {})]
    planned = plan_measurements(shared, HOST, {"disk": 4, "inodes": 40})
    assert [(m["probe"], m["timeout"]) for m in planned] == [("filesystems", 40)]
    # the timeout is not part of what is measured: judging still finds the value
    assert planned[0]["id"] == plan_measurements(shared, HOST)[0]["id"]


def test_measurement_ids_are_stable_and_depend_on_args():
    a = measurement_id(Measurement("stat", {"path": "/a"}))
    assert a == measurement_id(Measurement("stat", {"path": "/a"}))
    assert a != measurement_id(Measurement("stat", {"path": "/b"}))
    assert measurement_id(Measurement("packages", {"names": ["x"], "y": 1})) == measurement_id(
        Measurement("packages", {"y": 1, "names": ["x"]})
    )


def test_plan_depends_on_the_hosts_declared_software():
    other = StubHost(software={"patrol-agent": "1.0.0-1", "nginx": "1.22.1-9"})
    drift_only = [("agent", "drift", {})]
    assert plan_measurements(drift_only, HOST)[0]["args"] == {"names": ["patrol-agent"]}
    assert plan_measurements(drift_only, other)[0]["args"] == {"names": ["nginx", "patrol-agent"]}


def _values(planned, by_probe):
    return {m["id"]: by_probe[m["probe"]](m["args"]) for m in planned}


def test_judge_all_maps_values_back_to_each_check():
    planned = plan_measurements(CHECKS, HOST)
    fs = {"fstype": "ext4", "device": "/dev/vda", "size": 100, "used": 91, "avail": 9,
          "inodes": 100, "inodes_used": 10, "inodes_avail": 90}  # fmt: skip
    now = 1_800_000_000
    values = _values(
        planned,
        {
            "filesystems": lambda a: {"/var": fs},
            "stat": lambda a: {"exists": True, "type": "file", "mode": "0640", "owner": "root",
                               "group": "shadow", "mtime": now - 3600, "now": now},
            "packages": lambda a: {"patrol-agent": "1.1.0-1"},
            "meminfo": lambda a: {"error": "/proc/meminfo: Permission denied"},
        },
    )  # fmt: skip
    results = judge_all(CHECKS, HOST, values)
    assert list(results) == [c[0] for c in CHECKS]
    assert results["disk"].status is Status.FAIL
    assert results["disk"].reason == "/var 91% used, limit 85%"
    assert results["inodes"].status is Status.PASS
    assert results["shadow"].status is Status.PASS
    assert results["backup"].status is Status.PASS
    assert results["agent"].reason == "patrol-agent declared 1.0.0-1, installed 1.1.0-1"
    assert results["agent-pinned"].status is Status.FAIL
    assert results["mem"].status is Status.ERROR
    assert results["mem"].reason == "/proc/meminfo: Permission denied"


def test_missing_value_is_an_error_for_that_check_only():
    checks = [("mem", "memory_available", {}), ("reboot", "reboot_required", {})]
    planned = plan_measurements(checks, HOST)
    reboot_id = next(m["id"] for m in planned if m["probe"] == "reboot_required")
    results = judge_all(checks, HOST, {reboot_id: {"required": False, "packages": []}})
    assert results["mem"] == results["mem"].__class__(Status.ERROR, None, "no value was measured")
    assert results["reboot"].status is Status.PASS


def test_no_values_at_all_gives_errors_not_a_crash():
    results = judge_all(CHECKS, HOST, None)
    assert {r.status for r in results.values()} == {Status.ERROR}


def test_malformed_value_is_an_error_not_a_crash():
    checks = [("mem", "memory_available", {}), ("load", "load_per_cpu", {})]
    planned = plan_measurements(checks, HOST)
    values = {m["id"]: {"unexpected": "shape"} for m in planned}
    results = judge_all(checks, HOST, values)
    assert results["mem"].status is Status.ERROR
    assert results["mem"].reason.startswith("cannot judge: KeyError")
    assert results["load"].status is Status.ERROR


def test_params_may_be_models_or_plain_dicts():
    kind = get("memory_available")
    as_model = [("mem", "memory_available", kind.Params(min_percent=50))]
    as_dict = [("mem", "memory_available", {"min_percent": 50})]
    assert plan_measurements(as_model, HOST) == plan_measurements(as_dict, HOST)
    values = {plan_measurements(as_dict, HOST)[0]["id"]: {"total_kb": 100, "available_kb": 40}}
    assert judge_all(as_model, HOST, values) == judge_all(as_dict, HOST, values)
    assert judge_all(as_dict, HOST, values)["mem"].status is Status.FAIL
