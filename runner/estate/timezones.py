"""The IANA time zone names a site may use: the ``tzdata`` package's list, one fixed set.

Taken from the ``tzdata`` package (a dependency) rather than the machine's ``/usr/share/zoneinfo``
so that ``patrol validate`` and the exported JSON Schema (an ``enum`` of these names) accept the
same names on every machine, a slim container image included.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources


@cache
def names() -> tuple[str, ...]:
    """Every IANA zone name tzdata ships, sorted."""
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return tuple(sorted(set(text.split())))


def check(name: str) -> str:
    """``name`` when it is an IANA zone name; ValueError naming the closest ones otherwise."""
    if name not in _name_set():
        raise ValueError(f"unknown time zone {name!r}; {suggestion(name)}")
    return name


def closest(name: str, n: int = 3) -> list[str]:
    """The ``n`` zone names most like ``name`` (difflib's ratio, case ignored), best first."""
    folded = {zone.casefold(): zone for zone in names()}
    matches = difflib.get_close_matches(name.casefold(), folded, n=n, cutoff=0.0)
    return [folded[m] for m in matches]


def suggestion(name: str) -> str:
    """What to say after an unknown zone: the closest names, not the whole list of ~600."""
    near = closest(name) if isinstance(name, str) and name.strip() else []
    if not near:
        return "expected an IANA name such as 'Europe/Berlin'"
    return "closest IANA names: " + ", ".join(near)


@cache
def _name_set() -> frozenset[str]:
    return frozenset(names())
