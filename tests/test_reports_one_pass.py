"""The service report's figures counted in few passes (the weeks in the first pass,
the top lists counted by id before their names are joined, the schools' figures and
categories from the report's own queries, durations by ``date_part``) are those of
the straightforward computation: each figure by its own query, as the report used
to count them, and by Python over the calls themselves.

The data is varied on purpose: three schools with two sites each, rooms of the same
name at several sites, categories and asset tags differing only in case or accents,
counts tied at the tenth place, calls without a category, equipment or room,
service requests (never counted), durations with microseconds, paused clocks, and a
period across the clocks going forward (29 March 2026).
"""

import random
import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from incidents import reporting
from incidents.models import CallKind, ClosureCode, Incident, ResolutionKind, Status
from incidents.reporting import Period
from incidents.reporting.expressions import incidents_at, within
from incidents.reporting.periods import weeks_of
from incidents.reporting.schools import schools_side_by_side
from incidents.reporting.service import WEEKS_IN_FIRST_PASS
from tests.factories import (
    CategoryFactory,
    EquipmentFactory,
    OrganisationFactory,
    RoomFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    file_incident,
    request_type,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
CATEGORY_NAMES = ["printing", "Printing", "Écrans", "ecrans", "Network", "network ", "Zed"]
CATEGORY_NAMES += [f"Category {n}" for n in range(8)]


@pytest.fixture
def trust(db):
    """Three schools' calls from mid-February to mid-April, at random but the same
    on every run (and on both databases)."""
    rng = random.Random(17)
    organisation = OrganisationFactory()
    schools = [SchoolFactory(organisation=organisation) for _ in range(3)]
    sites = [SiteFactory(school=school) for school in schools for _ in range(2)]
    rooms = [RoomFactory(site=site, name=name) for site in sites for name in ("Library", "IT 1")]
    equipment = [
        EquipmentFactory(site=room.site, room=room, asset_tag=f"{tag}-{room.pk}")
        for room in rooms
        for tag in ("pc", "PC", "Pc")
    ]
    categories = [CategoryFactory(name=name) for name in CATEGORY_NAMES]
    reporter = UserFactory()
    kind_of_request = request_type()
    template = file_incident(reporter, site=sites[0])
    calls = []
    start = datetime(2026, 2, 15, tzinfo=UTC)
    for n in range(260):
        room = rng.choice([*rooms, None])
        created = start + timedelta(
            seconds=rng.randrange(60 * 86400), microseconds=rng.randrange(10**6)
        )
        fields = {
            "kind": CallKind.REQUEST if n % 13 == 0 else CallKind.INCIDENT,
            "site": room.site if room else rng.choice(sites),
            "room": room,
            "equipment": rng.choice([e for e in equipment if e.room == room] + [None])
            if room
            else None,
            "category": rng.choice([*categories[: 3 + n % len(categories)], None]),
            "priority": rng.randint(1, 5),
            "created_at": created,
            "response_due_at": created + timedelta(hours=rng.choice([1, 4, 24])),
            "resolution_due_at": created + timedelta(days=rng.choice([1, 3, 5])),
            "status": Status.LOGGED,
        }
        fields["school_id"] = fields["site"].school_id
        if fields["kind"] == CallKind.REQUEST:
            fields["request_type_id"] = kind_of_request.pk
        if rng.random() < 0.85:
            fields["responded_at"] = created + timedelta(
                seconds=rng.randrange(1, 2 * 86400), microseconds=rng.randrange(10**6)
            )
            fields["logged_at"] = fields["responded_at"]
        if rng.random() < 0.4:
            fields["assigned_at"] = created + timedelta(minutes=5)
        if fields.get("responded_at") and rng.random() < 0.7:
            resolved = fields["responded_at"] + timedelta(
                seconds=rng.randrange(1, 9 * 86400), microseconds=rng.randrange(10**6)
            )
            fields |= {
                "resolved_at": resolved,
                "paused_seconds": rng.choice([0, 0, 600, 7200]),
                "resolution_kind": rng.choice([ResolutionKind.FIX, ResolutionKind.WORKAROUND, ""]),
                "status": Status.RESOLVED,
            }
            if rng.random() < 0.8:
                fields |= {
                    "closed_at": resolved + timedelta(hours=rng.randrange(0, 72)),
                    "closure_code": rng.choice(list(ClosureCode)),
                    "reopen_count": rng.choice([0, 0, 1]),
                    "status": Status.CLOSED,
                }
        calls.append(fields)
    base = Incident.objects.filter(pk=template.pk).values().get()
    for name in ("id", "submission_token", "search_document"):
        base.pop(name, None)
    foreign = {"site", "room", "equipment", "category"}
    Incident.objects.bulk_create(
        Incident(
            **base
            | {
                (f"{name}_id" if name in foreign else name): (
                    getattr(value, "pk", None) if name in foreign else value
                )
                for name, value in fields.items()
            }
        )
        for fields in calls
    )
    # The template stays: a call filed today, after every period.
    return {"schools": schools, "sites": sites}


def straightforward_weeks(period: Period) -> dict:
    """The weeks by one query each for the calls reported and closed (as before)."""
    incidents = incidents_at(period.site, period.schools)
    start, end = period.starts_at, period.ends_at

    def by_week(qs, field_name):
        rows = qs.annotate(week=TruncWeek(field_name)).values_list("week").annotate(n=Count("pk"))
        return {timezone.localtime(week).date(): n for week, n in rows}

    logged = by_week(incidents.filter(within("created_at", start, end)), "created_at")
    closed = by_week(incidents.filter(within("closed_at", start, end)), "closed_at")
    backlog = incidents.filter(created_at__lt=start).exclude(closed_at__lt=start).count()
    return {"weeks": weeks_of(period, logged, closed, backlog), "logged": logged}


def straightforward_tops(period: Period) -> dict:
    """Each top list by its own query, joining the names before counting (as before)."""
    logged = incidents_at(period.site, period.schools).filter(
        within("created_at", period.starts_at, period.ends_at)
    )
    categories = (
        logged.filter(category__isnull=False)
        .values_list("category_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name", "category_id")[:10]
    )
    equipment = (
        logged.filter(equipment__isnull=False)
        .values_list("equipment_id", "equipment__asset_tag", "equipment__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "equipment__asset_tag", "equipment_id")[:10]
    )
    rooms = (
        logged.filter(room__isnull=False)
        .values_list("room_id", "room__name", "room__site__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "room__site__name", "room__name", "room_id")[:10]
    )
    return {
        "categories": [(pk, name, "", n) for pk, name, n in categories],
        "equipment": [(pk, tag, name, n) for pk, tag, name, n in equipment],
        "rooms": [(pk, name, site, n) for pk, name, site, n in rooms],
    }


def listed(ranked) -> list[tuple]:
    return [(row.pk, row.label, row.detail, row.count) for row in ranked]


def periods(trust) -> list[Period]:
    ids = frozenset(school.pk for school in trust["schools"])
    return [
        Period(MARCH.start, MARCH.end, schools=ids),  # side by side
        Period(MARCH.start, MARCH.end, schools=frozenset([trust["schools"][1].pk])),
        Period(MARCH.start, MARCH.end, site=trust["sites"][2], schools=ids),
        Period(date(2026, 2, 20), date(2026, 4, 12)),  # every school, several months
        Period(date(2026, 3, 25), date(2026, 3, 25)),  # one day
        # more weeks than the first pass counts: the weeks by grouped queries
        Period(date(2026, 2, 9), date(2026, 4, 26), schools=ids),
    ]


def test_weeks_and_top_lists_are_those_of_one_query_each(trust):
    weeks = [len(reporting.periods.mondays_of(period)) for period in periods(trust)]
    assert min(weeks) <= WEEKS_IN_FIRST_PASS < max(weeks)
    for period in periods(trust):
        report = reporting.service_report(period)
        expected = straightforward_weeks(period)
        assert report.weeks == expected["weeks"], period
        assert sum(week.logged for week in report.weeks) == report.reported
        tops = straightforward_tops(period)
        assert listed(report.top_categories) == tops["categories"], period
        assert listed(report.top_equipment) == tops["equipment"], period
        assert listed(report.top_rooms) == tops["rooms"], period


def test_the_data_has_ties_at_the_tenth_place(trust):
    """The ranking's edge case is exercised: more ids share the tenth count than fit."""
    period = periods(trust)[3]
    counts = Counter(
        incidents_at(None, None)
        .filter(within("created_at", period.starts_at, period.ends_at), equipment__isnull=False)
        .values_list("equipment_id", flat=True)
    )
    ordered = sorted(counts.values(), reverse=True)
    assert len(ordered) > 10 and ordered.count(ordered[9]) > ordered[:10].count(ordered[9])


def calls_of(period: Period) -> list[Incident]:
    return list(incidents_at(period.site, period.schools))


def within_period(moment, period: Period) -> bool:
    return moment is not None and period.starts_at <= moment < period.ends_at


def open_at(call: Incident, moment: datetime) -> bool:
    return call.created_at < moment and (call.closed_at is None or call.closed_at >= moment)


def test_the_figures_are_those_counted_over_the_calls_in_python(trust):
    now = datetime(2026, 4, 20, tzinfo=UTC)
    for period in periods(trust):
        report = reporting.service_report(period, now=now)
        check_against_python(report, period, calls_of(period), now)


def check_against_python(report, period: Period, calls: list[Incident], now: datetime) -> None:
    start, end = period.starts_at, period.ends_at

    def inside(moment) -> bool:
        return within_period(moment, period)

    closed = [c for c in calls if inside(c.closed_at)]
    fixed = [c for c in closed if c.closure_code in (ClosureCode.FIXED, ClosureCode.WORKAROUND)]
    assert report.reported == sum(inside(c.created_at) for c in calls)
    assert report.logged == sum(inside(c.logged_at) for c in calls)
    assert report.resolved == sum(inside(c.resolved_at) for c in calls)
    assert report.closed == len(closed)
    assert report.first_contact == reporting.Rate(
        sum(c.assigned_at is None for c in fixed), len(fixed)
    )
    assert report.reopened.count == sum(c.reopen_count > 0 for c in closed)
    assert report.backlog_at_start == sum(open_at(c, start) for c in calls)
    assert report.backlog_at_end == sum(open_at(c, end) for c in calls)
    for week in report.weeks:
        week_start = max(reporting.periods.midnight(week.start), start)
        week_end = min(reporting.periods.midnight(week.end + timedelta(days=1)), end)
        assert week.logged == sum(week_start <= c.created_at < week_end for c in calls)
        assert week.closed == sum(
            c.closed_at is not None and week_start <= c.closed_at < week_end for c in calls
        )
    for figures in report.priorities:
        mine = [c for c in calls if c.priority == figures.priority]
        respond = [
            (c.responded_at - c.created_at).total_seconds()
            for c in mine
            if inside(c.created_at) and c.responded_at is not None
        ]
        resolve = [
            (c.resolved_at - c.created_at).total_seconds() - c.paused_seconds
            for c in mine
            if inside(c.resolved_at)
        ]
        answered = [c for c in mine if inside(c.created_at)]
        assert figures.respond.compliance == reporting.Rate(
            sum(
                c.responded_at is not None and c.responded_at <= c.response_due_at for c in answered
            ),
            sum(c.responded_at is not None or c.response_due_at < now for c in answered),
        )
        resolved = [c for c in mine if inside(c.resolved_at)]
        assert figures.resolve.compliance == reporting.Rate(
            sum(c.resolved_at <= c.resolution_due_at for c in resolved), len(resolved)
        )
        for timing, seconds in ((figures.respond, respond), (figures.resolve, resolve)):
            assert timing.timed == len(seconds)
            if seconds:
                assert timing.mean == pytest.approx(statistics.mean(seconds), rel=1e-12)
                assert timing.median == pytest.approx(statistics.median(seconds), rel=1e-12)
                assert timing.mean_display == reporting.periods.format_duration(
                    statistics.mean(seconds)
                )
                assert timing.median_display == reporting.periods.format_duration(
                    statistics.median(seconds)
                )
            else:
                assert timing.mean is None and timing.median is None


def test_the_schools_side_by_side_are_those_of_their_own_queries(trust):
    now = datetime(2026, 4, 20, tzinfo=UTC)
    period = periods(trust)[0]
    report = reporting.service_report(period, now=now)
    assert period.schools is not None
    expected = schools_side_by_side(period.schools, period.starts_at, period.ends_at, now=now)
    assert report.schools == expected
    assert report.schools is not None and len(report.schools.rows) == 3
    assert report.schools.total.calls == report.reported
    assert report.schools.total.open_calls == report.backlog_at_end
    assert report.schools.total.first_contact == report.first_contact
    # Each school's top category, by Python over its calls (ties: by name).
    for row in report.schools.rows:
        names = Counter(
            c.category.name
            for c in calls_of(period)
            if c.school_id == row.school_id
            and c.category is not None
            and period.starts_at <= c.created_at < period.ends_at
        )
        top = min(names.items(), key=lambda item: (-item[1], item[0]))
        assert (row.top_category, row.top_category_calls) == top
