"""Hardware health from the host's BMC over Redfish: power supplies, fans, temperatures,
processors, memory, storage controllers, drives, volumes, the system's rolled-up health, and
new warnings in the BMC's event log.

Measured from the controller's side (``runner/execute_redfish.py``), never over the host's
SSH: the probe ``redfish`` is not sent to ``patrol_measure``. A BMC that does not answer is an
``error`` for this check only; a host without ``bmc:`` is an ``error`` saying so (narrow the
check with ``hosts:`` to leave such hosts out).

A component fails when its health is not ``OK`` (absent or disabled components are not
judged), when the BMC predicts its failure, when a volume is rebuilding, or when a
temperature reaches its critical threshold (``UpperThresholdCritical``, as the BMC publishes
it). Each failure names its Redfish path, health, state and the BMC's own message, and the
spare part of the host's hardware model it maps to (by category, and by vendor part number
when the BMC reports one) with the depot whose stock reaches the host's site within the
commitment, or that none does.

Where a model keeps its parts differs by vendor (power supplies in ``Power`` or
``PowerSubsystem``, drives under the system's ``Storage`` or the chassis' ``Drives``, memory
under the system or the chassis): the model's ``redfish:`` in ``inventory/models.yaml`` says
where, and a BMC without a declared location is an ``error`` naming it, not a pass.

A failure is *critical* (``value.critical``: it opens the
on-site clock) when a power supply fails leaving no redundancy (one healthy supply or none),
a drive fails while a volume is degraded, or memory reports uncorrectable errors (health
``Critical``).

```yaml
- id: hardware
  kind: hardware_health
  severity: high
  params:
    ignore: []            # Redfish paths (globs) not to judge, e.g. a known-dead slot
    event_hours: 24       # event-log warnings newer than this fail the check
```
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

from pydantic import Field

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "hardware_health"
PROBE = "redfish"  # read by the controller, not by patrol_measure on the host
TIMEOUT = 30

LABELS = {"power": "power supply", "fan": "fan", "temperature": "temperature",
          "processor": "processor", "memory": "memory module", "controller": "storage controller",
          "disk": "drive", "volume": "volume", "system": "system"}


# components an engineer swaps for a spare part (a volume or a reading is not a part)
SPARE_CATEGORIES = ("power", "fan", "memory", "disk", "controller", "processor")


class Params(ParamsModel):
    ignore: list[str] = Field(default=[], description="Redfish paths (globs) not to judge.")
    event_hours: int = Field(default=24, ge=0, le=24 * 366,
                             description="Event-log warnings newer than this many hours fail "
                                         "the check (0: the event log is not judged).")


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement(PROBE)


def _failure(c: dict[str, Any]) -> str | None:
    """Why a component fails, or None when it is healthy (or absent/disabled)."""
    if c.get("state") in ("Absent", "Disabled", "StandbyOffline"):
        return None
    op = c.get("operation")
    if c["category"] == "volume" and op and str(op.get("name", "")).lower() == "rebuild":
        pct = op.get("percent")
        return f"rebuilding{f' ({pct}% done)' if pct is not None else ''}"
    if c["category"] == "temperature":
        reading, limit = c.get("reading"), (c.get("thresholds") or {}).get(
            "UpperThresholdCritical")
        if isinstance(reading, int | float) and isinstance(limit, int | float) \
                and reading >= limit:
            return f"{reading:g} °C, critical at {limit:g} °C"
    if c.get("failure_predicted"):
        return "failure predicted"
    health = c.get("health")
    if health not in (None, "OK"):
        return f"health {health}"
    return None


def _critical(c: dict[str, Any], comps: list[dict[str, Any]]) -> bool:
    if c["category"] == "power":  # redundancy is lost when at most one healthy supply is left
        healthy = sum(1 for o in comps if o["category"] == "power" and o is not c
                      and o.get("health") == "OK" and o.get("state") == "Enabled")
        return c.get("health") == "Critical" and healthy <= 1
    if c["category"] == "disk":
        return c.get("health") == "Critical" and any(
            v["category"] == "volume" and v.get("health") not in (None, "OK") for v in comps)
    if c["category"] == "memory":
        return c.get("health") == "Critical"
    return False


def _spare(c: dict[str, Any], spares: dict[str, Any]) -> dict[str, Any] | None:
    """The part of the host's model this component maps to: by vendor part number when the
    BMC reports one that the model knows, else the model's first part of the category."""
    candidates = spares.get(c["category"]) or []
    pn = c.get("part_number")
    for part in candidates:
        if pn and part.get("vendor_part_number") == pn:
            return part  # type: ignore[no-any-return]
    return candidates[0] if candidates else None


def spare_text(part: dict[str, Any]) -> str:
    """'spare lenovo-psu-750w (7N67A00883): 2 at fra-dc2-cage, reaches fra-dc2 in 0h, within
    4h' or that no stock reaches the site in time (naming the nearest depot that has some)."""
    pn = f" ({part['vendor_part_number']})" if part.get("vendor_part_number") else ""
    head = f"spare {part['part']}{pn}"
    site, delivery = part.get("site"), part.get("delivery")
    in_time = [d for d in part.get("depots") or [] if d.get("in_time")]
    if in_time:
        d = in_time[0]
        return (f"{head}: {d['quantity']} at {d['depot']}, reaches {site} in {d['reaches']}, "
                f"within {delivery}")
    reaching = [d for d in part.get("depots") or [] if d.get("reaches") is not None]
    late = (f"; nearest {reaching[0]['depot']} ({reaching[0]['quantity']}) reaches it in "
            f"{reaching[0]['reaches']}") if reaching else ""
    within = f" within {delivery}" if delivery else " (no commitment)"
    return f"{head}: no stock reaches {site}{within}{late}"


def _parse(when: object) -> datetime | None:
    if not isinstance(when, str):
        return None
    try:
        return datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        return None


def _new_events(measured: dict[str, Any], hours: int) -> list[dict[str, Any]]:
    read_at = _parse(measured.get("read_at"))
    if not hours or read_at is None:
        return []
    since = read_at - timedelta(hours=hours)
    return [e for e in measured.get("events") or []
            if e.get("severity") in ("Warning", "Critical")
            and (t := _parse(e.get("created"))) is not None and t.tzinfo is not None
            and since < t <= read_at]


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    comps = [c for c in measured.get("components") or []
             if not any(fnmatchcase(str(c.get("path")), g) for g in params.ignore)]
    spares = measured.get("spares") or {}
    failed = []
    for c in comps:
        why = _failure(c)
        if why is None:
            continue
        entry = {k: c.get(k) for k in ("path", "category", "name", "health", "state",
                                       "message")}
        entry["why"] = why
        entry["critical"] = _critical(c, comps)
        part = _spare(c, spares)
        if part is None and c["category"] in SPARE_CATEGORIES:
            entry["spare"] = {"part": None, "in_time": False, "depot": None,
                              "text": f"no part of the host's model is a {LABELS[c['category']]}"
                                      " (add it to inventory/models.yaml)"}
        if part is not None:
            entry["spare"] = {"part": part["part"], "text": spare_text(part),
                              "in_time": any(d.get("in_time") for d in part["depots"]),
                              "depot": next((d["depot"] for d in part["depots"]
                                             if d.get("in_time")), None)}
        failed.append(entry)
    events = _new_events(measured, params.event_hours)
    failed.sort(key=lambda f: (not f["critical"], str(f["path"])))
    value = {"components": len(comps), "failed": failed,
             "critical": any(f["critical"] for f in failed),
             "events": [{k: e.get(k) for k in ("path", "severity", "created", "message")}
                        for e in events]}
    unverified = " (TLS not verified: tls.verify is false)" if measured.get("verified") is False \
        else ""
    missing = [m for m in measured.get("missing") or [] if isinstance(m, dict)]
    if missing:  # the model says where its parts live and the BMC has nothing there
        value["missing"] = missing
    if not failed and not events and not missing:
        return Result(Status.PASS, value, f"{len(comps)} components healthy{unverified}")
    parts = []
    for f in failed:
        label = LABELS.get(str(f["category"]), str(f["category"]))
        said = f": {f['message']}" if f.get("message") else ""
        text = (f"{label} {f['name']} ({f['path']}) {f['why']}, {f['state'] or 'no state'}"
                f"{said}")
        if "spare" in f:
            text += f" — {f['spare']['text']}"
        parts.append(text)
    if events:
        parts.append(f"{len(events)} new event-log warning{'s' if len(events) != 1 else ''}: "
                     + "; ".join(str(e.get("message")) for e in events[:3]))
    if missing:
        model = measured.get("model") or "the host's model"
        where = "; ".join(f"no {str(m.get('parts', '')).replace('_', ' ')} at "
                          f"{m.get('location')}" for m in missing)
        parts.insert(0, f"{where}, where {model} keeps them (redfish: in "
                        "inventory/models.yaml): those parts were not judged")
        return Result(Status.ERROR, value, "; ".join(parts) + unverified)
    return Result(Status.FAIL, value, "; ".join(parts) + unverified)


KIND = Kind(NAME, Params, measure, judge, __doc__ or "", TIMEOUT)
