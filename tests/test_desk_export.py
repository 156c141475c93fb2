"""The CSV export: exactly the filtered list, no internal notes, no spreadsheet formulas."""

import csv
import io

import pytest
from django.urls import reverse

from helpdesk.spreadsheet import formula_safe as csv_safe
from incidents import workflow
from tests.desk_helpers import logged, many_incidents
from tests.factories import CategoryFactory, file_incident

EXPORT = reverse("incidents:desk_export")


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_is_for_the_desk_only(client_for, reporter, technician, incident):
    assert client_for(reporter).get(EXPORT).status_code == 403
    assert client_for(technician).get(EXPORT).status_code == 403


def test_export_is_the_filtered_list_in_the_same_order(client_for, desk, reporter, site):
    printers = [file_incident(reporter, site=site, summary=f"Printer {n} jams") for n in range(3)]
    file_incident(
        reporter,
        site=site,
        summary="Wi-Fi drops",
        sheet={"expected": "To stay online", "happened": "It drops", "checked": "The router"},
    )
    logged(printers[1], desk, impact=1, urgency=1)

    response = client_for(desk).get(EXPORT, {"q": "printer", "sort": "priority"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = rows_of(response)
    assert [r["Reference"] for r in rows] == [
        printers[1].reference,
        printers[2].reference,
        printers[0].reference,
    ]
    assert rows[0]["Priority"] == "1 – Critical"
    assert rows[0]["State"] == "Logged"
    assert rows[0]["Owner"] == "Dee Desk"
    assert rows[0]["Reporter"] == "Rita Reporter"


def test_export_has_every_page_not_just_the_first(client_for, desk, reporter, site):
    many_incidents(120, reporter=reporter, site=site)

    rows = rows_of(client_for(desk).get(EXPORT))

    assert len(rows) == 120


def test_export_leaves_internal_notes_out(client_for, desk, reporter, site):
    incident = file_incident(reporter, site=site)
    workflow.incident_add_note(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        text="SENTINEL-internal-note",
    )

    response = client_for(desk).get(EXPORT)

    assert "SENTINEL-internal-note" not in b"".join(response.streaming_content).decode()


def test_export_neutralises_formulas(client_for, desk, reporter, site):
    file_incident(reporter, site=site, summary='=HYPERLINK("http://evil.example","x")')
    file_incident(reporter, site=site, summary="@SUM(A1:A9)")

    rows = rows_of(client_for(desk).get(EXPORT))

    summaries = {r["Summary"] for r in rows}
    assert summaries == {'\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1:A9)"}


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 161", "'+44 161"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("plain", "plain"),
        (None, ""),
        ("a=b", "a=b"),
    ],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


def test_export_of_no_filters_is_the_open_calls(client_for, desk, reporter, site):
    open_one = file_incident(reporter, site=site)
    closed = file_incident(reporter, site=site)
    workflow.incident_close(
        version=workflow.current_version(closed),
        incident=closed,
        by=desk,
        code="not_an_incident",
        category=CategoryFactory(name="Printing"),  # never logged: logged as it is closed
        channel="phone",
    )

    rows = rows_of(client_for(desk).get(EXPORT))
    everything = rows_of(client_for(desk).get(EXPORT, {"state": "all"}))

    assert [r["Reference"] for r in rows] == [open_one.reference]
    assert {r["Reference"] for r in everything} == {open_one.reference, closed.reference}
    assert (
        next(r for r in everything if r["Reference"] == closed.reference)["Closure code"]
        == "Not an incident"
    )
