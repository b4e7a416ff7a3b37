"""Everything else in the estate, by id: sites, hardware models, spare parts, depots, and the
service policy, each added, removed or changed field by field."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from ..estate import Estate
from .fields import diff_fields
from .keyed import keyed_changes
from .model import ADDED, CHANGED, REMOVED, Change


def diff_by_key(old: Mapping[str, BaseModel], new: Mapping[str, BaseModel]) -> list[Change]:
    return keyed_changes(
        old, new,
        added=lambda k, b: Change(k, ADDED, diff_fields(None, b, skip=("id",))),
        removed=lambda k, a: Change(k, REMOVED),
        changed=lambda k, a, b: Change(k, CHANGED, fields) if (fields := diff_fields(a, b))
        else None)


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
