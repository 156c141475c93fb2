"""Filing an incident sheet: every answer kept, bad input shown next to its field,
photos checked, one incident per submission, and nothing but the sheet's own fields."""

import threading
import uuid
from unittest import mock

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from incidents import workflow
from incidents.models import (
    Attachment,
    CallLogEntry,
    EntryKind,
    Event,
    Incident,
    Notification,
    Priority,
    Status,
)
from tests.factories import EquipmentFactory, RoomFactory, SiteFactory, file_incident
from tests.portal_helpers import image_bytes, png_upload, sheet_post, upload

REPORT = reverse("incidents:report")


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Room 12")


@pytest.fixture
def projector(site, room):
    return EquipmentFactory(
        site=site, room=room, asset_tag="PJ-0012", name="Projector", kind="projector"
    )


def test_the_sheet_asks_the_guides_questions_with_its_examples(client_for, reporter, site):
    page = client_for(reporter).get(REPORT).content.decode()

    for words in [
        "Did you try to make it happen again?",
        "What did you expect to happen?",
        "the printer to print a document",
        "What exactly happened?",
        "power light was on, but a blank page printed",
        "What did you check?",
        "that there was paper in the printer",
        "when did it last work?",
        "Has it had the same problem before?",
        "Anything further that might help?",
        "When are you available?",
        'name="submission_token"',
        'type="file"',
    ]:
        assert words in page


def test_filing_with_every_answer_makes_the_incident_its_sheet_and_call_log(
    client_for, reporter, desk, site, room, projector
):
    response = client_for(reporter).post(
        REPORT, sheet_post(site=site, room=room, equipment=projector)
    )

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:confirmation", args=[incident.reference])
    assert incident.reporter == reporter
    assert incident.entered_by == reporter
    assert incident.summary == "Projector shows no picture"
    assert (incident.site, incident.room, incident.equipment) == (site, room, projector)
    assert incident.status == Status.SUBMITTED
    sheet = incident.sheet
    assert sheet.tried_to_repeat == "recurred"
    assert sheet.expected == "The projector to show my slides."
    assert sheet.happened == "The lamp light is on but the screen says No signal."
    assert sheet.checked == "The HDMI cable is plugged in at both ends."
    assert sheet.last_worked == "Yesterday, period 5"
    assert sheet.had_before == "yes"
    assert sheet.had_before_details == "Last term, once"
    assert sheet.further_info == "It works with the visualiser."
    assert sheet.available_to_discuss is True
    assert sheet.availability == "Period 3 on Tuesday"
    entry = CallLogEntry.objects.get(incident=incident)
    assert (entry.kind, entry.to_status, entry.is_public) == (
        EntryKind.FILED,
        Status.SUBMITTED,
        True,
    )
    assert Notification.objects.filter(
        recipient=desk, incident=incident, event=Event.FILED
    ).exists()


def test_the_confirmation_gives_the_reference_and_what_happens_next(
    client_for, reporter, site, room
):
    client = client_for(reporter)
    response = client.post(REPORT, sheet_post(site=site, room=room), follow=True)

    incident = Incident.objects.get()
    page = response.content.decode()
    assert incident.reference in page
    assert "The service desk checks your sheet" in page
    assert incident.get_absolute_url() in page


def test_equipment_not_in_the_register_is_described_in_free_text(client_for, reporter, site):
    client_for(reporter).post(
        REPORT, sheet_post(site=site, equipment_description="The old laminator by the office")
    )

    incident = Incident.objects.get()
    assert incident.equipment is None
    assert incident.equipment_description == "The old laminator by the office"


def test_an_asset_tag_typed_without_the_search_picks_the_equipment(
    client_for, reporter, site, projector
):
    data = sheet_post(site=site, equipment_query="pj-0012", equipment_description="")

    client_for(reporter).post(REPORT, data)

    incident = Incident.objects.get()
    assert incident.equipment == projector
    assert incident.room == projector.room  # taken from the register when not given


def test_the_site_comes_from_the_equipment_when_not_chosen(client_for, reporter, site, projector):
    client_for(reporter).post(REPORT, sheet_post(site=site, equipment=projector) | {"site": ""})

    assert Incident.objects.get().site == site


def test_missing_answers_are_shown_next_to_their_fields_and_nothing_typed_is_lost(
    client_for, reporter, site, room
):
    data = sheet_post(site=site, room=room, tried_to_repeat="", expected="", happened="   ")
    data["checked"] = "Checked the <b>cable</b> & the plug"

    response = client_for(reporter).post(REPORT, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not Incident.objects.exists()
    assert "Say whether you tried to make it happen again." in page
    assert "Say what you expected to happen." in page
    assert "Say what exactly happened" in page
    assert 'id="id_expected_error"' in page  # next to the field, not only at the top
    assert "Projector shows no picture" in page
    assert "Checked the &lt;b&gt;cable&lt;/b&gt; &amp; the plug" in page
    assert "Period 3 on Tuesday" in page
    assert f'value="{data["submission_token"]}"' in page  # the same form, the same token


def test_no_equipment_at_all_asks_for_it(client_for, reporter, site):
    data = sheet_post(site=site, equipment_description="")

    page = client_for(reporter).post(REPORT, data).content.decode()

    assert "Choose the equipment from the register, or describe it here" in page
    assert not Incident.objects.exists()


def test_an_unknown_asset_tag_is_explained(client_for, reporter, site):
    data = sheet_post(site=site, equipment_query="NOPE-1", equipment_description="")

    page = client_for(reporter).post(REPORT, data).content.decode()

    assert "Nothing in the register has the asset tag" in page
    assert "NOPE-1" in page


def test_a_room_at_another_site_is_refused(client_for, reporter, site):
    elsewhere = RoomFactory(site=SiteFactory(name="Annexe"))

    page = client_for(reporter).post(REPORT, sheet_post(site=site, room=elsewhere)).content.decode()

    assert "That room is not at Main building" in page
    assert not Incident.objects.exists()


def test_available_to_discuss_needs_a_time(client_for, reporter, site):
    page = (
        client_for(reporter).post(REPORT, sheet_post(site=site, availability="")).content.decode()
    )

    assert "Say when you are available" in page


def test_answers_longer_than_the_sheet_holds_are_refused_with_a_message(client_for, reporter, site):
    page = (
        client_for(reporter).post(REPORT, sheet_post(site=site, summary="x" * 201)).content.decode()
    )

    assert "Ensure this value has at most 200 characters" in page
    assert not Incident.objects.exists()


def test_filing_with_photos_keeps_them_cleaned_under_generated_names(client_for, reporter, site):
    data = sheet_post(site=site)
    data["photos"] = [
        png_upload("error screen.png"),
        upload("desk.jpg", image_bytes("JPEG"), "image/jpeg"),
    ]

    client_for(reporter).post(REPORT, data)

    incident = Incident.objects.get()
    photos = list(incident.attachments.order_by("original_name"))
    assert [p.original_name for p in photos] == ["desk.jpg", "error screen.png"]
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    assert all(p.uploaded_by == reporter for p in photos)
    assert all(
        p.file.name.startswith("attachments/") and "screen" not in p.file.name for p in photos
    )


def test_a_bad_photo_says_why_and_keeps_the_rest_of_the_sheet(client_for, reporter, site):
    data = sheet_post(site=site)
    data["photos"] = [upload("screen.png", b"<html><script>alert(1)</script></html>")]

    response = client_for(reporter).post(REPORT, data)

    page = response.content.decode()
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()
    assert "screen.png was not accepted" in page
    assert "Those photos were not accepted" in page
    assert "The lamp light is on but the screen says No signal." in page


def test_good_photos_with_other_errors_are_kept_for_the_next_send(client_for, reporter, site):
    client = client_for(reporter)
    data = sheet_post(site=site, happened="")
    data["photos"] = [png_upload("error screen.png")]

    first = client.post(REPORT, data)

    assert not Incident.objects.exists()
    kept = first.context["kept_photos"]
    assert [photo["original_name"] for photo in kept] == ["error screen.png"]
    assert 'name="keep_photo"' in first.content.decode()

    data = sheet_post(site=site, token=data["submission_token"], keep_photo=[kept[0]["id"]])
    response = client.post(REPORT, data)

    incident = Incident.objects.get()
    assert response.url == f"/incidents/{incident.reference}/sent/"
    assert [a.original_name for a in incident.attachments.all()] == ["error screen.png"]
    assert incident.attachments.get().file.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_kept_photo_unticked_is_left_out(client_for, reporter, site):
    client = client_for(reporter)
    data = sheet_post(site=site, happened="")
    data["photos"] = [png_upload("error screen.png")]
    client.post(REPORT, data)

    client.post(REPORT, sheet_post(site=site, token=data["submission_token"]))

    assert Incident.objects.get().attachments.count() == 0


def test_kept_photos_count_toward_the_limit(client_for, reporter, site, settings):
    settings.UPLOAD_MAX_FILES = 2
    client = client_for(reporter)
    data = sheet_post(site=site, happened="")
    data["photos"] = [png_upload("one.png"), png_upload("two.png")]
    kept = client.post(REPORT, data).context["kept_photos"]

    data = sheet_post(site=site, token=data["submission_token"], keep_photo=[p["id"] for p in kept])
    data["photos"] = [png_upload("three.png")]
    page = client.post(REPORT, data).content.decode()

    assert not Incident.objects.exists()
    assert "Send at most 2 photos: 2 are kept from before" in page


def test_kept_photos_are_only_the_senders(client_for, reporter, other_reporter, site, client):
    data = sheet_post(site=site, happened="")
    data["photos"] = [png_upload("mine.png")]
    kept = client_for(reporter).post(REPORT, data).context["kept_photos"]

    client.force_login(other_reporter)
    client.post(
        REPORT,
        sheet_post(site=site, token=data["submission_token"], keep_photo=[kept[0]["id"]]),
    )

    assert Incident.objects.get(reporter=other_reporter).attachments.count() == 0


def test_too_many_photos_are_refused(client_for, reporter, site, settings):
    settings.UPLOAD_MAX_FILES = 2
    data = sheet_post(site=site)
    data["photos"] = [png_upload(f"p{n}.png") for n in range(3)]

    page = client_for(reporter).post(REPORT, data).content.decode()

    assert "Send at most 2 photos at a time" in page
    assert not Incident.objects.exists()


def test_the_same_submission_twice_makes_one_incident(client_for, reporter, site):
    client = client_for(reporter)
    data = sheet_post(site=site)

    first = client.post(REPORT, data)
    second = client.post(REPORT, data)

    incident = Incident.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("incidents:confirmation", args=[incident.reference])
    )
    assert CallLogEntry.objects.filter(incident=incident).count() == 1


def test_a_repost_with_errors_fixed_after_success_still_goes_to_the_same_incident(
    client_for, reporter, site
):
    client = client_for(reporter)
    data = sheet_post(site=site)
    client.post(REPORT, data)

    again = client.post(REPORT, data | {"summary": "Changed my mind"})

    assert Incident.objects.count() == 1
    assert again["Location"].endswith("/sent/")


def test_two_posts_of_one_form_at_the_same_moment_make_one_incident(client_for, reporter, site):
    """The second request passes the token check before the first commits: the
    database's unique token stops it, and it goes to the first one's incident."""
    data = sheet_post(site=site)
    token = uuid.UUID(data["submission_token"])
    first = file_incident(reporter, site=site, submission_token=token)
    clash = IntegrityError("duplicate key value violates unique constraint")

    client = client_for(reporter)
    with (
        mock.patch("incidents.views.portal.filing._incident_with_token", return_value=None),
        mock.patch.object(workflow, "incident_file", side_effect=clash),
    ):
        response = client.post(REPORT, data)

    assert response["Location"] == reverse("incidents:confirmation", args=[first.reference])
    assert Incident.objects.count() == 1


def test_someone_elses_submission_token_is_refused(client_for, reporter, other_reporter, site):
    data = sheet_post(site=site)
    client_for(other_reporter).post(REPORT, data)

    response = client_for(reporter).post(REPORT, data)

    assert response.status_code == 403
    assert Incident.objects.get().reporter == other_reporter


def test_a_missing_or_junk_token_still_files_once(client_for, reporter, site):
    client_for(reporter).post(REPORT, sheet_post(site=site) | {"submission_token": "junk"})

    incident = Incident.objects.get()
    assert incident.submission_token is not None


def test_extra_post_fields_cannot_set_priority_owner_assignee_or_state(
    client_for, reporter, desk, technician, site
):
    data = sheet_post(site=site) | {
        "priority": "1",
        "impact": "1",
        "urgency": "1",
        "status": "closed",
        "owner": str(desk.pk),
        "assignee": str(technician.pk),
        "reporter": str(desk.pk),
        "channel": "phone",
        "resolution": "nothing",
    }

    client_for(reporter).post(REPORT, data)

    incident = Incident.objects.get()
    assert incident.status == Status.SUBMITTED
    assert incident.priority != Priority.CRITICAL
    assert incident.owner is None
    assert incident.assignee is None
    assert incident.reporter == reporter
    assert incident.channel == "web"
    assert incident.resolution == ""


def test_the_report_page_needs_sign_in(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- help while filing


def test_rooms_are_grouped_by_site_without_script(client_for, reporter, site, room):
    RoomFactory(site=SiteFactory(name="Annexe"), name="Hall")

    page = client_for(reporter).get(REPORT).content.decode()

    assert '<optgroup label="Annexe">' in page
    assert '<optgroup label="Main building">' in page


def test_choosing_a_site_refines_the_rooms(client_for, reporter, site, room):
    RoomFactory(site=SiteFactory(name="Annexe"), name="Hall")

    response = client_for(reporter).get(REPORT, {"site": site.pk}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert 'id="room-field"' in page
    assert "Room 12" in page
    assert "Hall" not in page
    assert "<html" not in page


def test_equipment_search_finds_by_asset_tag_room_or_name(
    client_for, reporter, site, room, projector
):
    EquipmentFactory(
        site=site,
        room=RoomFactory(site=site, name="Library"),
        asset_tag="PR-9",
        name="Staff printer",
    )
    client = client_for(reporter)
    url = reverse("incidents:equipment_search")

    by_tag = client.get(url, {"equipment_query": "pj-00"}, HTTP_HX_REQUEST="true").content.decode()
    by_room = client.get(
        url, {"equipment_query": "room 12"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    by_name = client.get(url, {"equipment_query": "staff"}, HTTP_HX_REQUEST="true").content.decode()

    assert f'name="equipment" value="{projector.pk}"' in by_tag and "PR-9" not in by_tag
    assert "PJ-0012" in by_room and "PR-9" not in by_room
    assert "PR-9" in by_name and "PJ-0012" not in by_name


@pytest.mark.parametrize(
    "params",
    [
        {"equipment_query": "x" * 500},
        {"site": "junk"},
        {"equipment": "-1"},
        {"equipment_query": "%_%"},
    ],
)
def test_equipment_search_with_junk_is_an_empty_result(client_for, reporter, projector, params):
    response = client_for(reporter).get(reverse("incidents:equipment_search"), params)

    assert response.status_code == 200
    assert "PJ-0012" not in response.content.decode()


def test_picked_equipment_shows_its_recent_incidents(
    client_for, reporter, other_reporter, site, projector
):
    file_incident(
        other_reporter, site=site, equipment=projector, summary="Secret summary of someone else"
    )
    file_incident(other_reporter, site=site, equipment=projector)

    response = client_for(reporter).get(
        reverse("incidents:report_help"), {"equipment": projector.pk}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert "This projector had 2 incidents in the last 90 days" in page
    assert "Secret summary" not in page  # a count, never someone else's words


def test_matching_articles_are_offered_and_a_user_need_not_file(
    client_for, reporter, desk, projector
):
    from incidents.models import KnowledgeArticle

    KnowledgeArticle.objects.create(
        title="Projector says No signal",
        symptoms="The projector is on but shows No signal",
        body="Press the Source button until HDMI 1 is chosen.",
        created_by=desk,
    )
    KnowledgeArticle.objects.create(
        title="Draft: projector signal",
        symptoms="signal",
        body="x",
        created_by=desk,
        is_published=False,
    )

    page = (
        client_for(reporter)
        .get(
            reverse("incidents:report_help"),
            {"summary": "projector no signal"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert "This might fix it" in page
    assert "Projector says No signal" in page
    assert "Draft" not in page
    assert "Solved it?" in page and "You don't need to file anything" in page


def test_the_help_is_shown_again_when_the_sheet_comes_back_with_errors(
    client_for, reporter, other_reporter, site, projector
):
    file_incident(other_reporter, site=site, equipment=projector)

    page = (
        client_for(reporter)
        .post(REPORT, sheet_post(site=site, equipment=projector, happened=""))
        .content.decode()
    )

    assert "This projector had 1 incident in the last 90 days" in page
    assert f'value="{projector.pk}" id="equipment-{projector.pk}" checked' in page


def test_the_help_page_works_without_script(client_for, reporter, projector):
    response = client_for(reporter).get(
        reverse("incidents:report_help"), {"equipment": projector.pk}
    )

    page = response.content.decode()
    assert "<html" in page
    assert "No incidents with this projector in the last 90 days" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
)
def test_a_form_posted_five_times_at_once_makes_one_incident(reporter, site):
    data = sheet_post(site=site)
    barrier = threading.Barrier(5)
    locations = []

    def post():
        try:
            client = Client()
            client.force_login(reporter)
            barrier.wait()
            locations.append(client.post(REPORT, data)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    incident = Incident.objects.get()
    assert locations == [reverse("incidents:confirmation", args=[incident.reference])] * 5
    assert CallLogEntry.objects.filter(incident=incident).count() == 1
