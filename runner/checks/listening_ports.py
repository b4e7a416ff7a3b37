"""Listening ports: TCP ports in LISTEN state (IPv4 and IPv6, any address), read from
/proc/net/tcp{,6} with no ss/netstat dependency.

Fails when an ``expected`` port is not listening or a ``forbidden`` one is, or, given an
allow-list ``only``, when any port outside it is listening (``ss -ltn`` shows every one).
``expected`` ports must be in ``only``; ``forbidden`` ports are implied by it. The value
is the sorted list of listening ports.

```yaml
- id: ports
  kind: listening_ports
  severity: high
  params:
    expected: [22]
    forbidden: [23, 3306]

- id: ports-allowed
  kind: listening_ports
  severity: high
  params:
    expected: [22]
    only: [22, 443]      # anything else listening fails
```
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from ..estate.scalars import Int
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "listening_ports"

Port = Annotated[Int, Field(ge=1, le=65535)]


class Params(ParamsModel):
    expected: list[Port] = Field(default_factory=list)
    forbidden: list[Port] = Field(default_factory=list)
    only: list[Port] | None = Field(
        None, description="Allow-list: any other listening port fails ([] allows none)."
    )

    @model_validator(mode="after")
    def _disjoint(self) -> Params:
        both = sorted(set(self.expected) & set(self.forbidden))
        if both:
            raise ValueError(f"ports both expected and forbidden: {both}")
        if self.only is not None:
            outside = sorted(set(self.expected) - set(self.only))
            if outside:
                raise ValueError(f"expected ports not in only: {outside}")
            allowed_forbidden = sorted(set(self.forbidden) & set(self.only))
            if allowed_forbidden:
                raise ValueError(f"ports both in only and forbidden: {allowed_forbidden}")
        if not self.expected and not self.forbidden and self.only is None:
            raise ValueError("give expected, forbidden and/or only ports")
        return self


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("listening_ports")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    listening = sorted(set(measured["ports"]))
    missing = sorted(p for p in set(params.expected) if p not in listening)
    bad = sorted(p for p in set(params.forbidden) if p in listening)
    problems = [f"expected port {p} not listening" for p in missing]
    problems += [f"forbidden port {p} listening" for p in bad]
    if params.only is not None:
        allowed = sorted(set(params.only))
        unexpected = [p for p in listening if p not in allowed and p not in bad]
        if unexpected:
            ports = ", ".join(map(str, unexpected))
            only = ", ".join(map(str, allowed)) or "none"
            word = "port" if len(unexpected) == 1 else "ports"
            problems.append(f"unexpected {word} {ports} listening (only {only} allowed)")
    if problems:
        return Result(Status.FAIL, listening, "; ".join(problems))
    parts = []
    if params.expected:
        parts.append("listening on " + ", ".join(map(str, sorted(set(params.expected)))))
    if params.forbidden:
        parts.append("none of " + ", ".join(map(str, sorted(set(params.forbidden)))))
    if params.only is not None:
        parts.append(
            "only " + (", ".join(map(str, sorted(set(params.only)))) or "none") + " allowed"
        )
    return Result(Status.PASS, listening, "; ".join(parts))


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
