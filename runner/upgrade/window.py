"""Maintenance windows: is one open at ``now``, and when does it next open.

A window is days of the week plus a start and an end wall-clock time in a zone (the plan's
IANA zone, or with ``timezone: site`` the zone of each host's site). The rules:

- ``days`` names the day the window *starts* on: ``days: [tue]``, ``22:00``-``04:00`` is open
  from Tuesday 22:00 to Wednesday 04:00. No ``days`` means every day.
- ``end`` earlier than ``start`` means the window crosses midnight and ends the next day.
- Start and end are wall-clock times, so a window keeps its local hours across a DST change
  and lasts one hour less (spring) or more (autumn) in real time that night.
- A wall-clock time that does not exist (skipped by the spring change, e.g. 02:30 on
  2026-03-29 in Europe/Berlin) means the moment the clocks jump to (03:00 local); a time that
  occurs twice (the autumn change) means its first occurrence (PEP 495 ``fold=0``). This is
  ``runner.clock``'s one rule, the same that rectification deadlines follow.
- A window is open at ``start <= now < end``; comparisons are made in UTC.

``now`` always comes in as an argument (an aware datetime), never read here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import local_instant

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def _span(window: Any, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    end_day = day + timedelta(days=1) if window.end <= window.start else day
    return local_instant(day, window.start, zone), local_instant(end_day, window.end, zone)


def spans(window: Any, zone: ZoneInfo, around: datetime, days: int = 9,
          ) -> Iterator[tuple[datetime, datetime]]:
    """(open, close) in UTC of the window's occurrences starting the day before ``around``."""
    first = around.astimezone(zone).date() - timedelta(days=1)
    allowed = {str(getattr(d, "value", d)) for d in window.days} if window.days else None
    for offset in range(days):
        day = first + timedelta(days=offset)
        if allowed is not None and _day_name(day) not in allowed:
            continue
        start, end = _span(window, day, zone)
        if start < end:
            yield start, end


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def open_span(window: Any, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime] | None:
    """The (open, close) the window is in at ``now``, or None when it is closed."""
    now = _aware(now)
    for start, end in spans(window, zone, now):
        if start <= now < end:
            return start, end
    return None


def is_open(window: Any, zone: ZoneInfo, now: datetime) -> bool:
    return open_span(window, zone, now) is not None


def next_open(window: Any, zone: ZoneInfo, now: datetime) -> datetime:
    """When the window next opens after ``now`` (UTC); ``now`` itself if it is open."""
    now = _aware(now)
    if is_open(window, zone, now):
        return now
    upcoming = [start for start, _ in spans(window, zone, now) if start > now]
    if not upcoming:  # pragma: no cover - any non-empty day list recurs within a week
        raise ValueError("the window never opens")
    return min(upcoming)


def zone_for(window: Any, site_timezone: str | None) -> ZoneInfo:
    """The window's zone: its own, or the host's site zone for ``timezone: site``."""
    if window.timezone == "site":
        if not site_timezone:
            raise ValueError("the window uses the site's zone but the host's site has none")
        return ZoneInfo(site_timezone)
    return ZoneInfo(window.timezone)


def describe(window: Any) -> str:
    days = ",".join(str(getattr(d, "value", d)) for d in window.days) if window.days else "daily"
    return (f"{days} {window.start.strftime('%H:%M')}-{window.end.strftime('%H:%M')} "
            f"({window.timezone})")
