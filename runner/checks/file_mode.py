"""File mode and owner: a file's permission bits, owner and group (symlinks followed).

``mode`` is exact: the permission bits (with setuid/setgid/sticky) must equal it.
``max_mode`` is a ceiling: the file may be stricter but must not allow anything
``max_mode`` does not (``mode & ~max_mode == 0``); use it where "at most 0640" is meant.
Give one of them, or neither to check only owner/group. Modes are quoted octal strings
(YAML reads an unquoted ``0640`` as a number). A missing file fails.

```yaml
- id: shadow-perms
  kind: file_mode
  severity: critical
  params:
    path: /etc/shadow
    mode: "0640"          # or max_mode: "0640"
    owner: root
    group: shadow
```
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import AbsolutePath, measured_error

NAME = "file_mode"

_OCTAL = re.compile(r"^[0-7]{3,5}$")
_OCTAL_SCHEMA = r"^([0-7]{3,4}|0[0-7]{4})$"  # _OCTAL up to 7777, as a pattern


class Params(ParamsModel):
    path: AbsolutePath
    mode: str | None = Field(None, json_schema_extra={"pattern": _OCTAL_SCHEMA})
    max_mode: str | None = Field(None, json_schema_extra={"pattern": _OCTAL_SCHEMA})
    owner: str | None = None
    group: str | None = None

    @field_validator("mode", "max_mode", mode="before")
    @classmethod
    def _octal(cls, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f'must be a quoted octal string like "0640", got {value!r}')
        if not _OCTAL.match(value) or int(value, 8) > 0o7777:
            raise ValueError(f'must be an octal mode like "0640", got {value!r}')
        return f"{int(value, 8):04o}"

    @model_validator(mode="after")
    def _something_to_check(self) -> Params:
        if self.mode is not None and self.max_mode is not None:
            raise ValueError("give mode (exact) or max_mode (ceiling), not both")
        if self.mode is None and self.max_mode is None and not (self.owner or self.group):
            raise ValueError("give at least one of mode, max_mode, owner, group")
        return self


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("stat", {"path": params.path})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    if not measured["exists"]:
        return Result(Status.FAIL, {"exists": False}, f"{params.path} does not exist")
    value = {k: measured[k] for k in ("mode", "owner", "group")}
    have = int(measured["mode"], 8)
    problems = []
    if params.mode is not None and have != int(params.mode, 8):
        problems.append(f"mode {measured['mode']}, expected {params.mode}")
    if params.max_mode is not None and have & ~int(params.max_mode, 8):
        problems.append(f"mode {measured['mode']} is more permissive than {params.max_mode}")
    if params.owner is not None and measured["owner"] != params.owner:
        problems.append(f"owner {measured['owner']}, expected {params.owner}")
    if params.group is not None and measured["group"] != params.group:
        problems.append(f"group {measured['group']}, expected {params.group}")
    if problems:
        return Result(Status.FAIL, value, f"{params.path}: " + "; ".join(problems))
    return Result(
        Status.PASS,
        value,
        f"{params.path} {measured['mode']} {measured['owner']}:{measured['group']}",
    )


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
