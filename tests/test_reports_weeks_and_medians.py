"""The parts most likely to differ between SQLite and PostgreSQL: medians (an
ordered-set aggregate on one, window functions on the other), local-time weeks
across the clocks going forward, and the default periods."""

import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from incidents import reporting, targets
from incidents.models import Incident
from incidents.reporting import Period
from tests.reports_helpers import make


def test_medians_by_window_functions_match_the_durations(reporter, site):
    start = datetime(2026, 2, 2, 9, tzinfo=UTC)
    minutes = {1: [5, 50, 7, 90], 2: [33], 3: [1, 2, 3, 4, 5, 6, 700], 4: [10, 10, 20, 30]}
    for priority, values in minutes.items():
        for value in values:
            make(
                reporter,
                site,
                priority=priority,
                created_at=start,
                responded_at=start + timedelta(minutes=value, seconds=7),
            )
    make(reporter, site, priority=5, created_at=start)  # never answered: no duration
    qs = Incident.objects.all()
    seconds = reporting.seconds_between("created_at", "responded_at")

    medians = reporting.window_medians(qs, "priority", seconds)

    expected = {p: statistics.median(v * 60 + 7 for v in values) for p, values in minutes.items()}
    assert medians == pytest.approx(expected)
    assert 5 not in medians
    rows = reporting.grouped_timings(qs, "priority", seconds)
    assert {p: row["median"] for p, row in rows.items() if row["timed"]} == pytest.approx(expected)
    assert rows[5]["median"] is None
    if connection.vendor == "postgresql":
        percentile = dict(
            qs.values_list("priority").annotate(m=reporting.Median(seconds)).order_by()
        )
        assert {p: m for p, m in percentile.items() if m is not None} == pytest.approx(medians)


def test_weeks_follow_local_time_when_the_clocks_go_forward(reporter, site):
    # 29 March 2026: British Summer Time starts at 01:00 UTC.
    for moment in [
        datetime(2026, 2, 28, 23, 30, tzinfo=UTC),  # 28 Feb, before the period
        datetime(2026, 3, 1, 0, 0, tzinfo=UTC),  # Sunday 1 March, first (clipped) week
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # Sunday 00:30 GMT: week of 23 March
        datetime(2026, 3, 29, 23, 30, tzinfo=UTC),  # Monday 30 March 00:30 BST
        datetime(2026, 3, 31, 23, 30, tzinfo=UTC),  # 1 April 00:30 BST: after the period
    ]:
        make(reporter, site, created_at=moment)

    report = reporting.service_report(Period(date(2026, 3, 1), date(2026, 3, 31)))

    assert report.reported == 3
    assert [(w.start.day, w.end.day) for w in report.weeks] == [
        (1, 1),
        (2, 8),
        (9, 15),
        (16, 22),
        (23, 29),
        (30, 31),
    ]
    assert [w.logged for w in report.weeks] == [1, 0, 0, 0, 1, 1]
    assert report.backlog_at_start == 1
    assert report.backlog_at_end == 4


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 3, 1), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_last_month_is_the_whole_previous_calendar_month(today, start, end):
    period = Period.last_month(today)
    assert (period.start, period.end) == (start, end)


def test_the_school_year_starts_in_september():
    assert Period.school_year(date(2026, 2, 1)).start == date(2025, 9, 1)
    assert Period.school_year(date(2026, 9, 1)).start == date(2026, 9, 1)


def test_period_boundaries_are_local_midnights():
    period = Period(date(2026, 7, 1), date(2026, 7, 31))
    assert period.starts_at == datetime(2026, 6, 30, 23, tzinfo=UTC)  # BST
    assert period.ends_at == datetime(2026, 7, 31, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0 min"),
        (29, "0 min"),
        (45 * 60, "45 min"),
        (3600, "1 h"),
        (3 * 3600 + 20 * 60, "3 h 20 min"),
        (86400, "1 d"),
        (2 * 86400 + 4 * 3600, "2 d 4 h"),
    ],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert targets.format_duration(seconds) == text
