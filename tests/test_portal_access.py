"""A user sees only their own: someone else's incident, its photos, its confirmation,
its actions and their notifications are all "not found", and nothing is changed."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import Attachment, Incident
from incidents.uploads import clean_photos
from tests.factories import EquipmentFactory, file_incident
from tests.portal_helpers import png_upload, return_to_user


@pytest.fixture
def theirs(other_reporter, site, desk):
    """Someone else's incident, waiting for their answer, with a photo."""
    incident = file_incident(
        other_reporter,
        site=site,
        summary="Other person's laptop",
        photos=clean_photos([png_upload("x.png")]),
    )
    return return_to_user(incident, desk, "Their question")


GETS = ["detail", "confirmation"]
POSTS = {
    "answer": {"answer": "mine now"},
    "working_again": {"note": "x"},
    "reopen": {"reason": "x"},
    "user_message": {"text": "x"},
    "attach": {},
}


@pytest.mark.parametrize("name", GETS)
def test_someone_elses_incident_page_is_not_found(client_for, reporter, theirs, name):
    response = client_for(reporter).get(reverse(f"incidents:{name}", args=[theirs.reference]))

    assert response.status_code == 404
    assert "Other person" not in response.content.decode()


def test_someone_elses_photo_is_not_found(client_for, reporter, theirs):
    attachment = Attachment.objects.get(incident=theirs)

    response = client_for(reporter).get(
        reverse("incidents:attachment", args=[theirs.reference, attachment.pk])
    )

    assert response.status_code == 404


def test_a_photo_of_someone_elses_incident_is_not_found_through_my_own(
    client_for, reporter, site, theirs
):
    mine = file_incident(reporter, site=site)
    attachment = Attachment.objects.get(incident=theirs)

    response = client_for(reporter).get(
        reverse("incidents:attachment", args=[mine.reference, attachment.pk])
    )

    assert response.status_code == 404


def test_my_own_photo_downloads_as_an_attachment_with_nosniff(client_for, reporter, site):
    mine = file_incident(reporter, site=site, photos=clean_photos([png_upload("error.png")]))
    attachment = Attachment.objects.get(incident=mine)

    response = client_for(reporter).get(
        reverse("incidents:attachment", args=[mine.reference, attachment.pk])
    )

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", list(POSTS))
def test_actions_on_someone_elses_incident_are_not_found_and_change_nothing(
    client_for, reporter, theirs, name
):
    before = theirs.log.count()
    data = POSTS[name] | ({"photos": [png_upload()]} if name == "attach" else {})

    response = client_for(reporter).post(
        reverse(f"incidents:{name}", args=[theirs.reference]), data
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "awaiting_user"
    assert theirs.working_again_at is None
    assert theirs.log.count() == before
    assert Attachment.objects.filter(incident=theirs).count() == 1


@pytest.mark.parametrize("ref", ["INC-999999", "junk", "INC-", "0", "-1", "INC-1' OR '1'='1"])
def test_unknown_or_junk_references_are_not_found(client_for, reporter, ref):
    assert client_for(reporter).get(reverse("incidents:detail", args=[ref])).status_code == 404


def test_the_notification_list_and_search_never_show_someone_elses_incident(
    client_for, reporter, other_reporter, desk, site, theirs
):
    client = client_for(reporter)
    equipment = EquipmentFactory(site=site, asset_tag="LAP-1")
    file_incident(
        other_reporter, site=site, equipment=equipment, summary="Laptop screen cracked by pupil"
    )

    pages = [
        client.get(reverse("incidents:notifications")),
        client.get(reverse("incidents:my_incidents")),
        client.get(reverse("incidents:my_incidents"), {"state": "open"}),
        client.get(reverse("incidents:article_list"), {"q": "laptop"}),
        client.get(reverse("incidents:equipment_search"), {"equipment_query": "LAP"}),
        client.get(
            reverse("incidents:report_help"),
            {"equipment": equipment.pk, "summary": "laptop cracked"},
        ),
    ]

    for response in pages:
        page = response.content.decode()
        assert response.status_code == 200
        assert theirs.reference not in page
        assert "Other person" not in page
        assert "cracked by pupil" not in page
        assert "Their question" not in page


def test_anonymous_people_are_sent_to_sign_in(client, incident):
    for url in [
        reverse("incidents:report"),
        reverse("incidents:my_incidents"),
        reverse("incidents:notifications"),
        reverse("incidents:article_list"),
        reverse("incidents:detail", args=[incident.reference]),
        reverse("incidents:confirmation", args=[incident.reference]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_posts_without_a_csrf_token_are_refused(reporter, incident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:user_message", args=[incident.reference]), {"text": "hi"}
    )

    assert response.status_code == 403
    assert incident.log.count() == 1


def test_a_user_cannot_move_their_own_incident_through_extra_fields(
    client_for, reporter, desk, technician, incident
):
    workflow.incident_return_to_user(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        question="Which room?",
    )

    client_for(reporter).post(
        reverse("incidents:answer", args=[incident.reference]),
        {
            "answer": "Room 4",
            "version": workflow.current_version(incident),
            "status": "closed",
            "priority": "1",
            "owner": str(reporter.pk),
            "assignee": str(technician.pk),
            "resolution": "fixed by me",
        },
    )

    incident = Incident.objects.get()
    assert incident.status == "submitted"
    assert incident.priority != 1
    assert incident.owner == desk
    assert incident.assignee is None
    assert incident.resolution == ""
