"""Maintenance windows: boundaries, midnight, weekdays, DST in Europe/Berlin, site zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runner.estate.models import Window
from runner.upgrade.window import is_open, next_open, open_span, zone_for

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(*args: int, zone: ZoneInfo = BERLIN, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold)


def window(start: str, end: str, days: list[str] | None = None, tz: str = "Europe/Berlin"
           ) -> Window:
    return Window.model_validate({"start": start, "end": end, "days": days, "timezone": tz})


def test_a_same_day_window_is_open_from_start_until_just_before_end() -> None:
    w = window("09:00", "17:00")
    assert not is_open(w, BERLIN, local(2026, 11, 25, 8, 59, 59))
    assert is_open(w, BERLIN, local(2026, 11, 25, 9, 0))
    assert is_open(w, BERLIN, local(2026, 11, 25, 16, 59, 59))
    assert not is_open(w, BERLIN, local(2026, 11, 25, 17, 0))


def test_a_window_across_midnight_is_open_on_both_sides_of_it() -> None:
    w = window("22:00", "04:00")
    assert not is_open(w, BERLIN, local(2026, 11, 25, 21, 59))
    assert is_open(w, BERLIN, local(2026, 11, 25, 22, 0))
    assert is_open(w, BERLIN, local(2026, 11, 25, 23, 59, 59))
    assert is_open(w, BERLIN, local(2026, 11, 26, 0, 0))
    assert is_open(w, BERLIN, local(2026, 11, 26, 3, 59, 59))
    assert not is_open(w, BERLIN, local(2026, 11, 26, 4, 0))


def test_days_name_the_day_the_window_starts_on() -> None:
    w = window("22:00", "04:00", ["tue"])  # Tuesday 2026-11-24 22:00 -> Wednesday 04:00
    assert is_open(w, BERLIN, local(2026, 11, 24, 22, 30))
    assert is_open(w, BERLIN, local(2026, 11, 25, 3, 30))  # Wednesday morning: still Tuesday's
    assert not is_open(w, BERLIN, local(2026, 11, 25, 22, 30))  # Wednesday night: no window
    assert not is_open(w, BERLIN, local(2026, 11, 24, 3, 30))  # Tuesday morning: Monday's


def test_next_open_is_the_next_allowed_start() -> None:
    w = window("22:00", "04:00", ["tue", "thu"])
    # Wednesday noon -> Thursday 22:00 Berlin (21:00 UTC in winter)
    assert next_open(w, BERLIN, local(2026, 11, 25, 12, 0)) == utc(2026, 11, 26, 21, 0)
    # Friday -> next Tuesday
    assert next_open(w, BERLIN, local(2026, 11, 27, 12, 0)) == utc(2026, 12, 1, 21, 0)
    # open now -> now
    now = local(2026, 11, 24, 23, 0)
    assert next_open(w, BERLIN, now) == now.astimezone(UTC)


def test_window_in_another_zone_is_judged_in_that_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    w = window("22:00", "04:00", tz="Asia/Shanghai")
    assert is_open(w, shanghai, utc(2026, 11, 25, 14, 0))  # 22:00 in Shanghai
    assert not is_open(w, shanghai, utc(2026, 11, 25, 21, 0))  # 05:00 in Shanghai


def test_site_zone_is_used_for_timezone_site() -> None:
    w = window("22:00", "04:00", tz="site")
    assert zone_for(w, "Asia/Shanghai") == ZoneInfo("Asia/Shanghai")
    assert zone_for(window("22:00", "04:00"), "Asia/Shanghai") == BERLIN
    with pytest.raises(ValueError):
        zone_for(w, None)


# --- DST: spring forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC) --------------------


def test_window_across_midnight_on_spring_forward_night_keeps_local_hours() -> None:
    w = window("22:00", "04:00")
    start, end = open_span(w, BERLIN, local(2026, 3, 29, 1, 0))
    assert start == utc(2026, 3, 28, 21, 0)  # 22:00 CET
    assert end == utc(2026, 3, 29, 2, 0)  # 04:00 CEST
    assert end - start == timedelta(hours=5)  # one real hour shorter
    assert is_open(w, BERLIN, utc(2026, 3, 29, 1, 59))  # 03:59 CEST
    assert not is_open(w, BERLIN, utc(2026, 3, 29, 2, 0))  # 04:00 CEST


def test_a_start_skipped_by_spring_forward_opens_when_the_clocks_jump() -> None:
    w = window("02:30", "05:00")  # 02:30 does not exist on 2026-03-29
    assert not is_open(w, BERLIN, utc(2026, 3, 29, 0, 59))  # 01:59 CET
    assert is_open(w, BERLIN, utc(2026, 3, 29, 1, 0))  # 03:00 CEST, the jump
    assert next_open(w, BERLIN, utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 1, 0)
    # the next day the window is 02:30 CEST again
    assert next_open(w, BERLIN, utc(2026, 3, 29, 12, 0)) == utc(2026, 3, 30, 0, 30)


def test_window_around_the_spring_gap_shrinks_by_the_lost_hour() -> None:
    w = window("01:00", "04:00")
    start, end = open_span(w, BERLIN, utc(2026, 3, 29, 0, 30))
    assert (start, end) == (utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 2, 0))


# --- DST: fall back 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC) --------------------------


def test_window_across_midnight_on_fall_back_night_keeps_local_hours() -> None:
    w = window("22:00", "04:00")
    start, end = open_span(w, BERLIN, local(2026, 10, 25, 2, 30, fold=1))
    assert start == utc(2026, 10, 24, 20, 0)  # 22:00 CEST
    assert end == utc(2026, 10, 25, 3, 0)  # 04:00 CET
    assert end - start == timedelta(hours=7)  # one real hour longer
    assert is_open(w, BERLIN, local(2026, 10, 25, 2, 30, fold=0))  # first 02:30
    assert is_open(w, BERLIN, local(2026, 10, 25, 2, 30, fold=1))  # second 02:30
    assert is_open(w, BERLIN, utc(2026, 10, 25, 2, 59))  # 03:59 CET
    assert not is_open(w, BERLIN, utc(2026, 10, 25, 3, 0))  # 04:00 CET


def test_a_repeated_wall_time_means_its_first_occurrence() -> None:
    w = window("02:30", "06:00")
    assert next_open(w, BERLIN, utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 0, 30)  # CEST
    ends_at_repeat = window("00:00", "02:30")
    _start, end = open_span(ends_at_repeat, BERLIN, utc(2026, 10, 24, 23, 0))
    assert end == utc(2026, 10, 25, 0, 30)  # the first 02:30, not the second


def test_the_same_local_window_moves_in_utc_across_the_change() -> None:
    w = window("22:00", "04:00")
    assert next_open(w, BERLIN, utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 24, 20, 0)  # CEST
    assert next_open(w, BERLIN, utc(2026, 10, 25, 12, 0)) == utc(2026, 10, 25, 21, 0)  # CET


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        is_open(window("22:00", "04:00"), BERLIN, datetime(2026, 11, 25, 12, 0))
