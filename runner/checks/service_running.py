"""Service running: ``service NAME status`` exits 0 for every listed service, and the
process behind it is the service.

Works with sysvinit scripts (no systemd needed). An init script's ``status`` only asks
``kill -0`` of the pid in its pid file, which a zombie or an unrelated process that reused
the pid answers too; so the probe also reads the pid file the script names (its
``PIDFILE=``/``--pidfile``, else ``/run/NAME.pid``) and ``/proc/PID``: the process must be
alive, not a zombie, and run the executable the script starts (its ``DAEMON=``/``--exec``),
as ``ps -o stat,comm -p PID`` would show. The value maps each service to ``running``,
``stopped``, ``not found`` or what was found instead (``zombie``, ``not its process``, ``no
process``); anything but running fails, the reason naming the pid and what it is
("cron: pid 812 from /var/run/crond.pid is /usr/bin/sleep, not /usr/sbin/cron").

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


def _process(status: Mapping[str, object]) -> tuple[str, str] | None:
    """(state, reason) when the pid file's process is not the service; None when it is (or
    the init script names no pid file, where the exit code is all there is)."""
    process = status.get("process")
    if not isinstance(process, dict):
        return None
    pid_file = status.get("pid_file")
    if "error" in process:
        return "no process", f"status exit 0 but {process['error']}"
    pid = f"pid {process.get('pid')} from {pid_file}"
    if not process.get("alive"):
        return "no process", f"{pid} is not running"
    if process.get("state") == "Z":
        return "zombie", f"{pid} is a zombie (defunct {process.get('comm')})"
    if process.get("is_daemon") is False:
        return "not its process", (f"{pid} is {process.get('exe')}, "
                                   f"not {status.get('daemon')}")
    return None


def _state(status: Mapping[str, object]) -> str:
    if status.get("rc") == 0:
        found = _process(status)
        return found[0] if found else "running"
    output = str(status.get("output", ""))
    if status.get("rc") == 4 or "unrecognized service" in output:
        return "not found"
    return "stopped"


def _why(name: str, status: Mapping[str, object], state: str) -> str:
    if state != "stopped" and state != "not found":
        found = _process(status)
        return f"{name}: {found[1]}" if found else f"{name} {state}"
    output = status.get("output")
    return f"{name} {state} (exit {status.get('rc')}" + (f": {output})" if output else ")")


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
        return Result(Status.FAIL, states,
                      "; ".join(_why(n, measured[n], states[n]) for n in down))
    return Result(Status.PASS, states, f"running: {', '.join(states)}")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
