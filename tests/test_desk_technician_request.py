"""Requesting technician support: a technician or the pool, with a note and a visit date."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from incidents.models import EntryKind, Event, Status
from tests.desk_helpers import fresh, last_entry, logged, notifications_for, post
from tests.factories import UserFactory


def test_desk_passes_the_call_to_a_technician(client_for, desk, technician, reporter, incident):
    incident = logged(incident, desk)
    visit = timezone.localdate() + timedelta(days=3)

    response = post(
        client_for(desk),
        incident,
        "request_technician",
        "technician",
        technician=technician.pk,
        note="Bring a spare toner",
        visit_date=visit.isoformat(),
    )

    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.status == Status.ASSIGNED
    assert incident.assignee == technician
    assert incident.visit_date == visit
    assert incident.technician_note == "Bring a spare toner"
    assignment = last_entry(incident, kind=EntryKind.ASSIGNMENT)
    assert assignment.is_public and assignment.to_status == Status.ASSIGNED
    assert assignment.rendered == (
        f"Technician support requested from Tom Tech. Planned visit: {visit:%A %d %B %Y}."
    )
    note = last_entry(incident, kind=EntryKind.NOTE)
    assert note.rendered == "For the technician: Bring a spare toner" and not note.is_public
    assert notifications_for(technician, incident, Event.TECHNICIAN_REQUESTED).count() == 1
    assert notifications_for(reporter, incident, Event.TECHNICIAN_REQUESTED).count() == 1


def test_desk_passes_the_call_to_the_pool(client_for, desk, technician, incident):
    other = UserFactory(username="tech2", roles=[Role.TECHNICIAN])
    incident = logged(incident, desk)

    post(client_for(desk), incident, "request_technician", "technician", technician="")

    incident = fresh(incident)
    assert incident.status == Status.ASSIGNED and incident.assignee is None
    assert "the technician pool" in last_entry(incident, kind=EntryKind.ASSIGNMENT).rendered
    for person in (technician, other):
        assert notifications_for(person, incident, Event.TECHNICIAN_REQUESTED).count() == 1


def test_a_sheet_must_be_logged_before_a_technician_is_asked(client_for, desk, incident):
    response = post(client_for(desk), incident, "request_technician", "technician")

    assert response.status_code == 302
    assert fresh(incident).status == Status.SUBMITTED
    page = client_for(desk).get(response["Location"]).text
    assert "that cannot be done now" in page


def test_a_past_visit_date_is_refused(client_for, desk, incident):
    incident = logged(incident, desk)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = post(
        client_for(desk),
        incident,
        "request_technician",
        "technician",
        visit_date=yesterday.isoformat(),
    )

    assert response.status_code == 400
    assert "That date has passed." in response.text
    assert fresh(incident).status == Status.LOGGED


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_may_request_a_technician(request, client_for, desk, incident, who):
    incident = logged(incident, desk)

    response = post(
        client_for(request.getfixturevalue(who)), incident, "request_technician", "technician"
    )

    assert response.status_code == 403
    assert fresh(incident).status == Status.LOGGED
