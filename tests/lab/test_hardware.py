"""Hardware health on the lab: each host's BMC is a real HTTPS Redfish service that DMTF's own
validator accepts, faults change what it reports, and an inspection turns that into verdicts,
findings naming the spare and its depot, and an on-site incident that a part replaced and a
clean reading close."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner.inspect import inspect
from runner.results import Status
from tests.conftest import commit_all, copy_estate

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSDL = Path(__file__).parent / "data" / "redfish-csdl-2025.4.tar.xz"  # DMTF DSP8010, BSD-3
pytestmark = [pytest.mark.lab,
              pytest.mark.skipif(os.geteuid() != 0, reason="lab tests need root")]

HOST = "web-01"  # hz-dc1, a dl360-g10 with two hpe-psu-500w


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    dest = copy_estate(tmp_path / "estate")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # load is not under test
        checklist.write_text(checklist.read_text().replace("      max: 2.0\n",
                                                           "      max: 1000.0\n"))
    commit_all(dest)
    return dest


@pytest.fixture
def clean_bmcs(lab):
    from runner.lab import faults

    yield
    for name in lab.names:
        faults.bmc_fault(name, "clear", lab.config)
        faults.bmc_layout(name, "classic", lab.config)


def bmc(lab, host: str) -> dict[str, Any]:
    from runner.lab import bmc as lab_bmc

    return lab_bmc.connection_vars(lab.config)[host]


def curl(lab, host: str, path: str) -> dict[str, Any]:
    """What curl (not Patrol's client) reads from the BMC, HTTP Basic over the lab's CA."""
    v = bmc(lab, host)
    config = f'user = "{v["username"]}:{v["password"]}"\n'  # on stdin, not in argv
    out = subprocess.run(["curl", "-sS", "--fail", "--max-time", "10", "--cacert", v["cafile"],
                          "-K", "-", f"https://{v['address']}{path.split('#')[0]}"],
                         input=config, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def member(resource: dict[str, Any], path: str) -> dict[str, Any]:
    """The array member a ``...#/PowerSupplies/1`` path points to (or the resource)."""
    if "#/" not in path:
        return resource
    key, index = path.split("#/")[1].split("/")
    return resource[key][int(index)]


def hardware(estate: Path, lab, host: str = HOST):
    run = inspect(estate, "daily", limit=host, connections=lab.ansible_vars())
    return run, run.results[host].checks["hardware"]


def test_the_lab_bmc_is_https_with_authentication_and_out_of_the_hosts_reach(lab) -> None:
    v = bmc(lab, HOST)
    anonymous = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                "--cacert", v["cafile"],
                                f"https://{v['address']}/redfish/v1/Systems"],
                               capture_output=True, text=True)
    assert anonymous.stdout == "401"
    assert curl(lab, HOST, "/redfish/v1/Systems")["Members@odata.count"] == 1
    plain = subprocess.run(["curl", "-sS", "-m", "5", f"http://{v['address']}/redfish/v1"],
                           capture_output=True, text=True)
    assert plain.returncode != 0  # no plain HTTP
    from_host = lab.run(HOST, f"python3 -c \"import socket; socket.create_connection("
                              f"('{v['address']}', 443), timeout=3)\"")
    assert from_host.returncode != 0, "a lab host reached a BMC"


@pytest.mark.parametrize(("faulted", "layout"), [(False, "classic"), (True, "classic"),
                                                 (True, "subsystems")],
                         ids=["healthy", "every-hardware-fault", "newer-layout-faulted"])
def test_dmtfs_service_validator_accepts_the_lab_bmc(lab, clean_bmcs, tmp_path, faulted,
                                                     layout) -> None:
    from runner.lab import bmc_faults, faults

    faults.bmc_layout(HOST, layout, lab.config)
    if faulted:
        for fault in bmc_faults.HARDWARE:
            faults.bmc_fault(HOST, fault, lab.config)
    schemas = tmp_path / "csdl"
    with tarfile.open(CSDL) as tar:
        tar.extractall(schemas, filter="data")
    v = bmc(lab, HOST)
    proc = subprocess.run(
        [str(BIN / "rf_service_validator"), "-r", f"{v['address']}:443", f"--user={v['username']}",
         # "=" keeps a password that starts with "-" a value, not an option
         f"--password={v['password']}", "--authtype", "Session", "--schema_directory", str(schemas),
         "--skipschema", "--logdir", str(tmp_path / "report")],
        env={**os.environ, "REQUESTS_CA_BUNDLE": v["cafile"]}, capture_output=True, text=True,
        timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]


FAULTS = [  # fault, Redfish path, health the BMC reports, status, critical
    ("psu-failed", "/redfish/v1/Chassis/1U/Power#/PowerSupplies/1", "Critical", True),
    ("fan-degraded", "/redfish/v1/Chassis/1U/Thermal#/Fans/0", "Warning", False),
    ("drive-failing", "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2", "Warning", False),
    ("volume-rebuilding", "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1", "Warning",
     False),
    ("dimm-errors", "/redfish/v1/Systems/437XR1138R2/Memory/DIMM1", "Critical", True),
    ("over-temperature", "/redfish/v1/Chassis/1U/Thermal#/Temperatures/0", "Critical", False),
]


@pytest.mark.parametrize(("fault", "path", "health", "critical"), FAULTS,
                         ids=[f[0] for f in FAULTS])
def test_each_bmc_fault_fails_its_component_as_curl_reads_it(
        lab, clean_bmcs, estate, fault, path, health, critical) -> None:
    from runner.lab import faults

    faults.bmc_fault(HOST, fault, lab.config)
    _, result = hardware(estate, lab)
    assert result.status is Status.FAIL, result.reason
    [failed] = [f for f in result.value["failed"] if f["path"] == path]
    seen = member(curl(lab, HOST, path), path)  # the same BMC through another client
    assert (failed["health"], failed["state"]) == (seen["Status"]["Health"],
                                                   seen["Status"]["State"])
    assert failed["health"] == health and failed["critical"] is critical
    assert failed["message"] == seen["Status"]["Conditions"][0]["Message"]
    assert path in result.reason and failed["message"] in result.reason
    assert [f["path"] for f in result.value["failed"]] == [path]  # nothing else failed


def test_a_bmc_that_is_down_or_slow_is_an_error_of_the_check_not_the_host(
        lab, clean_bmcs, estate) -> None:
    from runner.lab import faults

    faults.bmc_fault(HOST, "down", lab.config)
    run, result = hardware(estate, lab)
    assert result.status is Status.ERROR
    assert "closed the connection" in result.reason
    assert run.results[HOST].reachable
    assert run.results[HOST].checks["sshd-running"].status is Status.PASS
    faults.bmc_fault(HOST, "clear", lab.config)
    faults.bmc_fault(HOST, "slow", lab.config)
    run, result = hardware(estate, lab)
    assert (result.status, result.reason) == (Status.ERROR,
                                              f"BMC {bmc(lab, HOST)['address']} did not "
                                              "answer within 30 s")
    assert run.results[HOST].checks["sshd-running"].status is Status.PASS


def _stock(estate: Path, edit: dict[tuple[str, str], int]) -> None:
    path = estate / "inventory/spares.yaml"
    text = path.read_text()
    for (part, depot), qty in edit.items():
        old = next(line for line in text.splitlines()
                   if f"part: {part}, depot: {depot}," in line)
        text = text.replace(old, old.rsplit("quantity:", 1)[0] + f"quantity: {qty}}}")
    path.write_text(text)
    commit_all(estate, "stock")


def test_a_failed_psu_names_the_depot_that_reaches_the_site_and_whether_in_time(
        lab, clean_bmcs, estate) -> None:
    from runner.lab import faults

    # planted: web-01's site hz-dc1 has no hpe-psu-500w left; eu-central (on no site) holds 1
    # and reaches hz-dc1 in 2d, beyond the 4h commitment; fra-dc2-cage does not reach hz-dc1
    _stock(estate, {("hpe-psu-500w", "hz-dc1-cage"): 0})
    faults.bmc_fault(HOST, "psu-failed", lab.config)
    _, result = hardware(estate, lab)
    [failed] = result.value["failed"]
    assert failed["spare"] == {
        "part": "hpe-psu-500w", "in_time": False, "depot": None,
        "text": "spare hpe-psu-500w (865408-B21): no stock reaches hz-dc1 within 4h; "
                "nearest eu-central (1) reaches it in 2d"}
    # planted: db-02 (fra-dc2, r740xd) finds no dell-psu-750w on its site; eu-central, another
    # depot, gets 2 and reaches fra-dc2 in 3h, within the 4h commitment
    _stock(estate, {("dell-psu-750w", "fra-dc2-cage"): 0})
    spares = estate / "inventory/spares.yaml"
    spares.write_text(spares.read_text().replace(
        "  - {part: hpe-psu-500w, depot: eu-central, quantity: 1}\n",
        "  - {part: hpe-psu-500w, depot: eu-central, quantity: 1}\n"
        "  - {part: dell-psu-750w, depot: eu-central, quantity: 2}\n"))
    commit_all(estate, "stock at the regional depot")
    faults.bmc_fault("db-02", "psu-failed", lab.config)
    _, result = hardware(estate, lab, "db-02")
    [failed] = result.value["failed"]
    assert (failed["spare"]["part"], failed["spare"]["depot"], failed["spare"]["in_time"]) == (
        "dell-psu-750w", "eu-central", True)
    assert "2 at eu-central, reaches fra-dc2 in 3h, within 4h" in result.reason


def _incident(estate: Path, iid: str) -> dict[str, Any]:
    [path] = (estate / "reports/incidents").rglob(f"{iid}.yaml")
    return yaml.safe_load(path.read_text())


def test_a_critical_failure_opens_an_on_site_incident_that_the_part_and_a_clean_run_close(
        lab, clean_bmcs, estate) -> None:
    from runner.lab import faults

    faults.bmc_fault(HOST, "psu-failed", lab.config)
    run, result = hardware(estate, lab)
    assert result.value["critical"] is True
    [iid] = run.incidents
    incident = _incident(estate, iid)
    assert incident["hosts"] == [HOST]
    assert incident["finding"].endswith("hardware")
    used = subprocess.run([str(BIN / "patrol"), "spares", "use", "hpe-psu-500w",
                           "--depot", "hz-dc1-cage", "--host", HOST,
                           "--reason", f"{iid}: PSU bay 2 replaced"],
                          cwd=estate, capture_output=True, text=True)
    assert used.returncode == 0, used.stdout + used.stderr
    faults.bmc_fault(HOST, "clear", lab.config)  # the new part reports healthy
    run, result = hardware(estate, lab)
    assert result.status is Status.PASS, result.reason
    incident = _incident(estate, iid)
    assert incident["state"] == "resolved"
    assert "hpe-psu-500w from hz-dc1-cage" in incident["resolution"]
    record = yaml.safe_load((estate / run.record_path).read_text())
    assert {"incident": iid, "finding": incident["finding"], "event": "resolved"} in \
        record["incidents"]


SUBSYSTEMS = ("    redfish:\n      power_supplies: Chassis/PowerSubsystem\n"
              "      fans: Chassis/ThermalSubsystem\n      drives: Chassis/Drives\n"
              "      memory: Chassis/Memory\n")
NEWER = [  # fault, where a BMC of the newer layout keeps the failed part
    ("psu-failed", "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/1"),
    ("fan-degraded", "/redfish/v1/Chassis/1U/ThermalSubsystem/Fans/0"),
    ("drive-failing", "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2"),
    ("dimm-errors", "/redfish/v1/Chassis/1U/Memory/DIMM1"),
]


def _declare(estate: Path, block: str) -> None:
    """Replace dl360-g10's redfish: block (the sample declares the classic layout)."""
    path = estate / "inventory/models.yaml"
    text = path.read_text()
    start = text.index("    redfish:\n", text.index("- id: dl360-g10"))
    end = text.index("  - id:", start)
    path.write_text(text[:start] + block + text[end:])
    commit_all(estate, "the model's BMC layout")


def test_a_model_of_the_newer_layout_is_read_where_it_says_and_curl_agrees(
        lab, clean_bmcs, estate) -> None:
    from runner.lab import faults

    faults.bmc_layout(HOST, "subsystems", lab.config)
    for fault, _ in NEWER:
        faults.bmc_fault(HOST, fault, lab.config)
    # the sample's dl360-g10 says classic: the BMC has none of those locations, said so
    _, result = hardware(estate, lab)
    assert result.status is Status.ERROR
    assert {m["location"] for m in result.value["missing"]} == {
        "Chassis/Power", "Chassis/Thermal", "Systems/Storage", "Systems/Memory"}
    assert "where dl360-g10 keeps them" in result.reason
    _declare(estate, SUBSYSTEMS)
    _, result = hardware(estate, lab)
    assert result.status is Status.FAIL, result.reason
    failed = {f["path"]: f for f in result.value["failed"]}
    for fault, path in NEWER:
        seen = curl(lab, HOST, path)  # the same BMC through another client
        assert (failed[path]["health"], failed[path]["state"], failed[path]["message"]) == (
            seen["Status"]["Health"], seen["Status"]["State"],
            seen["Status"]["Conditions"][0]["Message"]), fault
    assert failed[NEWER[0][1]]["critical"] is True  # bay 2 of 2: no redundancy left
    assert failed[NEWER[0][1]]["spare"]["part"] == "hpe-psu-500w"
    assert failed[NEWER[3][1]]["spare"]["part"] == "dimm-32g-ddr4"
