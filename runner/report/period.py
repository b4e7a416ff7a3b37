"""A calendar month in the contract's zone: the report's period. Records carry UTC timestamps;
a month is ``[first day 00:00, first day of the next month 00:00)`` on the zone's wall clock
(``zone``, UTC unless the service policy names the contract's), and a run belongs to the day
it finished on there. A week starts on Monday (the day the CI templates run the weekly
checklist)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import PatrolError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int
    zone: str = field(default="UTC", compare=False)

    def within(self, zone: str | None) -> Month:
        """The same month on ``zone``'s wall clock."""
        return replace(self, zone=zone or "UTC")

    def local(self, at: datetime) -> datetime:
        return at.astimezone(ZoneInfo(self.zone))

    def day_of(self, at: datetime) -> date:
        """The calendar day ``at`` falls on in the month's zone."""
        return self.local(at).date()

    def midnight(self, day: date) -> datetime:
        """The first instant of ``day`` in the month's zone (as UTC)."""
        return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM`` or one clean usage error."""
        m = _MONTH.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise PatrolError(f"month {text!r}: expected YYYY-MM, e.g. 2026-11")
        month = cls(int(m.group(1)), int(m.group(2)))
        if not FIRST <= month <= LAST:  # a report reads the month after: year 10000 overflows
            raise PatrolError(f"month {text!r}: expected YYYY-MM from {FIRST} to {LAST}")
        return month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.next().first - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return self.midnight(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the month."""
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1, self.zone)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1, self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.last.day)]

    def contains(self, at: datetime | date) -> bool:
        if isinstance(at, datetime):
            return self.start <= at < self.end
        return self.first <= at <= self.last

    def mondays(self) -> list[date]:
        return [d for d in self.days() if d.weekday() == 0]

    def weeks(self) -> list[tuple[date, date]]:
        """Monday-to-Sunday weeks clipped to the month, in order (the first may be short)."""
        out: list[tuple[date, date]] = []
        day = self.first
        while day <= self.last:
            end = min(day + timedelta(days=6 - day.weekday()), self.last)
            out.append((day, end))
            day = end + timedelta(days=1)
        return out


FIRST = Month(1970, 1)
LAST = Month(9999, 11)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def zone_of(estate: Any) -> str:
    """The contract's zone: the service policy's ``timezone``, else the sites' zone when they
    share one, else UTC."""
    named = getattr(estate.service, "timezone", None)
    if named:
        return str(named)
    zones = {str(s.timezone) for s in estate.sites.values()}
    return zones.pop() if len(zones) == 1 else "UTC"
