"""Spare parts: commitments and stock changed, and hardware models no longer covered.

A model in service (used by at least one host) is covered when every part it uses has a
commitment. The plan lists each model in service at the head with a part that lacks a
commitment at the head but did not lack one at the base (or the model was not in service).
"""

from __future__ import annotations

from datetime import date

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


def _added_hosts(base: Estate, head: Estate, site: str, part: str) -> list[str]:
    models = {m.id for m in head.models.values() if any(u.part == part for u in m.parts)}
    return [f"{h.name} ({h.hardware.model})" for h in head.hosts.values()
            if h.site == site and h.hardware.model in models
            and (h.name not in base.hosts or base.hosts[h.name].site != site
                 or base.hosts[h.name].hardware.model != h.hardware.model)]


def shortfalls(base: Estate, head: Estate) -> list[Change]:
    """Commitments a change makes short (or shorter) at a site, and those it covers again.
    A ``short`` change makes ``patrol plan`` exit 1."""
    from ..spares.coverage import coverage

    a = {(x.site, x.part): x for x in coverage(base).lines}
    b = {(x.site, x.part): x for x in coverage(head).lines}
    out = []
    for key in sorted(a.keys() | b.keys()):
        old, new = a.get(key), b.get(key)
        name = f"{key[0]}: {key[1]}"
        if new is not None and new.short and (old is None or new.shortfall > old.shortfall):
            was = old.required if old else 0
            within = f"reachable within {format_duration(new.delivery)}"
            if old is not None and old.reachable != new.reachable:
                text = f"{old.reachable} → {new.reachable} {within}"
            else:
                text = f"{new.reachable} {within}"
            if was != new.required:
                added = _added_hosts(base, head, *key)
                cause = f"adds host {', '.join(added)}: " if added else ""
                text = f"{cause}commitment {was} → {new.required} ({new.rule}), {text}"
            else:
                text = f"{text}, commitment {new.required} ({new.rule})"
            out.append(Change(name, "short", summary=f"{text}: SHORT by {new.shortfall}"))
        elif old is not None and old.short and (new is None or new.shortfall < old.shortfall):
            left = f"still short by {new.shortfall}" if new and new.short else "covered"
            out.append(Change(name, "covered" if left == "covered" else "less short",
                              summary=f"was short by {old.shortfall}, now {left}"))
    return out


def lifecycle(base: Estate, head: Estate, today: date) -> list[Change]:
    """Replacements that became weaker than what they replace, and hosts that are past their
    end of life at the head but were not at the base."""
    from ..spares.lifecycle import comparison

    out = []
    for name in sorted(head.hosts):
        new, old = head.hosts[name], base.hosts.get(name)
        c = comparison(head, new)
        before = comparison(base, old) if old is not None else None
        if c is not None and c.weaker and (before is None or before.weaker != c.weaker):
            dims = ", ".join(f"{d} {x} → {y}" for d, x, y in c.weaker)
            what = c.replaces_host or c.replaces_model
            out.append(Change(name, "weaker", summary=f"replaces {what} ({c.replaces_model}) "
                              f"by a weaker model {c.model}: {dims}"))
        eol = new.hardware.end_of_life
        if eol < today and (old is None or old.hardware.end_of_life >= today):
            out.append(Change(name, "past end of life",
                              summary=f"end of life {eol.isoformat()} has passed"))
    return out
