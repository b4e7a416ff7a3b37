"""Memory available: MemAvailable / MemTotal from /proc/meminfo, in %.

The value is rounded to one decimal (it jitters; the record keeps it compact) and the
verdict is taken on that rounded value: below ``min_percent`` fails, exactly at it passes.

```yaml
- id: memory
  kind: memory_available
  severity: medium
  params:
    min_percent: 10
```
"""

from __future__ import annotations

from pydantic import Field

from ..estate.scalars import Float
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "memory_available"


class Params(ParamsModel):
    min_percent: Float = Field(10, ge=0, le=100, description="Fail below this % available.")


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("meminfo")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    total, available = measured["total_kb"], measured["available_kb"]
    if total <= 0:
        return Result(Status.ERROR, None, "MemTotal is 0")
    pct = round(available * 100 / total, 1)
    value = {"available_percent": pct}
    text = f"{pct:g}% memory available ({available // 1024} of {total // 1024} MiB)"
    if pct < params.min_percent:
        return Result(Status.FAIL, value, f"{text}, minimum {params.min_percent:g}%")
    return Result(Status.PASS, value, f"{text}, minimum {params.min_percent:g}%")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
