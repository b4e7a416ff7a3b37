"""Waivers added, removed, extended, shortened or changed; flags for the reviewer.

A waiver is known by its ``id``, or without one by its check and its host (or selector).
Flagged (the review rule lives with every other waiver rule, ``findings.waivers``): a waiver
added or extended so that it runs more than ``MAX_DAYS`` past ``today``, an extension by more
than ``MAX_DAYS`` at once, and a waiver without an approver.
"""

from __future__ import annotations

from datetime import date

from ..estate import Estate, Waiver
from ..findings.waivers import review_flags
from .fields import diff_fields
from .keyed import keyed_changes
from .model import ADDED, CHANGED, REMOVED, Change

EXTENDED = "extended"
SHORTENED = "shortened"


def key(waiver: Waiver) -> str:
    if waiver.id:
        return waiver.id
    target = waiver.host if waiver.host is not None else f"hosts '{waiver.hosts}'"
    return f"{waiver.check} on {target}"


def _hosts(estate: Estate, waiver: Waiver) -> int:
    if waiver.host is not None:
        return int(waiver.host in estate.hosts)
    return len(estate.select(waiver.hosts))


def summary(waiver: Waiver) -> str:
    target = waiver.host if waiver.host is not None else f"hosts '{waiver.hosts}'"
    return (f"{waiver.check} on {target}, until {waiver.expires}, approved by "
            f"{waiver.approved_by or '(nobody)'}: {waiver.reason}")


def diff(base: Estate, head: Estate, *, today: date) -> list[Change]:
    def changed(k: str, old: Waiver, new: Waiver) -> Change | None:
        fields = diff_fields(old, new)
        if not fields:
            return None
        status = (EXTENDED if new.expires > old.expires
                  else SHORTENED if new.expires < old.expires else CHANGED)
        impact = {"hosts": _hosts(head, new)}
        if status != CHANGED:
            impact["days"] = (new.expires - old.expires).days
        return Change(k, status, fields, impact=impact, flags=review_flags(old, new, today))

    return keyed_changes(
        {key(w): w for w in base.waivers}, {key(w): w for w in head.waivers},
        added=lambda k, new: Change(k, ADDED, impact={"hosts": _hosts(head, new)},
                                    flags=review_flags(None, new, today), summary=summary(new)),
        removed=lambda k, old: Change(k, REMOVED, impact={"hosts": _hosts(base, old)},
                                      summary=summary(old)),
        changed=changed)
