"""Service running: ``service NAME status`` exits 0 for every listed service.

Works with sysvinit scripts (no systemd needed). The value maps each service to
``running``, ``stopped`` or ``not found``; any service not running fails.

```yaml
- id: ssh-running
  kind: service_running
  severity: critical
  params:
    services: [ssh, cron]
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, field_validator

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "service_running"

_SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@._+-]*$")
ServiceName = Annotated[str, Field(json_schema_extra={"pattern": _SERVICE_NAME.pattern})]


class Params(ParamsModel):
    services: list[ServiceName] = Field(min_length=1, json_schema_extra={"uniqueItems": True})

    @field_validator("services")
    @classmethod
    def _names(cls, services: list[str]) -> list[str]:
        for name in services:
            if not _SERVICE_NAME.match(name):
                raise ValueError(f"{name!r} is not a service name")
        if len(set(services)) != len(services):
            raise ValueError("services are listed twice")
        return services


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("service_status", {"names": sorted(params.services)})


def _state(status: Mapping[str, object]) -> str:
    if status.get("rc") == 0:
        return "running"
    output = str(status.get("output", ""))
    if status.get("rc") == 4 or "unrecognized service" in output:
        return "not found"
    return "stopped"


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    states: dict[str, str] = {}
    for name in sorted(params.services):
        status = measured.get(name)
        if status is None:
            return Result(Status.ERROR, states, f"{name}: not measured")
        states[name] = _state(status)
    down = [n for n, s in states.items() if s != "running"]
    if down:
        reasons = [
            f"{n} {states[n]}"
            + (f" (exit {measured[n]['rc']}: {measured[n]['output']})" if measured[n].get("output")
               else f" (exit {measured[n]['rc']})")
            for n in down
        ]  # fmt: skip
        return Result(Status.FAIL, states, "; ".join(reasons))
    return Result(Status.PASS, states, f"running: {', '.join(states)}")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
