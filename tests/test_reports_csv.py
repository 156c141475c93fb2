"""The service report as CSV: the same figures as the page, for the same period
and site, one (section, item, measure, value) row per figure."""

import csv
import io

import pytest

from incidents.models import Category, Incident
from tests.reports_helpers import build_february


@pytest.fixture
def february(reporter, desk, technician, site):
    return build_february(reporter=reporter, desk=desk, technician=technician, site=site)


def read(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def rows(client_for, desk, february):
    response = client_for(desk).get(
        "/reports/service.csv",
        {"start": "2026-02-01", "end": "2026-02-28", "site": february["site"].pk},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="service-report-2026-02-01-to-2026-02-28-MAIN.csv"'
    )
    return read(response)


def value(rows, section, item, measure) -> str:
    found = [r[3] for r in rows if r[:3] == [section, item, measure]]
    assert len(found) == 1, (section, item, measure)
    return found[0]


def test_csv_starts_with_its_header_and_the_period(rows):
    assert rows[0] == ["section", "item", "measure", "value"]
    assert rows[1:4] == [
        ["Period", "From", "date", "2026-02-01"],
        ["Period", "To", "date", "2026-02-28"],
        ["Period", "Site", "name", "Main building"],
    ]


def test_csv_has_the_same_figures_as_the_report(rows):
    assert value(rows, "Calls", "Reported", "count") == "7"
    assert value(rows, "Calls", "Logged by the desk", "count") == "6"  # H was never logged
    assert value(rows, "Calls", "Resolved", "count") == "5"
    assert value(rows, "Calls", "Closed", "count") == "5"
    assert value(rows, "Calls", "Open at the end", "count") == "4"
    assert value(rows, "Closed calls", "First-contact resolution", "% of closed") == "25.0"
    assert value(rows, "Closed calls", "Reopened", "count") == "1"
    assert value(rows, "Resolved calls", "By a workaround", "count") == "1"
    assert value(rows, "Time to respond", "1 – Critical", "mean hours") == "0.42"
    assert (
        value(
            rows,
            "Time to respond",
            "3 – Medium",
            "within target",
        )
        == "3"
    )
    assert value(rows, "Time to respond", "3 – Medium", "measured against target") == "4"
    assert value(rows, "Time to resolve", "1 – Critical", "median hours") == "4.0"
    assert value(rows, "Time to resolve", "3 – Medium", "mean hours") == "12.5"
    assert value(rows, "Time to resolve", "2 – High", "mean hours") == ""
    assert value(rows, "Backlog age at the end", "Over 4 weeks", "count") == "1"
    assert value(rows, "Calls per week", "2026-02-23 to 2026-02-28", "open at the end") == "4"
    assert value(rows, "Top categories", "Printing", "calls logged") == "3"
    assert value(rows, "Top equipment", "PR-001 Staff printer", "calls logged") == "2"
    assert value(rows, "Top rooms", "Room 1 (Main building)", "calls logged") == "3"
    assert value(rows, "Problem management", "Problems opened proactively", "count") == "1"
    assert value(rows, "Problem management", "Known errors published", "count") == "1"
    assert value(rows, "Consultations", "Printer supplier", "mean turnaround hours") == "3.0"
    assert value(rows, "Consultations", "Network team", "still waiting") == "1"


def test_a_name_typed_as_a_formula_is_not_run_by_a_spreadsheet(client_for, desk, february):
    Category.objects.filter(name="Printing").update(name='=HYPERLINK("http://evil.example")')
    rows = read(
        client_for(desk).get("/reports/service.csv", {"start": "2026-02-01", "end": "2026-02-28"})
    )
    names = [r[1] for r in rows if r[0] == "Top categories"]
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert not any(name.startswith("=") for name in names)


def test_csv_defaults_to_last_month(client_for, desk, reporter, site):
    from django.utils import timezone

    from incidents.reporting import Period
    from tests.factories import file_incident

    period = Period.last_month(timezone.localdate())
    incident = file_incident(reporter, site=site)
    Incident.objects.filter(pk=incident.pk).update(created_at=period.starts_at)
    rows = read(client_for(desk).get("/reports/service.csv"))
    assert rows[1] == ["Period", "From", "date", period.start.isoformat()]
    assert rows[2] == ["Period", "To", "date", period.end.isoformat()]
    assert value(rows, "Calls", "Reported", "count") == "1"


def test_csv_with_junk_parameters_is_a_400_that_says_why(client_for, desk):
    response = client_for(desk).get("/reports/service.csv", {"start": "yesterday", "site": "x"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "start: Enter a valid date." in text
    assert "site: Select a valid choice." in text
