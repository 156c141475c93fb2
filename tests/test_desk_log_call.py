"""A call that came by phone, e-mail or in person, filed by the desk for the user."""

import uuid

import pytest
from django.urls import reverse

from incidents.models import EntryKind, Event, Incident, Status
from tests.desk_helpers import notifications_for
from tests.factories import RoomFactory, SiteFactory

LOG_CALL = reverse("incidents:desk_log_call")


def call(reporter, site, **extra):
    return {
        "reporter": reporter.pk,
        "channel": "phone",
        "answered_by": "",
        "summary": "Interactive whiteboard has no picture",
        "site": site.pk,
        "room": "",
        "equipment": "",
        "equipment_description": "Whiteboard in the hall",
        "tried_to_repeat": "recurred",
        "expected": "The whiteboard to show the laptop screen",
        "happened": "It says no signal on the projector",
        "checked": "The HDMI cable is plugged in",
        "last_worked": "Friday",
        "had_before": "unknown",
        "had_before_details": "",
        "further_info": "",
        "availability": "After school",
        "available_to_discuss": "on",
        "submission_token": str(uuid.uuid4()),
        **extra,
    }


def test_the_form_lists_people_to_choose_from(client_for, desk, reporter):
    page = client_for(desk).get(LOG_CALL).text
    assert "Rita Reporter (reporter)" in page
    assert 'data-filter-select="id_reporter"' in page


def test_desk_logs_a_phone_call_for_a_user(client_for, desk, reporter, site):
    response = client_for(desk).post(LOG_CALL, call(reporter, site))

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert incident.reporter == reporter and incident.entered_by == desk
    assert incident.channel == "phone" and incident.status == Status.SUBMITTED
    assert incident.sheet.answered_by == "Rita Reporter"
    assert incident.sheet.happened == "It says no signal on the projector"
    entry = incident.log.get()
    assert entry.kind == EntryKind.FILED and entry.is_public
    assert entry.rendered == "Logged by Dee Desk for Rita Reporter (phone)."
    assert notifications_for(reporter, incident, Event.FILED).count() == 1


def test_the_user_then_sees_it_in_their_list(client_for, desk, reporter, site):
    client_for(desk).post(LOG_CALL, call(reporter, site, channel="in_person", answered_by="Her TA"))
    incident = Incident.objects.get()

    page = client_for(reporter).get(reverse("incidents:my_incidents")).text

    assert incident.reference in page or incident.get_absolute_url() in page
    assert incident.sheet.answered_by == "Her TA"


def test_a_double_submit_files_one_incident(client_for, desk, reporter, site):
    data = call(reporter, site)
    client = client_for(desk)
    client.post(LOG_CALL, data)
    client.post(LOG_CALL, data)

    assert Incident.objects.count() == 1


def test_bad_input_is_shown_next_to_the_field_and_kept(client_for, desk, reporter, site):
    room_elsewhere = RoomFactory(site=SiteFactory(name="Annexe"), name="Hall")
    data = call(
        reporter, site, summary="", room=room_elsewhere.pk, channel="web", expected="Kept text"
    )

    response = client_for(desk).post(LOG_CALL, data)

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Hall is not at Main building." in response.text
    assert "Select a valid choice. web is not one of the available choices." in response.text
    assert "Kept text</textarea>" in response.text
    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["reporter", "technician"])
def test_only_the_desk_logs_calls_for_others(request, client_for, reporter, site, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(LOG_CALL).status_code == 403
    assert client.post(LOG_CALL, call(reporter, site)).status_code == 403
    assert not Incident.objects.exists()
