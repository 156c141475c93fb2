"""Every figure of the service report against the hand-made February 2026 of
`tests.reports_helpers` (see its docstring for the cast and the expected figures)."""

from datetime import date

import pytest

from incidents import reporting, targets
from incidents.models import Incident
from incidents.reporting import Period
from tests.html import parse
from tests.reports_helpers import DAY, HOUR, build_february


@pytest.fixture
def february(reporter, desk, technician, site):
    return build_february(reporter=reporter, desk=desk, technician=technician, site=site)


@pytest.fixture
def report(february):
    return reporting.service_report(Period(date(2026, 2, 1), date(2026, 2, 28), february["site"]))


def test_calls_logged_resolved_and_closed(report):
    # Logged means accepted by the desk: H was reported but never logged.
    assert (report.reported, report.logged, report.resolved, report.closed) == (7, 6, 5, 5)


def test_all_sites_include_the_annex(february):
    everywhere = reporting.service_report(Period(date(2026, 2, 1), date(2026, 2, 28)))
    assert (everywhere.reported, everywhere.resolved, everywhere.closed) == (8, 6, 6)
    assert [(g.name, g.consulted) for g in everywhere.consultations] == [
        ("Network team", 2),
        ("Printer supplier", 2),
    ]


def test_time_to_respond_by_priority(report):
    p1, p2, p3, p4, p5 = (row.respond for row in report.priorities)
    assert (p1.timed, p1.mean, p1.median) == (2, pytest.approx(25 * 60), pytest.approx(25 * 60))
    assert (p2.timed, p2.mean, p2.median) == (1, pytest.approx(30 * 60), pytest.approx(30 * 60))
    # 5, 30 and 60 minutes: mean 31 min 40 s, median 30 min.
    assert (p3.timed, p3.mean, p3.median) == (3, pytest.approx(1900), pytest.approx(30 * 60))
    assert (p4.timed, p4.mean, p4.median) == (0, None, None)
    assert p5.timed == 0


def test_response_target_compliance_counts_a_missed_response_as_outside(report):
    p1, p2, p3, p4, _p5 = (row.respond for row in report.priorities)
    assert (p1.met, p1.measured) == (1, 2)  # B answered after 40 minutes
    assert (p2.met, p2.measured) == (1, 1)
    assert (p3.met, p3.measured) == (3, 4)  # H never answered, its target passed
    assert (p4.met, p4.measured) == (0, 0)
    assert str(p1.compliance) == "1 of 2 (50%)"
    assert str(report.respond_overall) == "5 of 7 (71.4%)"


def test_time_to_resolve_leaves_out_the_paused_time(report):
    p1, p2, p3, p4, _p5 = (row.resolve for row in report.priorities)
    # A 3 h; B 7 h less 2 h paused = 5 h.
    assert (p1.timed, p1.mean, p1.median) == (2, pytest.approx(4 * HOUR), pytest.approx(4 * HOUR))
    assert p2.timed == 0
    # C 1 h, D 24 h.
    assert (p3.timed, p3.mean, p3.median) == (
        2,
        pytest.approx(12.5 * HOUR),
        pytest.approx(12.5 * HOUR),
    )
    # F, open at the start, took 20 days.
    assert (p4.timed, p4.mean) == (1, pytest.approx(20 * DAY))
    assert p1.mean_display == "4 h"
    assert p3.median_display == "12 h 30 min"
    assert p4.mean_display == "20 d"


def test_resolution_target_compliance_by_priority(report):
    p1, _p2, p3, p4, _p5 = (row.resolve for row in report.priorities)
    assert (p1.met, p1.measured) == (1, 2)  # B: 17:00 after its (already moved) 16:00
    assert (p3.met, p3.measured) == (2, 2)
    assert (p4.met, p4.measured) == (0, 1)


def test_first_contact_resolved_itself_and_reopen_rates(report):
    # Of A, B, C and F (closed with a fix or a workaround), only C never went to a
    # technician; D "resolved itself" counts neither way.
    assert (report.first_contact.count, report.first_contact.total) == (1, 4)
    assert report.first_contact.percent == 25.0
    assert (report.resolved_itself.count, report.resolved_itself.percent) == (1, 20.0)  # D
    assert (report.reopened.count, report.reopened.percent) == (1, 20.0)  # B


def test_resolved_by_workaround_or_fix(report):
    assert report.resolved_by_fix == 2  # A and F
    assert report.resolved_by_workaround == 1  # B
    assert report.resolved_without_kind == 2  # C and D, closed by the desk


def test_backlog_at_the_end_counts_calls_closed_after_it_and_buckets_them_by_age(report):
    assert report.backlog_at_start == 2  # F and G
    assert report.backlog_at_end == 4  # E, G, H, and I (closed on 2 March)
    assert report.backlog_buckets == [
        ("Under 1 day", 0),
        ("1–3 days", 1),  # H
        ("3–7 days", 1),  # I
        ("1–2 weeks", 1),  # E
        ("2–4 weeks", 0),
        ("Over 4 weeks", 1),  # G
    ]


def test_weeks_are_clipped_to_the_period_and_carry_the_backlog(report):
    assert [(w.start, w.end) for w in report.weeks] == [
        (date(2026, 2, 1), date(2026, 2, 1)),
        (date(2026, 2, 2), date(2026, 2, 8)),
        (date(2026, 2, 9), date(2026, 2, 15)),
        (date(2026, 2, 16), date(2026, 2, 22)),
        (date(2026, 2, 23), date(2026, 2, 28)),
    ]
    assert [w.logged for w in report.weeks] == [0, 2, 2, 1, 2]
    assert [w.closed for w in report.weeks] == [0, 3, 2, 0, 0]
    assert [w.backlog for w in report.weeks] == [2, 1, 1, 2, 4]
    assert report.weeks[-1].backlog == report.backlog_at_end


def test_top_categories_equipment_and_rooms(report, february):
    assert [(r.label, r.count) for r in report.top_categories] == [
        ("Printing", 3),
        ("Network", 2),
        ("Projectors", 1),
    ]
    assert [(r.label, r.detail, r.count) for r in report.top_equipment] == [
        ("PR-001", "Staff printer", 2),
        ("SW-002", "Switch", 1),
    ]
    assert [(r.label, r.count) for r in report.top_rooms] == [("Room 1", 3), ("Room 2", 1)]


def test_problems_opened_and_known_errors_published(report, february):
    assert (report.problems_reactive, report.problems_proactive) == (1, 1)
    assert report.known_errors == 1
    everywhere = reporting.service_report(Period(date(2026, 2, 1), date(2026, 2, 28)))
    assert (everywhere.problems_reactive, everywhere.problems_proactive) == (1, 2)


def test_consultations_by_group_with_their_turnaround(report):
    supplier, network = report.consultations
    assert (supplier.name, supplier.consulted, supplier.answered, supplier.waiting) == (
        "Printer supplier",
        2,
        2,
        0,
    )
    assert supplier.turnaround.mean == pytest.approx(3 * HOUR)
    assert supplier.turnaround.median == pytest.approx(3 * HOUR)
    assert (network.name, network.consulted, network.answered, network.waiting) == (
        "Network team",
        1,
        0,
        1,
    )
    assert network.turnaround.mean is None


def test_an_empty_period_gives_zeros_not_errors(february):
    empty = reporting.service_report(Period(date(2025, 6, 1), date(2025, 6, 30)))
    assert (empty.logged, empty.closed, empty.backlog_at_end) == (0, 0, 0)
    assert str(empty.first_contact) == "—"
    assert all(row.resolve.timed == 0 for row in empty.priorities)


def test_the_report_page_shows_the_figures(client_for, admin_user, february):
    response = client_for(admin_user).get(
        "/reports/service/",
        {"start": "2026-02-01", "end": "2026-02-28", "site": february["site"].pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 February 2026 – 28 February 2026 · Main building" in page
    assert "1 of 4 (25%)" in page  # first-contact resolution
    definition = parse(page).testid("first-contact-definition").text
    assert "never passed to a technician" in definition and "resolved itself" in definition
    assert "12 h 30 min" in page  # P3 mean time to resolve
    assert "Printer supplier" in page
    assert "PR-001" in page
    assert "Annex Wi-Fi" not in page


def test_targets_met_are_the_target_modules_met(report):
    """The report counts a target as met exactly when `incidents.targets` says so
    for that call, so the report and the call's page never disagree."""
    period = report.period
    calls = Incident.objects.filter(site=period.site)
    for row in report.priorities:
        logged = calls.filter(
            priority=row.priority, created_at__gte=period.starts_at, created_at__lt=period.ends_at
        )
        resolved = calls.filter(
            priority=row.priority,
            resolved_at__gte=period.starts_at,
            resolved_at__lt=period.ends_at,
        )
        respond_met = [c for c in logged if targets.target_clocks(c)[0].state == targets.MET]
        resolve_met = [c for c in resolved if targets.target_clocks(c)[1].state == targets.MET]
        assert (row.respond.met, row.resolve.met) == (len(respond_met), len(resolve_met))
    assert sum(row.resolve.met for row in report.priorities) == 3  # A, C and D


def test_a_call_that_resolved_itself_is_no_first_contact_resolution(reporter, desk, site):
    """One "resolved itself" used to read as 100% first-contact resolution; and a sheet
    closed without the desk accepting it was counted as logged."""
    from django.utils import timezone

    from incidents import workflow
    from tests.factories import CategoryFactory, file_incident

    call = file_incident(reporter, site=site)
    workflow.incident_close(
        incident=call,
        by=desk,
        code="resolved_itself",
        category=CategoryFactory(name="Printing"),
        channel="phone",
        version=workflow.current_version(call),
    )
    today = timezone.localdate()
    report = reporting.service_report(Period(today, today))
    assert (report.first_contact.count, report.first_contact.total) == (0, 0)
    assert str(report.first_contact) == "—"
    assert (report.reported, report.logged, report.closed) == (1, 1, 1)
