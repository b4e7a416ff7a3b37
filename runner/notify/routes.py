"""Routes: which recipients an event owes a message to, from ``policies/notifications.yaml``.

A route matches an event by name (``finding.*`` / ``incident.*`` name a family), then by
severity, site, owner and criticality when it names them (a route that names a filter does
not match an event without that fact). Recipients are the event's people, by their email in
the estate — the owner (an address, or a contact or resident engineer of the site by name),
the site's resident engineers, its contacts — and named channels. A recipient is owed one
message per event however many routes name it. ``quiet_hours: true`` holds the message while
the site is outside its service hours (the service policy's calendar); a recipient that any
non-quiet route names is told at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..service_hours import Calendar, calendar_of, service_spans
from .events import Event

FILE = "policies/notifications.yaml"


def policy_of(estate: Any) -> Any | None:
    """The estate's notifications policy (None: the estate tells nobody)."""
    doc = getattr(estate, "files", {}).get(FILE)
    return getattr(doc, "model", None)


def matches(pattern: str, name: str) -> bool:
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1])
    return pattern == name


def route_matches(route: Any, e: Event) -> bool:
    if not any(matches(p, e.event) for p in route.events):
        return False
    checks = ((route.severity, e.severity), (route.sites, e.site),
              (route.owners, e.owner), (route.criticality, e.criticality))
    for wanted, have in checks:
        if wanted is not None and (have is None or have not in {str(getattr(w, "value", w))
                                                                for w in wanted}):
            return False
    return True


def _emails(people: list[Any]) -> list[str]:
    return [p.email for p in people if getattr(p, "email", None)]


def owner_email(owner: str | None, site: Any) -> list[str]:
    """The owner's address: the owner itself when it is one, else a person of the site by
    that name."""
    if not owner:
        return []
    if "@" in owner:
        return [owner]
    people = [*getattr(site, "contacts", []), *getattr(site, "resident_engineers", [])]
    return _emails([p for p in people if p.name == owner])


def recipients(route: Any, e: Event, estate: Any) -> list[str]:
    """``email:ADDRESS`` and ``channel:NAME`` for one route and event, in route order."""
    site = estate.sites.get(e.site) if e.site else None
    out: list[str] = []
    for who in route.to:
        if who == "owner":
            out += [f"email:{a}" for a in owner_email(e.owner, site)]
        elif site is not None:
            people = site.resident_engineers if who == "resident_engineers" else site.contacts
            out += [f"email:{a}" for a in _emails(people)]
    out += [f"channel:{c}" for c in route.channels]
    return out


def hold_until(cal: Calendar, at: datetime) -> datetime | None:
    """When a quiet message may go: None inside service hours (or 24x7), else the start of
    the next service span."""
    if cal.always:
        return None
    start, end = next(service_spans(cal, at))
    return None if start <= at < end else start


@dataclass(frozen=True)
class Owed:
    """One message owed: an event to one recipient, held until ``hold`` (quiet hours)."""

    event: Event
    to: str
    lang: str
    hold: datetime | None = None


def route(events: list[Event], estate: Any) -> list[Owed]:
    """Every (event, recipient) the policy owes, in event order, each recipient once."""
    policy = policy_of(estate)
    if policy is None:
        return []
    out: list[Owed] = []
    for e in events:
        quiet: dict[str, bool] = {}
        for r in policy.routes:
            if route_matches(r, e):
                for to in recipients(r, e, estate):
                    quiet[to] = quiet.get(to, True) and bool(r.quiet_hours)
        site = estate.sites.get(e.site) if e.site else None
        lang = policy.sites[e.site].language if e.site in policy.sites else "en"
        hold = None
        if site is not None and any(quiet.values()):
            hold = hold_until(calendar_of(estate.service, site), e.at)
        out += [Owed(e, to, lang, hold if q else None) for to, q in quiet.items()]
    return out
