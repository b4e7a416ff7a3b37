"""The one added / removed / changed loop every section of the plan shares.

Two versions of one estate kind, keyed by id, become changes in key order: a key only in the
head is ``added``, only in the base ``removed``, and in both ``changed`` when the objects
differ. The base reuses the head's objects where the data is the same (see ``load.py``), so
an unchanged object costs an identity check. ``changed`` may return ``None``: the objects
differ in nothing a reviewer is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from .model import Change

K = TypeVar("K", str, tuple[str, str])  # ids, or (part, depot) for stock: sortable keys
V = TypeVar("V")


def keyed_changes(
    old: Mapping[K, V],
    new: Mapping[K, V],
    *,
    added: Callable[[K, V], Change],
    removed: Callable[[K, V], Change],
    changed: Callable[[K, V, V], Change | None],
    same_too: bool = False,
) -> list[Change]:
    """Changes for every key of either side, sorted by key.

    ``same_too`` also asks ``changed`` about objects that are equal on both sides, for kinds
    whose impact can move without their own YAML changing (an upgrade plan's targets).
    """
    out: list[Change] = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            out.append(added(key, new[key]))
        elif key not in new:
            out.append(removed(key, old[key]))
        elif same_too or not (old[key] is new[key] or old[key] == new[key]):
            change = changed(key, old[key], new[key])
            if change is not None:
                out.append(change)
    return out
