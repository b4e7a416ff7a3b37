"""The registry of check kinds: the single source of which ``kind`` names exist.

Each kind lives in its own module (see ``base.py`` for the contract); add a new kind by
writing the module and listing it in ``_MODULES``.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

_MODULES: tuple[str, ...] = ()


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
