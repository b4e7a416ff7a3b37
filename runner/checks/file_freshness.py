"""File freshness: a file (e.g. the last-backup marker) was modified at most
``max_age_hours`` ago.

The probe returns the file's mtime and the host's current time, so the judge reads no
clock. The value is the mtime (it changes only when the file does); older than
``max_age_hours`` fails, exactly that age passes. A missing file fails, and so does one
modified in the future (by the host's own clock): a clock set wrong or a restore that kept
future timestamps, either way the marker proves nothing about the last backup.

```yaml
- id: backup-fresh
  kind: file_freshness
  severity: high
  params:
    path: /var/backups/patrol-last-backup
    max_age_hours: 26
```
"""

from __future__ import annotations

from pydantic import Field

from ..estate.scalars import Float
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import AbsolutePath, duration, iso, measured_error

NAME = "file_freshness"


class Params(ParamsModel):
    path: AbsolutePath
    max_age_hours: Float = Field(26, gt=0)


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("stat", {"path": params.path})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    if not measured["exists"]:
        return Result(Status.FAIL, {"exists": False}, f"{params.path} does not exist")
    mtime, now = int(measured["mtime"]), int(measured["now"])
    value = {"mtime": iso(mtime)}
    age_hours = (now - mtime) / 3600
    if age_hours < 0:
        return Result(
            Status.FAIL,
            value,
            f"{params.path} modified in the future: clock or restore problem "
            f"({iso(mtime)}, {duration(mtime - now)} ahead of the host's clock)",
        )
    text = f"{params.path} modified {age_hours:.1f} h ago, limit {params.max_age_hours:g} h"
    return Result(Status.FAIL if age_hours > params.max_age_hours else Status.PASS, value, text)


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
