"""Vendor layouts of a lab BMC: where its Redfish resources keep the parts.

Vendors disagree on where parts live, so a lab BMC can serve the same server two ways:

- ``classic`` (DMTF's ``public-localstorage`` as published, like many BMCs in service): power
  supplies in ``Chassis/1U/Power``, fans in ``Chassis/1U/Thermal``, drives linked from the
  system's ``Storage/1``, memory under the system;
- ``subsystems`` (a newer BMC's): power supplies as resources under
  ``Chassis/1U/PowerSubsystem/PowerSupplies``, fans under ``Chassis/1U/ThermalSubsystem/Fans``
  (temperatures stay in ``Thermal``), drives only in the chassis' ``Drives`` collection (the
  storage subsystem no longer links them), memory under ``Chassis/1U/Memory``.

``apply`` turns a (faulted) classic copy into the other layout, so every fault of
``bmc_faults`` shows in either; the moved resources take the types DMTF's schemas give them,
and ``metadata`` adds those schemas to ``$metadata`` so the service validator can check them.
"""

from __future__ import annotations

from typing import Any

from .bmc_faults import CHASSIS, SYSTEM, Resources

CLASSIC = "classic"
SUBSYSTEMS = "subsystems"
LAYOUTS = (CLASSIC, SUBSYSTEMS)

_SCHEMAS = (("PowerSubsystem", "PowerSubsystem.v1_1_3"), ("PowerSupply", "PowerSupply.v1_6_0"),
            ("PowerSupplyCollection", None), ("ThermalSubsystem", "ThermalSubsystem.v1_5_0"),
            ("Fan", "Fan.v1_6_0"), ("FanCollection", None))
_KEEP_PSU = ("Name", "Status", "Model", "Manufacturer", "FirmwareVersion", "SerialNumber",
             "PartNumber", "SparePartNumber", "PowerCapacityWatts", "PowerSupplyType")


def metadata(xml: str) -> str:
    """``$metadata`` with references to the schemas the ``subsystems`` layout uses."""
    refs = "".join(
        f'  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/{name}_v1.xml">\n'
        f'    <edmx:Include Namespace="{name}"/>\n'
        + (f'    <edmx:Include Namespace="{version}"/>\n' if version else "")
        + "  </edmx:Reference>\n"
        for name, version in _SCHEMAS if f"/{name}_v1.xml" not in xml)
    at = xml.index("  <edmx:DataServices>")
    return xml[:at] + refs + xml[at:]


def _collection(path: str, kind: str, name: str, members: list[str]) -> dict[str, Any]:
    return {"@odata.id": path, "@odata.type": f"#{kind}.{kind}", "Name": name,
            "Members@odata.count": len(members),
            "Members": [{"@odata.id": m} for m in members]}


def _worst(items: list[dict[str, Any]]) -> str:
    healths = [str((i.get("Status") or {}).get("Health") or "OK") for i in items]
    return next((h for h in ("Critical", "Warning") if h in healths), "OK")


def _subsystem(r: Resources, versioned: str, name: str, key: str, kind: str, title: str,
               members: list[str], health: str) -> None:
    """The chassis' ``<Type>`` subsystem, its collection ``key`` of ``members``, the link."""
    sub = versioned.split(".")[0]
    base = f"{CHASSIS}/{sub}"
    r[f"{base}/{key}"] = _collection(f"{base}/{key}", kind, title, members)
    r[base] = {"@odata.id": base, "@odata.type": f"#{versioned}.{sub}", "Id": sub, "Name": name,
               "Status": {"State": "Enabled", "Health": health},
               key: {"@odata.id": f"{base}/{key}"}}
    r[CHASSIS][sub] = {"@odata.id": base}


def _power(r: Resources) -> None:
    supplies = r.pop(f"{CHASSIS}/Power")["PowerSupplies"]
    r[CHASSIS].pop("Power", None)
    base = f"{CHASSIS}/PowerSubsystem"
    members = []
    for n, psu in enumerate(supplies):
        path = f"{base}/PowerSupplies/{n}"
        r[path] = {"@odata.id": path, "@odata.type": "#PowerSupply.v1_6_0.PowerSupply",
                   "Id": str(n), **{k: psu[k] for k in _KEEP_PSU if k in psu}}
        members.append(path)
    _subsystem(r, "PowerSubsystem.v1_1_3", "Power Subsystem", "PowerSupplies",
               "PowerSupplyCollection", "Power Supply Collection", members, _worst(supplies))


def _fans(r: Resources) -> None:
    thermal = r[f"{CHASSIS}/Thermal"]
    fans = thermal.pop("Fans", [])
    thermal.pop("Redundancy", None)  # it names the fans by their old paths
    base = f"{CHASSIS}/ThermalSubsystem"
    members = []
    for n, fan in enumerate(fans):
        path = f"{base}/Fans/{n}"
        r[path] = {"@odata.id": path, "@odata.type": "#Fan.v1_6_0.Fan", "Id": str(n),
                   "Name": fan["Name"], "Status": fan["Status"],
                   **({"PhysicalContext": fan["PhysicalContext"]}
                      if "PhysicalContext" in fan else {}),
                   **({"SpeedPercent": {"SpeedRPM": fan["Reading"]}}
                      if isinstance(fan.get("Reading"), int | float) else {})}
        members.append(path)
    _subsystem(r, "ThermalSubsystem.v1_5_0", "Thermal Subsystem", "Fans", "FanCollection",
               "Fan Collection", members, _worst(fans))


def _drives(r: Resources) -> None:
    """Drives only in the chassis' collection: the storage subsystem links none."""
    storage = r[f"{SYSTEM}/Storage/1"]
    storage.pop("Drives", None)
    storage.pop("Drives@odata.count", None)
    for path in [p for p in r if p.startswith(f"{SYSTEM}/Storage/1/Drives/")]:
        del r[path]


def _memory(r: Resources) -> None:
    system = r[SYSTEM]
    old = r.pop(system.pop("Memory")["@odata.id"])
    members = []
    for link in old["Members"]:
        dimm = r.pop(link["@odata.id"])
        path = f"{CHASSIS}/Memory/{dimm['Id']}"
        r[path] = {**dimm, "@odata.id": path}
        members.append(path)
    r[f"{CHASSIS}/Memory"] = _collection(f"{CHASSIS}/Memory", "MemoryCollection",
                                         "Memory Module Collection", members)
    r[CHASSIS]["Memory"] = {"@odata.id": f"{CHASSIS}/Memory"}


def apply(r: Resources, layout: str) -> Resources:
    """``r`` (a classic copy, faults applied; changed in place) in ``layout``."""
    if layout == SUBSYSTEMS:
        _power(r)
        _fans(r)
        _drives(r)
        _memory(r)
    return r
