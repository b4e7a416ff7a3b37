"""Packages whose names are imported on first use (PEP 562), so a command pays only for the
modules it touches: ``runner.estate`` (``patrol validate`` on a cached estate never imports
pydantic), ``runner.archive`` and ``runner.findings`` (the work plan reads findings without
Git, the chain or the findings' lifecycle).

    __getattr__, __dir__ = lazy.exports(__name__, globals(), {"store": ("load", "save")})

Type checkers read the same names from the package's ``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, namespace: dict[str, Any], where: Mapping[str, tuple[str, ...]], *,
            renamed: Mapping[str, tuple[str, str]] | None = None, submodules: bool = False
            ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``: each name of ``where`` (module -> names)
    from its module, each of ``renamed`` (name -> (module, its name there)), and with
    ``submodules`` any module of the package by its name (``archive.git``), each imported on
    first use and then kept in ``namespace`` (the package's globals)."""
    names = {name: (module, name) for module, names_ in where.items() for name in names_}
    names.update(renamed or {})
    clash = sorted(set(names) & set(where)) if submodules else []
    if clash:  # Python sets a submodule on its package once imported: the name would change
        raise ValueError(f"{package}: {', '.join(clash)} name both a module and an export")

    def __getattr__(name: str) -> Any:
        if name in names:
            module, attr = names[name]
            value = getattr(importlib.import_module(f"{package}.{module}"), attr)
        elif submodules and not name.startswith("__"):
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names})

    return __getattr__, __dir__
