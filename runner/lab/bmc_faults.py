"""Hardware faults of a lab BMC, applied on the fly to a copy of its Redfish resources.

Each fault changes what a real BMC would report for that failure (health, state, the BMC's
own message in ``Status.Conditions``, a reading past its published threshold, a rebuild in
progress) and adds a matching entry to the manager's event log; ``clear`` removes them all
(a part replaced, the log cleared). ``down`` (the BMC closes every connection) and ``slow``
(every answer waits ``SLOW_SECONDS``) are the server's, not the resources'.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

SYSTEM = "/redfish/v1/Systems/437XR1138R2"
CHASSIS = "/redfish/v1/Chassis/1U"
LOG = "/redfish/v1/Managers/BMC/LogServices/Log/Entries"
DRIVE = "3D58ECBC375FD9F2"
SLOW_SECONDS = 2.5

Resources = dict[str, dict[str, Any]]


def _condition(message: str, severity: str, message_id: str) -> dict[str, Any]:
    return {"Message": message, "MessageId": message_id, "Severity": severity}


def _fail(item: dict[str, Any], health: str, message: str, message_id: str,
          state: str | None = None) -> tuple[str, str]:
    status = item.setdefault("Status", {})
    status["Health"] = health
    if state is not None:
        status["State"] = state
    status["Conditions"] = [_condition(message, health, message_id)]
    return health, message


def _psu_failed(r: Resources) -> tuple[str, str]:
    psu = r[f"{CHASSIS}/Power"]["PowerSupplies"][1]
    said = _fail(psu, "Critical",
                 "Power supply Bay 2 has lost its input and is not supplying power",
                 "Base.1.5.GeneralError", state="UnavailableOffline")
    psu["LastPowerOutputWatts"] = 0
    return said


def _fan_degraded(r: Resources) -> tuple[str, str]:
    fan = r[f"{CHASSIS}/Thermal"]["Fans"][0]
    fan["Reading"] = 600
    return _fail(fan, "Warning", "Fan speed 600 RPM is below its lower threshold",
                 "Base.1.5.GeneralError")


def _drive_failing(r: Resources) -> tuple[str, str]:
    for path in (f"{CHASSIS}/Drives/{DRIVE}", f"{SYSTEM}/Storage/1/Drives/{DRIVE}"):
        drive = r[path]
        drive["FailurePredicted"] = True
        said = _fail(drive, "Warning",
                     "Predictive failure: reallocated sector count over threshold",
                     "Base.1.5.GeneralError")
    return said


def _volume_rebuilding(r: Resources) -> tuple[str, str]:
    volume = r[f"{SYSTEM}/Storage/1/Volumes/1"]
    volume["Operations"] = [{"Operation": "Rebuild", "PercentageComplete": 42}]
    return _fail(volume, "Warning", "Volume is degraded and rebuilding onto a replacement drive",
                 "Base.1.5.GeneralError")


def _dimm_errors(r: Resources) -> tuple[str, str]:
    return _fail(r[f"{SYSTEM}/Memory/DIMM1"], "Critical",
                 "Uncorrectable ECC errors detected on DIMM Slot 1", "Base.1.5.GeneralError")


def _over_temperature(r: Resources) -> tuple[str, str]:
    temp = r[f"{CHASSIS}/Thermal"]["Temperatures"][0]
    temp["ReadingCelsius"] = temp["UpperThresholdCritical"] + 2
    return _fail(temp, "Critical", "CPU1 Temp is above its upper critical threshold",
                 "Base.1.5.GeneralError")


HARDWARE: dict[str, Callable[[Resources], tuple[str, str]]] = {
    "psu-failed": _psu_failed,
    "fan-degraded": _fan_degraded,
    "drive-failing": _drive_failing,
    "volume-rebuilding": _volume_rebuilding,
    "dimm-errors": _dimm_errors,
    "over-temperature": _over_temperature,
}
SERVICE = ("down", "slow")
FAULTS = (*HARDWARE, *SERVICE)


def _rollup(r: Resources, worst: str) -> None:
    for path in (SYSTEM, CHASSIS):
        status = r[path].setdefault("Status", {})
        if worst == "Critical" or status.get("HealthRollup") != "Critical":
            status["HealthRollup"] = worst


def apply(base: Resources, faults: dict[str, str]) -> Resources:
    """A copy of ``base`` with the hardware ``faults`` (name -> when it began, ISO UTC)."""
    r = copy.deepcopy(base)
    log = r[LOG]
    for n, (name, since) in enumerate(sorted(faults.items()), start=100):
        if name not in HARDWARE:
            continue
        severity, message = HARDWARE[name](r)
        _rollup(r, severity)
        entry = {"@odata.id": f"{LOG}/{n}", "@odata.type": "#LogEntry.v1_21_0.LogEntry",
                 "Id": str(n), "Name": f"Log Entry {n}", "EntryType": "Event",
                 "Severity": severity, "Created": since,
                 "Message": message, "MessageId": "Base.1.5.GeneralError"}
        log["Members"].append(entry)
        r[entry["@odata.id"]] = entry
    log["Members@odata.count"] = len(log["Members"])
    return r
