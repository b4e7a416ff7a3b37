"""The contract every check kind keeps: measure on the host, judge in Python.

A check kind is a module in ``runner/checks/`` exposing:

- ``NAME``: the ``kind`` used in checklists;
- ``Params``: a pydantic model (``extra="forbid"``) of the check's params;
- ``measure(params, host) -> Measurement``: what the ``patrol_measure`` Ansible module
  must read (a probe name and its JSON arguments); no host access here;
- ``judge(measured, params, host) -> Result``: pass / fail / error from the measured value;
- optionally ``TIMEOUT``: seconds its probe may take on a host (default ``DEFAULT_TIMEOUT``),
  after which the check is an error "timed out after N s"; a checklist may override it per
  check with ``timeout:``.

``host`` is the estate's ``Host`` model (the drift check needs its declared software).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from ..results import Result, Status

DEFAULT_TIMEOUT = 10  # s: every probe reads local files or runs one quick command


@dataclass(frozen=True)
class Measurement:
    """One request to the measuring module: ``probe`` names a reader in patrol_measure."""

    probe: str
    args: dict[str, Any] = field(default_factory=dict)


class HostLike(Protocol):
    """What a check may read of the estate's ``Host``: its name and declared software."""

    name: str
    software: dict[str, str]


class ParamsModel(BaseModel):
    """Base for check params: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def measured_error(measured: Any) -> Result | None:
    """The module reports a failed read as ``{"error": "..."}``; judges share this guard."""
    if isinstance(measured, dict) and "error" in measured:
        return Result(Status.ERROR, None, str(measured["error"]))
    if measured is None:
        return Result(Status.ERROR, None, "nothing was measured")
    return None


def absolute_path(value: str) -> str:
    """Validator for host paths: absolute and normalised, so checklists say what they mean."""
    if not isinstance(value, str) or not value.startswith("/"):
        raise ValueError(f"must be an absolute path, got {value!r}")
    return value


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
