"""Pending upgrades: installed packages with a newer candidate in the configured apt
sources (python3-apt's view, pins respected), security ones flagged.

By default the host's package lists are used as they are (no ``apt-get update``: an
inspection does not change the host); ``refresh: true`` runs ``apt-get update`` first
(never in check mode). A candidate is a security upgrade when an index offering it has an
archive/suite ending in ``-security`` or a label containing ``Security``.
Fails when the count is above ``max`` or the security count above ``security_max``.
A held package (``apt-mark hold``) is not pending: ``apt-get upgrade`` keeps it back, so it
counts against neither limit and is reported on its own ("1 held back: patrol-agent"),
security or not. The value keeps the counts and the security and held candidates
(name -> version, first 20 by name each), not every package: a stale host would otherwise
bloat every run record.

```yaml
- id: upgrades
  kind: pending_upgrades
  severity: medium
  params:
    max: 10
    security_max: 0
    refresh: false
```
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..estate.scalars import Bool, Int
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error, plural

NAME = "pending_upgrades"
TIMEOUT = 300  # s: loading apt's cache is slow on a small host, and ``refresh`` downloads

VALUE_LIMIT = 20


class Params(ParamsModel):
    max: Int = Field(0, ge=0, description="Fail above this many pending upgrades.")
    security_max: Int = Field(0, ge=0, description="Fail above this many security upgrades.")
    refresh: Bool = False


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("apt_upgrades", {"refresh": params.refresh})


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    candidates: dict[str, dict[str, Any]] = measured["packages"]
    held = sorted(n for n in candidates if candidates[n].get("held"))
    names = sorted(n for n in candidates if not candidates[n].get("held"))
    security = [n for n in names if candidates[n].get("security")]
    # Compact for the record: counts, plus the security candidates (at most VALUE_LIMIT).
    value: dict[str, Any] = {
        "count": len(names),
        "security_count": len(security),
        "security": {n: candidates[n]["candidate"] for n in security[:VALUE_LIMIT]},
    }
    held_text = ""
    if held:
        value["held_count"] = len(held)
        value["held"] = {n: candidates[n]["candidate"] for n in held[:VALUE_LIMIT]}
        held_security = [n for n in held if candidates[n].get("security")]
        held_text = (
            f"; {len(held)} held back"
            + (f" ({len(held_security)} security)" if held_security else "")
            + f": {_names(held)}"
        )
    total_over = len(names) > params.max
    security_over = len(security) > params.security_max
    if total_over or security_over:
        total = plural(len(names), "pending upgrade") + (
            f" (limit {params.max})" if total_over else ""
        )
        sec = f"{len(security)} security" + (
            f" (limit {params.security_max})" if security_over else ""
        )
        return Result(
            Status.FAIL,
            value,
            f"{total}, {sec}: {_names(security if security_over else names)}{held_text}",
        )
    return Result(
        Status.PASS,
        value,
        f"{plural(len(names), 'pending upgrade')}, {len(security)} security "
        f"(limits {params.max} / {params.security_max} security){held_text}",
    )


KIND = Kind(NAME, Params, measure, judge, __doc__ or "", TIMEOUT)
