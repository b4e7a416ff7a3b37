"""Logging: a system logger runs and the log directory can take what it writes.

Without a logger (rsyslogd, syslogd, syslog-ng, systemd-journald, metalog) daemons' messages
go nowhere, and an incident leaves no trace; with the log directory on a read-only or full
filesystem the logger runs but keeps nothing. The probe looks for the loggers' processes
(alive, not zombies: what ``pidof`` finds), whether ``/dev/log`` is a socket, and the log
directory's filesystem. ``loggers`` narrows which count; ``min_free_mb`` is the space the
log directory must still have. A logger can die any day, so the sample check is daily.

```yaml
- id: logging
  kind: logging
  severity: high
  params:
    log_dir: /var/log
    min_free_mb: 50
```
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..estate.scalars import Int
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import AbsolutePath, measured_error

NAME = "logging"

LOGGERS = ("metalog", "rsyslogd", "syslog-ng", "syslogd", "systemd-journal")


class Params(ParamsModel):
    log_dir: AbsolutePath = "/var/log"
    loggers: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,15}$")]] = Field(
        default_factory=lambda: list(LOGGERS), min_length=1,
        description="Process names (as in /proc/PID/comm) that count as a system logger.")
    min_free_mb: Annotated[Int, Field(ge=0)] = 0


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("logging", {"log_dir": params.log_dir})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    running = {name: pids for name, pids in (measured.get("loggers") or {}).items()
               if name in params.loggers}
    log_dir = measured.get("log_dir") or {}
    value: dict[str, Any] = {"loggers": sorted(running), "socket": bool(measured.get("socket"))}
    problems = []
    if not running:
        problems.append(f"no system logger running (looked for {', '.join(params.loggers)})")
    elif not measured.get("socket"):
        problems.append("/dev/log is not a socket: programs cannot log")
    path = log_dir.get("path", params.log_dir)
    if not log_dir.get("exists"):
        problems.append(f"{path} does not exist")
    elif log_dir.get("read_only"):
        problems.append(f"{path} is on a read-only filesystem")
    elif not log_dir.get("avail"):
        problems.append(f"{path} is full")
    elif int(log_dir["avail"]) < params.min_free_mb * 2**20:
        problems.append(f"{path} has {int(log_dir['avail']) // 2**20} MB free, "
                        f"needs {params.min_free_mb} MB")
    if problems:
        return Result(Status.FAIL, value, "; ".join(problems))
    who = ", ".join(f"{n} ({', '.join(map(str, p))})" for n, p in sorted(running.items()))
    return Result(Status.PASS, value, f"{who} running; {path} writable")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
