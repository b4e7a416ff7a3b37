"""TLS certificate expiry: the first certificate in a PEM file on the host is valid for
at least ``min_days`` more days.

The probe returns notAfter and the host's current time (no openssl binary needed), so
the judge reads no clock. The value is the notAfter date (stable from run to run); fewer
than ``min_days`` days left fails, exactly ``min_days`` passes (like ``openssl x509
-checkend``). A missing file fails. The reason counts whole days, and hours under three
days ("2 days 23 hours left", "expired 2026-01-05 (1 day 4 hours ago)").

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

from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from ..results import Result, Status
from .base import HostLike, Measurement, ParamsModel, absolute_path, measured_error, plural

NAME = "certificate_expiry"


class Params(ParamsModel):
    path: str
    min_days: int = Field(30, ge=0)

    _path = field_validator("path")(absolute_path)


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("certificate", {"path": params.path})


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration(seconds: float) -> str:
    """A span for a reason: whole days from three days up, days and hours below (where
    "2 days" would hide that it is almost 3), minutes under an hour."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days >= 3:
        return plural(days, "day")
    if days:
        return plural(days, "day") + (f" {plural(hours, 'hour')}" if hours else "")
    if hours:
        return plural(hours, "hour")
    if seconds >= 60:
        return plural(seconds // 60, "minute")
    return "less than a minute"


def judge(measured: Any, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    if not measured["exists"]:
        return Result(Status.FAIL, {"exists": False}, f"{params.path} does not exist")
    not_after, now = int(measured["not_after"]), int(measured["now"])
    value = {"not_after": iso(not_after)}
    if measured.get("subject"):
        value["subject"] = measured["subject"]
    seconds_left = not_after - now
    days = seconds_left / 86400
    date = iso(not_after)[:10]
    if seconds_left < 0:
        return Result(
            Status.FAIL, value, f"{params.path} expired {date} ({duration(-seconds_left)} ago)"
        )
    text = (
        f"{params.path} expires {date} ({duration(seconds_left)} left, "
        f"minimum {plural(params.min_days, 'day')})"
    )
    return Result(Status.FAIL if days < params.min_days else Status.PASS, value, text)
