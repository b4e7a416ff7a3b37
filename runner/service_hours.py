"""Service hours: the calendar a clock runs on, shared by incident clocks and finding deadlines.

A calendar is either 24×7 or service hours at a site: days of the week, a start and an end
wall-clock time in the site's zone, and holidays listed by date. The rules:

- 24×7: a duration of whole days counts calendar days on the site's wall clock (a day across
  a DST change is 23 or 25 real hours, the due time keeps its local hour); any other
  duration is exact real time. Pauses move the due time by exactly their length.
- Service hours: only time inside service hours counts. A clock started (or resumed) outside
  them starts at the next service-hours start; a pause that ends outside them resumes there.
  Whole days count service days (``1d`` is one start-to-end service day), anything else
  counts service minutes.
- Wall-clock times follow ``runner.clock``'s one rule (a time skipped by the spring change
  means the jump, a repeated autumn time its first occurrence); all arithmetic is in UTC.

Everything here is pure; ``now`` and every instant come in as aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from .clock import local_instant, wall_to_utc

DAY = timedelta(days=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HORIZON_DAYS = 3660  # a calendar with no service day in ten years never reaches a due time

Interval = tuple[datetime, datetime | None]  # [start, end); None: still running


@dataclass(frozen=True)
class Calendar:
    """24×7 when ``days`` is empty; otherwise service hours in ``zone``."""

    zone: str = "UTC"
    days: frozenset[str] = frozenset()
    start: time = time(0, 0)
    end: time = time(0, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def always(self) -> bool:
        return not self.days

    @property
    def day_length(self) -> timedelta:
        """A service day's length on the wall clock (``1d`` of service time)."""
        if self.always:
            return DAY
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def describe(self) -> str:
        if self.always:
            return "24x7"
        days = ",".join(d for d in WEEKDAYS if d in self.days)
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} ({self.zone})"


ALWAYS = Calendar()


def service_spans(cal: Calendar, since: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Service-hours spans (UTC) that end after ``since``, in order."""
    day = since.astimezone(ZoneInfo(cal.zone)).date() - DAY
    for _ in range(HORIZON_DAYS):
        span = _day_span(cal, day)
        if span is not None and span[1] > since:
            yield span
        day += DAY
    raise ValueError(f"no service hours within {HORIZON_DAYS} days of {since:%Y-%m-%d}")


@lru_cache(maxsize=8192)
def _day_span(cal: Calendar, day: date) -> tuple[datetime, datetime] | None:
    """One day's service hours in UTC (None: not a service day); cached, since thousands of
    clocks listed together share the same few days."""
    if WEEKDAYS[day.weekday()] not in cal.days or day in cal.holidays:
        return None
    zone = ZoneInfo(cal.zone)
    s, e = local_instant(day, cal.start, zone), local_instant(day, cal.end, zone)
    return (s, e) if e > s else None


def consume(cal: Calendar, start: datetime, end: datetime | None, amount: timedelta
            ) -> tuple[datetime | None, timedelta]:
    """Spend ``amount`` of service time from ``start``, not past ``end``: (the instant it is
    spent, or None when ``end`` came first; what is left of ``amount``)."""
    if cal.always:
        if end is None or start + amount <= end:
            return start + amount, timedelta(0)
        return None, amount - max(end - start, timedelta(0))
    for s, e in service_spans(cal, start):
        s = max(s, start)
        if end is not None and s >= end:
            break
        stop = e if end is None else min(e, end)
        if stop - s >= amount:
            return s + amount, timedelta(0)
        amount -= stop - s
    return None, amount


def budget(cal: Calendar, duration: timedelta) -> timedelta:
    """A policy duration as service time: whole days are service days."""
    if not cal.always and duration % DAY == timedelta(0):
        return (duration // DAY) * cal.day_length
    return duration


def due(cal: Calendar, running: Iterable[Interval], duration: timedelta) -> datetime | None:
    """When a clock of ``duration`` runs out over its running intervals (pauses are the gaps
    between them); None while it is paused with time left."""
    intervals = list(running)
    if cal.always:
        paused = sum((nxt[0] - cur[1] for cur, nxt in pairwise(intervals)  # type: ignore[operator]
                      ), timedelta(0))
        at = _wall_add(intervals[0][0], duration, cal.zone) + paused
        last_end = intervals[-1][1]
        return at if last_end is None or at <= last_end else None
    left = budget(cal, duration)
    for a, b in intervals:
        at, left = consume(cal, a, b, left)
        if at is not None:
            return at
    return None


def used(cal: Calendar, running: Iterable[Interval], now: datetime) -> timedelta:
    """Service time the clock has run up to ``now``."""
    total = timedelta(0)
    for a, b in running:
        b = now if b is None else min(b, now)
        if b <= a:
            continue
        if cal.always:
            total += b - a
            continue
        for s, e in service_spans(cal, a):
            if s >= b:
                break
            total += min(e, b) - max(s, a)
    return total


def _wall_add(start: datetime, duration: timedelta, zone: str) -> datetime:
    """Whole days on the wall clock of ``zone``; anything else exact."""
    if duration % DAY == timedelta(0):
        tz = ZoneInfo(zone)
        return wall_to_utc(start.astimezone(tz).replace(tzinfo=None) + duration, tz)
    return (start + duration).astimezone(UTC)


def add(cal: Calendar, start: datetime, duration: timedelta) -> datetime:
    """``start`` plus ``duration`` on the calendar, no pauses (finding deadlines use this)."""
    result = due(cal, [(start, None)], duration)
    assert result is not None  # a running clock always runs out
    return result


def calendar_of(service: Any, site: Any) -> Calendar:
    """A site's calendar from the service policy's ``service_hours`` (a site not listed, or
    listed as ``24x7``, runs around the clock, whole days on its own wall clock)."""
    hours = (getattr(service, "service_hours", None) or {}).get(site.id)
    if hours is None or isinstance(hours, str):
        return Calendar(zone=str(site.timezone))
    return Calendar(str(site.timezone), frozenset(str(getattr(d, "value", d)) for d in hours.days),
                    hours.start, hours.end, frozenset(hours.holidays))
