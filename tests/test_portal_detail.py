"""The reporter's page of an incident: the sheet as written, photos, the public call
log, the resolution, and the buttons the person may use now."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.models import Attachment, Incident
from tests.factories import file_incident
from tests.portal_helpers import accept, png_upload, return_to_user


def page_of(client, incident) -> str:
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_sheet_as_written(client_for, reporter, incident):
    page = page_of(client_for(reporter), incident)

    assert incident.reference in page
    assert "Printer prints blank pages" in page
    assert "What did you expect to happen?" in page
    assert "The printer to print my worksheet." in page
    assert "The power light was on but a blank page came out." in page
    assert "There is paper in the tray." in page
    assert "Yesterday afternoon" in page
    assert "I can talk it through with a technician" in page
    assert "When are you available?" in page
    assert "Period 3" in page
    assert "Received – the service desk will check it" in page
    assert "Main building" in page


def test_free_text_in_the_sheet_is_shown_as_text_not_markup(client_for, reporter, site):
    incident = file_incident(
        reporter,
        site=site,
        summary="<script>alert(1)</script>",
        sheet={"happened": '<img src=x onerror="alert(2)">'},
    )

    page = page_of(client_for(reporter), incident)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_photos_are_listed_with_links_through_the_access_checked_view(
    client_for, reporter, incident
):
    workflow.incident_attach(
        version=workflow.current_version(incident),
        incident=incident,
        by=reporter,
        photos=[_photo("error.png")],
    )
    attachment = Attachment.objects.get()

    page = page_of(client_for(reporter), incident)

    assert reverse("incidents:attachment", args=[incident.reference, attachment.pk]) in page
    assert "error.png" in page


def _photo(name):
    from incidents.uploads import clean_photos

    return clean_photos([png_upload(name)])[0]


def test_the_buttons_follow_what_the_person_may_do_now(client_for, reporter, desk, incident):
    client = client_for(reporter)
    fresh = page_of(client, incident)
    assert reverse("incidents:answer", args=[incident.reference]) not in fresh
    assert reverse("incidents:working_again", args=[incident.reference]) in fresh
    assert reverse("incidents:user_message", args=[incident.reference]) in fresh
    assert reverse("incidents:attach", args=[incident.reference]) in fresh
    assert reverse("incidents:reopen", args=[incident.reference]) not in fresh

    return_to_user(incident, desk, "Which printer is it?")
    waiting = page_of(client, incident)
    assert "The service desk needs your answer" in waiting
    assert "Which printer is it?" in waiting
    assert reverse("incidents:answer", args=[incident.reference]) in waiting


# ---------------------------------------------------------------- answering the desk


def test_answering_the_desks_question_sends_it_back_to_the_desk(
    client_for, reporter, desk, incident
):
    return_to_user(incident, desk, "Which printer is it?")
    client = client_for(reporter)

    response = client.post(
        reverse("incidents:answer", args=[incident.reference]),
        {"answer": "The one by the door.", "version": workflow.current_version(incident)},
    )

    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    incident.refresh_from_db()
    assert incident.status == "submitted"
    entry = incident.log.latest("id")
    assert (entry.kind, entry.rendered, entry.is_public) == (
        "message_from_user",
        "The one by the door.",
        True,
    )
    assert (entry.from_status, entry.to_status, entry.actor) == (
        "awaiting_user",
        "submitted",
        reporter,
    )
    notification = desk.notifications.get(event="user_answered")
    assert notification.incident == incident
    assert "The one by the door." in notification.body
    assert "The one by the door." in page_of(client, incident)


def test_an_empty_answer_is_shown_next_to_the_field(client_for, reporter, desk, incident):
    return_to_user(incident, desk)

    response = client_for(reporter).post(
        reverse("incidents:answer", args=[incident.reference]), {"answer": " "}
    )

    assert response.status_code == 200
    assert "Write your answer to the service desk" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "awaiting_user"


def test_answering_when_nothing_was_asked_changes_nothing(client_for, reporter, incident):
    response = client_for(reporter).post(
        reverse("incidents:answer", args=[incident.reference]),
        {"answer": "hello", "version": incident.version},
        follow=True,
    )

    incident.refresh_from_db()
    assert incident.status == "submitted"
    assert incident.log.count() == 1
    assert "cannot be done now" in response.content.decode()


# ---------------------------------------------------------------- it works again


def test_it_is_working_again_tells_the_desk_at_once(client_for, reporter, desk, incident):
    accept(incident, desk)
    client = client_for(reporter)

    client.post(
        reverse("incidents:working_again", args=[incident.reference]),
        {
            "note": "It came back after the network was fixed.",
            "version": workflow.current_version(incident),
        },
    )

    incident.refresh_from_db()
    assert incident.working_again_at is not None
    assert incident.working_again_note == "It came back after the network was fixed."
    assert incident.status == "logged"  # the desk closes it, as resolved itself
    entry = incident.log.latest("id")
    assert (entry.kind, entry.is_public, entry.actor) == ("working_again", True, reporter)
    assert "It came back after the network was fixed." in entry.rendered
    assert desk.notifications.filter(event="working_again", incident=incident).count() == 1
    page = page_of(client, incident)
    assert "You told the service desk it works again" in page
    assert reverse("incidents:working_again", args=[incident.reference]) not in page


def test_saying_it_works_again_twice_tells_the_desk_once(client_for, reporter, desk, incident):
    accept(incident, desk)
    client = client_for(reporter)
    url = reverse("incidents:working_again", args=[incident.reference])

    client.post(url, {"note": "", "version": workflow.current_version(incident)})
    client.post(url, {"note": "again", "version": workflow.current_version(incident)})

    assert incident.log.filter(kind="working_again").count() == 1
    assert desk.notifications.filter(event="working_again").count() == 1


def test_a_working_again_note_too_long_is_refused_with_a_message(client_for, reporter, incident):
    response = client_for(reporter).post(
        reverse("incidents:working_again", args=[incident.reference]), {"note": "x" * 501}
    )

    assert "at most 500 characters" in response.content.decode()
    assert Incident.objects.get().working_again_at is None


# ---------------------------------------------------------------- still not fixed


@pytest.fixture
def resolved(incident, desk, technician):
    accept(incident, desk)
    workflow.incident_request_technician(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        technician=technician,
    )
    workflow.incident_start(
        version=workflow.current_version(incident), incident=incident, by=technician
    )
    return workflow.incident_resolve(
        version=workflow.current_version(incident),
        incident=incident,
        by=technician,
        resolution="Replaced the toner.",
    )


def test_the_resolution_is_shown_with_the_not_fixed_form(client_for, reporter, resolved):
    page = page_of(client_for(reporter), resolved)

    assert "Replaced the toner." in page
    assert "Still not fixed?" in page
    assert reverse("incidents:reopen", args=[resolved.reference]) in page


def test_still_not_fixed_reopens_it_to_whoever_resolved_it(
    client_for, reporter, desk, technician, resolved
):
    client_for(reporter).post(
        reverse("incidents:reopen", args=[resolved.reference]),
        {"reason": "Still blank pages.", "version": resolved.version},
    )

    incident = Incident.objects.get()
    assert incident.status == "in_progress"
    assert incident.assignee == technician
    assert incident.reopen_count == 1
    entry = incident.log.latest("id")
    assert (entry.from_status, entry.to_status, entry.is_public) == (
        "resolved",
        "in_progress",
        True,
    )
    assert "Still blank pages." in entry.rendered
    assert technician.notifications.filter(event="reopened", incident=incident).exists()
    assert desk.notifications.filter(event="reopened", incident=incident).exists()


def test_still_not_fixed_needs_a_reason(client_for, reporter, resolved):
    response = client_for(reporter).post(
        reverse("incidents:reopen", args=[resolved.reference]), {"reason": ""}
    )

    assert "Tell us what is still wrong." in response.content.decode()
    assert Incident.objects.get().status == "resolved"


def test_still_not_fixed_is_refused_after_the_reopen_window(
    client_for, reporter, resolved, settings
):
    Incident.objects.filter(pk=resolved.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.REOPEN_WINDOW_DAYS + 1)
    )
    client = client_for(reporter)

    page = page_of(client, resolved)
    response = client.post(
        reverse("incidents:reopen", args=[resolved.reference]),
        {"reason": "Broken", "version": resolved.version},
        follow=True,
    )

    assert reverse("incidents:reopen", args=[resolved.reference]) not in page
    assert "report it again" in page
    assert Incident.objects.get().status == "resolved"
    assert "please file a new incident sheet" in response.content.decode()


def test_a_closed_incident_shows_the_resolution_that_was_implemented(
    client_for, reporter, desk, resolved
):
    workflow.incident_close(
        version=workflow.current_version(resolved), incident=resolved, by=desk, code="fixed"
    )

    page = page_of(client_for(reporter), resolved)

    assert "Closed: fixed" in page
    assert "Replaced the toner." in page
    assert reverse("incidents:user_message", args=[resolved.reference]) not in page
    assert reverse("incidents:attach", args=[resolved.reference]) not in page


# ---------------------------------------------------------------- messages and photos


def test_a_message_while_open_goes_into_the_call_log_and_to_the_owner(
    client_for, reporter, desk, incident
):
    accept(incident, desk)

    client_for(reporter).post(
        reverse("incidents:user_message", args=[incident.reference]),
        {"text": "It is now making a noise.", "version": workflow.current_version(incident)},
    )

    entry = Incident.objects.get().log.latest("id")
    assert (entry.kind, entry.rendered, entry.is_public) == (
        "message_from_user",
        "It is now making a noise.",
        True,
    )
    assert desk.notifications.filter(event="message", incident=incident).exists()
    assert Incident.objects.get().owner_unread is True


def test_an_empty_message_is_refused_with_a_message(client_for, reporter, incident):
    response = client_for(reporter).post(
        reverse("incidents:user_message", args=[incident.reference]), {"text": ""}
    )

    assert "Write your message first." in response.content.decode()
    assert incident.log.count() == 1


def test_photos_can_be_added_while_open(client_for, reporter, incident):
    response = client_for(reporter).post(
        reverse("incidents:attach", args=[incident.reference]),
        {"photos": [png_upload("later.png")], "version": incident.version},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.uploaded_by) == ("later.png", reporter)
    entry = incident.log.latest("id")
    assert (entry.kind, entry.is_public) == ("attachment", True)
    assert "later.png" in entry.rendered


def test_a_bad_photo_added_later_says_why(client_for, reporter, incident):
    response = client_for(reporter).post(
        reverse("incidents:attach", args=[incident.reference]),
        {"photos": [png_upload("ok.png"), _fake("virus.png")]},
    )

    assert "virus.png was not accepted" in response.content.decode()
    assert not Attachment.objects.exists()


def _fake(name):
    from tests.portal_helpers import upload

    return upload(name, b"MZ\x90\x00 not a picture")


def test_adding_no_photo_asks_for_one(client_for, reporter, incident):
    response = client_for(reporter).post(reverse("incidents:attach", args=[incident.reference]), {})

    assert "Choose at least one photo." in response.content.decode()


def test_actions_are_post_only(client_for, reporter, incident):
    client = client_for(reporter)
    for name in ["answer", "working_again", "reopen", "user_message", "attach"]:
        assert (
            client.get(reverse(f"incidents:{name}", args=[incident.reference])).status_code == 405
        )
    assert Incident.objects.get().log.count() == 1
