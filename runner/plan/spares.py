"""Spare parts: commitments and stock changed, and hardware models no longer covered.

A model in service (used by at least one host) is covered when every part it uses has a
commitment. The plan lists each model in service at the head with a part that lacks a
commitment at the head but did not lack one at the base (or the model was not in service).
"""

from __future__ import annotations

from ..estate import Commitment, Estate, format_duration
from .fields import diff_fields
from .model import ADDED, CHANGED, REMOVED, Change, FieldChange


def _summary(c: Commitment) -> str:
    minimum = f"min stock {c.min_stock}" if c.min_stock is not None else \
        f"one spare per {c.per_hosts} hosts"
    return f"{minimum}, delivery {format_duration(c.delivery)}, via {c.channel.value}"


def commitments(base: Estate, head: Estate) -> list[Change]:
    a = {c.part: c for c in base.commitments}
    b = {c.part: c for c in head.commitments}
    out = []
    for part in sorted(a.keys() | b.keys()):
        old, new = a.get(part), b.get(part)
        if old is new:
            continue
        if old is None:
            out.append(Change(part, ADDED, summary=_summary(new)))
        elif new is None:
            out.append(Change(part, REMOVED, summary=_summary(old)))
        elif fields := diff_fields(old, new):
            out.append(Change(part, CHANGED, fields))
    return out


def _stock(estate: Estate) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for entry in estate.stock:
        out[(entry.part, entry.depot)] = out.get((entry.part, entry.depot), 0) + entry.quantity
    return out


def stock(base: Estate, head: Estate) -> list[Change]:
    a, b = _stock(base), _stock(head)
    out = []
    for part, depot in sorted(a.keys() | b.keys()):
        old, new = a.get((part, depot)), b.get((part, depot))
        if old == new:
            continue
        status = ADDED if old is None else REMOVED if new is None else CHANGED
        out.append(Change(f"{part} at {depot}", status, [FieldChange("quantity", old, new)],
                          impact={"part": part, "depot": depot}))
    return out


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
