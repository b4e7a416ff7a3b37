"""Reboot required: Debian's ``/var/run/reboot-required`` marker is absent.

When present, the packages from ``/var/run/reboot-required.pkgs`` are the value and
named in the reason.

```yaml
- id: reboot
  kind: reboot_required
  severity: low
  params: {}
```
"""

from __future__ import annotations

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "reboot_required"


class Params(ParamsModel):
    pass


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("reboot_required")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    if not measured["required"]:
        return Result(Status.PASS, {"required": False}, "no reboot required")
    packages = sorted(measured.get("packages") or [])
    value = {"required": True, "packages": packages}
    by = f" by {', '.join(packages)}" if packages else ""
    return Result(Status.FAIL, value, f"reboot required{by}")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
