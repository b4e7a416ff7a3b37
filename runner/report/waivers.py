"""Waivers over the month, from the committed history of ``policies/waivers.yaml``:

- in force: in the file as committed at the month's end and not expired before the month
  ended (a waiver dated D holds through day D);
- granted: first committed during the month;
- lapsed: its expiry date falls in the month (it stopped applying the day after).
Each with the reason and who approved it. Without any committed version the estate's
waivers stand for the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .period import Month


@dataclass(frozen=True)
class WaiverLine:
    key: str
    check: str
    hosts: str
    reason: str
    approved_by: str
    expires: date
    granted: datetime | None  # first committed


@dataclass
class Waivers:
    in_force: list[WaiverLine] = field(default_factory=list)
    granted: list[WaiverLine] = field(default_factory=list)
    lapsed: list[WaiverLine] = field(default_factory=list)


def key_of(w: dict[str, Any]) -> str:
    return str(w.get("id") or f"{w.get('check')}@{w.get('host') or w.get('hosts')}")


def _line(w: dict[str, Any], granted: datetime | None) -> WaiverLine:
    expires = w.get("expires")
    if not isinstance(expires, date):
        expires = date.fromisoformat(str(expires))
    return WaiverLine(key_of(w), str(w.get("check", "")), str(w.get("host") or w.get("hosts")),
                      str(w.get("reason", "")), str(w.get("approved_by", "")), expires, granted)


def build(history: list[tuple[datetime, list[dict[str, Any]]]], estate_waivers: list[Any],
          month: Month) -> Waivers:
    first_seen: dict[str, datetime] = {}
    current: list[dict[str, Any]] | None = None
    for at, waivers in history:
        for w in waivers:
            first_seen.setdefault(key_of(w), at)
        if at < month.end:
            current = waivers
    if current is None:
        current = [w.model_dump() if hasattr(w, "model_dump") else dict(w)
                   for w in estate_waivers] if not history else []
    lines = sorted((_line(w, first_seen.get(key_of(w))) for w in current),
                   key=lambda w: (w.expires, w.key))
    out = Waivers()
    out.in_force = [w for w in lines if w.expires >= month.first]
    out.granted = [w for w in lines if w.granted is not None and month.contains(w.granted)]
    out.lapsed = [w for w in lines if month.contains(w.expires)]
    return out
