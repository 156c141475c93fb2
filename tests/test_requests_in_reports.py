"""Service requests are counted apart from incidents in every report: the dashboard,
the service report, its CSV and its charts have separate request figures, and no
incident figure includes a request."""

import dataclasses
from datetime import date, timedelta

import pytest
from django.urls import reverse

from incidents import reporting
from incidents.models import (
    Approval,
    ClosureCode,
    Consultation,
    ConsultationStatus,
    Incident,
    Status,
)
from incidents.reporting import Period, charts, csv_rows
from tests.factories import SupportGroupFactory, file_request, request_type
from tests.html import parse
from tests.reports_helpers import at, build_february
from tests.test_reports_dashboard import NOW, desk_day  # noqa: F401 - the dashboard's cast


def _request(reporter, kind, site, **fields):
    """A request filed through the workflow, then given the exact timestamps and state."""
    made = file_request(reporter, kind, site=site, values=["x"] * kind.questions.count())
    Incident.objects.filter(pk=made.pk).update(**fields)
    return Incident.objects.get(pk=made.pk)


@pytest.fixture
def kinds(other_reporter):
    return {
        "account": request_type(name="New account", approver=other_reporter),
        "install": request_type(
            name="Software install", questions=[("Program", "short", "", True)]
        ),
    }


# ---------------------------------------------------------------- the dashboard


@pytest.fixture
def requests_today(desk_day, reporter, desk, technician, kinds):  # noqa: F811
    site = desk_day["site"]
    waiting = _request(reporter, kinds["account"], site, created_at=NOW - timedelta(hours=1))
    late = _request(
        reporter,
        kinds["install"],
        site,
        status=Status.LOGGED,
        created_at=NOW - timedelta(days=4),
        logged_at=NOW - timedelta(days=4),
        resolution_due_at=NOW - timedelta(days=1),
        response_due_at=NOW - timedelta(days=3),
        responded_at=NOW - timedelta(days=4),
    )
    Consultation.objects.create(
        incident=late,
        group=SupportGroupFactory(name="Licence seller"),
        reason="Licence",
        chase_on=date(2026, 2, 10),
        status=ConsultationStatus.OPEN,
        opened_by=technician,
    )
    done = _request(
        reporter,
        kinds["install"],
        site,
        status=Status.CLOSED,
        created_at=NOW - timedelta(days=1),
        closed_at=NOW - timedelta(hours=2),
        resolved_at=NOW - timedelta(hours=3),
        closure_code=ClosureCode.FIXED,
    )
    return {"waiting": waiting, "late": late, "done": done}


def test_the_dashboards_incident_figures_leave_requests_out(desk_day, requests_today):  # noqa: F811
    figures = reporting.dashboard(now=NOW, site=desk_day["site"])
    # Exactly the figures of tests/test_reports_dashboard.py, requests or not.
    assert figures.open_total == 6
    assert figures.priority_totals == [2, 0, 4, 0, 0]
    assert Status.AWAITING_APPROVAL not in {row.status for row in figures.states}
    assert (figures.breached, figures.at_risk, figures.unassigned, figures.unowned) == (1, 2, 2, 1)
    assert (figures.new_today, figures.closed_today) == (2, 1)
    assert (figures.new_this_week, figures.closed_this_week) == (4, 2)
    assert figures.to_chase == 2
    requests = {r.pk for r in requests_today.values()}
    assert not requests & {i.pk for i in figures.oldest}
    assert not requests & {c.incident_id for c in figures.chase_list}
    assert [week.backlog for week in figures.open_weeks] == [
        week.backlog for week in reporting.dashboard(now=NOW, site=desk_day["site"]).open_weeks
    ]
    # And the requests, apart.
    assert dataclasses.asdict(figures.requests) == {
        "open": 2,
        "awaiting_approval": 1,
        "breached": 1,
        "new_this_week": 2,
        "closed_this_week": 1,
    }


def test_the_dashboard_page_shows_the_requests_apart(client_for, desk, desk_day, requests_today):  # noqa: F811
    page = parse(client_for(desk).get(reverse("incidents:dashboard")).text)
    tiles = page.testid("request-figures")
    values = {
        el.attrs["data-figure"]: el.text.strip() for el in tiles.iter() if "data-figure" in el.attrs
    }
    assert values["requests-open"] == "2"
    assert values["requests-awaiting-approval"] == "1"
    assert "Service requests are counted apart" in page.text


# ---------------------------------------------------------------- the service report


FEBRUARY = Period(date(2026, 2, 1), date(2026, 2, 28))


@pytest.fixture
def february(reporter, desk, technician, site):
    return build_february(reporter=reporter, desk=desk, technician=technician, site=site)


def _february_requests(reporter, site, kinds, desk, other_reporter):
    account, install = kinds["account"], kinds["install"]
    # Approved on the 3rd, fulfilled on the 4th within its 8 hours, closed on the 5th.
    _request(
        reporter,
        account,
        site,
        status=Status.CLOSED,
        approval=Approval.APPROVED,
        approval_decided_at=at(2, 3, 9),
        created_at=at(2, 2, 15),
        logged_at=at(2, 3, 10),
        responded_at=at(2, 3, 10),
        response_due_at=at(2, 3, 10),
        resolution_due_at=at(2, 3, 17),
        resolved_at=at(2, 3, 16),
        closed_at=at(2, 5, 9),
        closure_code=ClosureCode.FIXED,
        resolution_kind="fix",
        assigned_at=None,
    )
    # Declined on the 9th.
    _request(
        reporter,
        account,
        site,
        status=Status.CLOSED,
        approval=Approval.DECLINED,
        approval_decided_at=at(2, 9, 11),
        created_at=at(2, 9, 10),
        resolved_at=at(2, 9, 11),
        closed_at=at(2, 9, 11),
        closure_code=ClosureCode.DECLINED,
    )
    # Fulfilled late on the 20th, still open at the end (not closed).
    _request(
        reporter,
        install,
        site,
        status=Status.RESOLVED,
        created_at=at(2, 16, 9),
        logged_at=at(2, 16, 9),
        responded_at=at(2, 16, 9),
        response_due_at=at(2, 16, 10),
        resolution_due_at=at(2, 16, 17),
        resolved_at=at(2, 20, 9),
        resolution_kind="fix",
    )


def test_no_incident_figure_of_the_service_report_includes_a_request(
    february, reporter, desk, other_reporter, site, kinds
):
    before = reporting.service_report(FEBRUARY, now=at(3, 2))
    _february_requests(reporter, site, kinds, desk, other_reporter)
    after = reporting.service_report(FEBRUARY, now=at(3, 2))

    assert dataclasses.replace(after, requests=before.requests) == before
    assert (after.reported, after.logged, after.resolved, after.closed) == (8, 7, 6, 6)
    # The charts are drawn from the incident figures alone.
    assert [str(chart.svg) for chart in charts.for_report(after)] == [
        str(chart.svg) for chart in charts.for_report(before)
    ]

    # The CSV: the same incident rows; the requests only in their own section.
    def incident_rows(report):
        return [row for row in csv_rows(report) if row[0] != "Service requests"]

    def request_rows(report):
        return [row for row in csv_rows(report) if row[0] == "Service requests"]

    assert incident_rows(after) == incident_rows(before)
    assert request_rows(after) != request_rows(before)


def test_requests_have_their_own_rows_per_type(
    february, reporter, desk, other_reporter, site, kinds
):
    _february_requests(reporter, site, kinds, desk, other_reporter)
    report = reporting.service_report(FEBRUARY, now=at(3, 2))
    rows = {row.name: row for row in report.requests.rows}
    account, install = rows["New account"], rows["Software install"]
    assert (account.received, account.approved, account.declined) == (2, 1, 1)
    assert (account.fulfilled, account.met, account.closed, account.open_at_end) == (1, 1, 2, 0)
    assert (install.received, install.fulfilled, install.met, install.open_at_end) == (1, 1, 0, 1)
    total = report.requests.total
    assert (total.received, total.fulfilled, total.met, total.closed) == (3, 2, 1, 2)
    assert str(total.on_time) == "1 of 2 (50%)"
    csv = {(row[1], row[2]): row[3] for row in csv_rows(report) if row[0] == "Service requests"}
    assert csv[("New account", "declined")] == "1"
    assert csv[("All requests", "fulfilled within target")] == "1"
    assert csv[("All requests", "% within target")] == "50.0"


def test_the_service_report_page_shows_the_request_table(
    client_for, february, reporter, desk, other_reporter, site, kinds
):
    _february_requests(reporter, site, kinds, desk, other_reporter)
    page = client_for(desk).get(
        reverse("incidents:service_report") + "?start=2026-02-01&end=2026-02-28"
    )
    table = parse(page.text).find("table", attrs={"id": "request-figures"})
    assert table is not None
    cells = [
        td.text
        for td in table.find("tr", attrs={"data-request-type": "New account"}).find_all("td")
    ]
    assert cells[:3] == ["2", "1", "1"]
