"""Drift: the software versions declared for the host in the estate (``host.software``)
against what dpkg says is installed.

``packages`` optionally restricts the comparison to some of the declared packages
(a listed package the host does not declare is ignored). The value maps each compared
package to its installed version (``null`` when not installed, ``{version, state}`` when dpkg
left it unpacked or half-configured, see ``package_version``); a failing reason names
package, declared and installed version, and nothing host-specific, so it is the same
finding text on every host that drifts the same way.

```yaml
- id: declared-software
  kind: drift
  severity: medium
  params:
    packages: [patrol-agent]     # optional; default: every declared package
```

Versions are compared as dpkg compares them: a host declaring ``0:1.0.0-1`` with
``1.0.0-1`` installed has not drifted.
"""

from __future__ import annotations

from pydantic import field_validator

from .. import versions
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import PackageName, broken_state, check_package_names, measured_error

NAME = "drift"


class Params(ParamsModel):
    packages: list[PackageName] | None = None

    @field_validator("packages")
    @classmethod
    def _names(cls, packages: list[str] | None) -> list[str] | None:
        if packages is not None:
            check_package_names(packages)
        return packages


def declared(params: Params, host: HostLike) -> dict[str, str]:
    """The declared package -> version pairs this check compares."""
    software = {str(k): str(v) for k, v in (getattr(host, "software", None) or {}).items()}
    if params.packages is not None:
        software = {k: v for k, v in software.items() if k in params.packages}
    return dict(sorted(software.items()))


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("packages", {"names": sorted(declared(params, host))})


def judge(measured: Measured, params: Params, host: HostLike) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    wanted = declared(params, host)
    if not wanted:
        return Result(Status.PASS, {}, "no declared software to compare")
    installed = {name: measured.get(name) for name in wanted}
    drifted = []
    for name, version in wanted.items():
        have = installed[name]
        if have is None:
            drifted.append(f"{name} declared {version}, not installed")
        elif (broken := broken_state(have)) is not None:
            drifted.append(f"{name} declared {version}, {broken}")
        elif not versions.same(have, version):
            drifted.append(f"{name} declared {version}, installed {have}")
    if drifted:
        return Result(Status.FAIL, installed, "; ".join(drifted))
    return Result(
        Status.PASS,
        installed,
        f"{len(wanted)} declared package{'s' if len(wanted) != 1 else ''} as installed",
    )


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
