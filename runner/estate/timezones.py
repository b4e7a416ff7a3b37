"""The IANA time zone names a site may use: the ``tzdata`` package's list, one fixed set.

Taken from the ``tzdata`` package (a dependency) rather than the machine's ``/usr/share/zoneinfo``
so that ``patrol validate`` and the exported JSON Schema (an ``enum`` of these names) accept the
same names on every machine, a slim container image included.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def names() -> tuple[str, ...]:
    """Every IANA zone name tzdata ships, sorted."""
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return tuple(sorted(set(text.split())))


def check(name: str) -> str:
    """``name`` when it is an IANA zone name; ValueError naming what was expected otherwise."""
    if name not in _name_set():
        raise ValueError(f"unknown time zone {name!r}; expected an IANA name such as "
                         "'Europe/Berlin'")
    return name


@cache
def _name_set() -> frozenset[str]:
    return frozenset(names())
