"""The registry of check kinds: the single source of which ``kind`` names exist.

Each kind lives in its own module (see ``base.py`` for the contract); add a new kind by
writing the module and listing it in ``_MODULES``.

The executor uses two helpers around the ``patrol_measure`` Ansible module:

- ``plan_measurements(checks, host)`` -> the module's ``measurements`` argument for one host:
  ``[{"id": "<probe>-<hash>", "probe": ..., "args": {...}}, ...]``, one entry per distinct
  probe + args (filesystem and inode usage share one ``filesystems`` pass), in a stable order,
  each with the seconds it may take (``timeout``: the check's own, else its kind's
  ``TIMEOUT``, else ``base.DEFAULT_TIMEOUT``; checks sharing a probe get the longest);
- ``judge_all(checks, host, values)`` -> ``{check_id: Result}`` from the module's
  ``values`` (measurement id -> value or ``{"error": ...}``); a missing value, a malformed
  value or a judge that raises is an ``error`` for that check only.

``checks`` is a list of ``(check_id, kind, params)``, params being the kind's ``Params``
instance (a plain dict is validated on the way).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from ..results import Result, Status
from .base import DEFAULT_TIMEOUT, HostLike, Measurement, ParamsModel

_MODULES: tuple[str, ...] = (
    "filesystem_usage",
    "inode_usage",
    "memory_available",
    "load_per_cpu",
    "service_running",
    "package_version",
    "drift",
    "pending_upgrades",
    "reboot_required",
    "listening_ports",
    "file_mode",
    "sshd_config",
    "sshd_reload",
    "certificate_expiry",
    "file_freshness",
)

CheckSpec = tuple[str, str, "ParamsModel | Mapping[str, Any]"]


@cache
def registry() -> dict[str, ModuleType]:
    """Kind name -> module, imported once."""
    kinds: dict[str, ModuleType] = {}
    for mod_name in _MODULES:
        mod = importlib.import_module(f"{__name__}.{mod_name}")
        kinds[mod.NAME] = mod
    return kinds


def kind_names() -> list[str]:
    return sorted(registry())


def get(kind: str) -> ModuleType:
    """The module of a kind; KeyError for an unknown kind (validation reports it first)."""
    return registry()[kind]


def measurement_id(measurement: Measurement) -> str:
    """A stable id for a probe + args: equal requests share one id, so one measurement."""
    canonical = json.dumps(measurement.args, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{measurement.probe}\0{canonical}".encode()).hexdigest()[:10]
    return f"{measurement.probe}-{digest}"


def _params(kind: ModuleType, params: ParamsModel | Mapping[str, Any]) -> ParamsModel:
    return params if isinstance(params, kind.Params) else kind.Params.model_validate(params)


def timeout_of(kind_name: str, override: int | None = None) -> int:
    """Seconds a check's probe may run before it is an error."""
    return override or int(getattr(get(kind_name), "TIMEOUT", DEFAULT_TIMEOUT))


def plan_measurements(checks: Iterable[CheckSpec], host: HostLike,
                      timeouts: Mapping[str, int | None] | None = None) -> list[dict[str, Any]]:
    """The ``measurements`` list for ``patrol_measure`` on one host, deduplicated.

    ``timeouts``: check id -> the checklist's ``timeout:`` for it, when it has one.
    """
    planned: dict[str, dict[str, Any]] = {}
    for check_id, kind_name, params in checks:
        kind = get(kind_name)
        measurement = kind.measure(_params(kind, params), host)
        mid = measurement_id(measurement)
        seconds = timeout_of(kind_name, (timeouts or {}).get(check_id))
        entry = planned.setdefault(mid, {"id": mid, "probe": measurement.probe,
                                         "args": dict(measurement.args), "timeout": seconds})
        entry["timeout"] = max(entry["timeout"], seconds)
    return list(planned.values())


def judge_all(
    checks: Iterable[CheckSpec], host: HostLike, values: Mapping[str, Any] | None
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
