"""School time: due times skip evenings, weekends, bank holidays and closures, in
bounded steps; adding school time and measuring it agree."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents import targets
from incidents.models import (
    Closure,
    ClosureKind,
    Incident,
    OpeningHours,
    PriorityTarget,
    SchoolCalendar,
    TargetHours,
)
from incidents.targets import SchoolTime
from tests.desk_helpers import fresh, logged
from tests.factories import file_incident

LONDON = ZoneInfo("Europe/London")
HALF_TERM = ((date(2026, 10, 26), date(2026, 10, 30)),)
CLOCK = SchoolTime(closures=HALF_TERM)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
amounts = st.integers(min_value=0, max_value=40 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=amounts)
def test_adding_school_time_then_measuring_it_gives_it_back(start, amount):
    due = CLOCK.add(start, amount)
    assert due >= start
    assert CLOCK.measure(start, due) == amount


@settings(max_examples=200, deadline=None)
@given(start=moments, first=amounts, second=amounts)
def test_adding_in_two_steps_equals_adding_at_once(start, first, second):
    assert CLOCK.add(CLOCK.add(start, first), second) == CLOCK.add(start, first + second)


@settings(max_examples=200, deadline=None)
@given(start=moments, a=amounts, b=amounts)
def test_measured_time_is_monotonic(start, a, b):
    early, late = sorted([start + a * 3, start + b * 3])
    assert CLOCK.measure(start, early) <= CLOCK.measure(start, late)
    assert CLOCK.measure(start, late) <= late - start


def test_no_school_time_on_weekends_bank_holidays_or_half_term():
    assert CLOCK.measure(local(2026, 11, 28, 0), local(2026, 11, 30, 0)) == timedelta(0)
    assert CLOCK.measure(local(2026, 12, 25, 0), local(2026, 12, 26, 0)) == timedelta(0)
    assert CLOCK.measure(local(2026, 10, 26, 0), local(2026, 10, 31, 0)) == timedelta(0)
    assert CLOCK.measure(local(2026, 12, 1, 0), local(2026, 12, 2, 0)) == timedelta(hours=9)


def test_a_long_target_is_computed_in_steps_per_day_with_a_bound():
    # Two years of school time: one step per day, not per minute.
    due = CLOCK.add(local(2026, 1, 5, 8), timedelta(hours=9 * 250 * 2))
    assert date(2027, 11, 1) < due.date() < date(2028, 2, 1)
    # A calendar that never opens gives up after MAX_DAYS and counts all hours.
    never = SchoolTime(opening={})
    start = local(2026, 1, 5, 8)
    assert never.add(start, timedelta(hours=1)) == start + timedelta(hours=1)


@pytest.mark.django_db
def test_a_priority_2_call_logged_on_sunday_afternoon_is_due_in_school_hours(desk, reporter, site):
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(created_at=local(2026, 11, 29, 15, 22))
    incident = logged(fresh(incident), desk, impact=1, urgency=2)

    assert incident.priority == 2
    assert incident.response_due_at == local(2026, 11, 30, 9, 0)  # not Sunday 16:22
    assert incident.resolution_due_at == local(2026, 11, 30, 16, 0)  # not Sunday 23:22


@pytest.mark.django_db
def test_priority_1_counts_all_hours(desk, reporter, site):
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(created_at=local(2026, 11, 29, 15, 22))
    incident = logged(fresh(incident), desk, impact=1, urgency=1)

    assert incident.resolution_due_at == local(2026, 11, 29, 19, 22)


@pytest.mark.django_db
def test_a_three_day_target_over_half_term_skips_the_holiday(desk, reporter, site):
    calendar = SchoolCalendar.objects.create(site=site)
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(8, 30), closes=time(15, 30)
        )
    Closure.objects.create(
        calendar=calendar,
        kind=ClosureKind.HOLIDAY,
        name="October half-term",
        first_day=date(2026, 10, 26),
        last_day=date(2026, 10, 30),
    )
    PriorityTarget.objects.create(
        priority=3, response_minutes=60, resolution_minutes=3 * 7 * 60, hours=TargetHours.SCHOOL
    )
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(created_at=local(2026, 10, 23, 12, 30))
    incident = logged(fresh(incident), desk)  # impact × urgency medium: priority 3

    # Friday 12:30–15:30 is 3 h; half-term skipped; Mon 2 Nov 7 h, Tue 7 h, Wed 4 h.
    assert incident.resolution_due_at == local(2026, 11, 4, 12, 30)


@pytest.mark.django_db
def test_a_pause_stops_the_clock_in_school_time(desk, reporter, site):
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(created_at=local(2026, 11, 27, 16, 0))
    incident = logged(fresh(incident), desk, impact=1, urgency=2)  # due Mon 30 Nov 15:00
    assert incident.resolution_due_at == local(2026, 11, 30, 15, 0)
    clock = targets.clock_for(incident)
    incident.status = "awaiting_user"
    targets.sync_clock(incident, local(2026, 11, 27, 16, 30))  # 30 school minutes in
    incident.status = "logged"
    targets.sync_clock(incident, local(2026, 11, 30, 10, 0))  # over the weekend

    # 7 h 30 min were left when it paused: Monday 10:00–17:00, then Tuesday 08:00–08:30.
    assert incident.resolution_due_at == local(2026, 12, 1, 8, 30)
    assert clock.measure(local(2026, 11, 30, 10), incident.resolution_due_at) == timedelta(
        hours=7.5
    )
    assert incident.paused_seconds == 2 * 3600 + 30 * 60  # 16:30–17:00 Fri, 08:00–10:00 Mon


@pytest.mark.django_db
def test_the_desk_is_warned_when_the_visit_is_after_the_resolution_target(
    client_for, desk, reporter, site
):
    incident = logged(file_incident(reporter, site=site), desk, impact=1, urgency=1)
    late_visit = incident.resolution_due_at.date() + timedelta(days=7)
    client = client_for(desk)

    response = client.post(
        reverse("incidents:request_technician", args=[incident.reference]),
        {"technician-version": incident.version, "technician-visit_date": late_visit},
        follow=True,
    )

    assert fresh(incident).visit_date == late_visit
    assert fresh(incident).status == "assigned"  # a warning, not a block
    assert 'data-testid="visit-warning"' in response.text
    assert f"visit on {late_visit:%A %d %B} is after the resolution target" in response.text


@pytest.mark.django_db
def test_no_warning_for_a_visit_before_the_target(client_for, desk, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk, impact=3, urgency=3)
    page = client_for(desk).get(incident.get_absolute_url()).text
    assert targets.visit_after_target(incident, incident.resolution_due_at.date()) is False
    assert 'data-testid="visit-warning"' not in page
