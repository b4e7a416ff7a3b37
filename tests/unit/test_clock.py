"""One rule for local wall times, one timestamp format: deadlines and windows agree at both
DST edges (Europe/Berlin: spring gap 2026-03-29 02:00->03:00, autumn fold 2026-10-25
03:00->02:00)."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from runner.clock import iso, local_instant, parse_iso, stamp, wall_to_utc
from runner.findings import due_date
from runner.upgrade.window import open_span

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_wall_time_in_the_spring_gap_means_the_jump():
    # 02:30 does not exist: the clocks jump from 02:00 CET (01:00 UTC) to 03:00 CEST
    assert local_instant(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_wall_time_in_the_autumn_fold_means_its_first_occurrence():
    # 02:30 happens twice: first at CEST (00:30 UTC), again at CET (01:30 UTC)
    assert local_instant(date(2026, 10, 25), time(2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC)


def test_ordinary_wall_times_are_plain_offsets():
    assert wall_to_utc(datetime(2026, 7, 1, 12, 0), BERLIN) == datetime(2026, 7, 1, 10, 0,
                                                                        tzinfo=UTC)


def test_deadlines_and_windows_resolve_the_gap_the_same_way():
    # a finding opened 02:30 CET a week earlier is due at the non-existent 02:30 ...
    opened = datetime(2026, 3, 22, 1, 30, tzinfo=UTC)
    due = due_date(opened, timedelta(days=7), "Europe/Berlin")
    # ... and a window starting 02:30 that night opens at the same instant
    window = SimpleNamespace(days=None, start=time(2, 30), end=time(5, 0), timezone="x")
    span = open_span(window, BERLIN, datetime(2026, 3, 29, 2, 0, tzinfo=UTC))
    assert span is not None
    assert due == span[0] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_deadlines_and_windows_resolve_the_fold_the_same_way():
    opened = datetime(2026, 10, 18, 0, 30, tzinfo=UTC)  # 02:30 CEST
    due = due_date(opened, timedelta(days=7), "Europe/Berlin")
    window = SimpleNamespace(days=None, start=time(2, 30), end=time(5, 0), timezone="x")
    span = open_span(window, BERLIN, datetime(2026, 10, 25, 1, 0, tzinfo=UTC))
    assert span is not None
    assert due == span[0] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_timestamps_are_utc_to_the_second_and_round_trip():
    ts = datetime(2026, 11, 25, 7, 15, 30, 999, tzinfo=ZoneInfo("Europe/Berlin"))
    assert iso(ts) == "2026-11-25T06:15:30Z"
    assert parse_iso(iso(ts)) == ts.replace(microsecond=0)
    assert stamp(ts) == "20261125T061530Z"
