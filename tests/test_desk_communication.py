"""Keeping everyone informed: messages to the user, internal notes, the full call log."""

import pytest

from incidents import workflow
from incidents.models import EntryKind, Event
from tests.desk_helpers import assigned, fresh, last_entry, notifications_for, post
from tests.factories import file_incident
from tests.html import parse


def test_desk_messages_the_user(client_for, desk, reporter, incident):
    response = post(client_for(desk), incident, "message_user", "message", text="We are on it.")

    assert response.status_code == 302
    entry = last_entry(incident)
    assert entry.kind == EntryKind.MESSAGE_TO_USER and entry.is_public
    assert entry.rendered == "We are on it."
    notification = notifications_for(reporter, incident, Event.MESSAGE).get()
    assert notification.body == "We are on it."


def test_internal_note_stays_internal(client_for, desk, reporter, incident):
    post(client_for(desk), incident, "add_note", "note", text="SENTINEL-secret")

    entry = last_entry(incident)
    assert entry.kind == EntryKind.NOTE and not entry.is_public
    assert not notifications_for(reporter).filter(body__contains="SENTINEL").exists()
    desk_page = client_for(desk).get(incident.get_absolute_url()).text
    assert "SENTINEL-secret" in desk_page
    reporter_page = client_for(reporter).get(incident.get_absolute_url()).text
    assert "SENTINEL-secret" not in reporter_page


def test_technicians_may_write_notes_and_messages_too(client_for, desk, technician, reporter, site):
    incident = assigned(file_incident(reporter, site=site), desk, technician)
    client = client_for(technician)

    post(client, incident, "add_note", "note", text="Part ordered")
    post(client, incident, "message_user", "message", text="Coming at 2pm")

    assert last_entry(incident, kind=EntryKind.NOTE).rendered == "Part ordered"
    assert last_entry(incident, kind=EntryKind.MESSAGE_TO_USER).rendered == "Coming at 2pm"
    assert fresh(incident).owner_unread  # the owning desk is kept informed


@pytest.mark.parametrize("url_name,prefix", [("message_user", "message"), ("add_note", "note")])
def test_users_may_not_write_as_the_desk(client_for, reporter, incident, url_name, prefix):
    response = post(client_for(reporter), incident, url_name, prefix, text="hi")

    assert response.status_code == 403
    assert last_entry(incident).kind == EntryKind.FILED


def test_empty_message_is_refused(client_for, desk, incident):
    response = post(client_for(desk), incident, "message_user", "message", text=" ")

    assert response.status_code == 400
    assert "This field is required." in response.text


def test_call_log_shows_everything_in_order_with_internal_entries_marked(
    client_for, desk, reporter, incident
):
    workflow.incident_message_reporter(
        version=workflow.current_version(incident), incident=incident, by=desk, text="First, public"
    )
    workflow.incident_add_note(
        version=workflow.current_version(incident),
        incident=incident,
        by=desk,
        text="Second, internal",
    )
    workflow.incident_reporter_reply(
        version=workflow.current_version(incident),
        incident=incident,
        by=reporter,
        text="Third, from the user",
    )

    page = client_for(desk).get(incident.get_absolute_url()).text
    entries = parse(page).testid("call-log").find_all("li")
    texts = [entry.text for entry in entries]

    def position(text):
        return next(i for i, entry in enumerate(texts) if text in entry)

    assert position("First, public") < position("Second, internal") < position("Third, from")
    internal = entries[position("Second, internal")]
    assert "internal" in internal.attrs["class"].split()
    assert any(span.text == "Internal" for span in internal.find_all("span"))
    assert "internal" not in entries[position("First, public")].attrs.get("class", "").split()
