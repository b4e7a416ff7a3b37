"""Spare parts: commitments and stock changed, and hardware models no longer covered.

A model in service (used by at least one host) is covered when every part it uses has a
commitment. The plan lists each model in service at the head with a part that lacks a
commitment at the head but did not lack one at the base (or the model was not in service).
"""

from __future__ import annotations

from ..estate import Commitment, Estate, format_duration
from .fields import diff_fields
from .keyed import keyed_changes
from .model import ADDED, CHANGED, REMOVED, Change, FieldChange


def _summary(c: Commitment) -> str:
    minimum = f"min stock {c.min_stock}" if c.min_stock is not None else \
        f"one spare per {c.per_hosts} hosts"
    return f"{minimum}, delivery {format_duration(c.delivery)}, via {c.channel.value}"


def commitments(base: Estate, head: Estate) -> list[Change]:
    return keyed_changes(
        {c.part: c for c in base.commitments}, {c.part: c for c in head.commitments},
        added=lambda part, new: Change(part, ADDED, summary=_summary(new)),
        removed=lambda part, old: Change(part, REMOVED, summary=_summary(old)),
        changed=lambda part, old, new: Change(part, CHANGED, fields)
        if (fields := diff_fields(old, new)) else None)


def _stock(estate: Estate) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for entry in estate.stock:
        out[(entry.part, entry.depot)] = out.get((entry.part, entry.depot), 0) + entry.quantity
    return out


def _quantity(key: tuple[str, str], status: str, old: int | None, new: int | None) -> Change:
    part, depot = key
    return Change(f"{part} at {depot}", status, [FieldChange("quantity", old, new)],
                  impact={"part": part, "depot": depot})


def stock(base: Estate, head: Estate) -> list[Change]:
    return keyed_changes(
        _stock(base), _stock(head),
        added=lambda key, new: _quantity(key, ADDED, None, new),
        removed=lambda key, old: _quantity(key, REMOVED, old, None),
        changed=lambda key, old, new: _quantity(key, CHANGED, old, new))


def uncovered(estate: Estate) -> dict[str, tuple[int, set[str]]]:
    """Models in service with parts lacking a commitment: {model: (hosts, parts)}."""
    committed = {c.part for c in estate.commitments}
    in_service: dict[str, int] = {}
    for host in estate.hosts.values():
        in_service[host.hardware.model] = in_service.get(host.hardware.model, 0) + 1
    out = {}
    for model_id, hosts in in_service.items():
        model = estate.models.get(model_id)
        if model is None:
            continue
        missing = {u.part for u in model.parts} - committed
        if missing:
            out[model_id] = (hosts, missing)
    return out


def coverage(base: Estate, head: Estate) -> list[Change]:
    before, after = uncovered(base), uncovered(head)
    out = []
    for model_id in sorted(after):
        hosts, missing = after[model_id]
        newly = missing - before.get(model_id, (0, set()))[1]
        if newly:
            out.append(Change(model_id, "uncovered", impact={"hosts": hosts},
                              summary="no commitment for " + ", ".join(sorted(newly))))
    return out
