"""Load per CPU: the 1, 5 or 15 minute load average from /proc/loadavg divided by CPUs.

The value is rounded to two decimals and judged on that: above ``max`` fails, exactly at
``max`` passes.

```yaml
- id: load
  kind: load_per_cpu
  severity: medium
  params:
    max: 2.0
    minutes: 5
```
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from ..estate.scalars import Float, no_bool
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "load_per_cpu"


class Params(ParamsModel):
    max: Float = Field(2.0, gt=0, description="Fail above this load average per CPU.")
    minutes: Annotated[Literal[1, 5, 15], BeforeValidator(no_bool)] = 5


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("loadavg")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    cpus = int(measured["cpus"])
    load = float(measured["load"][str(params.minutes)])
    if cpus <= 0:
        return Result(Status.ERROR, None, "the host reports no CPU")
    per_cpu = round(load / cpus, 2)
    value = {"load_per_cpu": per_cpu, "cpus": cpus}
    text = (
        f"{params.minutes}-minute load {per_cpu:g} per CPU ({load:g} on {cpus}), "
        f"limit {params.max:g}"
    )
    return Result(Status.FAIL if per_cpu > params.max else Status.PASS, value, text)


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
