"""The desk's dashboard: open calls by state and priority, what is breached or at
risk, who has nothing, what to chase, and today's and this week's flow.

The figures are computed for a fixed moment, Wednesday 11 February 2026 at noon
(GMT, so UTC and local time agree); the incidents' timestamps are set exactly.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from incidents import reporting
from incidents.models import Consultation, ConsultationStatus, Incident, Status
from tests.factories import SiteFactory, SupportGroupFactory, file_incident

NOW = datetime(2026, 2, 11, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def make(reporter, site, **fields) -> Incident:
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(**fields)
    return Incident.objects.get(pk=incident.pk)


@pytest.fixture
def desk_day(reporter, desk, technician, site):
    annex = SiteFactory(name="Annex", code="ANNEX")
    owned = {"owner": desk}
    cast = {
        # Logged today, no technician, past its target: breached and unassigned.
        "X1": make(
            reporter,
            site,
            status=Status.LOGGED,
            priority=1,
            created_at=at(2, 11, 8),
            resolution_due_at=NOW - timedelta(hours=1),
            **owned,
        ),
        # In the technician pool, past its target but the clock is paused: not breached.
        "X2": make(
            reporter,
            site,
            status=Status.ASSIGNED,
            priority=3,
            created_at=at(2, 10, 9),
            resolution_due_at=NOW - timedelta(hours=1),
            paused_since=at(2, 10, 12),
            **owned,
        ),
        # 2 h left of a 3-day target: at risk.
        "X3": make(
            reporter,
            site,
            status=Status.IN_PROGRESS,
            priority=3,
            assignee=technician,
            created_at=at(2, 1, 9),
            resolution_due_at=NOW + timedelta(hours=2),
            **owned,
        ),
        # 40 h left of a 3-day target: fine.
        "X4": make(
            reporter,
            site,
            status=Status.IN_PROGRESS,
            priority=3,
            assignee=technician,
            created_at=at(2, 2, 9),
            resolution_due_at=NOW + timedelta(hours=40),
            **owned,
        ),
        # A new sheet nobody owns yet.
        "X5": make(
            reporter,
            site,
            status=Status.SUBMITTED,
            priority=3,
            created_at=at(2, 11, 9),
            resolution_due_at=NOW + timedelta(days=3),
        ),
        # Resolved after its target: no longer counted as breached.
        "X6": make(
            reporter,
            site,
            status=Status.RESOLVED,
            priority=1,
            created_at=at(2, 9, 10),
            resolved_at=at(2, 10, 10),
            resolution_due_at=NOW - timedelta(hours=5),
            **owned,
        ),
        # Closed an hour ago; closed on Monday.
        "X7": make(
            reporter,
            site,
            status=Status.CLOSED,
            priority=3,
            created_at=at(2, 8, 10),
            closed_at=NOW - timedelta(hours=1),
            **owned,
        ),
        "X8": make(
            reporter,
            site,
            status=Status.CLOSED,
            priority=3,
            created_at=at(1, 1, 10),
            closed_at=at(2, 9, 10),
            **owned,
        ),
        # At the Annex: breached, and the oldest open call of all.
        "X9": make(
            reporter,
            annex,
            status=Status.LOGGED,
            priority=2,
            created_at=at(1, 11, 10),
            resolution_due_at=NOW - timedelta(days=20),
            **owned,
        ),
    }
    group = SupportGroupFactory(name="Projector supplier")

    def consult(incident, chase_on, status=ConsultationStatus.OPEN):
        return Consultation.objects.create(
            incident=incident,
            group=group,
            reason="Lamp",
            chase_on=chase_on,
            status=status,
            opened_by=technician,
            contacted_at=at(2, 1, 9),
        )

    cast["late"] = consult(cast["X3"], date(2026, 2, 10))
    cast["today"] = consult(cast["X3"], date(2026, 2, 11))
    consult(cast["X3"], date(2026, 2, 12))  # not yet
    consult(cast["X3"], date(2026, 2, 9), ConsultationStatus.ANSWERED)  # answered
    consult(cast["X4"], None)  # no chase date
    cast["annex"] = consult(cast["X9"], date(2026, 2, 1))
    return {"site": site, "annex": annex, **cast}


@pytest.fixture
def figures(desk_day):
    return reporting.dashboard(now=NOW, site=desk_day["site"])


def test_open_calls_by_state_and_priority(figures):
    table = {row.status: row.counts for row in figures.states}
    assert table[Status.LOGGED] == [1, 0, 0, 0, 0]
    assert table[Status.ASSIGNED] == [0, 0, 1, 0, 0]
    assert table[Status.IN_PROGRESS] == [0, 0, 2, 0, 0]
    assert table[Status.SUBMITTED] == [0, 0, 1, 0, 0]
    assert table[Status.RESOLVED] == [1, 0, 0, 0, 0]
    assert Status.CLOSED not in table
    assert figures.priority_totals == [2, 0, 4, 0, 0]
    assert figures.open_total == 6


def test_breached_ignores_paused_and_resolved_calls(figures):
    assert figures.breached == 1  # X1 only


def test_at_risk_when_less_than_a_quarter_of_the_target_is_left(figures):
    # X3, and X4: reported nine days before its due time, 40 h are under a quarter of
    # that span (the queue has always said so; the dashboard now agrees).
    assert figures.at_risk == 2


def test_unassigned_and_unowned(figures):
    assert figures.unassigned == 2  # X1 logged, X2 in the pool
    assert figures.unowned == 1  # X5


def test_todays_and_this_weeks_new_and_closed_calls(figures):
    assert (figures.new_today, figures.closed_today) == (2, 1)
    assert (figures.new_this_week, figures.closed_this_week) == (4, 2)


def test_oldest_open_calls_come_first(figures, desk_day):
    assert [i.pk for i in figures.oldest] == [
        desk_day[name].pk for name in ("X3", "X4", "X6", "X2", "X1", "X5")
    ]


def test_consultations_past_their_chase_date(figures, desk_day):
    assert figures.to_chase == 2
    assert [c.pk for c in figures.chase_list] == [desk_day["late"].pk, desk_day["today"].pk]


def test_all_sites_include_the_annex(desk_day):
    everywhere = reporting.dashboard(now=NOW)
    assert everywhere.breached == 2
    assert everywhere.open_total == 7
    assert everywhere.oldest[0].pk == desk_day["X9"].pk
    assert everywhere.to_chase == 3


def test_dashboard_page_lists_the_oldest_calls_and_consultations_to_chase(
    client_for, desk, reporter, site
):
    incident = file_incident(reporter, site=site, summary="Projector <b>dead</b>")
    group = SupportGroupFactory(name="Lamp & Co")
    Consultation.objects.create(
        incident=incident, group=group, reason="Lamp", chase_on=date(2020, 1, 1), opened_by=desk
    )
    response = client_for(desk).get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    assert incident.reference in page
    assert "Projector &lt;b&gt;dead&lt;/b&gt;" in page
    assert "Lamp &amp; Co" in page
    assert "Open calls by state and priority (1)" in page
    assert f'href="/reports/service/?site={site.pk}"' not in page  # all sites by default


def test_dashboard_for_one_site_links_to_that_sites_report(client_for, desk, reporter, site):
    annex = SiteFactory(name="Annex", code="ANNEX")
    mine = file_incident(reporter, site=site)
    theirs = file_incident(reporter, site=annex)
    page = client_for(desk).get("/reports/", {"site": site.pk}).content.decode()
    assert mine.reference in page
    assert theirs.reference not in page
    assert f'href="/reports/service/?site={site.pk}"' in page


# ---------------------------------------------------------------- the charts


def test_breaches_by_priority_count_open_calls_past_a_target_now(figures, desk_day):
    assert figures.breached_by_priority == [1, 0, 0, 0, 0]  # X1; X2 paused, X6 resolved
    everywhere = reporting.dashboard(now=NOW)
    assert everywhere.breached_by_priority == [1, 1, 0, 0, 0]  # and X9 at the Annex
    assert sum(everywhere.breached_by_priority) == everywhere.breached


def test_open_calls_at_the_end_of_each_of_the_last_eight_weeks(figures):
    weeks = figures.open_weeks
    assert [w.start for w in weeks] == [date(2025, 12, 22) + timedelta(weeks=n) for n in range(8)]
    assert weeks[-1].end == date(2026, 2, 11)  # this week so far
    assert figures.open_at_start == 0
    # X8 from 1 Jan; X3 from 1 Feb; X4 and X7 from the 2nd and 8th; now X7 and X8 are
    # closed, X1, X2, X5 and X6 reported this week.
    assert [w.backlog for w in weeks] == [0, 1, 1, 1, 1, 2, 4, 6]
    assert weeks[-1].backlog == figures.open_total
    everywhere = reporting.dashboard(now=NOW)
    assert [w.backlog for w in everywhere.open_weeks] == [0, 1, 2, 2, 2, 3, 5, 7]


def test_dashboard_page_draws_both_charts_with_their_numbers(client_for, desk, reporter, site):
    now = datetime.now(UTC)
    for _ in range(2):
        make(
            reporter,
            site,
            status=Status.LOGGED,
            priority=2,
            owner=desk,
            created_at=now - timedelta(days=3),
            resolution_due_at=now - timedelta(hours=1),
        )
    make(reporter, site, status=Status.LOGGED, priority=4, owner=desk, created_at=now)
    page = client_for(desk).get("/reports/").content.decode()

    breaches = page.split('id="chart-breaches-heading"')[1].split("</section>")[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in breaches
    assert 'role="img"' in breaches
    assert "open calls past a target now, by priority. 2 – High: 2." in breaches
    assert "<title>2 – High: 2 past a target</title>" in breaches
    assert "<title>4 – Low: 0 past a target</title>" in breaches
    assert '<th scope="row">2 – High</th><td class="text-end">2</td>' in breaches
    assert '<th scope="row">1 – Critical</th><td class="text-end">0</td>' in breaches

    backlog = page.split('id="chart-backlog-heading"')[1].split("</section>")[0]
    assert "<polyline" in backlog
    assert ": 3 open</title>" in backlog  # the last point: all three, now
    rows = backlog.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 9  # the start, and the end of each of 8 weeks
    assert rows[0].strip().endswith('<td class="text-end">0</td></tr>')
    assert rows[-1].strip().endswith('<td class="text-end">3</td></tr>')


def test_dashboard_query_count_does_not_grow_with_the_calls(
    client_for, desk, reporter, technician, site, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = datetime.now(UTC)
    group = SupportGroupFactory(name="Supplier")

    def add(n):
        for i in range(n):
            incident = make(
                reporter,
                site,
                status=[Status.LOGGED, Status.IN_PROGRESS, Status.CLOSED][i % 3],
                priority=i % 5 + 1,
                owner=desk,
                assignee=technician if i % 2 else None,
                created_at=now - timedelta(days=5 * i + 1),
                closed_at=now - timedelta(days=i) if i % 3 == 2 else None,
                resolution_due_at=now + timedelta(hours=10 - 7 * i),
            )
            Consultation.objects.create(
                incident=incident,
                group=group,
                reason="Part",
                chase_on=date(2020, 1, 1),
                opened_by=technician,
            )

    client = client_for(desk)
    add(3)
    with CaptureQueriesContext(connection) as three:
        first = client.get("/reports/")
    assert "Open calls by state and priority (2)" in first.content.decode()
    add(27)
    with django_assert_num_queries(len(three.captured_queries)):
        page = client.get("/reports/").content.decode()
    assert "Open calls by state and priority (20)" in page
