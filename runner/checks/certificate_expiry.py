"""TLS certificate expiry: the first certificate in a PEM file on the host is valid for
at least ``min_days`` more days.

The probe returns notAfter and the host's current time (no openssl binary needed), so
the judge reads no clock. The value is the notAfter date (stable from run to run); it
passes only with more than ``min_days`` days left: a certificate that ends within them, or
exactly at their end, fails, as ``openssl x509 -checkend`` says "will expire" then. A
missing file fails. The reason counts whole days, and hours under three days ("2 days 23
hours left", "expired 2026-01-05 (1 day 4 hours ago)").

```yaml
- id: lab-certificate
  kind: certificate_expiry
  severity: high
  params:
    path: /etc/ssl/patrol/lab.pem
    min_days: 30
```
"""

from __future__ import annotations

from pydantic import Field

from ..estate.scalars import Int
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import AbsolutePath, duration, iso, measured_error, plural

NAME = "certificate_expiry"


class Params(ParamsModel):
    path: AbsolutePath
    min_days: Int = Field(30, ge=0)


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("certificate", {"path": params.path})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    if not measured["exists"]:
        return Result(Status.FAIL, {"exists": False}, f"{params.path} does not exist")
    not_after, now = int(measured["not_after"]), int(measured["now"])
    value = {"not_after": iso(not_after)}
    if measured.get("subject"):
        value["subject"] = measured["subject"]
    seconds_left = not_after - now
    date = iso(not_after)[:10]
    if seconds_left < 0:
        return Result(
            Status.FAIL, value, f"{params.path} expired {date} ({duration(-seconds_left)} ago)"
        )
    text = (
        f"{params.path} expires {date} ({duration(seconds_left)} left, "
        f"minimum {plural(params.min_days, 'day')})"
    )
    within = seconds_left <= params.min_days * 86400  # openssl: notAfter <= now + N expires
    return Result(Status.FAIL if within else Status.PASS, value, text)


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
