"""Vendors keep parts in different Redfish resources; a hardware model says where (``redfish:``
in inventory/models.yaml), validated like every field, and the reading follows it: the lab's
two BMC layouts (DMTF's mockup as published, and the same server as a newer BMC lays it out)
read through the Redfish boundary (a fake session serving them), then judged."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from runner import execute_redfish
from runner.checks import hardware_health as hh
from runner.estate import load_estate
from runner.lab import bmc_faults, bmc_layouts, bmc_mockup
from runner.results import Status
from tests.conftest import copy_estate
from tests.unit.checks.test_hardware_health import FakeSession

BASE = json.loads(bmc_mockup.RESOURCES_JSON)
WHEN = "2026-12-07T03:00:00Z"
TODAY = date(2026, 12, 7)
CH, SYS = bmc_faults.CHASSIS, bmc_faults.SYSTEM
SUBSYSTEMS = {"power_supplies": "Chassis/PowerSubsystem", "fans": "Chassis/ThermalSubsystem",
              "drives": "Chassis/Drives", "memory": "Chassis/Memory"}
CLASSIC = {"power_supplies": "Chassis/Power", "fans": "Chassis/Thermal",
           "drives": "Systems/Storage", "memory": "Systems/Memory"}


def judged(layout: str, declared: dict[str, str], faults: tuple[str, ...] = ()) -> Any:
    resources = bmc_layouts.apply(bmc_faults.apply(BASE, dict.fromkeys(faults, WHEN)), layout)
    reader = execute_redfish._Reader(FakeSession(resources), time.monotonic() + 30)
    reading = execute_redfish.read_resources(reader, declared)
    reading.update(read_at="2026-12-07T04:00:00Z", model="m1")
    return hh.judge(reading, hh.Params(event_hours=0)), reading


SUBSYSTEM_FAULTS = [  # fault, where the newer layout keeps the failed part
    ("psu-failed", f"{CH}/PowerSubsystem/PowerSupplies/1"),
    ("fan-degraded", f"{CH}/ThermalSubsystem/Fans/0"),
    ("drive-failing", f"{CH}/Drives/{bmc_faults.DRIVE}"),
    ("dimm-errors", f"{CH}/Memory/DIMM1"),
]


@pytest.mark.parametrize(("fault", "path"), SUBSYSTEM_FAULTS, ids=[f[0] for f in SUBSYSTEM_FAULTS])
def test_a_model_that_declares_the_newer_layout_is_read_there(fault: str, path: str) -> None:
    result, reading = judged("subsystems", SUBSYSTEMS, (fault,))
    assert result.status is Status.FAIL, result.reason
    assert [f["path"] for f in result.value["failed"]] == [path]
    assert "missing" not in reading
    counts = {c: sum(1 for x in reading["components"] if x["category"] == c)
              for c in ("power", "fan", "disk", "memory")}
    assert counts == {"power": 2, "fan": 2, "disk": 4, "memory": 4}  # every part, read once


def test_undeclared_the_newer_layout_hides_drives_and_memory() -> None:
    """Why the model must say: read the usual way, a drive or DIMM kept in the chassis is
    never seen, and a failing one passes."""
    for fault in ("drive-failing", "dimm-errors"):
        result, _ = judged("subsystems", {}, (fault,))
        assert result.status is Status.PASS, (fault, result.reason)
        result, _ = judged("subsystems", {"drives": "Chassis/Drives",
                                          "memory": "Chassis/Memory"}, (fault,))
        assert result.status is Status.FAIL, (fault, result.reason)


def test_a_declared_location_the_bmc_lacks_is_an_error_naming_it() -> None:
    result, _ = judged("subsystems", CLASSIC, ("psu-failed",))
    assert result.status is Status.ERROR
    assert result.value["missing"] == [
        {"parts": "drives", "location": "Systems/Storage"},
        {"parts": "fans", "location": "Chassis/Thermal"},
        {"parts": "memory", "location": "Systems/Memory"},
        {"parts": "power_supplies", "location": "Chassis/Power"}]
    assert result.reason.startswith("no drives at Systems/Storage; no fans at Chassis/Thermal; "
                                    "no memory at Systems/Memory; no power supplies at "
                                    "Chassis/Power, where m1 keeps them")
    result, _ = judged("classic", CLASSIC, ("psu-failed",))  # the BMC the model describes
    assert (result.status, [f["path"] for f in result.value["failed"]]) == (
        Status.FAIL, [f"{CH}/Power#/PowerSupplies/1"])


def test_the_classic_layout_reads_as_it_did_without_a_declaration() -> None:
    plain, a = judged("classic", {}, ("psu-failed", "drive-failing"))
    declared, b = judged("classic", CLASSIC, ("psu-failed", "drive-failing"))
    assert a["components"] == b["components"] and plain.value == declared.value


def _estate_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int, int]:
    root = copy_estate(tmp_path / "estate")
    path = root / "inventory/models.yaml"
    text = path.read_text()
    assert old in text
    lines = text.replace(old, new).splitlines()
    path.write_text("\n".join(lines) + "\n")
    [(n, line)] = [(n, line) for n, line in enumerate(lines, 1) if new.strip() == line.strip()]
    value = new.split(":", 1)[1].strip()
    return root, n, line.index(value) + 1


def test_a_location_redfish_does_not_have_is_refused_at_its_file_line_column(
        tmp_path: Path) -> None:
    root, line, column = _estate_with(tmp_path, "      power_supplies: Chassis/Power\n",
                                      "      power_supplies: Chassis/PowerSupplies\n")
    _, problems = load_estate(root, today=TODAY)
    [p] = [p for p in problems if p.severity == "error"]
    assert (p.file, p.line, p.column) == ("inventory/models.yaml", line, column)
    assert "redfish.power_supplies" in p.message
    assert "'Chassis/Power' or 'Chassis/PowerSubsystem'" in p.message


def test_an_unknown_kind_of_part_is_refused(tmp_path: Path) -> None:
    root, line, _ = _estate_with(tmp_path, "      fans: Chassis/Thermal\n",
                                 "      fan_trays: Chassis/Thermal\n")
    _, problems = load_estate(root, today=TODAY)
    [p] = [p for p in problems if p.severity == "error"]
    assert (p.file, p.line) == ("inventory/models.yaml", line)
    assert "fan_trays" in p.message


def test_the_schema_editors_use_offers_the_locations() -> None:
    schema = json.loads((Path(__file__).resolve().parents[3] / "schemas/models.schema.json"
                         ).read_text())
    layout = schema["$defs"]["RedfishLayout"]
    assert layout["additionalProperties"] is False
    drives = layout["properties"]["drives"]["anyOf"][0]
    assert sorted(drives["enum"]) == ["Chassis/Drives", "Systems/Storage"]


def test_the_lab_serves_the_newer_layout_with_metadata_for_its_types() -> None:
    r = bmc_layouts.apply(bmc_faults.apply(BASE, {}), "subsystems")
    assert "Power" not in r[CH] and f"{CH}/Power" not in r
    assert "Drives" not in r[f"{SYS}/Storage/1"] and "Memory" not in r[SYS]
    types = {v["@odata.type"].lstrip("#").split(".")[0] for v in r.values()
             if "@odata.type" in v}
    xml = bmc_layouts.metadata(bmc_mockup.METADATA_XML)
    for t in ("PowerSubsystem", "PowerSupply", "ThermalSubsystem", "Fan"):
        assert t in types and f"/{t}_v1.xml" in xml
    for path, body in r.items():  # every link the layout leaves points at a resource
        for link in _links(body):
            assert link.split("#")[0] in r or "/Actions/" in link or link.startswith(
                "/redfish/v1/SessionService/Sessions"), (path, link)


def _links(body: Any) -> list[str]:
    if isinstance(body, dict):
        out = [body["@odata.id"]] if isinstance(body.get("@odata.id"), str) and len(body) == 1 \
            else []
        return out + [x for v in body.values() for x in _links(v)]
    if isinstance(body, list):
        return [x for v in body for x in _links(v)]
    return []
