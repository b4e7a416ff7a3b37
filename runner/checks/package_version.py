"""Package version: each listed package is installed, at exactly the given version if one
is given (``null`` means any version). Read from dpkg's status database.

The value maps each package to its installed version (``null`` when not installed). A
package waiting on dpkg triggers (``iW``/``it``, what an interrupted apt run leaves) is
installed; one dpkg left unpacked, half-installed or half-configured is neither installed
nor absent: its value is ``{version, state}`` and the check fails saying so
("patrol-agent 1.1.0-1 unpacked, not configured").

```yaml
- id: agent-pinned
  kind: package_version
  severity: high
  params:
    packages:
      openssh-server: null          # any version
      patrol-agent: "1.0.0-1"       # exactly this version
```

Versions are compared as dpkg compares them (``runner/versions.py``): ``0:1.0.0-1`` is
``1.0.0-1``; a version dpkg could not parse is a validation error.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from .. import versions
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import PACKAGE_NAME, broken_state, check_package_names, measured_error

NAME = "package_version"


class Params(ParamsModel):
    packages: dict[str, str | None] = Field(
        min_length=1, json_schema_extra={"propertyNames": {"pattern": PACKAGE_NAME.pattern}})

    @field_validator("packages", mode="before")
    @classmethod
    def _versions_are_strings(cls, packages: object) -> object:
        if isinstance(packages, dict):
            for name, version in packages.items():
                if version is not None and not isinstance(version, str):
                    raise ValueError(
                        f"version of {name} must be a quoted string or null, got {version!r}"
                    )
        return packages

    @field_validator("packages")
    @classmethod
    def _names(cls, packages: dict[str, str | None]) -> dict[str, str | None]:
        check_package_names(list(packages))
        for version in packages.values():
            if version is not None:
                versions.valid(version)
        return packages


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("packages", {"names": sorted(params.packages)})


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    installed = {name: measured.get(name) for name in sorted(params.packages)}
    problems = []
    for name, wanted in sorted(params.packages.items()):
        have = installed[name]
        if have is None:
            problems.append(f"{name} not installed")
        elif (broken := broken_state(have)) is not None:
            problems.append(f"{name} {broken}")
        elif wanted is not None and not versions.same(have, wanted):
            problems.append(f"{name} {have} installed, expected {wanted}")
    if problems:
        return Result(Status.FAIL, installed, "; ".join(problems))
    return Result(
        Status.PASS, installed, "installed: " + ", ".join(f"{n} {v}" for n, v in installed.items())
    )


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
