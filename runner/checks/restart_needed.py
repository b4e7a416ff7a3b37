"""Restart needed: no process still runs code an upgrade replaced, and the running kernel
is the newest installed one, the two things ``needrestart -b`` reports.

An upgrade replaces a library or a daemon's executable on disk, but a running process keeps
the old, deleted copy mapped (``/proc/PID/maps`` says "(deleted)") and keeps its old bugs
until restarted. The probe lists those processes (mappings under /tmp, /dev/shm, /run and
memfd are not upgrades and are ignored, as needrestart ignores them) and compares
``uname -r`` with the newest ``/boot/vmlinuz-*``. ``ignore`` takes process-name globs that
are allowed to wait (a process that is restarted by its own schedule). With no kernel image
in /boot (a container) the kernel is not judged, like needrestart's "unknown". Upgrades
land weekly, so the sample check is weekly.

```yaml
- id: restart-needed
  kind: restart_needed
  severity: medium
  params:
    kernel: true
    ignore: ["agetty"]
```
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from pydantic import Field

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "restart_needed"


class Params(ParamsModel):
    kernel: bool = Field(True, description="Fail when a newer kernel is installed than runs.")
    ignore: list[str] = Field(default_factory=list,
                              description="Process-name globs allowed to run deleted code.")


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("restart_needed")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    stale = [p for p in measured.get("processes") or []
             if not any(fnmatchcase(str(p.get("comm", "")), g) for g in params.ignore)]
    by_name: dict[str, list[int]] = {}
    for p in stale:
        by_name.setdefault(str(p["comm"]), []).append(int(p["pid"]))
    kernel = measured.get("kernel") or {}
    running, newest = kernel.get("running"), kernel.get("newest")
    value: dict[str, Any] = {"processes": {n: sorted(pids) for n, pids in sorted(by_name.items())},
                             "kernel": {"running": running, "newest": newest}}
    problems = []
    if by_name:
        names = ", ".join(f"{n} ({', '.join(map(str, sorted(pids)))})"
                          for n, pids in sorted(by_name.items()))
        count = "1 process uses" if len(stale) == 1 else f"{len(stale)} processes use"
        problems.append(f"{count} deleted files, restart: {names}")
    if params.kernel and newest is not None and newest != running:
        problems.append(f"kernel {running} runs, {newest} is installed: reboot")
    if problems:
        return Result(Status.FAIL, value, "; ".join(problems))
    kernel_text = (f"kernel {running} is the newest installed" if newest is not None
                   else f"kernel {running} (no kernel image in /boot to compare)")
    return Result(Status.PASS, value, f"no process uses deleted files; {kernel_text}")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
