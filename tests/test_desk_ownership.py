"""Ownership of the call: take it, hand it over, and see the technicians' updates."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from incidents import workflow
from incidents.models import EntryKind, Event
from tests.desk_helpers import assigned, fresh, last_entry, logged, notifications_for, post
from tests.factories import UserFactory, file_incident


@pytest.fixture
def colleague(db):
    return UserFactory(
        username="desk2", first_name="Cleo", last_name="Colleague", roles=[Role.DESK]
    )


def test_desk_takes_ownership(client_for, desk, colleague, reporter, site):
    incident = logged(file_incident(reporter, site=site), colleague)

    response = post(client_for(desk), incident, "take_ownership", "ownership")

    assert response.status_code == 302
    assert fresh(incident).owner == desk
    entry = last_entry(incident)
    assert entry.kind == EntryKind.OWNERSHIP and not entry.is_public
    assert entry.rendered == "Dee Desk took ownership (was Cleo Colleague)."


def test_desk_hands_over_and_the_new_owner_is_told(client_for, desk, colleague, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk)

    post(client_for(desk), incident, "hand_over", "hand_over", to=colleague.pk)

    assert fresh(incident).owner == colleague
    assert last_entry(incident).rendered == "Ownership handed to Cleo Colleague (was Dee Desk)."
    assert notifications_for(colleague, incident, Event.OWNERSHIP).count() == 1


def test_cannot_hand_over_to_someone_off_the_desk(client_for, desk, technician, reporter, site):
    incident = logged(file_incident(reporter, site=site), desk)

    response = post(client_for(desk), incident, "hand_over", "hand_over", to=technician.pk)

    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    assert fresh(incident).owner == desk


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_may_take_or_hand_over(request, client_for, desk, colleague, incident, who):
    client = client_for(request.getfixturevalue(who))

    assert post(client, incident, "take_ownership", "ownership").status_code == 403
    assert post(client, incident, "hand_over", "hand_over", to=colleague.pk).status_code == 403
    assert fresh(incident).owner is None


def test_owner_is_told_of_technician_updates_and_reading_marks_them(
    client_for, desk, technician, reporter, site
):
    incident = assigned(file_incident(reporter, site=site), desk, technician)

    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken="Reseated the toner",
    )

    assert fresh(incident).owner_unread
    assert notifications_for(desk, incident, Event.TECHNICIAN_UPDATE).count() == 1
    client = client_for(desk)
    page = client.get(incident.get_absolute_url()).text
    assert "Reseated the toner" in page
    assert "New technician updates" in page
    assert fresh(incident).owner_unread  # a GET writes nothing: the page posts "read" when it opens

    response = client.post(
        reverse("incidents:mark_read", args=[incident.reference]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert not fresh(incident).owner_unread
    assert "New technician updates" not in client.get(incident.get_absolute_url()).text


def test_someone_else_reading_leaves_the_update_unread(
    client_for, desk, colleague, technician, reporter, site
):
    incident = assigned(file_incident(reporter, site=site), desk, technician)
    workflow.incident_diagnose(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        action_taken="Checked cables",
    )

    client_for(colleague).get(incident.get_absolute_url())

    assert fresh(incident).owner_unread
