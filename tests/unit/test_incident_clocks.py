"""Incident clocks on plain data: every case the contract's users complain about when clocks
pause or resume wrongly. Expected instants are worked out by hand in the comments, in local
time, from the calendar's rules (runner/service_hours.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from runner.errors import PatrolError
from runner.incidents import lifecycle
from runner.incidents.clocks import standing
from runner.incidents.escalation import escalate
from runner.incidents.model import Incident
from runner.service_hours import Calendar, add

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = frozenset({"mon", "tue", "wed", "thu", "fri"})
OFFICE = Calendar("Europe/Berlin", WEEKDAYS, time(9), time(18))
ALWAYS = Calendar("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def incident(opened: datetime, response: timedelta, on_site: timedelta) -> Incident:
    return lifecycle.new("INC-2026-0001", hosts=["db-02"], site="fra-dc2", summary="down",
                         severity="high", level="high", reported_by="Anna", via="phone",
                         owner="ops", limits={"response": response, "on_site": on_site},
                         at=opened, written=opened)


# -- the calendar --------------------------------------------------------------------------

def test_a_24x7_clock_runs_across_midnight_in_exact_minutes():
    assert add(ALWAYS, berlin(2026, 11, 24, 23, 50), timedelta(minutes=30)) == berlin(
        2026, 11, 25, 0, 20)


def test_service_hours_carry_the_rest_across_midnight_to_the_next_morning():
    # Tuesday 17:30, 1h: 30 min today (to 18:00), 30 min from Wednesday 09:00
    assert add(OFFICE, berlin(2026, 11, 24, 17, 30), timedelta(hours=1)) == berlin(
        2026, 11, 25, 9, 30)


def test_a_clock_opened_at_night_starts_at_the_next_service_hours_start():
    assert add(OFFICE, berlin(2026, 11, 24, 22, 0), timedelta(minutes=30)) == berlin(
        2026, 11, 25, 9, 30)


def test_weekends_do_not_count():
    # Friday 17:30 + 1h: 30 min on Friday, 30 min on Monday
    assert add(OFFICE, berlin(2026, 11, 27, 17, 30), timedelta(hours=1)) == berlin(
        2026, 11, 30, 9, 30)


def test_a_holiday_does_not_count():
    # 2026-10-01 is a Thursday; with it a holiday, Wednesday 17:30 + 1h ends Friday 09:30
    cal = Calendar("Asia/Shanghai", WEEKDAYS, time(9), time(18), frozenset({date(2026, 10, 1)}))
    opened = datetime(2026, 9, 30, 17, 30, tzinfo=SHANGHAI)
    assert add(cal, opened, timedelta(hours=1)) == datetime(2026, 10, 2, 9, 30, tzinfo=SHANGHAI)


def test_whole_days_in_service_hours_are_service_days():
    # Friday 10:00 + 1d (one 9-hour service day): Monday 10:00
    assert add(OFFICE, berlin(2026, 11, 27, 10, 0), timedelta(days=1)) == berlin(
        2026, 11, 30, 10, 0)


def test_spring_dst_24x7_exact_durations_are_real_minutes():
    # 01:50 CET (00:50 UTC) on 2026-03-29 + 30 real minutes = 01:20 UTC = 03:20 CEST
    assert add(ALWAYS, berlin(2026, 3, 29, 1, 50), timedelta(minutes=30)) == datetime(
        2026, 3, 29, 1, 20, tzinfo=UTC)


def test_spring_dst_24x7_whole_days_keep_the_wall_time_and_a_skipped_time_means_the_jump():
    # 02:30 CET on 03-28 + 1d = 02:30 on 03-29, which does not exist: the jump, 03:00 CEST
    assert add(ALWAYS, berlin(2026, 3, 28, 2, 30), timedelta(days=1)) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC)


def test_spring_dst_night_service_hours_are_an_hour_shorter():
    # service 00:00-06:00 every day: on 03-29 that is 5 real hours (23:00Z-04:00Z), so 6h of
    # service time opened at its start ends at 01:00 local the next night (23:00Z on 03-29)
    night = Calendar("Europe/Berlin", frozenset({"sun", "mon"}), time(0), time(6))
    assert add(night, datetime(2026, 3, 28, 23, 0, tzinfo=UTC), timedelta(hours=6)) == datetime(
        2026, 3, 29, 23, 0, tzinfo=UTC)


def test_autumn_dst_night_service_hours_are_an_hour_longer():
    # on 10-25, 00:00 CEST (22:00Z) to 06:00 CET (05:00Z) is 7 real hours: 6h end at 04:00Z
    night = Calendar("Europe/Berlin", frozenset({"sun"}), time(0), time(6))
    assert add(night, datetime(2026, 10, 24, 22, 0, tzinfo=UTC), timedelta(hours=6)) == datetime(
        2026, 10, 25, 4, 0, tzinfo=UTC)


def test_autumn_dst_24x7_whole_days_mean_the_first_of_a_repeated_time():
    # 02:30 CEST on 10-24 + 1d = 02:30 on 10-25, its first occurrence (CEST, 00:30 UTC)
    assert add(ALWAYS, berlin(2026, 10, 24, 2, 30), timedelta(days=1)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC)


# -- pauses ----------------------------------------------------------------------------------

def test_a_pause_stops_a_24x7_clock_for_exactly_its_length():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=1), timedelta(hours=4))
    lifecycle.wait(inc, "customer reboots", opened + timedelta(minutes=20), opened)
    paused = standing(inc, "response", ALWAYS, opened + timedelta(hours=3))
    assert paused.paused and paused.due is None and not paused.breached
    lifecycle.resume(inc, opened + timedelta(minutes=20, hours=2, seconds=7), opened)
    s = standing(inc, "response", ALWAYS, opened + timedelta(hours=3))
    assert s.due == opened + timedelta(hours=3, seconds=7)  # 1h + a pause of 2h 0m 7s
    assert s.left == timedelta(seconds=7)


def test_a_pause_spanning_a_weekend_resumes_at_the_next_service_hours_start():
    # Friday 16:00, 4h response; waiting from 17:00 (1h used) until Monday 07:30, before
    # service hours: the clock resumes at 09:00 with 3h left -> Monday 12:00
    opened = berlin(2026, 11, 27, 16, 0)
    inc = incident(opened, timedelta(hours=4), timedelta(days=1))
    lifecycle.wait(inc, "waiting for access", berlin(2026, 11, 27, 17, 0), opened)
    lifecycle.resume(inc, berlin(2026, 11, 30, 7, 30), opened)
    s = standing(inc, "response", OFFICE, berlin(2026, 11, 30, 7, 31))
    assert s.due == berlin(2026, 11, 30, 12, 0)
    without_pause = add(OFFICE, opened, timedelta(hours=4))
    assert without_pause == berlin(2026, 11, 30, 11, 0)  # the pause cost exactly Fri 17-18


def test_a_pause_ending_in_the_evening_resumes_next_morning():
    # Tuesday 10:00, 4h; waiting 11:00 to 20:00 -> 1h used, 3h from Wednesday 09:00 = 12:00
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=4), timedelta(days=1))
    lifecycle.wait(inc, "x", berlin(2026, 11, 24, 11, 0), opened)
    lifecycle.resume(inc, berlin(2026, 11, 24, 20, 0), opened)
    assert standing(inc, "response", OFFICE, berlin(2026, 11, 24, 20, 0)).due == berlin(
        2026, 11, 25, 12, 0)


# -- meeting, breaching, refusing ------------------------------------------------------------

def test_a_response_logged_before_the_incident_was_opened_is_refused():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=1), timedelta(hours=4))
    with pytest.raises(PatrolError, match="before incident INC-2026-0001's latest step"):
        lifecycle.respond(inc, "Jonas", None, opened - timedelta(minutes=1), opened)
    assert inc.clocks["response"].met_at is None and len(inc.history) == 1


def test_a_response_on_a_resolved_incident_is_refused():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=1), timedelta(hours=4))
    lifecycle.resolve(inc, "fixed remotely", "Jonas", opened + timedelta(minutes=5), opened)
    with pytest.raises(PatrolError, match="is resolved: cannot respond"):
        lifecycle.respond(inc, "Jonas", None, opened + timedelta(minutes=6), opened)


def test_an_empty_engineer_name_is_refused():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=1), timedelta(hours=4))
    with pytest.raises(PatrolError, match="--engineer is empty"):
        lifecycle.arrive(inc, "  ", opened, opened)


def test_a_late_response_is_met_late_and_breached():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(minutes=30), timedelta(hours=4))
    lifecycle.respond(inc, "Jonas", None, opened + timedelta(minutes=45), opened)
    s = standing(inc, "response", ALWAYS, opened + timedelta(hours=1))
    assert (s.breached, s.over, s.left) == (True, timedelta(minutes=15), None)


def test_arriving_meets_an_unmet_response_too():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(minutes=30), timedelta(hours=4))
    lifecycle.arrive(inc, "Jonas Weber", opened + timedelta(minutes=20), opened)
    assert inc.clocks["response"].met_by == inc.clocks["on_site"].met_by == "Jonas Weber"
    assert inc.state.value == "on-site"


def test_escalation_warns_at_warn_at_and_breaches_at_100_percent_once_each():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=1), timedelta(hours=8))
    cals = {"fra-dc2": ALWAYS}
    assert escalate({inc.id: inc}, cals, opened + timedelta(minutes=44), 0.75) == []
    warned = escalate({inc.id: inc}, cals, opened + timedelta(minutes=45), 0.75)
    assert [(a.clock, a.level) for a in warned] == [("response", "warned")]
    assert escalate({inc.id: inc}, cals, opened + timedelta(minutes=50), 0.75) == []
    breached = escalate({inc.id: inc}, cals, opened + timedelta(hours=1), 0.75)
    assert [(a.clock, a.level, a.due) for a in breached] == [
        ("response", "breached", opened + timedelta(hours=1))]
    assert inc.clocks["response"].breached_at == opened + timedelta(hours=1)


def test_a_second_response_is_refused_naming_the_first():
    opened = berlin(2026, 11, 24, 10, 0)
    inc = incident(opened, timedelta(hours=1), timedelta(hours=4))
    lifecycle.respond(inc, "Jonas", None, opened + timedelta(minutes=5), opened)
    with pytest.raises(PatrolError, match="response already met at 2026-11-24T09:05:00Z by Jonas"):
        lifecycle.respond(inc, "Anna", None, opened + timedelta(minutes=6), opened)
