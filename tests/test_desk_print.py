"""Filing: the printable incident sheet with its diagnostics sheet, alone or for a selection."""

import pytest
from django.urls import reverse

from incidents import workflow
from tests.desk_helpers import assigned
from tests.factories import file_incident


def test_support_staff_print_the_sheet_with_its_diagnostics(client_for, desk, technician, incident):
    incident = assigned(incident, desk, technician)
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken="Printed a test page",
        result="Blank",
        minutes_spent=10,
    )

    for person in (desk, technician):
        response = client_for(person).get(reverse("incidents:print", args=[incident.reference]))
        assert response.status_code == 200
        page = response.text
        assert f"Incident sheet {incident.reference}" in page
        assert "The printer to print my worksheet." in page  # the user's answer
        assert "Printed a test page" in page and "10 min" in page  # the diagnostics sheet
        assert "Received by" in page and "Date user notified" in page
        assert 'href="/static/css/print.css" media="print"' in page
        assert page.count('data-testid="print-sheet"') == 1


@pytest.mark.parametrize("who", ["reporter", "other_reporter"])
def test_print_view_is_404_for_users(request, client_for, incident, who):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("incidents:print", args=[incident.reference])
    )
    assert response.status_code == 404


def test_print_view_of_an_unknown_incident_is_404(client_for, desk):
    assert client_for(desk).get("/incidents/INC-424242/print/").status_code == 404
    assert client_for(desk).get("/incidents/nonsense/print/").status_code == 404


def test_print_a_selection_one_per_page(client_for, desk, reporter, site):
    calls = [file_incident(reporter, site=site, summary=f"Call {n}") for n in range(3)]
    ids = f"{calls[2].pk},{calls[0].reference},junk"

    response = client_for(desk).get(reverse("incidents:print_selection"), {"ids": ids})

    assert response.status_code == 200
    page = response.text
    assert page.count('data-testid="print-sheet"') == 2
    assert page.index(calls[2].reference) < page.index(calls[0].reference)  # the order asked
    assert page.count("page-break") == 1  # between the sheets, not after the last
    assert calls[1].reference not in page


def test_print_selection_of_nothing_is_404(client_for, desk):
    assert (
        client_for(desk).get(reverse("incidents:print_selection"), {"ids": "x,y"}).status_code
        == 404
    )


def test_print_selection_runs_a_fixed_number_of_queries(
    client_for, desk, technician, reporter, site, django_assert_max_num_queries
):
    calls = [assigned(file_incident(reporter, site=site), desk, technician) for _ in range(6)]
    for incident in calls:
        workflow.incident_diagnose(
            version=workflow.current_version(incident),
            incident=incident,
            by=technician,
            action_taken="Looked",
        )
    client = client_for(desk)
    client.get("/desk/")

    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("incidents:print_selection"), {"ids": ",".join(str(i.pk) for i in calls)}
        )
    assert response.text.count('data-testid="print-sheet"') == 6


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_print_selection_is_for_the_desk(request, client_for, incident, who):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("incidents:print_selection"), {"ids": incident.pk}
    )
    assert response.status_code == 403
