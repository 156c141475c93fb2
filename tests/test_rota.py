"""The rota worked out into visits: weekly and alternate weeks, start and end dates,
cancelled and extra visits, and the days the school is closed."""

import itertools
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import School, default_organisation, default_school
from incidents import rota
from incidents.models import (
    Closure,
    ClosureKind,
    OpeningHours,
    RotaEntry,
    SchoolCalendar,
    VisitChange,
    VisitChangeKind,
    Weekday,
)
from tests.factories import SiteFactory, UserFactory

TUESDAY = Weekday.TUESDAY
THURSDAY = Weekday.THURSDAY
# Monday 2 September 2024: the first week of the autumn term.
TERM_STARTS = date(2024, 9, 2)


def entry(weekday=TUESDAY, every=1, starts=TERM_STARTS, ends=None, tech=1, school=1, **times):
    return SimpleNamespace(
        technician_id=tech,
        school_id=school,
        weekday=weekday,
        every_weeks=every,
        starts_on=starts,
        ends_on=ends,
        arrives=times.get("arrives"),
        leaves=times.get("leaves"),
    )


def change(day, kind, tech=1, school=1, reason="Because"):
    return SimpleNamespace(
        technician_id=tech,
        school_id=school,
        day=day,
        kind=kind,
        reason=reason,
        arrives=None,
        leaves=None,
    )


def never_closed(school_id, day):
    return False


def days(visits):
    return [visit.day for visit in visits]


# ---------------------------------------------------------------- plan: examples


def test_every_tuesday():
    visits = rota.plan([entry()], [], TERM_STARTS, TERM_STARTS + timedelta(days=27), never_closed)
    assert days(visits) == [
        date(2024, 9, 3),
        date(2024, 9, 10),
        date(2024, 9, 17),
        date(2024, 9, 24),
    ]


def test_alternate_thursdays_count_from_the_start_week():
    visits = rota.plan(
        [entry(THURSDAY, every=2, starts=date(2024, 9, 4))],  # a Wednesday
        [],
        date(2024, 9, 1),
        date(2024, 10, 31),
        never_closed,
    )
    assert days(visits) == [
        date(2024, 9, 5),
        date(2024, 9, 19),
        date(2024, 10, 3),
        date(2024, 10, 17),
        date(2024, 10, 31),
    ]


def test_a_weekday_before_the_start_date_in_its_week_waits_a_whole_period():
    # Starts on Wednesday 4 September; Tuesdays every 2 weeks counted from that week:
    # Tuesday 3rd is before the start, so the first visit is Tuesday 17th.
    visits = rota.plan(
        [entry(TUESDAY, every=2, starts=date(2024, 9, 4))],
        [],
        date(2024, 9, 1),
        date(2024, 10, 1),
        never_closed,
    )
    assert days(visits) == [date(2024, 9, 17), date(2024, 10, 1)]


def test_the_end_date_is_the_last_possible_visit():
    visits = rota.plan(
        [entry(ends=date(2024, 9, 17))], [], TERM_STARTS, date(2024, 12, 31), never_closed
    )
    assert days(visits) == [date(2024, 9, 3), date(2024, 9, 10), date(2024, 9, 17)]


def test_a_cancelled_visit_does_not_happen_and_an_extra_one_does():
    visits = rota.plan(
        [entry()],
        [
            change(date(2024, 9, 10), VisitChangeKind.CANCELLED, reason="Training"),
            change(date(2024, 9, 12), VisitChangeKind.EXTRA, reason="Moved from Tuesday"),
        ],
        TERM_STARTS,
        date(2024, 9, 17),
        never_closed,
    )
    assert days(visits) == [date(2024, 9, 3), date(2024, 9, 12), date(2024, 9, 17)]
    extra = visits[1]
    assert extra.extra and extra.reason == "Moved from Tuesday"


def test_a_cancellation_is_for_one_technician_at_one_school():
    visits = rota.plan(
        [entry(tech=1), entry(tech=2), entry(tech=1, school=2)],
        [change(date(2024, 9, 3), VisitChangeKind.CANCELLED, tech=1, school=1)],
        TERM_STARTS,
        TERM_STARTS + timedelta(days=6),
        never_closed,
    )
    assert [(v.technician_id, v.school_id) for v in visits] == [(2, 1), (1, 2)]


def test_closed_days_drop_regular_and_extra_visits():
    half_term = (date(2024, 10, 28), date(2024, 11, 1))

    def closed(school_id, day):
        return school_id == 1 and half_term[0] <= day <= half_term[1]

    visits = rota.plan(
        [entry(), entry(school=2)],
        [change(date(2024, 10, 31), VisitChangeKind.EXTRA)],
        date(2024, 10, 21),
        date(2024, 11, 5),
        closed,
    )
    assert [(v.day, v.school_id) for v in visits] == [
        (date(2024, 10, 22), 1),
        (date(2024, 10, 22), 2),
        (date(2024, 10, 29), 2),
        (date(2024, 11, 5), 1),
        (date(2024, 11, 5), 2),
    ]


def test_visits_come_in_order_of_day_then_arrival():
    visits = rota.plan(
        [
            entry(school=1, arrives=time(13)),
            entry(school=2, arrives=time(8, 30)),
        ],
        [],
        TERM_STARTS,
        TERM_STARTS + timedelta(days=6),
        never_closed,
    )
    assert [v.school_id for v in visits] == [2, 1]
    assert visits[0].hours == "from 08:30"


# ---------------------------------------------------------------- plan: properties


def brute_force(entries, changes, first, last, is_closed):
    """The definition, day by day: the entry's weekday, within its dates, a whole
    number of periods after the week it starts; then the changes; then closures."""
    found = {}
    day = first
    while day <= last:
        for e in entries:
            start_monday = e.starts_on - timedelta(days=e.starts_on.weekday())
            weeks = (day - start_monday).days // 7
            if (
                day.weekday() == e.weekday
                and day >= e.starts_on
                and (e.ends_on is None or day <= e.ends_on)
                and weeks % e.every_weeks == 0
            ):
                found.setdefault((day, e.school_id, e.technician_id), False)
        day += timedelta(days=1)
    for c in changes:
        if first <= c.day <= last:
            key = (c.day, c.school_id, c.technician_id)
            if c.kind == VisitChangeKind.CANCELLED:
                found.pop(key, None)
            else:
                found[key] = True
    return sorted(key for key in found if not is_closed(key[1], key[0]))


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
entries = st.builds(
    entry,
    weekday=st.integers(0, 6),
    every=st.integers(1, 8),
    starts=dates,
    ends=st.none() | dates,
    tech=st.integers(1, 3),
    school=st.integers(1, 3),
)
changes = st.builds(
    change,
    day=dates,
    kind=st.sampled_from([VisitChangeKind.CANCELLED, VisitChangeKind.EXTRA]),
    tech=st.integers(1, 3),
    school=st.integers(1, 3),
)
closures = st.lists(st.tuples(st.integers(1, 3), dates, st.integers(0, 20)), max_size=4)


def closed_by(spans):
    def is_closed(school_id, day):
        return day.weekday() == 6 or any(
            school_id == s and first <= day <= first + timedelta(days=length)
            for s, first, length in spans
        )

    return is_closed


def valid(entry_list):
    return [e for e in entry_list if e.ends_on is None or e.ends_on >= e.starts_on]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(entries, max_size=5),
    st.lists(changes, max_size=6),
    dates,
    st.integers(0, 120),
    closures,
)
def test_plan_matches_the_day_by_day_definition(entry_list, change_list, first, length, spans):
    entry_list = valid(entry_list)
    last = first + timedelta(days=length)
    is_closed = closed_by(spans)
    visits = rota.plan(entry_list, change_list, first, last, is_closed)
    assert sorted(v.key for v in visits) == brute_force(
        entry_list, change_list, first, last, is_closed
    )
    assert len({v.key for v in visits}) == len(visits)
    assert [v.day for v in visits] == sorted(v.day for v in visits)
    assert all(first <= v.day <= last and not is_closed(v.school_id, v.day) for v in visits)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(entries, max_size=4),
    st.lists(changes, max_size=4),
    dates,
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_two_spans_give_the_visits_of_the_whole(entry_list, change_list, first, one, two):
    entry_list = valid(entry_list)
    middle = first + timedelta(days=one)
    last = middle + timedelta(days=1 + two)
    whole = rota.plan(entry_list, change_list, first, last, never_closed)
    parts = rota.plan(entry_list, change_list, first, middle, never_closed) + rota.plan(
        entry_list, change_list, middle + timedelta(days=1), last, never_closed
    )
    assert [v.key for v in whole] == [v.key for v in parts]


@settings(max_examples=200, deadline=None)
@given(entries, dates, st.integers(0, 200))
def test_a_regular_visit_repeats_after_its_period(e, first, length):
    e = entry(e.weekday, e.every_weeks, e.starts_on, None, e.technician_id, e.school_id)
    last = first + timedelta(days=length)
    visits = rota.plan([e], [], first, last, never_closed)
    for earlier, later in itertools.pairwise(visits):
        assert (later.day - earlier.day).days == 7 * e.every_weeks
    for visit in visits:
        assert visit.day.weekday() == e.weekday and visit.day >= e.starts_on


# ---------------------------------------------------------------- the database


@pytest.fixture
def school(db):
    return default_school()


@pytest.fixture
def other_school(db):
    return School.objects.create(
        organisation=default_organisation(), name="Hillside Secondary", code="HSS"
    )


def test_next_visits_of_a_technician_across_schools(db, technician, school, other_school):
    SiteFactory(school=school, code="MAIN")
    SiteFactory(school=other_school, code="HILL")
    RotaEntry.objects.create(
        technician=technician, school=school, weekday=TUESDAY, starts_on=TERM_STARTS
    )
    RotaEntry.objects.create(
        technician=technician,
        school=other_school,
        weekday=THURSDAY,
        every_weeks=2,
        starts_on=TERM_STARTS,
        arrives=time(9),
        leaves=time(12),
    )
    VisitChange.objects.create(
        technician=technician,
        school=school,
        day=date(2024, 9, 10),
        kind=VisitChangeKind.CANCELLED,
        reason="Training course",
    )
    visits = rota.next_visits(date(2024, 9, 4), technician=technician, limit=4)
    assert [(v.day, v.school.code) for v in visits] == [
        (date(2024, 9, 5), "HSS"),
        (date(2024, 9, 17), school.code),
        (date(2024, 9, 19), "HSS"),
        (date(2024, 9, 24), school.code),
    ]
    assert visits[0].hours == "09:00–12:00" and visits[0].technician == technician


def test_next_visits_at_a_school_skip_its_closed_days_and_bank_holidays(db, technician, school):
    site = SiteFactory(school=school, code="MAIN")
    calendar = SchoolCalendar.objects.create(site=site)
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(8), closes=time(16)
        )
    Closure.objects.create(
        calendar=calendar,
        kind=ClosureKind.HOLIDAY,
        name="Christmas",
        first_day=date(2024, 12, 23),
        last_day=date(2025, 1, 3),
    )
    RotaEntry.objects.create(
        technician=technician, school=school, weekday=Weekday.MONDAY, starts_on=TERM_STARTS
    )
    visits = rota.next_visits(date(2024, 12, 16), school=school, limit=2)
    # 23 and 30 December are holidays; 6 January is the first Monday of term.
    assert days(visits) == [date(2024, 12, 16), date(2025, 1, 6)]
    # Easter Monday is a bank holiday in England.
    easter = rota.next_visits(date(2025, 4, 21), school=school, limit=1)
    assert days(easter) == [date(2025, 4, 28)]


def test_a_school_is_open_while_any_of_its_sites_is(db, technician, school):
    closed_site = SiteFactory(school=school, code="MAIN")
    SiteFactory(school=school, code="ANNEXE")
    Closure.objects.create(
        calendar=SchoolCalendar.objects.create(site=closed_site),
        kind=ClosureKind.CLOSURE,
        name="Boiler broken",
        first_day=date(2024, 9, 3),
        last_day=date(2024, 9, 3),
    )
    RotaEntry.objects.create(
        technician=technician, school=school, weekday=TUESDAY, starts_on=TERM_STARTS
    )
    assert rota.is_scheduled(date(2024, 9, 3), school=school, technician=technician)


def test_is_scheduled_by_technician_and_school(db, technician, school, other_school):
    other = UserFactory(roles=["Technician"])
    RotaEntry.objects.create(
        technician=technician, school=school, weekday=TUESDAY, starts_on=TERM_STARTS
    )
    assert rota.is_scheduled(date(2024, 9, 3), school=school)
    assert rota.is_scheduled(date(2024, 9, 3), school=school, technician=technician)
    assert not rota.is_scheduled(date(2024, 9, 3), school=school, technician=other)
    assert not rota.is_scheduled(date(2024, 9, 3), school=other_school)
    assert not rota.is_scheduled(date(2024, 9, 4), school=school)


def test_next_visits_reads_a_fixed_number_of_queries(
    db, technician, school, other_school, django_assert_num_queries
):
    for code, where in (("MAIN", school), ("ANNEXE", school), ("HILL", other_school)):
        calendar = SchoolCalendar.objects.create(site=SiteFactory(school=where, code=code))
        for weekday in range(5):
            OpeningHours.objects.create(
                calendar=calendar, weekday=weekday, opens=time(8), closes=time(16)
            )
    for weekday in range(5):
        RotaEntry.objects.create(
            technician=technician, school=school, weekday=weekday, starts_on=TERM_STARTS
        )
        RotaEntry.objects.create(
            technician=technician,
            school=other_school,
            weekday=weekday,
            every_weeks=2,
            starts_on=TERM_STARTS,
        )
    # Entries, changes, the sites with their calendars' opening hours, the closures
    # in the horizon.
    with django_assert_num_queries(4):
        visits = rota.next_visits(TERM_STARTS, technician=technician, limit=50)
    assert len(visits) == 50


def test_the_database_refuses_a_rota_that_ends_before_it_starts(db, technician, school):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RotaEntry.objects.create(
            technician=technician,
            school=school,
            weekday=TUESDAY,
            starts_on=TERM_STARTS,
            ends_on=TERM_STARTS - timedelta(days=1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RotaEntry.objects.create(
            technician=technician,
            school=school,
            weekday=TUESDAY,
            starts_on=TERM_STARTS,
            every_weeks=0,
        )


def test_closed_days_in_a_horizon_are_those_of_the_calendars_read_whole(db, school, other_school):
    """Reading only the closures that reach into the days asked about gives, on those
    days, what each site's whole calendar says (`school_time_of`)."""
    from incidents.targets.school_time import school_time_of

    main = SchoolCalendar.objects.create(site=SiteFactory(school=school, code="MAIN"))
    annexe = SchoolCalendar.objects.create(
        site=SiteFactory(school=school, code="ANNEXE"), bank_holidays=""
    )
    SiteFactory(school=other_school, code="HILL")  # no calendar: the default
    for weekday in range(5):
        OpeningHours.objects.create(calendar=main, weekday=weekday, opens=time(8), closes=time(16))
    for weekday in (0, 2, 5):
        OpeningHours.objects.create(
            calendar=annexe, weekday=weekday, opens=time(9), closes=time(12)
        )
    spans = [
        (main, date(2024, 8, 20), date(2024, 9, 4)),  # reaches in from before
        (main, date(2024, 10, 28), date(2024, 11, 1)),
        (annexe, date(2024, 10, 30), date(2024, 11, 8)),
        (annexe, date(2024, 12, 20), date(2025, 1, 6)),  # reaches out past the end
        (main, date(2023, 1, 1), date(2023, 12, 31)),  # long before
        (annexe, date(2026, 1, 1), date(2026, 2, 1)),  # long after
    ]
    for calendar, first_day, last_day in spans:
        Closure.objects.create(
            calendar=calendar,
            kind=ClosureKind.HOLIDAY,
            name="x",
            first_day=first_day,
            last_day=last_day,
        )
    first, last = TERM_STARTS, date(2024, 12, 31)
    in_horizon = rota.closed_days([school.pk, other_school.pk], first, last)
    whole = {
        school.pk: [school_time_of(main), school_time_of(annexe)],
        other_school.pk: [school_time_of(None)],
    }
    day = first
    while day <= last:
        for school_id, times in whole.items():
            expected = not any(each.is_open_on(day) for each in times)
            assert in_horizon(school_id, day) == expected, (school_id, day)
        day += timedelta(days=1)
