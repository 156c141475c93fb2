"""Resolution and closure: closure codes, duplicates, "it works again" in one click."""

import pytest

from incidents import workflow
from incidents.models import ClosureCode, EntryKind, Event, Status
from tests.desk_helpers import (
    assigned,
    fresh,
    last_entry,
    logged,
    notifications_for,
    post,
    resolved,
)
from tests.factories import file_incident
from tests.html import parse


def test_desk_closes_a_resolved_call_and_the_user_hears_the_resolution(
    client_for, desk, technician, reporter, incident
):
    incident = resolved(incident, desk, technician, resolution="Replaced the fuser unit.")

    response = post(
        client_for(desk),
        incident,
        "close",
        "close",
        code="fixed",
        resolution="Replaced the fuser unit.",
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.status == Status.CLOSED
    assert incident.closure_code == ClosureCode.FIXED
    assert incident.closed_by == desk and incident.user_notified_at is not None
    entry = last_entry(incident)
    assert entry.is_public and entry.to_status == Status.CLOSED
    assert entry.rendered == "Closed – fixed. Resolution: Replaced the fuser unit."
    closed = notifications_for(reporter, incident, Event.CLOSED).get()
    assert "Replaced the fuser unit." in closed.body


def test_close_form_offers_the_technicians_resolution(client_for, desk, technician, incident):
    incident = resolved(incident, desk, technician, resolution="Cleaned the drum.")

    page = client_for(desk).get(incident.get_absolute_url()).text

    form = parse(page).testid("close-form")
    assert "Cleaned the drum." in [box.text for box in form.find_all("textarea")]
    assert "open" in form.attrs  # a resolved call opens on its closing form


def test_desk_records_the_resolution_when_closing(client_for, desk, incident):
    incident = logged(incident, desk)

    post(
        client_for(desk),
        incident,
        "close",
        "close",
        code="workaround",
        resolution="Printing from the office printer for now.",
    )

    incident = fresh(incident)
    assert incident.status == Status.CLOSED
    assert incident.resolution == "Printing from the office printer for now."


def test_closing_without_a_resolution_is_refused(client_for, desk, incident):
    incident = logged(incident, desk)

    response = post(client_for(desk), incident, "close", "close", code="fixed", resolution="")

    assert response.status_code == 302
    assert fresh(incident).status == Status.LOGGED
    page = client_for(desk).get(response["Location"]).text
    assert "Record the resolution before closing." in page


def test_close_a_duplicate_by_its_original(client_for, desk, reporter, site, category):
    original = file_incident(reporter, site=site)
    duplicate = file_incident(reporter, site=site)

    # Never logged: it is logged (category, how reported) as it is closed.
    post(
        client_for(desk),
        duplicate,
        "close",
        "close",
        code="duplicate",
        duplicate_of=original.reference.lower(),
        category=category.pk,
        channel="web",
    )

    duplicate = fresh(duplicate)
    assert duplicate.status == Status.CLOSED
    assert duplicate.duplicate_of == original
    assert f"Duplicate of {original.reference}" in duplicate.resolution
    page = client_for(desk).get(duplicate.get_absolute_url()).text
    assert f'href="{original.get_absolute_url()}">{original.reference}</a>' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Say which incident this one duplicates."), ("INC-999999", "There is no incident")],
)
def test_duplicate_needs_a_real_original(client_for, desk, incident, value, message):
    response = post(
        client_for(desk), incident, "close", "close", code="duplicate", duplicate_of=value
    )

    assert response.status_code == 400
    assert message in response.text
    assert fresh(incident).status == Status.SUBMITTED


def test_an_incident_cannot_duplicate_itself(client_for, desk, incident):
    response = post(
        client_for(desk),
        incident,
        "close",
        "close",
        code="duplicate",
        duplicate_of=incident.reference,
    )

    assert response.status_code == 400
    assert "An incident cannot duplicate itself." in response.text


def test_works_again_is_closed_in_one_click(client_for, desk, technician, reporter, incident):
    incident = assigned(incident, desk, technician)
    workflow.incident_working_again(
        version=workflow.current_version(incident),
        incident=incident,
        by=reporter,
        note="After the reboot",
    )
    client = client_for(desk)

    page = client.get(incident.get_absolute_url()).text
    assert "says it works again" in page and "After the reboot" in page
    assert "Close as resolved itself" in page

    response = client.post(
        f"/incidents/{incident.reference}/close/",
        {"close-version": fresh(incident).version, "close-code": "resolved_itself"},
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.status == Status.CLOSED
    assert incident.closure_code == ClosureCode.RESOLVED_ITSELF
    assert incident.resolution == "The equipment started working again by itself."
    assert notifications_for(reporter, incident, Event.CLOSED).count() == 1


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_may_close(request, client_for, desk, technician, incident, who):
    incident = resolved(incident, desk, technician)

    response = post(
        client_for(request.getfixturevalue(who)),
        incident,
        "close",
        "close",
        code="fixed",
        resolution="Done",
    )

    assert response.status_code == 403
    assert fresh(incident).status == Status.RESOLVED
    assert last_entry(incident).kind == EntryKind.RESOLUTION
