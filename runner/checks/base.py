"""The contract every check kind keeps: measure on the host, judge in Python.

A check kind is a ``CheckKind`` (modelled on pre-commit's ``Language`` protocol): one per
module in ``runner/checks/``, exported as the module's ``KIND`` and listed in the registry
(``runner/checks/__init__.py``). It has:

- ``NAME``: the ``kind`` used in checklists;
- ``Params``: a pydantic model (``extra="forbid"``) of the check's params;
- ``measure(params, host) -> Measurement``: what the ``patrol_measure`` Ansible module
  must read (a probe name and its JSON arguments); no host access here;
- ``judge(measured, params, host) -> Result``: pass / fail / error from the measured value;
- ``TIMEOUT``: seconds its probe may take on a host (``DEFAULT_TIMEOUT`` unless the kind
  says otherwise), after which the check is an error "timed out after N s"; a checklist may
  override it per check with ``timeout:``;
- ``doc``: the module docstring, with a YAML example of a checklist entry.

``host`` is the estate's ``Host`` model (the drift check needs its declared software).
Helpers several kinds share live in ``helpers.py`` (and ``_mounts.py``); a kind never
imports another kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from ..results import Result

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


P = TypeVar("P", bound=ParamsModel)

# What patrol_measure returned for one measurement: JSON whose shape only the kind's judge
# knows (and checks; a judge that trips over it becomes an ``error`` in ``judge_all``).
Measured = Any


class CheckKind(Protocol[P]):
    """The typed contract of a check kind; the registry holds these, never modules."""

    @property
    def NAME(self) -> str: ...

    @property
    def Params(self) -> type[P]: ...

    @property
    def TIMEOUT(self) -> int: ...

    @property
    def doc(self) -> str: ...

    def measure(self, params: P, host: HostLike) -> Measurement: ...

    def judge(self, measured: Measured, params: P, host: HostLike) -> Result: ...


@dataclass(frozen=True)
class Kind(Generic[P]):
    """A ``CheckKind`` built from a kind module's parts: ``KIND = Kind(NAME, Params, ...)``."""

    NAME: str
    Params: type[P]
    measure: Callable[[P, HostLike], Measurement]
    judge: Callable[[Measured, P, HostLike], Result]
    doc: str
    TIMEOUT: int = DEFAULT_TIMEOUT
