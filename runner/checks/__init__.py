"""The registry of check kinds: the single source of which ``kind`` names exist.

Each kind lives in its own module (see ``base.py`` for the ``CheckKind`` contract) and
exports its ``KIND``; add a new kind by writing the module and listing its ``KIND`` in
``KINDS`` (as pre-commit lists its languages in ``all_languages.languages``).

The executor uses two helpers around the ``patrol_measure`` Ansible module:

- ``plan_measurements(checks, host)`` -> the module's ``measurements`` argument for one host:
  ``[{"id": "<probe>-<hash>", "probe": ..., "args": {...}}, ...]``, one entry per distinct
  probe + args (filesystem and inode usage share one ``filesystems`` pass), in a stable order,
  each with the seconds it may take (``timeout``: the check's own, else its kind's
  ``TIMEOUT``, ``base.DEFAULT_TIMEOUT`` unless the kind says otherwise; checks sharing a
  probe get the longest);
- ``judge_all(checks, host, values)`` -> ``{check_id: Result}`` from the module's
  ``values`` (measurement id -> value or ``{"error": ...}``); a missing value, a malformed
  value or a judge that raises is an ``error`` for that check only;
- ``check_seconds(checks, host, seconds)`` -> ``{check_id: seconds}`` from the module's
  ``seconds`` (measurement id -> seconds its probe took): what each check's measurement cost,
  for JUnit's ``time``; checks sharing a measurement share its time.

``checks`` is a list of ``(check_id, kind, params)``, params being the kind's ``Params``
instance (a plain dict is validated on the way).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from ..results import Result, Status
from . import (
    certificate_expiry,
    drift,
    file_freshness,
    file_mode,
    filesystem_usage,
    hardware_health,
    inode_usage,
    listening_ports,
    load_per_cpu,
    logging,
    memory_available,
    package_version,
    password_policy,
    pending_upgrades,
    reboot_required,
    restart_needed,
    service_running,
    sshd_config,
    sshd_reload,
    sysctl,
)
from .base import DEFAULT_TIMEOUT, CheckKind, HostLike, Measured, Measurement, ParamsModel

# Any: the kinds' params models differ, so the registry holds CheckKind[P] for many P.
__all__ = ["CONTROLLER_PROBES", "DEFAULT_TIMEOUT", "KINDS", "check_seconds",
           "controller_ids", "get", "judge_all", "kind_names", "plan_measurements"]

KINDS: dict[str, CheckKind[Any]] = {
    kind.NAME: kind
    for kind in (
        filesystem_usage.KIND,
        inode_usage.KIND,
        memory_available.KIND,
        load_per_cpu.KIND,
        service_running.KIND,
        package_version.KIND,
        drift.KIND,
        pending_upgrades.KIND,
        reboot_required.KIND,
        listening_ports.KIND,
        file_mode.KIND,
        sshd_config.KIND,
        sshd_reload.KIND,
        certificate_expiry.KIND,
        file_freshness.KIND,
        sysctl.KIND,
        restart_needed.KIND,
        logging.KIND,
        password_policy.KIND,
        hardware_health.KIND,
    )
}

# Probes the controller reads itself (a BMC over Redfish), never sent to patrol_measure.
CONTROLLER_PROBES = frozenset({hardware_health.PROBE})


CheckSpec = tuple[str, str, "ParamsModel | Mapping[str, object]"]


class PlannedMeasurement(TypedDict):
    """One entry of patrol_measure's ``measurements`` argument."""

    id: str
    probe: str
    args: dict[str, Any]  # the probe's JSON arguments
    timeout: int  # seconds the probe may take on the host


def kind_names() -> list[str]:
    return sorted(KINDS)


def get(kind: str) -> CheckKind[Any]:
    """A kind by name; KeyError for an unknown kind (validation reports it first)."""
    return KINDS[kind]


def measurement_id(measurement: Measurement) -> str:
    """A stable id for a probe + args: equal requests share one id, so one measurement."""
    canonical = json.dumps(measurement.args, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{measurement.probe}\0{canonical}".encode()).hexdigest()[:10]
    return f"{measurement.probe}-{digest}"


def _params(kind: CheckKind[Any], params: ParamsModel | Mapping[str, object]) -> ParamsModel:
    return params if isinstance(params, kind.Params) else kind.Params.model_validate(params)


def timeout_of(kind_name: str, override: int | None = None) -> int:
    """Seconds a check's probe may run before it is an error."""
    return override or get(kind_name).TIMEOUT


def plan_measurements(checks: Iterable[CheckSpec], host: HostLike,
                      timeouts: Mapping[str, int | None] | None = None,
                      ) -> list[PlannedMeasurement]:
    """The ``measurements`` list for ``patrol_measure`` on one host, deduplicated.

    ``timeouts``: check id -> the checklist's ``timeout:`` for it, when it has one.
    """
    planned: dict[str, PlannedMeasurement] = {}
    for check_id, kind_name, params in checks:
        kind = get(kind_name)
        measurement = kind.measure(_params(kind, params), host)
        if measurement.probe in CONTROLLER_PROBES:
            continue
        mid = measurement_id(measurement)
        seconds = timeout_of(kind_name, (timeouts or {}).get(check_id))
        entry = planned.setdefault(mid, {"id": mid, "probe": measurement.probe,
                                         "args": dict(measurement.args), "timeout": seconds})
        entry["timeout"] = max(entry["timeout"], seconds)
    return list(planned.values())


def controller_ids(checks: Iterable[CheckSpec], host: HostLike) -> dict[str, str]:
    """Measurement id -> probe of what the controller reads for these checks (a BMC), so the
    caller can put its readings among the module's ``values`` before ``judge_all``."""
    out: dict[str, str] = {}
    for _check_id, kind_name, params in checks:
        try:
            kind = get(kind_name)
            measurement = kind.measure(_params(kind, params), host)
        except Exception:  # judge_all reports a check it cannot plan
            continue
        if measurement.probe in CONTROLLER_PROBES:
            out[measurement_id(measurement)] = measurement.probe
    return out


def judge_all(
    checks: Iterable[CheckSpec], host: HostLike, values: Mapping[str, Measured] | None
) -> dict[str, Result]:
    """Check id -> Result from the module's ``values``; every failure stays with its check."""
    values = values or {}
    results: dict[str, Result] = {}
    for check_id, kind_name, params in checks:
        try:
            kind = get(kind_name)
            valid = _params(kind, params)
            mid = measurement_id(kind.measure(valid, host))
            if mid not in values:
                results[check_id] = Result(Status.ERROR, None, "no value was measured")
                continue
            results[check_id] = kind.judge(values[mid], valid, host)
        except Exception as exc:  # malformed module output must not sink the other checks
            results[check_id] = Result(
                Status.ERROR, None, f"cannot judge: {type(exc).__name__}: {exc}"
            )
    return results


def check_seconds(
    checks: Iterable[CheckSpec], host: HostLike, seconds: Mapping[str, object] | None
) -> dict[str, float]:
    """Check id -> seconds its measurement took, from the module's ``seconds``; a check whose
    measurement reported no (or no valid) time is left out."""
    out: dict[str, float] = {}
    for check_id, kind_name, params in checks:
        try:
            kind = get(kind_name)
            value = (seconds or {}).get(measurement_id(kind.measure(_params(kind, params), host)))
        except Exception:  # judge_all reports a check it cannot plan; no time is no harm here
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            out[check_id] = float(value)
    return out
