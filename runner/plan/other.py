"""Everything else in the estate, by id: sites, hardware models, spare parts, depots, and the
service policy, each added, removed or changed field by field."""

from __future__ import annotations

from typing import Any

from ..estate import Estate
from .fields import diff_fields
from .model import ADDED, CHANGED, REMOVED, Change


def diff_by_key(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out = []
    for k in sorted(old.keys() | new.keys()):
        a, b = old.get(k), new.get(k)
        if a is b:
            continue
        if a is None:
            out.append(Change(k, ADDED, diff_fields(None, b, skip=("id",))))
        elif b is None:
            out.append(Change(k, REMOVED))
        elif fields := diff_fields(a, b):
            out.append(Change(k, CHANGED, fields))
    return out


def sites(base: Estate, head: Estate) -> list[Change]:
    return diff_by_key(base.sites, head.sites)


def models(base: Estate, head: Estate) -> list[Change]:
    return diff_by_key(base.models, head.models)


def parts(base: Estate, head: Estate) -> list[Change]:
    return diff_by_key(base.parts, head.parts)


def depots(base: Estate, head: Estate) -> list[Change]:
    return diff_by_key(base.depots, head.depots)


def service(base: Estate, head: Estate) -> list[Change]:
    a = {"service policy": base.service} if base.service is not None else {}
    b = {"service policy": head.service} if head.service is not None else {}
    return diff_by_key(a, b)
