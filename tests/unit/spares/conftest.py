"""Plain-data estates for the spare-part rules: only the attributes the rules read."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace as NS

import pytest

H = timedelta(hours=1)


def host(name: str, site: str, model: str, *, criticality: str = "medium",
         warranty_end: date = date(2030, 1, 1), end_of_life: date = date(2032, 1, 1),
         replaces: NS | None = None) -> NS:
    return NS(name=name, site=site, criticality=criticality,
              hardware=NS(model=model, warranty_end=warranty_end, end_of_life=end_of_life,
                          replaces=replaces))


def model(mid: str, *parts: str, capacity: NS | None = None) -> NS:
    return NS(id=mid, parts=[NS(part=p, quantity=1) for p in parts], capacity=capacity)


def commitment(part: str, *, min_stock: int | None = None, per_hosts: int | None = None,
               delivery: timedelta = 4 * H, channel: str = "depot",
               lead_time: timedelta | None = None) -> NS:
    return NS(part=part, min_stock=min_stock, per_hosts=per_hosts, delivery=delivery,
              channel=channel, lead_time=lead_time)


def depot(did: str, site: str | None = None, **reaches: timedelta) -> NS:
    return NS(id=did, site=site, reaches={k.replace("_", "-"): v for k, v in reaches.items()})


def stock(part: str, depot_id: str, quantity: int) -> NS:
    return NS(part=part, depot=depot_id, quantity=quantity)


def estate(hosts: list[NS], models: list[NS], commitments: list[NS], depots: list[NS],
           stock_: list[NS]) -> NS:
    return NS(hosts={h.name: h for h in sorted(hosts, key=lambda h: h.name)},
              models={m.id: m for m in models}, commitments=commitments,
              depots={d.id: d for d in depots}, stock=stock_,
              parts={p: NS(id=p) for m in models for p in (u.part for u in m.parts)})


@pytest.fixture
def make() -> NS:
    return NS(host=host, model=model, commitment=commitment, depot=depot, stock=stock,
              estate=estate)
