"""sshd hardening: effective settings from ``sshd -T`` (run as root on the host) are among
the allowed values. Each param is a value or a list of allowed values (case-insensitive);
leave one out to not check it. ``settings`` checks any other sshd keyword the same way.

```yaml
- id: sshd-hardening
  kind: sshd_config
  severity: critical
  params:
    permit_root_login: [prohibit-password, without-password, "no"]
    password_authentication: "no"
    settings:
      x11forwarding: "no"
```
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "sshd_config"


def _allowed(value: object) -> list[str] | None:
    """One value or a list; YAML 1.1 booleans (unquoted no/yes) become "no"/"yes"."""
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool):
            v = "yes" if v else "no"
        if not isinstance(v, str | int) or not str(v).strip():
            raise ValueError(f"allowed values must be strings, got {v!r}")
        out.append(str(v).strip().lower())
    if not out:
        raise ValueError("give at least one allowed value")
    return out


class Params(ParamsModel):
    permit_root_login: list[str] | None = Field(
        default_factory=lambda: ["prohibit-password", "without-password", "no"]
    )
    password_authentication: list[str] | None = Field(default_factory=lambda: ["no"])
    settings: dict[str, list[str]] = Field(default_factory=dict)

    _one_or_many = field_validator("permit_root_login", "password_authentication", mode="before")(
        _allowed
    )

    @field_validator("settings", mode="before")
    @classmethod
    def _settings(cls, settings: object) -> object:
        if not isinstance(settings, dict):
            return settings
        out = {}
        for key, value in settings.items():
            if not isinstance(key, str) or not re.match(r"^[A-Za-z][A-Za-z0-9]*$", key):
                raise ValueError(f"{key!r} is not an sshd keyword")
            out[key.lower()] = _allowed(value)
        return out

    @model_validator(mode="after")
    def _something_to_check(self) -> Params:
        if not self.expected():
            raise ValueError("nothing to check")
        return self

    def expected(self) -> dict[str, list[str]]:
        """sshd -T keyword -> allowed values."""
        keys = dict(self.settings)
        if self.permit_root_login is not None:
            keys["permitrootlogin"] = self.permit_root_login
        if self.password_authentication is not None:
            keys["passwordauthentication"] = self.password_authentication
        return dict(sorted(keys.items()))


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("sshd_config", {"keys": list(params.expected())})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    value = {key: measured.get(key) for key in params.expected()}
    problems = []
    for key, allowed in params.expected().items():
        have = value[key]
        if have is None:
            problems.append(f"{key} not reported by sshd -T")
        elif have.lower() not in allowed:
            problems.append(f"{key} {have}, allowed {' / '.join(allowed)}")
    if problems:
        return Result(Status.FAIL, value, "; ".join(problems))
    return Result(Status.PASS, value, ", ".join(f"{k} {v}" for k, v in value.items()))


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
