"""Kernel parameters: each listed parameter has one of its allowed values, as ``sysctl -n``
prints it (read from ``/proc/sys``; several numbers, like ``net.ipv4.ip_local_port_range``,
compare with their blanks normalised).

A value is one allowed value or a list of them (``kernel.kptr_restrict: [1, 2]``); a
parameter this kernel does not have fails ("not present"). Hardening sets change when
someone edits ``/etc/sysctl.d`` or a package does, so the sample set runs monthly. Inside
a network namespace (containers, the lab) the ``net.*`` parameters are the namespace's own.

```yaml
- id: network-hardening
  kind: sysctl
  severity: medium
  params:
    expected:
      net.ipv4.conf.all.accept_redirects: 0
      net.ipv4.conf.all.send_redirects: 0
      kernel.kptr_restrict: [1, 2]
```
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "sysctl"

_PARAMETER = re.compile(r"^[a-z0-9_]+(\.[A-Za-z0-9_:-]+)+$")
_VALUE = {"type": ["string", "integer"], "pattern": r"\S"}


def _values(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, str | int) or not str(v).strip():
            raise ValueError(f"a value must be a number or a string, got {v!r}")
        out.append(" ".join(str(v).split()))
    if not out:
        raise ValueError("give at least one allowed value")
    return out


class Params(ParamsModel):
    expected: dict[str, list[str]] = Field(
        min_length=1,
        json_schema_extra={"propertyNames": {"pattern": _PARAMETER.pattern},
                           "additionalProperties": {
            "anyOf": [_VALUE, {"type": "array", "items": _VALUE, "minItems": 1}]}},
    )

    @field_validator("expected", mode="before")
    @classmethod
    def _parameters(cls, expected: object) -> object:
        if not isinstance(expected, dict):
            return expected
        out = {}
        for name, value in expected.items():
            if not isinstance(name, str) or not _PARAMETER.match(name) or ".." in name:
                raise ValueError(f"{name!r} is not a sysctl parameter (like kernel.kptr_restrict)")
            out[name] = _values(value)
        return out


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("sysctl", {"names": sorted(params.expected)})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    value = {name: measured.get(name) for name in sorted(params.expected)}
    problems = []
    for name, allowed in sorted(params.expected.items()):
        have = value[name]
        if isinstance(have, dict):
            problems.append(f"{name} unreadable: {have.get('error')}")
        elif have is None:
            problems.append(f"{name} not present")
        elif have not in allowed:
            problems.append(f"{name} = {have}, expected {' or '.join(allowed)}")
    if problems:
        return Result(Status.FAIL, value, "; ".join(problems))
    return Result(Status.PASS, value, f"{len(value)} kernel parameter"
                  f"{'s' if len(value) != 1 else ''} as expected")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
